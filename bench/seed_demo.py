"""Time `seed_demo --enterprises N` on a fresh SQLite file (or PostgreSQL via --database-url).

    .venv/bin/python bench/seed_demo.py [--enterprises 10000] [--database-url postgresql://postgres@127.0.0.1/db]

Each run migrates a fresh database in a subprocess, loads the questionnaires and factor sets (unless --bare),
then times seed_demo and a second, idempotent run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=10000)
    parser.add_argument("--database-url", default="", help="default: a fresh temporary SQLite file")
    parser.add_argument(
        "--bare",
        action="store_true",
        help="skip loading questionnaires: demo-assessment steps then do nothing",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        env = {**os.environ, "DATABASE_URL": url}
        run(["migrate", "--verbosity", "0"], env)
        if not args.bare:  # as setup_demo does: the demo-assessment steps need questionnaires and factors
            for loader in ("load_questionnaires", "load_factors"):
                run([loader], env)
        first = run(["seed_demo", "--enterprises", str(args.enterprises)], env)
        again = run(["seed_demo", "--enterprises", str(args.enterprises)], env)
    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite file"
    mode = "without questionnaires" if args.bare else "with questionnaires loaded"
    print(
        f"seed_demo --enterprises {args.enterprises} on {backend}, {mode}: {first:.1f} s (process incl. start-up)"
    )
    print(f"seed_demo again (idempotent, nothing new): {again:.1f} s")


if __name__ == "__main__":
    main()
