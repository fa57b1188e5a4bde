"""Speed of the questionnaire engine on the shipped definition files; prints median timings.

    .venv/bin/python bench/questionnaires.py [--repeat 20]

validate: read + schema check of every file; resolve: bank resolution + content hash of every
framework; load: load_questionnaires into a fresh in-memory SQLite DB (first load, then an unchanged
reload); get_definition: a cached lookup. Figures go to docs/performance.md under "## Questionnaires".
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from questionnaires.definition import get_definition  # noqa: E402
from questionnaires.loader import (  # noqa: E402
    content_hash,
    load_definitions,
    read_definition_files,
    resolve_definitions,
    validate_definition_files,
)


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat
    files, _ = read_definition_files()
    call_command("migrate", verbosity=0)
    print(f"definition files: {len(files)}")
    print(f"validate (read + check all files): {median_ms(validate_definition_files, repeat):.1f} ms")
    print(
        "resolve + hash all frameworks: "
        f"{median_ms(lambda: [content_hash(d) for _n, d in resolve_definitions(files)], repeat):.1f} ms"
    )
    start = time.perf_counter()
    load_definitions()
    print(f"first load into an empty DB: {(time.perf_counter() - start) * 1000:.1f} ms")
    print(f"reload, nothing changed: {median_ms(load_definitions, max(3, repeat // 4)):.1f} ms")
    get_definition("green_factory", "2025")
    print(
        f"get_definition, cached: {median_ms(lambda: get_definition('green_factory', '2025'), 1000) * 1000:.1f} µs"
    )


if __name__ == "__main__":
    main()
