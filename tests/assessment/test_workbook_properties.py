"""Property tests of the workbook round trip (issue 20, item 4): an unedited workbook changes nothing;
whatever is typed into its cells, the upload never fails with a server error and never writes half."""

from __future__ import annotations

import datetime as dt
import io
import random

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.exceptions import DomainError
from assessment.models import Answer, WorkbookUpload
from assessment.selectors.assessments import assessment_definitions, assessment_page
from assessment.selectors.workbook import version_keys, workbook_bytes
from assessment.services.assessments import answers_save_many
from assessment.services.workbook import workbook_check, workbook_upload_apply, workbook_upload_store
from assessment.workbook import ANSWER_COLUMN, WorkbookError, workbook_layout
from questionnaires.question_types import question_type, takes_value

pytestmark = pytest.mark.django_db
# Each example is a whole round trip (write, read, check, apply: about half a second of CPU), so the
# database properties draw fewer examples than the profile's default.
ROUND_TRIPS = 20


def _stored(assessment) -> dict[str, object]:
    return {a.question_code: (a.value, a.updated_at) for a in Answer.objects.filter(assessment=assessment)}


def _editable_refs(assessment, lang: str = "zh-hans") -> list[tuple[str, int]]:
    page = assessment_page(assessment)
    from django.utils import translation

    with translation.override(lang):
        layout = workbook_layout(page.sections, version_keys(assessment), lang, instructions="x")
    return [(row.sheet, row.row) for row in layout.editable_rows()]


@settings(max_examples=ROUND_TRIPS)
@given(seed=st.integers(0, 10_000), maturity=st.floats(0, 1), share=st.floats(0, 1), english=st.booleans())
def test_an_unedited_workbook_changes_nothing_whatever_the_answers(
    draft, sme_manager, seed, maturity, share, english
):
    """Random answers (each question's demo value, a random share of them left out), exported and
    uploaded unchanged in either language: no change, no conflict, no error."""
    with transaction.atomic():
        rng = random.Random(seed)
        values = {}
        for definition in assessment_definitions(draft):
            for question in definition["questions"]:
                qtype = question_type(question)
                if qtype is None or not takes_value(question) or rng.random() > share:
                    continue
                value = qtype.demo_value(question, rng, maturity=maturity)
                if value is not None:
                    values[question["code"]] = value
        answers_save_many(assessment=draft, user=sme_manager, values=values)
        data = workbook_bytes(draft, lang="en" if english else "zh-hans", user=sme_manager)
        check = workbook_check(assessment=draft, data=data)
        assert (check.changes, check.conflicts, check.errors) == ([], [], [])
        transaction.set_rollback(True)


CELL_VALUES = st.one_of(
    st.none(),
    # Text Excel can hold (no control characters but line breaks).
    st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.just("\n"), max_size=60),
    st.sampled_from(
        ["是", "否", "Yes", "maybe", "1 · x", "2", "5", "-1", "1e400", "nan", "=1+1", "；；", "a, 120"]
    ),
    st.integers(-(10**17), 10**17),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
)


class Exported(bytes):
    """The downloaded workbook (short repr: Hypothesis prints its arguments on failure)."""

    def __repr__(self) -> str:
        return f"<workbook of {len(self)} bytes>"


@pytest.fixture
def exported(filled_draft, sme_manager) -> Exported:
    return Exported(workbook_bytes(filled_draft, lang="zh-hans", user=sme_manager))


@settings(max_examples=ROUND_TRIPS)
@given(edits=st.lists(st.tuples(st.integers(0, 10_000), CELL_VALUES), min_size=1, max_size=6))
def test_random_cells_give_errors_or_changes_and_never_a_partial_write(
    filled_draft, sme_contributor, exported, edits
):
    refs = _editable_refs(filled_draft)
    book = openpyxl.load_workbook(io.BytesIO(exported))
    for index, value in edits:
        sheet, row = refs[index % len(refs)]
        book[sheet][f"{ANSWER_COLUMN}{row}"] = value
    buffer = io.BytesIO()
    book.save(buffer)
    with transaction.atomic():
        before = _stored(filled_draft)
        try:
            upload = workbook_upload_store(
                assessment=filled_draft, user=sme_contributor, data=buffer.getvalue()
            )
        except DomainError:
            assert _stored(filled_draft) == before
            transaction.set_rollback(True)
            return
        payload = upload.payload
        assert all("!" in item["ref"] and item["message"] for item in payload["errors"])
        assert _stored(filled_draft) == before  # nothing before confirming
        changed = {item["code"]: item["value"] for item in payload["changes"]}
        if payload["errors"]:
            with pytest.raises(DomainError):
                workbook_upload_apply(upload=upload, user=sme_contributor, keep_mine=set(), keep_theirs=set())
            assert _stored(filled_draft) == before
        else:
            try:
                workbook_upload_apply(upload=upload, user=sme_contributor, keep_mine=set(), keep_theirs=set())
            except DomainError:
                assert _stored(filled_draft) == before  # refused as a whole
            else:
                after = _stored(filled_draft)
                assert {code for code in after if after[code] != before.get(code)} == set(changed)
                assert all(after[code][0] == value for code, value in changed.items())
        transaction.set_rollback(True)


@settings(max_examples=ROUND_TRIPS)
@given(edits=st.lists(st.tuples(st.integers(0, 10_000), CELL_VALUES), min_size=1, max_size=3))
def test_the_upload_page_never_answers_with_a_server_error(
    client, filled_draft, sme_manager, exported, edits
):
    refs = _editable_refs(filled_draft)
    book = openpyxl.load_workbook(io.BytesIO(exported))
    for index, value in edits:
        sheet, row = refs[index % len(refs)]
        book[sheet][f"{ANSWER_COLUMN}{row}"] = value
    buffer = io.BytesIO(b"")
    book.save(buffer)
    buffer.name = "wb.xlsx"
    buffer.seek(0)
    client.force_login(sme_manager)
    with transaction.atomic():
        response = client.post(reverse("assessment_workbook", args=[filled_draft.pk]), {"workbook": buffer})
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            preview = client.get(response.url)
            assert preview.status_code == 200
            upload = WorkbookUpload.objects.get(user=sme_manager)
            confirm = client.post(reverse("assessment_workbook_confirm", args=[filled_draft.pk, upload.pk]))
            assert confirm.status_code in (200, 302)
        transaction.set_rollback(True)


@given(data=st.binary(max_size=2000), cut=st.integers(0, 100_000))
def test_damaged_files_get_a_message_never_an_exception(filled_draft, exported, data, cut):
    for candidate in (data, exported[:cut], exported[:cut] + data + exported[cut + len(data) :]):
        if candidate == exported:
            continue
        try:
            workbook_check(assessment=filled_draft, data=candidate)
        except WorkbookError as error:
            assert str(error)
