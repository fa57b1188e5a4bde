"""Django's Tasks API, wherever it comes from: `django.tasks` on Django 6.0+, the django-tasks backport on
Django 5.2. Every task of the project is declared with `task` from here, so moving to Django 6 (or to
another backend, e.g. RQ on Redis) changes settings only (docs/deployment.md, "Background work").

`enqueue_on_commit` is how services start background work: after the caller's transaction commits, so a
worker never looks for rows that are not there yet (or that a rollback removed).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

try:  # Django 6.0+
    from django.tasks import TaskResultStatus, default_task_backend, task  # type: ignore[import-not-found]
except ImportError:  # Django 5.2: the backport
    from django_tasks import TaskResultStatus, default_task_backend, task

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task_` with JSON-serialisable arguments once the current transaction commits (at once
    outside one)."""
    transaction.on_commit(lambda: task_.enqueue(*args, **kwargs))


def enqueue_many_on_commit(task_: Any, arguments: list[tuple[Any, ...]]) -> None:
    """Enqueue `task_` once per argument tuple after the current transaction commits, all in one
    transaction of their own (with the database backend: one commit for the lot, not one per task)."""

    def enqueue_all() -> None:
        with transaction.atomic():
            for args in arguments:
                task_.enqueue(*args)

    transaction.on_commit(enqueue_all)


__all__ = ["TaskResultStatus", "default_task_backend", "enqueue_many_on_commit", "enqueue_on_commit", "task"]
