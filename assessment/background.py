"""Django's Tasks API, wherever it comes from: `django.tasks` on Django 6.0+, the django-tasks backport on
Django 5.2. Every task of the project is declared with `task` from here, so moving to Django 6 (or to
another backend, e.g. RQ on Redis) changes settings only (docs/deployment.md, "Background work").

`enqueue_on_commit` is how services start background work: after the caller's transaction commits, so a
worker never looks for rows that are not there yet (or that a rollback removed).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import OperationalError, transaction
from django.db.models import QuerySet

try:  # Django 6.0+
    from django.tasks import TaskResultStatus, default_task_backend, task  # type: ignore[import-not-found]
except ImportError:  # Django 5.2: the backport
    from django_tasks import TaskResultStatus, default_task_backend, task

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task_` with JSON-serialisable arguments once the current transaction commits (at once
    outside one)."""
    transaction.on_commit(lambda: task_.enqueue(*args, **kwargs))


LOCKED_RETRIES = 6


def update_when_unlocked(queryset: QuerySet, **fields: Any) -> int:
    """`queryset.update(**fields)` for a task's progress or outcome. A SQLite table briefly locked by a
    reader (a progress page's poll; shared-cache databases report it at once instead of waiting) is tried
    again a few times rather than failing the task."""
    for attempt in range(LOCKED_RETRIES):
        try:
            return queryset.update(**fields)
        except OperationalError as error:
            if "locked" not in str(error) or attempt == LOCKED_RETRIES - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    return 0


__all__ = ["TaskResultStatus", "default_task_backend", "enqueue_on_commit", "task", "update_when_unlocked"]
