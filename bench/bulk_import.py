"""Officials' bulk import of enterprises: a list of N rows (default 1,000) read, checked and created.

    DATABASE_URL=postgresql://... .venv/bin/python manage.py migrate
    DATABASE_URL=postgresql://... .venv/bin/python bench/bulk_import.py [--rows 1000] [--repeat 3]

Each run, in this process, as the import page and the task worker do it: the province official's list
(xlsx, and the same as CSV) is read (`enterprise_import_upload`: pandas, the rows stored), checked for the
preview and confirmed (the enterprises, audit events and manager invitations created in one transaction,
one invitation e-mail task for the list enqueued when it commits, with the database task backend as in
production). Up to IMPORT_DIRECT_MAX_ROWS rows the check and the confirmation run in the requests
(`enterprise_import_check`, `enterprise_import_confirm`); above, in the tasks (`enterprise_import_run_check`,
`enterprise_import_run_confirm`, called here directly instead of by a worker), and the requests only show
the stored preview and queue the confirmation. Wall time, this process's CPU time and the number of
queries per step, and the totals in requests and in tasks; the database server's own CPU is not in the CPU
time. What a run created is deleted afterwards (enterprises of the bench's codes, their invitations, tasks
and audit events), so the bench can run on any database with the migrations applied. Figures go to
docs/performance.md, "## Bulk import of enterprises".
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from assessment import reference  # noqa: E402
from assessment.models import AuditEvent, Enterprise, EnterpriseImport, OfficialProfile, User  # noqa: E402
from assessment.services.enterprise_import import (  # noqa: E402
    enterprise_import_check,
    enterprise_import_confirm,
    enterprise_import_confirm_later,
    enterprise_import_current_preview,
    enterprise_import_run_check,
    enterprise_import_run_confirm,
    enterprise_import_upload,
)
from assessment.uscc import make_uscc  # noqa: E402

HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "所在地市",
    "行业大类",
    "从业人员（人）",
    "上年营业收入（万元）",
    "管理员邮箱",
]
OFFICIAL = "bench_import_official"
TASKS = ["send_invitation_emails", "check_enterprise_import", "confirm_enterprise_import"]


def rows(count: int) -> list[list[object]]:
    cities = [city for city in reference.CITIES]
    divisions = [division.code for division in reference.INDUSTRY_DIVISIONS]
    return [
        [
            f"黑龙江基准导入制造有限公司{n:05d}",
            make_uscc(region_code=cities[n % len(cities)].code, org_body=f"BK{n:06d}"),
            cities[n % len(cities)].zh,
            divisions[n % len(divisions)],
            10 + (n * 37) % 900,
            100 + (n * 7919) % 90000,
            f"bench.manager{n:05d}@example.com",
        ]
        for n in range(count)
    ]


def xlsx(data: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in data:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(data: list[list[object]]) -> bytes:
    lines = [",".join(HEADERS)] + [",".join(str(cell) for cell in row) for row in data]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def official() -> User:
    user, _created = User.objects.get_or_create(username=OFFICIAL, defaults={"display_name": "基准测试"})
    OfficialProfile.objects.get_or_create(user=user, defaults={"city_code": ""})
    return user


def clean_up(user: User, codes: list[str], since: datetime.datetime) -> None:
    DBTaskResult.objects.filter(
        task_path__in=[f"assessment.tasks.{name}" for name in TASKS], enqueued_at__gte=since
    ).delete()
    Enterprise.objects.filter(uscc__in=codes).delete()
    AuditEvent.objects.filter(actor=user, action__in=["enterprise.import", "invitation.create"]).delete()
    EnterpriseImport.objects.filter(uploaded_by=user).delete()


def step(name: str, function, results: dict[str, list[tuple[float, float, int]]]):
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        wall, cpu = time.perf_counter(), time.process_time()
        value = function()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    results.setdefault(name, []).append((wall, cpu, queries))
    return value


def run(count: int, fmt: str, results: dict) -> None:
    user = official()
    data = rows(count)
    codes = [str(row[1]) for row in data]
    since = timezone.now()
    clean_up(user, codes, since)
    content = xlsx(data) if fmt == "xlsx" else csv_bytes(data)
    try:
        batch = step(
            f"{fmt}: read and store (upload, request)",
            lambda: enterprise_import_upload(user=user, filename=f"list.{fmt}", data=content),
            results,
        )
        if batch.in_background:
            step(f"{fmt}: check every row (task)", lambda: enterprise_import_run_check(batch.pk), results)
            batch.refresh_from_db()
            preview = step(
                f"{fmt}: preview, stored (request)",
                lambda: enterprise_import_current_preview(batch=batch, official=user.official),
                results,
            )
            step(
                f"{fmt}: confirm, queued (request)",
                lambda: enterprise_import_confirm_later(
                    batch=batch, user=user, fingerprint=preview.fingerprint
                ),
                results,
            )
            done = step(
                f"{fmt}: confirm: check again, create (task)",
                lambda: enterprise_import_run_confirm(batch.pk, preview.fingerprint),
                results,
            )
        else:
            check = step(
                f"{fmt}: check every row (preview, request)",
                lambda: enterprise_import_check(rows=batch.rows, official=user.official),
                results,
            )
            assert len(check.valid) == count, check.errors[:3]
            done = step(
                f"{fmt}: confirm: check again, create (request)",
                lambda: enterprise_import_confirm(batch=batch, user=user, fingerprint=check.fingerprint),
                results,
            )
        assert done is not None and done.created_count == count, done and done.message
        (mails,) = DBTaskResult.objects.filter(task_path="assessment.tasks.send_invitation_emails").filter(
            enqueued_at__gte=since
        )
        assert len(mails.args_kwargs["args"][0]) == count
    finally:
        clean_up(user, codes, since)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[tuple[float, float, int]]] = {}
    for _ in range(args.repeat):
        for fmt in ("xlsx", "csv"):
            run(args.rows, fmt, results)
    print(
        f"{connection.vendor}, {args.rows} rows, {args.repeat} runs; median wall / CPU of this process, queries"
    )
    totals: dict[tuple[str, str], list[float]] = {}
    for name, samples in results.items():
        wall = statistics.median(sample[0] for sample in samples)
        cpu = statistics.median(sample[1] for sample in samples)
        print(f"  {name:52s} {wall:7.2f} s  {cpu:7.2f} s CPU  {samples[0][2]:6d} queries")
        where = "tasks" if name.endswith("(task)") else "requests"
        total = totals.setdefault((name.split(":")[0], where), [0.0, 0.0])
        total[0] += wall
        total[1] += cpu
    for (fmt, where), (wall, cpu) in totals.items():
        print(f"  {f'{fmt}: total in {where}':52s} {wall:7.2f} s  {cpu:7.2f} s CPU")
    print(f"  load average: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
