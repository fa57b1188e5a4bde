"""Speed of the assessment workbook (docs/workbook.md): download and upload validation; prints medians.

    .venv/bin/python bench/workbook.py [--repeat 15]

The demo SME manager's three-framework draft (green factory 2025, generic clean production 2025, SME
digital 2024; `seed_demo` with one enterprise, in an in-memory SQLite database). Measured:
- export: `workbook_bytes` (the page's reads, writing every sheet, the data validations and the hidden
  sheets with openpyxl's write-only mode), as the download view runs it;
- upload validation: `workbook_check` on that workbook with three answers changed and one cell broken
  (pandas reads every sheet; each answer cell is cleaned by its question's form field, checked by the
  question's rules and the consistency rules), as the upload view runs it before the preview.
Wall time and CPU time of this process (the machine may be shared: CPU time is the steadier figure),
and the number of database queries. Budget: export ≤ 300 ms, upload validation ≤ 500 ms.
Figures go to docs/performance.md under "## Workbook".
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from assessment.demo import DemoContext, run_demo_steps  # noqa: E402
from assessment.models import Assessment, User  # noqa: E402
from assessment.selectors.workbook import workbook_bytes  # noqa: E402
from assessment.services.workbook import workbook_check  # noqa: E402

BUDGET_MS = {"export": 300, "upload validation": 500}


def _edited(data: bytes) -> bytes:
    """The workbook with three answers changed (a number, a yes/no, a choice) and one cell broken."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    done = 0
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in range(2, ws.max_row + 1):
            cell = ws[f"D{row}"]
            if cell.protection.locked is not False or done >= 4:
                continue
            if isinstance(cell.value, int | float) and done in (0, 3):
                cell.value = "not a number" if done == 3 else cell.value + 1
                done += 1
            elif cell.value in ("是", "否") and done == 1:
                cell.value = "否" if cell.value == "是" else "是"
                done += 1
            elif isinstance(cell.value, str) and done == 2 and "·" in cell.value:
                cell.value = "4" if not cell.value.startswith("4") else "3"
                done += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _measure(label: str, repeat: int, run) -> None:
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    with CaptureQueriesContext(connection) as queries:
        run()
    if os.environ.get("BENCH_SAMPLES"):
        print(label, [round(w * 1000) for w in wall], [round(c * 1000) for c in cpu])
    median = statistics.median(wall) * 1000
    p95 = sorted(wall)[int(0.95 * (len(wall) - 1))] * 1000
    cpu_median = statistics.median(cpu) * 1000
    budget = BUDGET_MS[label]

    def verdict(value: float) -> str:
        return "within" if value <= budget else "over"

    print(
        f"{label}: median {median:.0f} ms wall (p95 {p95:.0f} ms), {cpu_median:.0f} ms CPU, "
        f"{len(queries)} queries; budget {budget} ms: wall {verdict(median)}, CPU {verdict(cpu_median)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    call_command("migrate", verbosity=0)
    call_command("load_questionnaires", verbosity=0)
    call_command("load_factors", verbosity=0)
    run_demo_steps(DemoContext(enterprises=1))
    user = User.objects.get(username="sme_manager")
    draft = Assessment.objects.get(enterprise=user.membership.enterprise, status=Assessment.Status.DRAFT)
    data = workbook_bytes(draft, lang="zh-hans", user=user)
    edited = _edited(data)
    check = workbook_check(assessment=Assessment.objects.get(pk=draft.pk), data=edited)
    sheets = sum(1 for name in openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames)
    print(
        f"draft {draft.pk}: {sheets} sheets, {len(data):,} bytes; edited upload: {len(check.changes)} changes, "
        f"{len(check.errors)} error(s), {check.unchanged} unchanged"
    )

    def export() -> None:
        workbook_bytes(Assessment.objects.get(pk=draft.pk), lang="zh-hans", user=user)

    def validate() -> None:
        workbook_check(assessment=Assessment.objects.get(pk=draft.pk), data=edited)

    _measure("export", repeat, export)
    _measure("upload validation", repeat, validate)
    print(
        f"load average (1, 5, 15 min): {', '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
