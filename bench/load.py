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
            # An existing (empty) static root: no collectstatic needed for the JSON endpoints measured.
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
    from assessment.selectors.assessments import assessment_definitions, question_index
    from assessment.services.assessments import answers_save_many, assessment_create
    from tests.factories import EnterpriseFactory, UserFactory

    quiet = io.StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_questionnaires", stdout=quiet, stderr=quiet)
    call_command("load_factors", stdout=quiet)
    answers = json.loads((ROOT / "reports" / "demo_answers.json").read_text(encoding="utf-8"))["answers"]
    result: list[Sme] = []
    template: list[Answer] | None = None
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
        result.append(Sme(assessment.pk, session.session_key, get_random_string(32)))
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
    try:
        started = time.perf_counter()
        smes = prepare(args.smes)
        setup_s = time.perf_counter() - started
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
