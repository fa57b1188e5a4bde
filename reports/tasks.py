"""Background tasks of the reports app (Django's Tasks API, see assessment/background.py)."""

from __future__ import annotations

import uuid

from assessment.background import task
from reports.export_jobs import export_job_run, export_jobs_fail_stale, export_jobs_purge


@task()
def build_export(job_id: str) -> str | None:
    """Build an official's export (reports.export_jobs); returns its final status, or None when the job
    was already claimed or is gone. Then marks exports whose worker died as failed and deletes expired
    export files, so housekeeping needs no scheduler of its own."""
    job = export_job_run(uuid.UUID(job_id))
    export_jobs_fail_stale()
    export_jobs_purge(orphans=True)
    return job.status if job else None
