#!/usr/bin/env python3
"""Machine instructions per GET of the peer's 20-question page (django-survey-and-report's first page
of the bench survey, a logged-in user without a response yet: the peer harness's shape a), counted
with callgrind as `bench/pages.py --callgrind N` counts this app's ~20-question page. The ratio of the
two counts does not depend on the machine's load.

Prerequisite: the peer harness's set-up (/work/shared/peer/setup.sh: /tmp/peer-venv, /tmp/peer-site).
Run with the peer's python (valgrind installed):

    /tmp/peer-venv/bin/python bench/peer_callgrind.py [--runs 5] [--site /tmp/peer-site]

The peer's database is copied to a throwaway file first (the base DB is never written); the page is
GET 3 times un-counted, then callgrind's instrumentation is switched on around `--runs` GETs.
"""

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = "PEER_CALLGRIND_OUT"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--site", default=os.environ.get("PEER_SITE", "/tmp/peer-site"))
    args = parser.parse_args()
    out = os.environ.get(OUT)
    if out is None:  # the parent: run this script under valgrind, read the total
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "callgrind.out")
            subprocess.run(
                [
                    "valgrind",
                    "--tool=callgrind",
                    "--instr-atstart=no",
                    f"--callgrind-out-file={out}",
                    sys.executable,
                    __file__,
                    "--runs",
                    str(args.runs),
                    "--site",
                    args.site,
                ],
                env={**os.environ, OUT: out},
                check=True,
                stderr=subprocess.DEVNULL,
            )
            totals = next(line for line in Path(out).read_text().splitlines() if line.startswith("totals:"))
        per_get = int(totals.split()[1]) / args.runs
        print(
            f"peer, 20-question page: {per_get / 1e6:.1f} million instructions per GET (callgrind, {args.runs} GETs)"
        )
        return

    work = tempfile.mkdtemp(prefix="peer-callgrind-", dir="/tmp")
    try:
        db = os.path.join(work, "db.sqlite3")
        source = sqlite3.connect(f"file:{os.path.join(args.site, 'db.sqlite3')}?mode=ro", uri=True)
        target = sqlite3.connect(db)
        source.backup(target)
        target.close()
        source.close()
        os.environ.update(
            PEER_DB=db,
            PEER_CSV_DIR=os.path.join(work, "csv"),
            PEER_TEX_DIR=os.path.join(work, "tex"),
            DJANGO_SETTINGS_MODULE="peer_site.settings",
        )
        sys.path.insert(0, args.site)
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.urls import reverse
        from survey.models import Survey

        survey = Survey.objects.get(name="Enterprise Maturity Assessment (bench)")
        url = reverse("survey-detail", kwargs={"id": survey.pk})
        client = Client(HTTP_HOST="localhost")
        client.force_login(get_user_model().objects.create_user(username="callgrind"))
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, response.status_code
        control = ["callgrind_control", "-i"]
        subprocess.run([*control, "on", str(os.getpid())], check=True, capture_output=True)
        for _ in range(args.runs):
            client.get(url)
        subprocess.run([*control, "off", str(os.getpid())], check=True, capture_output=True)
    finally:
        shutil.rmtree(work, True)


if __name__ == "__main__":
    main()
