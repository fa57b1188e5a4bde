"""The steps of `manage.py seed_demo`, run in order by run_demo_steps, each in a transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction

from assessment.demo.context import DemoContext
from assessment.demo.journey import journey_steps
from assessment.demo.officials import seed_submitted_assessments
from assessment.demo.people import seed_enterprises, seed_officials_and_admin
from assessment.demo.plans import seed_demo_plans
from assessment.services.analytics import analytics_deferred


def seed_demo_assessments(context: DemoContext) -> None:
    """Both kinds of demo assessments. The journey's enterprises are done one at a time in this process
    whenever the bulk step would wait for its worker processes (the journey is single-threaded work
    through the services, the bulk step's scoring is spread over the cores); what is left of the
    journey after the bulk step is done then. The data are the same as with the two steps in turn."""
    journey = journey_steps(context)
    seed_submitted_assessments(context, side_work=journey)
    for _done in journey:
        pass


DemoStep = Callable[[DemoContext], None]
# Enterprises and their members, officials and the administrator; then the demo assessments: the
# officials' area's submitted, returned and accepted assessments of the remaining demo enterprises over
# the last three years (bulk, scored by the engine) and the SME journey's (the first
# DEMO_ASSESSMENT_ENTERPRISES enterprises' assessments made one by one through the journey's services,
# reviewed, and the demo SME manager's draft of the latest year); then improvement plans of some
# enterprises' last submitted years, the demo SME manager's among them (assessment/demo/plans.py).
DEMO_STEPS: list[DemoStep] = [
    seed_enterprises,
    seed_officials_and_admin,
    seed_demo_assessments,
    seed_demo_plans,
]


@contextmanager
def sqlite_bulk_journal() -> Iterator[None]:
    """On a SQLite file in WAL mode (config/settings.py), a rollback journal while the demo is loaded.

    In WAL mode every page of a step's transaction (about a gigabyte at 10,000 enterprises, mostly new
    pages) is written twice, to the log and then back into the database file at the checkpoint; with a
    rollback journal new pages go to the file once (and each commit is synced to disk, so no less
    durable than WAL with synchronous=NORMAL). WAL mode is restored at the end (and set again by every
    new connection anyway). Nothing changes inside a transaction (e.g. a test's), on another database,
    or while another connection has the file open (SQLite then keeps WAL).
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        previous = cursor.fetchone()[0]
        switched = False
        if previous == "wal":
            cursor.execute("PRAGMA busy_timeout")
            timeout = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA busy_timeout = 0")  # another connection open: keep WAL, do not wait
            try:
                cursor.execute("PRAGMA journal_mode = DELETE")
                switched = cursor.fetchone()[0] == "delete"
            except OperationalError:  # "database is locked"
                pass
            finally:
                cursor.execute(f"PRAGMA busy_timeout = {timeout:d}")
    try:
        yield
    finally:
        if switched:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode = WAL")


def run_demo_steps(context: DemoContext, steps: list[DemoStep] | None = None) -> DemoContext:
    # The officials' aggregates are rebuilt once at the end rather than refreshed per submission.
    with sqlite_bulk_journal(), analytics_deferred():
        for step in steps if steps is not None else DEMO_STEPS:
            with transaction.atomic():
                step(context)
    return context
