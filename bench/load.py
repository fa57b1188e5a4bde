"""Load test: gunicorn (2 sync workers) on PostgreSQL over loopback, simulated SMEs autosaving, then submitting.

    .venv/bin/python bench/load.py [--seconds 20] [--smes 40] [--clients 6] [--max-requests 20000]

What it does, and it stops by itself:
1. creates a throwaway PostgreSQL database (createdb on 127.0.0.1, user postgres, or --database-url),
   migrates it, loads the shipped questionnaires and factors, and creates --smes enterprises, each with a
   manager, a session and a draft holding the demo answers (reports/demo_answers.json);
2. starts `gunicorn config.wsgi -w 2 -b 127.0.0.1:<free port>` with DEBUG=false (production settings,
   plain HTTP on loopback);
3. runs --clients threads, each acting for its share of the SMEs: an autosave of a random number answer
   (POST with the session and CSRF cookies and the X-CSRFToken header, as the page script does) until
   --seconds have passed or --max-requests were sent;
4. every SME then submits once (a double click: two POSTs); the submits are timed separately;
5. prints throughput and latency percentiles, checks that nothing failed and that every SME submitted
   exactly once, stops gunicorn and drops the database.

Exit status 1 if any request failed (5xx, connection error, wrong answer). Figures: docs/performance.md,
"## Load". Only 127.0.0.1 is used; the client threads share the 2 cores with the server.

Capacity (`--rates 4,8,16,…`): instead of steps 3–4, an open-loop load: requests are sent at a fixed
rate whatever the answers' speed (as many independent users would), half page views (GET of a fill page
of a random SME, the heaviest page an SME opens while filling) and half autosaves (`--page-share`), for
`--step-seconds` per rate, rising. Per rate: requests sent and answered per second, median, p95 and p99
by kind. The sustained capacity is the highest rate whose p95 stays within `--p95-ms` (150) for both
kinds without a failure. With `--worker` the task worker (`manage.py db_worker`) runs beside gunicorn,
as in production (it is idle under this load: autosaves and page views enqueue nothing).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
SECRET = "load-" + "x" * 30 + secrets.token_hex(16)
AUTOSAVE_QUESTIONS = {
    # code: (low, high) within the question's range
    "dig24.q.devices_networked": (0, 50),
    "dig24.q.digital_investment_3y": (10, 500),
    "dig24.q.operating_cost_last_year": (1000, 9000),
    "energy.natural_gas_m3": (1000, 90000),
    "energy.water_intake_m3": (1000, 50000),
    "gf25.q.retrofit_investment_3y": (10, 400),
}


def server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": SECRET,
            "ALLOWED_HOSTS": HOST,
            # Plain HTTP on loopback: no TLS redirect and no Secure-only cookies for this bench.
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "LOG_LEVEL": "WARNING",
            # A throwaway static root, filled by collectstatic before gunicorn starts.
            "STATIC_ROOT": tempfile.mkdtemp(prefix="gzp-load-static-"),
        }
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Sme:
    assessment_id: int
    session_key: str
    csrf: str
    sections: tuple[str, ...] = ()


def prepare(smes: int) -> list[Sme]:
    """Runs in this process against DATABASE_URL (already set): schema, content, enterprises, drafts."""
    import io
    import json

    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils.crypto import get_random_string

    from assessment.models import Answer, Assessment, Membership
    from assessment.selectors.assessments import assessment_definitions, assessment_page, question_index
    from assessment.services.assessments import answers_save_many, assessment_create
    from tests.factories import EnterpriseFactory, UserFactory

    quiet = io.StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_questionnaires", stdout=quiet, stderr=quiet)
    call_command("load_factors", stdout=quiet)
    answers = json.loads((ROOT / "reports" / "demo_answers.json").read_text(encoding="utf-8"))["answers"]
    result: list[Sme] = []
    template: list[Answer] | None = None
    sections: tuple[str, ...] = ()
    for index in range(smes):
        enterprise = EnterpriseFactory(name=f"负载测试企业{index:05d}", industry_division="C14")
        user = UserFactory(username=f"load_m{index:05d}")
        Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.MANAGER)
        assessment = assessment_create(enterprise=enterprise, year=2025, user=user, prefill=False)
        if template is None:
            known = question_index(assessment_definitions(assessment))
            errors = answers_save_many(
                assessment=assessment, user=user, values={k: v for k, v in answers.items() if k in known}
            )
            assert not errors, errors
            template = list(Answer.objects.filter(assessment=assessment))
            sections = tuple(section.key for section in assessment_page(assessment).sections)
        else:
            Answer.objects.bulk_create(
                [
                    Answer(
                        assessment=assessment, question_code=a.question_code, value=a.value, updated_by=user
                    )
                    for a in template
                ]
            )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        result.append(Sme(assessment.pk, session.session_key, get_random_string(32), sections))
    assert Assessment.objects.filter(status=Assessment.Status.DRAFT).count() == smes
    from django.db import connections

    connections.close_all()
    return result


@dataclass
class Stats:
    autosave_ms: list[float] = field(default_factory=list)
    submit_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def post(port: int, path: str, sme: Sme, data: dict[str, str]) -> tuple[int, bytes, float]:
    body = urlencode(data)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={sme.session_key}; csrftoken={sme.csrf}",
        "X-CSRFToken": sme.csrf,
        "Host": HOST,
        "Referer": f"http://{HOST}:{port}/",
    }
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
    finally:
        connection.close()
    return response.status, payload, (time.perf_counter() - started) * 1000


def get(port: int, path: str, sme: Sme) -> tuple[int, bytes, float]:
    headers = {"Cookie": f"sessionid={sme.session_key}; csrftoken={sme.csrf}", "Host": HOST}
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        payload = response.read()
    finally:
        connection.close()
    return response.status, payload, (time.perf_counter() - started) * 1000


def one_request(port: int, smes: list[Sme], rng: random.Random, page_share: float) -> tuple[str, float, str]:
    """A page view or an autosave of a random SME: (kind, latency ms, failure or "")."""
    sme = rng.choice(smes)
    try:
        if rng.random() < page_share:
            section = rng.choice(sme.sections)
            status, payload, ms = get(port, f"/assessments/{sme.assessment_id}/fill/{section}/", sme)
            return "page", ms, "" if status == 200 and b"</html>" in payload else f"page {status}"
        code = rng.choice(list(AUTOSAVE_QUESTIONS))
        low, high = AUTOSAVE_QUESTIONS[code]
        data = {"question": code, code: str(rng.randint(low, high))}
        status, payload, ms = post(port, f"/assessments/{sme.assessment_id}/autosave/", sme, data)
        return "autosave", ms, "" if status == 200 and b'"ok": true' in payload else f"autosave {status}"
    except OSError as error:
        return "error", 0.0, f"connection: {error}"


def open_loop(port: int, smes: list[Sme], rate: float, seconds: float, page_share: float, seed: int) -> dict:
    """Requests sent at `rate` per second for `seconds` (each on its own thread, so a slow answer never
    holds the next request back); returns latencies by kind, failures and the time the last answer took."""
    from concurrent.futures import ThreadPoolExecutor

    rng = random.Random(seed)
    total = max(1, round(rate * seconds))
    results: list[tuple[str, float, str]] = []
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=256) as pool:
        futures = []
        for index in range(total):
            delay = started + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(one_request, port, smes, random.Random(rng.random()), page_share))
        for future in futures:
            results.append(future.result())
    elapsed = time.perf_counter() - started
    by_kind: dict[str, list[float]] = {"page": [], "autosave": []}
    failures = [failure for _kind, _ms, failure in results if failure]
    for kind, ms, failure in results:
        if not failure and kind in by_kind:
            by_kind[kind].append(ms)
    return {"sent": total, "elapsed": elapsed, "by_kind": by_kind, "failures": failures}


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes have used (Linux /proc; a process gone counts 0)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def gunicorn_workers(master: int) -> list[int]:
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                workers.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return workers


def db_backends() -> list[int]:
    """The PostgreSQL backends serving the bench database (gunicorn's persistent connections)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def capacity(port: int, smes: list[Sme], args: argparse.Namespace, master: int) -> bool:
    """Rising open-loop rates; prints one line per rate and the highest rate within the p95 budget, with
    the CPU the server used per request (gunicorn workers, PostgreSQL backends): on a shared machine the
    latencies say how busy it was, the CPU per request what a dedicated host would sustain."""
    print(f"load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sustained = 0.0
    over = 0
    for step, rate in enumerate(float(r) for r in args.rates.split(",")):
        app, db = gunicorn_workers(master), db_backends()
        before = cpu_seconds(app), cpu_seconds(db)
        figures = open_loop(port, smes, rate, args.step_seconds, args.page_share, seed=step)
        app_cpu = cpu_seconds(gunicorn_workers(master)) - before[0]
        db_cpu = cpu_seconds(db_backends()) - before[1]
        parts = []
        within = not figures["failures"]
        for kind, values in figures["by_kind"].items():
            if not values:
                continue
            p95 = percentile(values, 0.95)
            within = within and p95 <= args.p95_ms
            parts.append(
                f"{kind} n={len(values)} median {statistics.median(values):.0f} p95 {p95:.0f} "
                f"p99 {percentile(values, 0.99):.0f} ms"
            )
        answered = figures["sent"] / figures["elapsed"]
        per_request = 1000 / max(figures["sent"], 1)
        print(
            f"rate {rate:5.1f}/s: answered {answered:5.1f}/s; "
            + "; ".join(parts)
            + f"; CPU per request: app {app_cpu * per_request:.1f} ms, db {db_cpu * per_request:.1f} ms"
            + f"; failures {len(figures['failures'])}; load {os.getloadavg()[0]:.1f}"
            + ("" if within else "  OVER BUDGET")
        )
        for failure in figures["failures"][:3]:
            print("  " + failure)
        if within:
            sustained, over = rate, 0
        else:
            over += 1
            if over >= 2:
                break
    from django.db import connections

    connections.close_all()  # the backends' list was read through this process's connection
    print(
        f"sustained: {sustained:.1f} requests/s ({args.page_share:.0%} page views) with p95 <= {args.p95_ms:.0f} ms"
    )
    return sustained > 0


def autosave_worker(
    port: int, smes: list[Sme], deadline: float, budget: list[int], stats: Stats, seed: int
) -> None:
    rng = random.Random(seed)
    codes = list(AUTOSAVE_QUESTIONS)
    while time.monotonic() < deadline:
        with stats.lock:
            if budget[0] <= 0:
                return
            budget[0] -= 1
        sme = rng.choice(smes)
        code = rng.choice(codes)
        low, high = AUTOSAVE_QUESTIONS[code]
        value = str(rng.randint(low, high))
        try:
            status, payload, ms = post(
                port, f"/assessments/{sme.assessment_id}/autosave/", sme, {"question": code, code: value}
            )
        except OSError as error:
            with stats.lock:
                stats.failures.append(f"autosave: {error}")
            continue
        ok = status == 200 and b'"ok": true' in payload
        with stats.lock:
            stats.autosave_ms.append(ms)
            if not ok:
                stats.failures.append(f"autosave {status}: {payload[:200]!r}")


def submit_worker(port: int, smes: list[Sme], stats: Stats) -> None:
    for sme in smes:
        for _click in range(2):  # a double click: the second finds it submitted and redirects
            try:
                status, payload, ms = post(port, f"/assessments/{sme.assessment_id}/submit/", sme, {})
            except OSError as error:
                with stats.lock:
                    stats.failures.append(f"submit: {error}")
                continue
            with stats.lock:
                stats.submit_ms.append(ms)
                if status != 302:
                    stats.failures.append(f"submit {status}: {payload[:200]!r}")


def run_threads(targets: list[threading.Thread]) -> None:
    for thread in targets:
        thread.start()
    for thread in targets:
        thread.join()


def wait_for_server(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--smes", type=int, default=40)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database-url", help="an existing empty PostgreSQL database (default: a throwaway one)"
    )
    parser.add_argument("--rates", help="capacity mode: open-loop request rates per second, rising")
    parser.add_argument("--step-seconds", type=float, default=15)
    parser.add_argument("--page-share", type=float, default=0.5)
    parser.add_argument("--p95-ms", type=float, default=150)
    parser.add_argument("--worker", action="store_true", help="run the task worker beside gunicorn")
    args = parser.parse_args()
    # A TERM (e.g. from `timeout`) unwinds through the finally below: gunicorn stopped, database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    created = None
    database_url = args.database_url
    if database_url is None:
        created = f"gzp_load_{os.getpid()}"
        subprocess.run(["createdb", "-h", HOST, "-U", "postgres", created], check=True)
        database_url = f"postgresql://postgres@{HOST}:5432/{created}"
    env = server_env(database_url)
    os.environ.update(env)
    server = None
    worker = None
    try:
        started = time.perf_counter()
        smes = prepare(args.smes)
        setup_s = time.perf_counter() - started
        # Pages (the readiness check's login page too) link the hashed static files: the manifest must
        # exist, as in production (about a second).
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "-w",
                str(args.workers),
                "-b",
                f"{HOST}:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        wait_for_server(port, server)
        if args.worker:
            worker = subprocess.Popen([sys.executable, "manage.py", "db_worker"], cwd=ROOT, env=env)
        # The workers import Django after the socket opens: wait until one answers (slow on a busy machine).
        deadline = time.monotonic() + 180
        while True:
            try:
                if get(port, "/accounts/login/", smes[0])[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                print("gunicorn did not answer within 180 s")
                return 1
            time.sleep(1)
        # Warm-up (not measured): every worker imports, caches the definitions and opens its connection.
        warm = Stats()
        run_threads(
            [
                threading.Thread(
                    target=autosave_worker, args=(port, smes, time.monotonic() + 60, [4], warm, 100 + i)
                )
                for i in range(args.workers * 2)
            ]
        )
        if warm.failures:
            print("warm-up failed:", *warm.failures[:5], sep="\n  ")
            return 1
        if args.rates:
            print(
                f"setup: {args.smes} SMEs with drafts in {setup_s:.1f} s; gunicorn {args.workers} workers on "
                f"{HOST}:{port}{'; task worker running' if worker else ''}"
            )
            return 0 if capacity(port, smes, args, server.pid) else 1
        stats = Stats()
        load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        budget = [args.max_requests]
        deadline = time.monotonic() + args.seconds
        shares = [smes[i :: args.clients] or smes for i in range(args.clients)]
        load_started = time.perf_counter()
        run_threads(
            [
                threading.Thread(target=autosave_worker, args=(port, share, deadline, budget, stats, i))
                for i, share in enumerate(shares)
            ]
        )
        load_s = time.perf_counter() - load_started
        submit_started = time.perf_counter()
        run_threads(
            [
                threading.Thread(target=submit_worker, args=(port, share, stats))
                for share in [smes[i :: args.clients] for i in range(args.clients)]
                if share
            ]
        )
        submit_s = time.perf_counter() - submit_started

        import django  # noqa: F401  (already set up by prepare)
        from django.db import connections

        from assessment.models import Assessment, AuditEvent

        submitted = Assessment.objects.filter(status=Assessment.Status.SUBMITTED).count()
        submit_events = AuditEvent.objects.filter(action="assessment.submit").count()
        connections.close_all()

        autosaves = len(stats.autosave_ms)
        print(f"load average before the run: {load_before}")
        print(
            f"setup: {args.smes} SMEs with drafts in {setup_s:.1f} s; gunicorn {args.workers} workers on "
            f"{HOST}:{port}, {args.clients} client threads"
        )
        print(
            f"autosaves: {autosaves} in {load_s:.1f} s = {autosaves / load_s:.1f}/s; latency ms "
            f"median {statistics.median(stats.autosave_ms):.1f}, p95 {percentile(stats.autosave_ms, 0.95):.1f}, "
            f"p99 {percentile(stats.autosave_ms, 0.99):.1f}, max {max(stats.autosave_ms):.1f}"
        )
        print(
            f"submits: {len(stats.submit_ms)} POSTs (each SME twice) in {submit_s:.1f} s; latency ms median "
            f"{statistics.median(stats.submit_ms):.1f}, p95 {percentile(stats.submit_ms, 0.95):.1f}; "
            f"submitted {submitted}/{args.smes}, submit events {submit_events}"
        )
        print(f"failures: {len(stats.failures)}")
        for failure in stats.failures[:10]:
            print("  " + failure)
        ok = not stats.failures and submitted == args.smes and submit_events == args.smes
        return 0 if ok else 1
    finally:
        for process in (worker, server):
            if process is not None and process is not server:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if created:
            subprocess.run(["dropdb", "-h", HOST, "-U", "postgres", "--if-exists", created], check=False)


if __name__ == "__main__":
    sys.exit(main())
