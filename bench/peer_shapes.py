#!/usr/bin/env python3
"""In-process benchmark of this app on the shapes measured on the peer, django-survey-and-report 1.5.0
(a 100-question survey of 5 pages of 20 questions on Django 5.2), for ratios taken in one run on one
machine. The peer's own harness runs its side; this file is this app's side, kept in the repository
because it follows the app's URLs and forms (e.g. the autosave of the page script's whole queue in one
request). docs/performance.md records the ratios and how they were taken.

Prerequisite: a clone of the app with its venv and demo data, by default in /tmp/ours-bench:

    git clone -q <main repository> /tmp/ours-bench && cd /tmp/ours-bench \
      && python3 -m venv .venv && .venv/bin/pip install -q -r requirements-dev.txt \
      && .venv/bin/python manage.py setup_demo

Run with the app's venv python:

    /tmp/ours-bench/.venv/bin/python bench/peer_shapes.py [--app /tmp/ours-bench] [--reps 30] [--warmup 5] [--out FILE]

Same method as the peer harness:
  * throwaway copies of the app's db.sqlite3 under /tmp/ours-bench-run-* (SQLite backup API; the base DB
    is never written): one for the SME shapes and the PDF, one seeded with
    `manage.py seed_demo --enterprises N` for the officials' exports (N chosen so that exactly
    --n-submissions submitted/returned/accepted assessments of the latest year exist);
  * django.test.Client in-process (full middleware stack, DEBUG=False, Host: localhost; the test client
    skips CSRF checks), users logged in with force_login outside the timed section;
  * time.perf_counter over --reps timed repetitions after --warmup un-timed ones; timed runs are not
    instrumented; SQL counts come from --count-runs further identical runs under CaptureQueriesContext
    (cross-checked with an execute_wrapper counter);
  * checks after every run (status codes, redirect targets, rendered fields, stored answers equal to what
    was posted, row counts, CSV rows and columns, PDF header);
  * one JSON document on stdout, one progress line per measurement on stderr.

p95 is the nearest-rank 95th percentile (with 30 samples: the 29th smallest).
"""

import argparse
import atexit
import csv
import datetime
import io
import json
import math
import os
import platform
import re
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import traceback
from decimal import Decimal
from html import unescape
from time import perf_counter

REVIEW_STATUSES = ("submitted", "returned", "accepted")
HOST = "localhost"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--app",
        default=os.environ.get("OURS_APP", "/tmp/ours-bench"),
        help="the app's checkout with .venv and db.sqlite3 (default /tmp/ours-bench)",
    )
    p.add_argument("--reps", type=int, default=30, help="timed repetitions per web operation (default 30)")
    p.add_argument("--warmup", type=int, default=5, help="un-timed warm-up runs per operation (default 5)")
    p.add_argument("--count-runs", type=int, default=3, help="instrumented runs for SQL counts (default 3)")
    p.add_argument(
        "--n-submissions",
        type=int,
        default=1000,
        help="submitted assessments of the latest year in the export DB (default 1000)",
    )
    p.add_argument("--export-reps", type=int, default=5, help="timed repetitions of each export (default 5)")
    p.add_argument(
        "--export-warmup",
        type=int,
        default=1,
        help="warm-up runs of each export; the last one is the instrumented (SQL count) run",
    )
    p.add_argument("--out", help="also write the JSON here")
    p.add_argument("--keep", action="store_true", help="keep the throwaway DB directory")
    return p.parse_args()


ARGS = parse_args()
APP = os.path.abspath(ARGS.app)
BASE_DB = os.path.join(APP, "db.sqlite3")
PY = sys.executable
if not os.path.exists(BASE_DB):
    sys.exit(f"{BASE_DB} missing: set up the app first (see this file's docstring)")
if not os.path.exists(os.path.join(APP, "manage.py")):
    sys.exit(f"{APP} is not the app's checkout")


def log(msg):
    print(f"[ours-bench] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Throwaway DB copies, the seeded export DB, static files; then Django setup
# --------------------------------------------------------------------------------------
WORKDIR = tempfile.mkdtemp(prefix="ours-bench-run-", dir="/tmp")
if not ARGS.keep:
    atexit.register(shutil.rmtree, WORKDIR, True)
WORK_DB = os.path.join(WORKDIR, "web.sqlite3")
EXPORT_DB = os.path.join(WORKDIR, "export.sqlite3")


def copy_db(src, dst):
    s = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    d = sqlite3.connect(dst)
    s.backup(d)
    d.close()
    s.close()


copy_db(BASE_DB, WORK_DB)
copy_db(BASE_DB, EXPORT_DB)
os.makedirs(os.path.join(WORKDIR, "static"))

ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
    "ALLOWED_HOSTS": "localhost,127.0.0.1",
    # Plain HTTP in-process: no TLS redirect, no Secure-only cookies (as the app's bench/load.py does).
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "LOG_LEVEL": "ERROR",
    # An existing, empty static root (WhiteNoise scans it); pages are served with plain static storage, below.
    "STATIC_ROOT": os.path.join(WORKDIR, "static"),
    "MEDIA_ROOT": os.path.join(WORKDIR, "media"),
}


def manage(*cmd, db):
    env = dict(os.environ, **ENV, DATABASE_URL=f"sqlite:///{db}")
    t0 = perf_counter()
    out = subprocess.run([PY, "manage.py", *cmd], cwd=APP, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"manage.py {' '.join(cmd)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout.strip(), perf_counter() - t0


def latest_year(db):
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    (year,) = c.execute("select max(year) from assessment_assessment").fetchone()
    c.close()
    return year


def review_count(db, year):
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    (n,) = c.execute(
        "select count(*) from assessment_assessment where year = ? and status in (?, ?, ?)",
        (year, *REVIEW_STATUSES),
    ).fetchone()
    c.close()
    return n


def enterprise_count(db):
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    (n,) = c.execute("select count(*) from assessment_enterprise").fetchone()
    c.close()
    return n


EXPORT_YEAR = latest_year(BASE_DB)
N = ARGS.n_submissions
seed_log = []
# seed_demo gives every generated enterprise a submission of the latest year; the demo's own enterprises
# without one (the SME manager's draft) are made up for by more enterprises (checked, and topped up, below).
n_enterprises = N + enterprise_count(BASE_DB) - review_count(BASE_DB, EXPORT_YEAR)
for _attempt in range(4):
    log(f"seed_demo --enterprises {n_enterprises} into the export copy (not timed as a benchmark)")
    out, secs = manage("seed_demo", "--enterprises", str(n_enterprises), "-v", "1", db=EXPORT_DB)
    seed_log.append(
        {
            "enterprises": n_enterprises,
            "seconds": round(secs, 1),
            "output": out.splitlines()[0] if out else "",
        }
    )
    have = review_count(EXPORT_DB, EXPORT_YEAR)
    if have == N:
        break
    if have > N:  # overshot (the demo's own enterprises): start again from the base copy with fewer
        copy_db(BASE_DB, EXPORT_DB)
    n_enterprises += N - have
if have != N:
    sys.exit(f"export DB has {have} submissions of {EXPORT_YEAR}, wanted {N}")

os.environ.update(ENV)
os.environ["DATABASE_URL"] = f"sqlite:///{WORK_DB}"
sys.path.insert(0, APP)
os.chdir(APP)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

# With DEBUG=False the app's settings select WhiteNoise's CompressedManifestStaticFilesStorage, whose
# manifest comes from `collectstatic`, and collectstatic fails on this app: the vendored
# bootstrap.bundle.min.js names a source map (bootstrap.bundle.min.js.map) that is not shipped
# (whitenoise MissingFileError). Pages are therefore rendered with Django's plain StaticFilesStorage (what
# the app's own test settings use): {% static %} joins STATIC_URL instead of looking up a hashed name.
STATIC_STORAGE_NOTE = (
    "static storage overridden to django.contrib.staticfiles.storage.StaticFilesStorage: collectstatic with "
    "the production CompressedManifestStaticFilesStorage fails (vendor/bootstrap/bootstrap.bundle.min.js "
    "references the missing bootstrap.bundle.min.js.map)"
)
override_settings(
    STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
).enable()
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from assessment.forms.answers import field_for  # noqa: E402
from assessment.models import Answer, Assessment, Membership, User  # noqa: E402
from assessment.selectors.assessments import assessment_definitions, build_sections, question_index  # noqa: E402
from assessment.services.assessments import assessment_create  # noqa: E402
from questionnaires.question_types import products_text  # noqa: E402
from tests.factories import EnterpriseFactory  # noqa: E402

assert settings.DATABASES["default"]["NAME"] == WORK_DB, "refusing to run against the base DB"
assert os.path.realpath(WORK_DB) != os.path.realpath(BASE_DB)
assert settings.DEBUG is False

NOTES = [STATIC_STORAGE_NOTE]


# --------------------------------------------------------------------------------------
# Helpers (bench() is the peer harness's, unchanged in method)
# --------------------------------------------------------------------------------------
class CheckFailed(AssertionError):
    pass


def check(cond, msg):
    if not cond:
        raise CheckFailed(msg)


def summarize(samples_ms):
    s = sorted(samples_ms)
    n = len(s)
    if not n:
        return {"n": 0}
    return {
        "n": n,
        "median_ms": round(statistics.median(s), 3),
        "p95_ms": round(s[max(0, math.ceil(0.95 * n) - 1)], 3),
        "min_ms": round(s[0], 3),
        "max_ms": round(s[-1], 3),
        "mean_ms": round(statistics.fmean(s), 3),
    }


def bench(op, *, reps, warmup, count_runs, prepare=None, verify=None):
    """prepare(phase) -> ctx  (untimed); op(ctx) -> result (timed); verify(ctx, result) (untimed).

    phase is 'warmup', 'timed' or 'count'. Timed runs have no query capture; the SQL count comes from
    `count_runs` further identical runs under CaptureQueriesContext (plus an execute_wrapper counter).
    With count_runs == 0 (slow operations) the last warm-up run is the instrumented one.
    """
    plan = [("warmup", False)] * warmup + [("timed", False)] * reps + [("count", True)] * count_runs
    if count_runs == 0 and warmup:
        plan[warmup - 1] = ("warmup", True)
    times = []
    counts = []
    marker_counts = []
    count_source = ["CaptureQueriesContext"]
    for phase, instrumented in plan:
        ctx = prepare(phase) if prepare else {}
        ctx["phase"] = phase
        if instrumented:
            n_exec = [0]

            def counter(execute, sql, params, many, context, n_exec=n_exec):
                n_exec[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counter), CaptureQueriesContext(connection) as cq:
                result = op(ctx)
            if n_exec[0] + 1000 < connection.queries_limit:
                # CaptureQueriesContext also lists COMMIT/ROLLBACK markers (one per transaction: with many
                # requests per operation there are more than the peer's 5); the wrapper does not.
                markers = sum(1 for q in cq.captured_queries if q["sql"] in ("COMMIT", "ROLLBACK"))
                check(
                    len(cq) == n_exec[0] + markers,
                    f"query counters disagree: {len(cq)} vs {n_exec[0]} + {markers}",
                )
                counts.append(len(cq))
                marker_counts.append(markers)
            else:
                counts.append(n_exec[0])
                count_source[0] = (
                    f"execute_wrapper (CaptureQueriesContext log is capped at {connection.queries_limit})"
                )
        else:
            t0 = perf_counter()
            result = op(ctx)
            dt = perf_counter() - t0
            if phase == "timed":
                times.append(dt * 1000.0)
        if verify:
            verify(ctx, result)
    out = summarize(times)
    if counts:
        out["sql_queries"] = (
            counts[0] if len(set(counts)) == 1 else {"runs": counts, "median": statistics.median(counts)}
        )
        if count_source[0] != "CaptureQueriesContext":
            out["sql_count_source"] = count_source[0]
        if marker_counts:
            out["sql_commit_markers_included"] = statistics.median(marker_counts)
    out["checks"] = f"passed on all {len(plan)} runs ({warmup} warm-up, {reps} timed, {count_runs} counted)"
    return out


class _Results(dict):
    """Logs each finished measurement to stderr (progress); the JSON goes to stdout at the end."""

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        brief = {k: value.get(k) for k in ("median_ms", "p95_ms", "sql_queries", "error") if k in value}
        log(f"{key}: {brief}")


RESULTS = _Results()
FAILED = []


def timed(op, **hooks):
    """The measurement of `op` with the run's repetitions (bench's prepare and verify in `hooks`)."""
    return lambda: bench(op, reps=ARGS.reps, warmup=ARGS.warmup, count_runs=ARGS.count_runs, **hooks)


def measure(key, fn, **extra):
    """Run one measurement; a failure is recorded (with its traceback tail) and the bench goes on."""
    try:
        out = fn()
    except Exception as exc:
        FAILED.append(key)
        out = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc().splitlines()[-6:]}
    out.update(extra)
    RESULTS[key] = out
    return out


_seq = [0]


def new_user(prefix):
    _seq[0] += 1
    return User.objects.create_user(username=f"{prefix}-{_seq[0]:05d}")  # unusable password, no hashing


def logged_client(user):
    c = Client(HTTP_HOST=HOST)
    c.force_login(user)
    return c


# --------------------------------------------------------------------------------------
# Fixture facts: the demo SME, the page list, valid answers (the app's shipped demo answers)
# --------------------------------------------------------------------------------------
DEMO = json.loads(open(os.path.join(APP, "reports", "demo_answers.json"), encoding="utf-8").read())
DEMO_ANSWERS = DEMO["answers"]
DEMO_ENT = DEMO["enterprise"]
YEAR = EXPORT_YEAR  # the demo draft's year (latest year)

sme_manager = User.objects.get(username="sme_manager")
demo_enterprise = sme_manager.membership.enterprise
demo_draft = (
    Assessment.objects.filter(enterprise=demo_enterprise, status__in=["draft", "returned"])
    .order_by("-year")
    .first()
)
check(demo_draft is not None, "no draft of the demo SME manager (run setup_demo)")
demo_done = (
    Assessment.objects.filter(enterprise=demo_enterprise, status__in=REVIEW_STATUSES)
    .order_by("-year")
    .first()
)
check(demo_done is not None, "no submitted assessment of the demo enterprise")


def new_sme(prefix, frameworks=None):
    """A fresh enterprise (the demo answers' facts: C14 dairy, small), its manager and an empty draft."""
    user = new_user(prefix)
    enterprise = EnterpriseFactory(
        name=f"基准测试企业{_seq[0]:05d}",
        city_code=DEMO_ENT["city_code"],
        industry_division=DEMO_ENT["industry_division"],
        employees=DEMO_ENT["employees"],
        revenue=Decimal(str(DEMO_ENT["revenue"])),
        main_products=DEMO_ENT.get("main_products", ""),
    )
    Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.MANAGER)
    assessment = assessment_create(
        enterprise=enterprise, year=YEAR, frameworks=frameworks, user=user, prefill=False
    )
    return user, assessment


def form_value(question, value):
    """(POST value, expected stored JSON) for a demo answer, as the page's form posts it."""
    kind = question.get("type")
    if isinstance(value, dict):  # per-product answer: the form posts one plain value for the question
        value = sorted(value.values(), key=str)[0]
    if kind == "yesno":
        return ("true" if value else "false"), bool(value)
    if kind == "multiple":
        return list(value), list(value)
    if kind == "products":
        return products_text(value), value
    if kind in ("number", "percentage"):
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        return text, value
    if kind == "level":
        return str(int(value)), int(value)
    return str(value), value


def plan_for(assessment):
    """Pages (sections) in order, and per page the posted fields / expected stored answers."""
    definitions = assessment_definitions(assessment)
    sections = build_sections(definitions)
    index = question_index(definitions)
    pages = []
    seen = set()
    expected = {}
    for s in sections:
        post, first = {}, {}
        for q in s.questions:
            code = q["code"]
            if code not in DEMO_ANSWERS or q.get("type") in ("computed", "file") or field_for(q) is None:
                continue
            value, stored = form_value(q, DEMO_ANSWERS[code])
            post[code] = value  # a browser posts every field of the page, shared ones again
            if code not in seen:
                seen.add(code)
                first[code] = value
                expected[code] = stored
        pages.append(
            {
                "key": s.key,
                "questions": len(s.questions),
                "fields": field_codes(s),
                "post": post,
                "first": first,
            }
        )
    return sections, index, pages, expected


def field_codes(section):
    return {q["code"] for q in section.questions if field_for(q) is not None}


def fill_url(pk, key):
    return reverse("assessment_fill", args=[pk, key])


def rendered_fields(html, candidates):
    names = set(re.findall(r'name="([^"]+)"', html))
    return names & candidates


def stored_answers(assessment_pk):
    return dict(Answer.objects.filter(assessment_id=assessment_pk).values_list("question_code", "value"))


def answers_diff(stored, expected):
    """'' when the stored answers are exactly the expected ones, else a short description."""
    problems = []
    missing, extra = set(expected) - set(stored), set(stored) - set(expected)
    if missing:
        problems.append(f"missing {sorted(missing)[:3]} ({len(missing)})")
    if extra:
        problems.append(f"extra {[(c, stored[c]) for c in sorted(extra)[:3]]} ({len(extra)})")
    for code, value in expected.items():
        if code not in stored:
            continue
        got = stored[code]
        if isinstance(value, list) and value and isinstance(value[0], dict):  # products
            same = [(p["name"], float(p["share"])) for p in got or []] == [
                (p["name"], float(p["share"])) for p in value
            ]
        else:
            same = got == value
        if not same:
            problems.append(f"{code}: stored {got!r}, posted {value!r}")
    return "; ".join(problems[:5])


def same_answers(stored, expected):
    return answers_diff(stored, expected) == ""


# Reference drafts (fresh SME, every framework = what the SME home page starts by default; green factory only)
_, ref_all = new_sme("ref-all")
SECTIONS_ALL, INDEX_ALL, PAGES_ALL, EXPECTED_ALL = plan_for(ref_all)
_, ref_gf = new_sme("ref-gf", ["green_factory"])
SECTIONS_GF, INDEX_GF, PAGES_GF, EXPECTED_GF = plan_for(ref_gf)
ALL_CODES = set(INDEX_ALL) | {c + "__reason" for c in INDEX_ALL}

PAGE_COUNTS = {s.key: len(s.questions) for s in SECTIONS_ALL}
PAGE_20 = min(SECTIONS_ALL, key=lambda s: (abs(len(s.questions) - 20), -len(s.questions)))
PAGE_BIG = max(SECTIONS_ALL, key=lambda s: len(s.questions))
P20 = next(p for p in PAGES_ALL if p["key"] == PAGE_20.key)
N20 = len(PAGE_20.questions)
NBIG = len(PAGE_BIG.questions)

# 100 answers for (c): the first 100 distinct demo answers in page order (plain values only)
C_CODES = [
    c
    for p in PAGES_ALL
    for c in p["first"]
    if INDEX_ALL[c].get("type") != "products" and not isinstance(DEMO_ANSWERS[c], dict)
][:100]
check(len(C_CODES) == 100, f"only {len(C_CODES)} answerable demo answers for (c)")
C_VALUES = {c: form_value(INDEX_ALL[c], DEMO_ANSWERS[c]) for c in C_CODES}
C_EXPECTED = {c: v[1] for c, v in C_VALUES.items()}
# The pages that introduce at least one of the 100 answers, in page order. Each POST carries every one of
# the 100 answers shown on that page, as a browser posts every field: a question shared with an earlier
# page is posted again with its (unchanged, so not rewritten) value; left out, the page's save would
# clear it (the form treats an absent field as an emptied one).
C_PAGES = []  # (section key, {code: post value})
_left = set(C_CODES)
for p in PAGES_ALL:
    if _left & set(p["first"]):
        C_PAGES.append((p["key"], {c: C_VALUES[c][0] for c in p["post"] if c in C_VALUES}))
        _left -= set(p["first"])
check(not _left, "page plan for (c) does not cover the 100 answers")
C_REPOSTED = sum(len(x) for _k, x in C_PAGES) - 100

FIXTURE = {
    "year": YEAR,
    "pages_every_framework": PAGE_COUNTS,
    "questions_every_framework": len(INDEX_ALL),
    "page_closest_to_20": {"key": PAGE_20.key, "questions": N20},
    "largest_page": {"key": PAGE_BIG.key, "questions": NBIG},
    "demo_draft": {"id": demo_draft.pk, "answers": Answer.objects.filter(assessment=demo_draft).count()},
    "answers_posted_every_framework": len(EXPECTED_ALL),
    "answers_posted_green_factory": len(EXPECTED_GF),
    "pages_green_factory": [p["key"] for p in PAGES_GF],
    "per_product_answers_posted_as_one_value": [
        c for c in EXPECTED_ALL if isinstance(DEMO_ANSWERS.get(c), dict)
    ],
    "note": "answers are the app's shipped demo answers (reports/demo_answers.json), posted as the page form does; "
    "a question shown on several pages is posted on each (a browser posts every field), stored once",
}
log(
    f"fixture: page ~20 = {PAGE_20.key} ({N20} q), largest = {PAGE_BIG.key} ({NBIG} q), "
    f"{len(EXPECTED_ALL)} answers for every framework / {len(EXPECTED_GF)} for green factory"
)


def verify_page(codes):
    def _v(ctx, r):
        check(r.status_code == 200, f"GET status {r.status_code}")
        got = rendered_fields(r.content.decode(), ALL_CODES)
        check(
            {c for c in got if not c.endswith("__reason")} == codes,
            "rendered question fields differ from expected",
        )

    return _v


# --------------------------------------------------------------------------------------
# (a) GET the page closest to 20 questions, fresh SME (no answers yet) / demo draft (pre-filled)
# --------------------------------------------------------------------------------------
user_a, draft_a = new_sme("a")
client_a = logged_client(user_a)
URL_A = fill_url(draft_a.pk, PAGE_20.key)
measure(
    f"a_get_page_{N20}q_fresh_draft",
    timed(lambda ctx: client_a.get(URL_A), verify=verify_page(field_codes(PAGE_20))),
    url=URL_A,
    questions=N20,
    page=PAGE_20.key,
    note="fresh enterprise and empty draft of every framework (the default start); no answers yet",
)

client_demo = logged_client(sme_manager)
URL_A2 = fill_url(demo_draft.pk, PAGE_20.key)


def shown_values(html, code):
    """The values the page shows in question `code`'s field: the checked options of its radios and
    checkboxes, the selected options of a select, a text input's value, a textarea's text."""
    shown = []
    name = re.escape(f'name="{code}"')
    for tag in re.findall(r"<input\b[^>]*" + name + r"[^>]*>", html):
        value = re.search(r'\bvalue="([^"]*)"', tag)
        kind = re.search(r'\btype="([^"]*)"', tag)
        if kind and kind.group(1) in ("radio", "checkbox"):
            if re.search(r"\schecked\b", tag) and value:
                shown.append(unescape(value.group(1)))
        elif kind and kind.group(1) == "hidden":
            continue
        elif value:
            shown.append(unescape(value.group(1)))
    for options in re.findall(r"<select\b[^>]*" + name + r"[^>]*>(.*?)</select>", html, re.S):
        shown += [unescape(v) for v in re.findall(r'<option\b[^>]*value="([^"]*)"[^>]*\bselected\b', options)]
    shown += [
        unescape(t).strip()
        for t in re.findall(r"<textarea\b[^>]*" + name + r"[^>]*>(.*?)</textarea>", html, re.S)
    ]
    return shown


def expected_shown(question, value):
    """What the field of `question` shows for the stored `value` (form_value's posted form), or None
    when this check cannot tell (a per-product answer is shown as one of its values)."""
    if isinstance(value, dict):
        return None
    posted, _stored = form_value(question, value)
    return sorted(posted) if isinstance(posted, list) else [posted]


# The page of (a2) shows the demo draft's stored answers: every answered question with a field
# (computed questions show their value, not an input) must show exactly its stored value.
PREFILLED_ON_PAGE = {
    q["code"]: expected_shown(q, value)
    for q in PAGE_20.questions
    if field_for(q) is not None and q.get("type") not in ("computed", "file")
    for value in [
        Answer.objects.filter(assessment=demo_draft, question_code=q["code"])
        .values_list("value", flat=True)
        .first()
    ]
    if value is not None and expected_shown(q, value) is not None
}
check(
    len(PREFILLED_ON_PAGE) >= N20 // 2,
    f"the demo draft answers only {len(PREFILLED_ON_PAGE)} of the {N20} questions of {PAGE_20.key}: not a pre-filled page",
)


def verify_prefilled(ctx, r):
    verify_page(field_codes(PAGE_20))(ctx, r)
    html = r.content.decode()
    wrong = {}
    for code, expected in PREFILLED_ON_PAGE.items():
        shown = shown_values(html, code)
        if sorted(shown) != expected:
            wrong[code] = (shown, expected)
    check(
        not wrong,
        f"the demo draft's answers are not all shown pre-filled (shown, stored): {dict(list(wrong.items())[:3])}",
    )


measure(
    f"a2_get_page_{N20}q_demo_draft_prefilled",
    timed(lambda ctx: client_demo.get(URL_A2), verify=verify_prefilled),
    url=URL_A2,
    questions=N20,
    note=f"the demo SME manager's draft ({FIXTURE['demo_draft']['answers']} answers): fields pre-filled",
)

# --------------------------------------------------------------------------------------
# (b) the largest page (the app has no whole-questionnaire page)
# --------------------------------------------------------------------------------------
URL_B = fill_url(draft_a.pk, PAGE_BIG.key)
measure(
    f"b_get_largest_page_{NBIG}q_fresh_draft",
    timed(lambda ctx: client_a.get(URL_B), verify=verify_page(field_codes(PAGE_BIG))),
    url=URL_B,
    questions=NBIG,
    note="largest page of the app (energy calculator, with the live energy balance); no single page holds a "
    "whole framework",
)
URL_B2 = fill_url(demo_draft.pk, PAGE_BIG.key)
measure(
    f"b2_get_largest_page_{NBIG}q_demo_draft_prefilled",
    timed(lambda ctx: client_demo.get(URL_B2), verify=verify_page(field_codes(PAGE_BIG))),
    url=URL_B2,
    questions=NBIG,
    note="as bench/pages.py measures it: the demo draft, every value computed",
)


# --------------------------------------------------------------------------------------
# (c) save 100 answers: autosave (what the page script sends, one question per request) and page POSTs
# --------------------------------------------------------------------------------------
def prep_fresh(prefix, frameworks=None):
    def _p(phase):
        u, a = new_sme(prefix, frameworks)
        return {
            "user": u,
            "assessment": a,
            "client": logged_client(u),
            "answers_before": Answer.objects.count(),
        }

    return _p


def op_autosave_100(ctx):
    # What static/js/fill.js sends when 100 answers are pending: ONE request, `question` repeated, each
    # answer's fields and its base (`<code>__seen`, empty: no answer seen before).
    c = ctx["client"]
    url = reverse("assessment_autosave", args=[ctx["assessment"].pk])
    data = {"question": C_CODES}
    for code in C_CODES:
        data[code] = C_VALUES[code][0]
        data[code + "__seen"] = ""
    return c.post(url, data)


def verify_autosave_100(ctx, r):
    check(r.status_code == 200, f"autosave: status {r.status_code}")
    body = r.json()
    check(body.get("ok") is True, f"autosave refused: {str(body)[:300]}")
    results = body.get("results") or []
    check([x.get("question") for x in results] == C_CODES, "expected one result per answer, in order")
    check(all(x.get("ok") is True for x in results), "every answer saved")
    diff = answers_diff(stored_answers(ctx["assessment"].pk), C_EXPECTED)
    check(not diff, f"stored answers differ from posted: {diff}")
    check(Answer.objects.count() == ctx["answers_before"] + 100, "expected exactly 100 new Answer rows")


measure(
    "c_autosave_100_answers",
    timed(op_autosave_100, prepare=prep_fresh("c1"), verify=verify_autosave_100),
    requests=1,
    note="one autosave POST with 100 answers (the page script's queue, as static/js/fill.js sends it) on a "
    "fresh draft; every "
    "reply ok, the 100 stored values equal the posted ones",
)


def op_page_posts_100(ctx):
    c = ctx["client"]
    pk = ctx["assessment"].pk
    return [c.post(fill_url(pk, key), {**part, "next": "next"}) for key, part in C_PAGES]


def next_page_url(pk, pages, key):
    keys = [p["key"] for p in pages]
    i = keys.index(key)
    return fill_url(pk, keys[i + 1]) if i + 1 < len(keys) else reverse("assessment_review", args=[pk])


def verify_page_posts_100(ctx, rs):
    pk = ctx["assessment"].pk
    for (key, _part), r in zip(C_PAGES, rs, strict=True):
        check(r.status_code == 302, f"POST {key}: status {r.status_code}")
        check(r["Location"] == next_page_url(pk, PAGES_ALL, key), f"POST {key}: redirect {r['Location']}")
    diff = answers_diff(stored_answers(pk), C_EXPECTED)
    check(not diff, f"stored answers differ from posted: {diff}")
    check(Answer.objects.count() == ctx["answers_before"] + 100, "expected exactly 100 new Answer rows")


measure(
    "c2_page_posts_100_answers",
    timed(op_page_posts_100, prepare=prep_fresh("c2"), verify=verify_page_posts_100),
    requests=len(C_PAGES),
    pages=[k for k, _ in C_PAGES],
    fields_posted=100 + C_REPOSTED,
    note="the same 100 answers through the pages' save button ('save and continue', 302 to the next page); "
    "a question shared with an earlier page is posted again, unchanged; the app has no single request "
    "for 100 answers",
)


def op_post_p20(ctx):
    return ctx["client"].post(fill_url(ctx["assessment"].pk, PAGE_20.key), {**P20["post"], "next": "next"})


def verify_post_p20(ctx, r):
    pk = ctx["assessment"].pk
    check(r.status_code == 302, f"POST status {r.status_code}")
    check(r["Location"] == next_page_url(pk, PAGES_ALL, PAGE_20.key), f"redirect {r['Location']}")
    expected = {c: EXPECTED_ALL[c] for c in P20["post"]}
    diff = answers_diff(stored_answers(pk), expected)
    check(not diff, f"stored answers differ from posted: {diff}")


measure(
    f"c3_post_one_page_{len(P20['post'])}_answers",
    timed(op_post_p20, prepare=prep_fresh("c3"), verify=verify_post_p20),
    page=PAGE_20.key,
    answers=len(P20["post"]),
    note="the page of (a) posted with every question answered; answers are written to the DB at once",
)


# --------------------------------------------------------------------------------------
# (d) full submission: every page POSTed, then submit
# --------------------------------------------------------------------------------------
def make_submit(pages):
    def op(ctx):
        c = ctx["client"]
        pk = ctx["assessment"].pk
        ctx["step_ms"] = []
        rs = []
        for p in pages:
            t0 = perf_counter()
            rs.append(c.post(fill_url(pk, p["key"]), {**p["post"], "next": "next"}))
            ctx["step_ms"].append((perf_counter() - t0) * 1000.0)
        t0 = perf_counter()
        rs.append(c.post(reverse("assessment_submit", args=[pk])))
        ctx["step_ms"].append((perf_counter() - t0) * 1000.0)
        return rs

    return op


def make_verify_submit(pages, expected, frameworks, steps):
    def verify(ctx, rs):
        pk = ctx["assessment"].pk
        for p, r in zip(pages, rs, strict=False):
            check(r.status_code == 302, f"POST {p['key']}: status {r.status_code}")
            check(
                r["Location"] == next_page_url(pk, pages, p["key"]),
                f"POST {p['key']}: redirect {r['Location']}",
            )
        check(rs[-1].status_code == 302, f"submit status {rs[-1].status_code}")
        check(
            rs[-1]["Location"] == reverse("assessment_results", args=[pk]),
            f"submit redirect {rs[-1]['Location']}",
        )
        a = Assessment.objects.get(pk=pk)
        check(
            a.status == "submitted" and a.total_score is not None and a.result,
            "assessment not submitted/scored",
        )
        check(a.framework_results.filter(validated=False).count() == frameworks, "framework results missing")
        diff = answers_diff(stored_answers(pk), expected)
        check(not diff, f"stored answers differ from posted: {diff}")
        if ctx["phase"] == "timed":
            for i, ms in enumerate(ctx["step_ms"]):
                steps.setdefault(i, []).append(ms)

    return verify


def submission(key, pages, expected, frameworks, prefix, fw_arg, note):
    steps = {}
    out = measure(
        key,
        timed(
            make_submit(pages),
            prepare=prep_fresh(prefix, fw_arg),
            verify=make_verify_submit(pages, expected, frameworks, steps),
        ),
        requests=len(pages) + 1,
        pages=len(pages),
        answers=len(expected),
        note=note,
    )
    if steps:
        med = [round(statistics.median(steps[i]), 3) for i in sorted(steps)]
        out["per_request_median_ms"] = {"page_posts": med[:-1], "submit": med[-1]}


submission(
    "d_full_submission_green_factory",
    PAGES_GF,
    EXPECTED_GF,
    1,
    "d",
    ["green_factory"],
    "one framework (green factory 2025): fresh draft, every page POSTed with 'save and continue', then submit "
    "(validation, energy balance, scoring, 10 recommendations, framework results, analytics refresh)",
)
submission(
    "d3_full_submission_every_framework",
    PAGES_ALL,
    EXPECTED_ALL,
    3,
    "d3",
    None,
    "the default start (green factory 2025, clean production generic, SME digital 2024): every page POSTed, "
    "then submit",
)


def op_flow(ctx):
    c = ctx["client"]
    pk = ctx["assessment"].pk
    rs = []
    for p in PAGES_GF:
        url = fill_url(pk, p["key"])
        rs.append((c.get(url), c.post(url, {**p["post"], "next": "next"})))
    rs.append((c.get(reverse("assessment_review", args=[pk])), None))
    s = c.post(reverse("assessment_submit", args=[pk]))
    rs.append((s, c.get(s["Location"])))
    return rs


def verify_flow(ctx, rs):
    pk = ctx["assessment"].pk
    for p, (g, r) in zip(PAGES_GF, rs, strict=False):
        check(g.status_code == 200, f"GET {p['key']}: {g.status_code}")
        check(
            {c for c in rendered_fields(g.content.decode(), ALL_CODES) if not c.endswith("__reason")}
            == p["fields"],
            f"fields of {p['key']} differ",
        )
        check(r.status_code == 302, f"POST {p['key']}: {r.status_code}")
    check(rs[len(PAGES_GF)][0].status_code == 200, "review page")
    s, res = rs[-1]
    check(
        s.status_code == 302 and s["Location"] == reverse("assessment_results", args=[pk]), "submit redirect"
    )
    check(res.status_code == 200, f"results page {res.status_code}")
    check(Assessment.objects.get(pk=pk).status == "submitted", "not submitted")
    diff = answers_diff(stored_answers(pk), EXPECTED_GF)
    check(not diff, f"stored answers differ from posted: {diff}")


measure(
    "d2_full_flow_green_factory_get_and_post_each_page_review_submit_results",
    timed(op_flow, prepare=prep_fresh("d2", ["green_factory"]), verify=verify_flow),
    requests=2 * len(PAGES_GF) + 3,
    note="browser-like without the page script: GET+POST each of the pages, GET review, POST submit, GET results "
    "(the autosave and state requests the script would add are not included)",
)

# --------------------------------------------------------------------------------------
# (f) PDF report of the demo enterprise (the peer's PDF export needs xelatex and fails here)
# --------------------------------------------------------------------------------------
URL_PDF = reverse("assessment_report_pdf", args=[demo_done.pk])
PDF_INFO = {}


def make_verify_pdf(lang):
    def verify(ctx, r):
        check(r.status_code == 200, f"PDF status {r.status_code}")
        check(r["Content-Type"] == "application/pdf", f"content type {r['Content-Type']}")
        check(r.content[:5] == b"%PDF-" and len(r.content) > 20000, "not a PDF")
        if ctx["phase"] == "count":
            from pypdf import PdfReader

            PDF_INFO[lang] = {"bytes": len(r.content), "pages": len(PdfReader(io.BytesIO(r.content)).pages)}

    return verify


for lang in ("zh-hans", "en"):
    measure(
        f"f_pdf_report_demo_enterprise_{lang}",
        lambda lang=lang: bench(
            lambda ctx: client_demo.get(URL_PDF, {"lang": lang}),
            reps=ARGS.reps,
            warmup=ARGS.warmup,
            count_runs=ARGS.count_runs,
            verify=make_verify_pdf(lang),
        ),
        url=URL_PDF,
        assessment={"id": demo_done.pk, "year": demo_done.year, "status": demo_done.status},
    )
    if lang in PDF_INFO:
        RESULTS[f"f_pdf_report_demo_enterprise_{lang}"].update(PDF_INFO[lang])

# --------------------------------------------------------------------------------------
# (e) officials' exports with N submitted assessments of the latest year: switch to the seeded copy
# --------------------------------------------------------------------------------------
connection.close()
connection.settings_dict["NAME"] = EXPORT_DB
check(Assessment.objects.filter(year=YEAR, status__in=REVIEW_STATUSES).count() == N, "export DB count")
official = User.objects.get(username="province_official")
client_off = logged_client(official)
URL_CSV = reverse("officials_export", args=["csv"])
URL_XLSX = reverse("officials_export", args=["xlsx"])
EXPECTED_ROWS = {
    (uscc, year): score
    for uscc, year, score in Assessment.objects.filter(year=YEAR, status__in=REVIEW_STATUSES).values_list(
        "enterprise__uscc", "year", "total_score"
    )
}
check(len(EXPECTED_ROWS) == N, "one submission per enterprise and year expected")
CSV_SHAPE = {}


def export_op(url):
    """op(ctx): the official's export of the year at `url`, its streamed body read in full."""

    def op(ctx):
        r = client_off.get(url, {"year": YEAR})
        body = b"".join(r.streaming_content) if r.streaming else r.content
        return r, body

    return op


def verify_csv(ctx, res):
    r, body = res
    check(r.status_code == 200, f"CSV status {r.status_code}")
    check(r["Content-Type"].startswith("text/csv"), f"CSV content type {r['Content-Type']}")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header, data = rows[0], rows[1:]
    check(len(data) == N, f"CSV has {len(data)} data rows, expected {N}")
    check(all(len(row) == len(header) for row in data), "ragged CSV rows")
    i_uscc, i_year, i_score = 1, 5, 9
    got = {}
    for row in data:
        got[(row[i_uscc], int(row[i_year]))] = float(row[i_score]) if row[i_score] else None
    check(set(got) == set(EXPECTED_ROWS), "CSV rows are not the DB's submissions")
    check(
        all(got[k] == (None if v is None else float(v)) for k, v in EXPECTED_ROWS.items()),
        "CSV total scores differ from the DB",
    )
    CSV_SHAPE.update({"rows": len(data), "columns": len(header), "bytes": len(body)})


measure(
    f"e_csv_export_view_{N}_submissions",
    lambda: bench(
        export_op(URL_CSV), reps=ARGS.export_reps, warmup=ARGS.export_warmup, count_runs=0, verify=verify_csv
    ),
    url=f"{URL_CSV}?year={YEAR}",
    note="province official; streamed response consumed in full inside the timed section; no file cache",
)
RESULTS[f"e_csv_export_view_{N}_submissions"].update(CSV_SHAPE)
XLSX_SHAPE = {}


def verify_xlsx(ctx, res):
    r, body = res
    check(r.status_code == 200, f"XLSX status {r.status_code}")
    check(
        r["Content-Type"].startswith("application/vnd.openxmlformats"),
        f"XLSX content type {r['Content-Type']}",
    )
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(body), read_only=True)
    summary = wb.worksheets[0]
    rows = sum(1 for _ in summary.iter_rows(values_only=True))
    check(rows == N + 1, f"XLSX summary sheet has {rows} rows, expected {N + 1}")
    XLSX_SHAPE.update({"summary_rows": rows - 1, "sheets": len(wb.worksheets), "bytes": len(body)})
    wb.close()


measure(
    f"e2_xlsx_export_view_{N}_submissions",
    lambda: bench(
        export_op(URL_XLSX),
        reps=ARGS.export_reps,
        warmup=ARGS.export_warmup,
        count_runs=0,
        verify=verify_xlsx,
    ),
    url=f"{URL_XLSX}?year={YEAR}",
    note="built in the request (≤ EXPORT_DIRECT_MAX_ROWS); the peer has no XLSX",
)
RESULTS[f"e2_xlsx_export_view_{N}_submissions"].update(XLSX_SHAPE)

# (a) again, with the N submissions (and their enterprises) in the DB
user_a3, draft_a3 = new_sme("a3")
client_a3 = logged_client(user_a3)
measure(
    f"a3_get_page_{N20}q_fresh_draft_with_{N}_submissions_in_db",
    timed(
        lambda ctx: client_a3.get(fill_url(draft_a3.pk, PAGE_20.key)),
        verify=verify_page(field_codes(PAGE_20)),
    ),
)

# --------------------------------------------------------------------------------------
out = {
    "system": "绿智评 (ours)",
    "when_utc": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    "machine": {
        "nproc": os.cpu_count(),
        "loadavg": os.getloadavg(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    },
    "config": {
        "reps": ARGS.reps,
        "warmup": ARGS.warmup,
        "count_runs": ARGS.count_runs,
        "export_reps": ARGS.export_reps,
        "export_warmup": ARGS.export_warmup,
        "db": "SQLite (WAL), throwaway copies of " + BASE_DB,
        "debug": settings.DEBUG,
        "session_engine": settings.SESSION_ENGINE,
        "client": "django.test.Client in-process, Host: localhost, CSRF checks skipped by the test client",
        "p95": "nearest-rank",
        "app_commit": subprocess.run(
            ["git", "-C", APP, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip(),
    },
    "fixture": FIXTURE,
    "export_dataset": {
        "year": YEAR,
        "submissions": N,
        "seed_runs": seed_log,
        "note": "seed_demo into a copy of the demo DB (not timed as a benchmark)",
    },
    "results": RESULTS,
    "failed": FAILED,
    "notes": NOTES,
}
text = json.dumps(out, indent=2, ensure_ascii=False)
print(text)
if ARGS.out:
    with open(ARGS.out, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
connection.close()
if ARGS.keep:
    log(f"kept {WORKDIR}")
sys.exit(1 if FAILED else 0)
