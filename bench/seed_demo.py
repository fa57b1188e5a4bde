"""Time `seed_demo --enterprises N` on a fresh SQLite file (or PostgreSQL via --database-url).

    .venv/bin/python bench/seed_demo.py [--enterprises 10000] [--database-url postgresql://postgres@127.0.0.1/db]

Each run migrates a fresh database in a subprocess, loads the questionnaires and factor sets (unless --bare),
then times seed_demo and a second, idempotent run. CPU seconds (with the worker processes) and the load
average are printed too: on a shared machine the wall-clock time says little without them.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (the process and its workers) of one manage.py command."""
    started, cpu = time.perf_counter(), _cpu()
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started, _cpu() - cpu


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
        load = os.getloadavg()[0]
        first, first_cpu = run(["seed_demo", "--enterprises", str(args.enterprises)], env)
        again, _cpu_again = run(["seed_demo", "--enterprises", str(args.enterprises)], env)
    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite file"
    mode = "without questionnaires" if args.bare else "with questionnaires loaded"
    print(
        f"seed_demo --enterprises {args.enterprises} on {backend}, {mode}: {first:.1f} s (process incl. start-up), "
        f"{first_cpu:.1f} s CPU over {os.cpu_count()} cores; load average {load:.1f} before"
    )
    print(f"seed_demo again (idempotent, nothing new): {again:.1f} s")


if __name__ == "__main__":
    main()
