"""Concurrency (issue 9, part 5), against PostgreSQL only (SQLite serialises writers; these tests skip
there): two members autosaving the same draft at once lose no answer, a double-clicked submit submits
once, and autosaves racing a submission either land before it (and are in the stored score) or are
refused.

Duration: CONCURRENCY_SECONDS, default 20 (the security issue's "autosaving the same draft for 20 s"; .ci/run
runs it so), e.g. a quick local run:
    CONCURRENCY_SECONDS=3 DATABASE_URL=postgresql://... .venv/bin/python -m pytest tests/assessment/test_concurrency.py
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessment.models import Answer, Assessment, AuditEvent, FrameworkResult, User
from assessment.services.backup import stored_score_mismatches
from tests.builders import fill_draft

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrency tests need PostgreSQL",
    ),
]


def concurrency_seconds() -> float:
    return float(os.environ.get("CONCURRENCY_SECONDS", "20"))


QUESTIONS_A = ("dig24.q.digital_investment_3y", "dig24.q.revenue_last_year", "dig24.q.energy_last_year")
QUESTIONS_B = (
    "dig24.q.operating_cost_last_year",
    "dig24.q.operating_cost_year_before",
    "dig24.q.energy_year_before",
)


def _in_thread(target: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    return threading.Thread(target=run)


class Saver:
    """One member's browser: autosaves its questions round-robin until the deadline, remembering the
    last value the server acknowledged for each."""

    def __init__(
        self, user: User, assessment: Assessment, codes: tuple[str, ...], deadline: float, base: int
    ):
        self.client = Client()
        self.client.force_login(user)
        self.url = reverse("assessment_autosave", args=[assessment.pk])
        self.codes = codes
        self.deadline = deadline
        self.base = base
        self.acknowledged: dict[str, int] = {}
        self.refused: list[tuple[str, int]] = []
        self.statuses: dict[int, int] = {}
        self.saves = 0

    def run(self) -> None:
        i = 0
        while time.monotonic() < self.deadline:
            code = self.codes[i % len(self.codes)]
            value = self.base + i
            response = self.client.post(self.url, {"question": code, code: str(value)})
            self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
            if response.status_code == 200 and response.json()["ok"]:
                self.acknowledged[code] = value
                self.saves += 1
            else:
                self.refused.append((code, response.status_code))
            i += 1


@pytest.mark.django_db(transaction=True)
def test_it_loses_no_answer_when_two_members_autosave_the_same_draft(
    frameworks_loaded, enterprise, sme_manager, sme_contributor
):
    draft = fill_draft(enterprise=enterprise, user=sme_manager)
    deadline = time.monotonic() + concurrency_seconds()
    savers = [
        Saver(sme_manager, draft, QUESTIONS_A, deadline, base=1_000),
        Saver(sme_contributor, draft, QUESTIONS_B, deadline, base=500_000),
    ]
    errors: list[BaseException] = []
    threads = [_in_thread(s.run, errors) for s in savers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for saver in savers:
        assert saver.refused == [], saver.statuses
        assert saver.saves >= len(saver.codes)
    stored = dict(Answer.objects.filter(assessment=draft).values_list("question_code", "value"))
    for saver, user in zip(savers, (sme_manager, sme_contributor), strict=True):
        for code, value in saver.acknowledged.items():
            assert stored[code] == value, (code, stored[code], value)
            assert Answer.objects.get(assessment=draft, question_code=code).updated_by_id == user.pk
    # The answers nobody touched are intact too.
    assert Answer.objects.filter(assessment=draft).count() == len(stored)


@pytest.mark.django_db(transaction=True)
def test_it_submits_once_when_submit_is_double_clicked(
    frameworks_loaded, enterprise, sme_manager, sme_contributor
):
    draft = fill_draft(enterprise=enterprise, user=sme_manager)
    url = reverse("assessment_submit", args=[draft.pk])
    clients = []
    for user in (sme_manager, sme_manager, sme_contributor, sme_contributor):
        client = Client()
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    responses: list[int] = []
    errors: list[BaseException] = []

    def click(client: Client) -> Callable[[], None]:
        def run() -> None:
            barrier.wait()
            response = client.post(url)
            responses.append(response.status_code)
            assert response.url == reverse("assessment_results", args=[draft.pk])

        return run

    threads = [_in_thread(click(c), errors) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert responses == [302] * len(clients)
    assert AuditEvent.objects.filter(assessment=draft, action="assessment.submit").count() == 1
    submitted = Assessment.objects.get(pk=draft.pk)
    assert submitted.status == Assessment.Status.SUBMITTED
    assert FrameworkResult.objects.filter(assessment=draft, validated=False).count() == len(
        submitted.result["frameworks"]
    )


@pytest.mark.django_db(transaction=True)
def test_it_orders_autosaves_racing_a_submission_so_the_stored_score_matches_the_stored_answers(
    frameworks_loaded, enterprise, sme_manager, sme_contributor
):
    draft = fill_draft(enterprise=enterprise, user=sme_manager)
    seconds = min(concurrency_seconds(), 6.0)  # a race around one submission: a few seconds show it
    deadline = time.monotonic() + seconds
    saver = Saver(sme_contributor, draft, QUESTIONS_B, deadline, base=700_000)
    errors: list[BaseException] = []

    def submit_midway() -> None:
        time.sleep(seconds / 2)
        client = Client()
        client.force_login(sme_manager)
        assert client.post(reverse("assessment_submit", args=[draft.pk])).status_code == 302

    threads = [_in_thread(saver.run, errors), _in_thread(submit_midway, errors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    submitted = Assessment.objects.get(pk=draft.pk)
    assert submitted.status == Assessment.Status.SUBMITTED
    # Saves before the submission were acknowledged, those after refused with 409 — nothing else.
    assert set(saver.statuses) <= {200, 409}
    assert saver.statuses.get(200) and saver.statuses.get(409)
    # No answer changed after the submission, and the stored score is that of the stored answers.
    assert not Answer.objects.filter(assessment=draft, updated_at__gt=submitted.submitted_at).exists()
    stored = dict(Answer.objects.filter(assessment=draft).values_list("question_code", "value"))
    for code, value in saver.acknowledged.items():
        assert stored[code] == value
    assert stored_score_mismatches() == []
