"""Speed and size of the PDF improvement report; prints medians.

    .venv/bin/python bench/report.py [--repeat 15]

The full three-framework report of the shipped demo answers (reports/demo_answers.json: green factory
2025, generic clean production 2025, SME digital 2024) from the shipped definition files, in Chinese and
in English. Measured separately: composing the report data (energy calculator, scoring, ranking every
catalog action by simulated gain) and rendering the PDF from that data (reportlab, embedded subset CJK
font). The first render of a process also registers the font; it is reported on its own.
Budget: render ≤ 400 ms median, size ≤ 1.5 MB. Figures go to docs/performance.md under "## Report".
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django

django.setup()

from reports.data import compose_report  # noqa: E402
from reports.pdf import render_pdf  # noqa: E402
from tests.builders import demo_definitions, demo_file, demo_subject  # noqa: E402


def _median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.0f} ms (p95 {sorted(samples)[int(0.95 * (len(samples) - 1))] * 1000:.0f} ms)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    demo = demo_file()
    definitions = demo_definitions(demo)
    subject = demo_subject(demo)

    started = time.perf_counter()
    first = render_pdf(
        compose_report(
            subject=subject, definitions=definitions, answers=demo["answers"], generated=date(2026, 1, 1)
        )
    )
    print(
        f"first report of the process (font registration included): {(time.perf_counter() - started) * 1000:.0f} ms"
    )

    for lang in ("zh-hans", "en"):
        compose, render, sizes, pages = [], [], [], None
        for _ in range(repeat):
            t0 = time.perf_counter()
            data = compose_report(
                subject=subject,
                definitions=definitions,
                answers=demo["answers"],
                lang=lang,
                generated=date(2026, 1, 1),
            )
            t1 = time.perf_counter()
            pdf = render_pdf(data)
            t2 = time.perf_counter()
            compose.append(t1 - t0)
            render.append(t2 - t1)
            sizes.append(len(pdf))
            pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
        print(
            f"[{lang}] {len(data.frameworks)} frameworks, {len(data.actions)} actions ranked, ~{pages} pages"
        )
        print(
            f"  compose report data (energy, scoring, {len(data.actions)} what-ifs kept): {_median_ms(compose)}"
        )
        print(f"  render PDF (budget 400 ms):                           {_median_ms(render)}")
        print(
            f"  total:                                                {_median_ms([a + b for a, b in zip(compose, render, strict=True)])}"
        )
        print(
            f"  size (budget 1.5 MB):                                 {statistics.median(sizes) / 1024:.0f} KB"
        )
    del first


if __name__ == "__main__":
    main()
