"""Hostile input (issue 9, part 6): hypothesis sends wrong types, huge numbers, NaN and Infinity, 100 kB
strings, unusual Unicode (NUL, lone surrogates' neighbours, RTL marks, emoji) and markup to the autosave
endpoint, the page form and submit. Never a 500; a refusal is a clear 400 with a message and leaves the
stored data unchanged; an acceptance stores exactly what the server says it stored."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessment.models import Answer, Assessment
from assessment.selectors.assessments import assessment_definitions, build_sections, question_index
from tests.builders import fill_draft

HUGE = 100 * 1024

nasty_numbers = st.sampled_from(
    [
        "NaN",
        "nan",
        "-NaN",
        "Infinity",
        "-Infinity",
        "inf",
        "-inf",
        "1e309",
        "-1e309",
        "1e308",
        "9" * 400,
        "-" + "9" * 400,
        "0x10",
        "1_000",
        "1,000",
        "１２３",
        "٣",
        "1e-400",
        "  42  ",
        "",
        " ",
        "null",
        "true",
        "[1, 2]",
        '{"a": 1}',
        "4.2.1",
        "--1",
        "+5",
        "1e5",
        "12345678901234567890",
        "0.1" * 10,
    ]
)
markup = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "{{ 7*7 }}",
        "{% debug %}",
        "${7*7}",
        "'; DROP TABLE assessment_answer; --",
        "../../etc/passwd",
        "\x00",
        "a\x00b",
        "\u202egnp.exe",
        "\ufeff",
        "😀" * 50,
        "𝕏" * 10,
        "\u0301" * 100,
        "\ud7ff",
        "\U0010ffff",
        "\r\n\r\n",
        "=cmd|' /C calc'!A0",
    ]
)
huge_strings = st.sampled_from(["x" * HUGE, "绿" * (HUGE // 3), "<b>" * (HUGE // 3), "9" * HUGE])
unicode_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=200)
hostile_value = st.one_of(
    nasty_numbers,
    markup,
    huge_strings,
    unicode_text,
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@pytest.fixture
def draft(frameworks_loaded, enterprise, sme_manager) -> Assessment:
    return fill_draft(enterprise=enterprise, user=sme_manager)


def stored(assessment: Assessment) -> dict[str, str]:
    return {
        code: json.dumps(value, sort_keys=True)
        for code, value in Answer.objects.filter(assessment=assessment).values_list("question_code", "value")
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@given(data=st.data())
def test_it_never_fails_on_hostile_autosave_payloads(draft, sme_manager, data):
    codes = sorted(question_index(assessment_definitions(draft)))
    code = data.draw(st.one_of(st.sampled_from(codes), markup, unicode_text, huge_strings), label="question")
    values = data.draw(st.lists(hostile_value, min_size=0, max_size=3), label="values")
    payload: dict[str, object] = {"question": code}
    if values:
        payload[code] = values if len(values) > 1 else values[0]
    extra = data.draw(st.dictionaries(unicode_text, hostile_value, max_size=2), label="extra fields")
    payload.update({k: v for k, v in extra.items() if k and k not in payload and "\x00" not in k})
    before = stored(draft)
    response = _client(sme_manager).post(reverse("assessment_autosave", args=[draft.pk]), payload)
    assert response.status_code in (200, 400), response.status_code
    after = stored(draft)
    if response.headers["Content-Type"] != "application/json":
        # Django refused to parse the request at all (e.g. a multipart field name over its header limit):
        # a plain 400 page, nothing stored.
        assert response.status_code == 400
        assert after == before
        return
    body = response.json()
    # A refusal is ok false with a message (status 200 or 400: the endpoint answers the page script).
    if not body["ok"]:
        assert isinstance(body["error"], str) and body["error"].strip()
        assert after == before
    else:
        assert response.status_code == 200
        # Only the question named was touched, and it holds what the server reported.
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        assert changed <= {code}
        if body["value"] is None:
            assert after.get(code) in (None, "null")
        else:
            assert json.loads(after[code]) == body["value"]
            json.dumps(json.loads(after[code]), allow_nan=False)  # raises on NaN/Infinity


@pytest.mark.django_db
@given(data=st.data())
def test_it_never_fails_on_hostile_page_form_posts_and_keeps_rejected_answers_unstored(
    draft, sme_manager, data
):
    sections = build_sections(assessment_definitions(draft))
    section = data.draw(st.sampled_from(sections), label="section")
    codes = list(section.codes)
    chosen = data.draw(st.lists(st.sampled_from(codes), min_size=1, max_size=4, unique=True), label="codes")
    payload = {code: data.draw(hostile_value, label=code) for code in chosen}
    before = stored(draft)
    response = _client(sme_manager).post(reverse("assessment_fill", args=[draft.pk, section.key]), payload)
    assert response.status_code in (200, 302, 400), response.status_code
    after = stored(draft)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    # The page form is the whole section (a field left out is an emptied field, as for an unchecked
    # box), so only this section's answers may change; nothing elsewhere in the assessment.
    assert changed <= set(codes)
    if response.status_code == 400:
        assert "部分答案未保存".encode() in response.content or b"invalid-feedback" in response.content
    for value in after.values():
        json.dumps(json.loads(value), allow_nan=False)  # raises on NaN/Infinity


@pytest.mark.django_db
@given(
    body=st.one_of(huge_strings, markup, unicode_text, st.binary(max_size=2000).map(lambda b: b.hex())),
    content_type=st.sampled_from(
        [
            "application/json",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/xml",
        ]
    ),
)
def test_it_never_fails_on_raw_hostile_bodies(draft, sme_manager, body, content_type):
    before = stored(draft)
    client = _client(sme_manager)
    for name in ("assessment_autosave", "assessment_confirm", "evidence_upload"):
        response = client.generic(
            "POST",
            reverse(name, args=[draft.pk]),
            body.encode("utf-8", "surrogatepass"),
            content_type=content_type,
        )
        assert response.status_code < 500, (name, response.status_code)
    assert stored(draft) == before


@pytest.mark.django_db
def test_it_submits_after_hostile_autosaves_without_error(client, draft, sme_manager):
    """The accepted hostile values (long texts, markup) do not break scoring: submit either succeeds or
    explains what is missing."""
    client.force_login(sme_manager)
    url = reverse("assessment_autosave", args=[draft.pk])
    text_codes = [
        c for c, q in question_index(assessment_definitions(draft)).items() if q.get("type") == "text"
    ]
    for code in text_codes:
        response = client.post(url, {"question": code, code: "<script>alert(1)</script>" + "绿" * 30000})
        assert response.status_code in (200, 400)
    for code, value in (("dig24.q.devices_total", "1e308"), ("dig24.q.devices_networked", "NaN")):
        assert client.post(url, {"question": code, code: value}).status_code in (200, 400)
    response = client.post(reverse("assessment_submit", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    if draft.status == Assessment.Status.SUBMITTED:
        page = client.get(reverse("assessment_results", args=[draft.pk]))
        assert page.status_code == 200
        assert b"<script>alert(1)</script>" not in page.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    [
        "a\x00b",
        "\x00",
        "9" * 5000,
        "1e308",
        "-1e308",
        "1e15",
        "NaN",
        "Infinity",
        "\ud7ff\ue000",
        "<script>x</script>",
    ],
    ids=[
        "nul-inside",
        "nul",
        "5000-digits",
        "1e308",
        "-1e308",
        "1e15",
        "nan",
        "inf",
        "edge-unicode",
        "markup",
    ],
)
def test_it_answers_every_question_type_cleanly_for_each_nasty_value(draft, sme_manager, value):
    """Every question of the assessment, one nasty value each: JSON ok/error, never a 500 (PostgreSQL's
    jsonb refuses NUL characters, so they must be refused or removed before the database)."""
    client = _client(sme_manager)
    url = reverse("assessment_autosave", args=[draft.pk])
    for code in sorted(question_index(assessment_definitions(draft))):
        before = stored(draft)
        response = client.post(url, {"question": code, code: value})
        assert response.status_code == 200, (code, response.status_code)
        body = response.json()
        if not body["ok"]:
            assert body["error"].strip()
            assert stored(draft) == before, code
        else:
            saved = json.dumps(body["value"], allow_nan=False)  # raises on NaN/Infinity
            assert "\\u0000" not in saved


@pytest.mark.django_db
@pytest.mark.parametrize(
    "since",
    [
        "2026-02-30T10:00:00",
        "2026-01-01T25:00:00",
        "2026-01-01T10:00:00",
        "2026-01-01T10:00:00+99:00",
        "9999-99-99",
        "x" * 10000,
        "",
        "<script>",
        "2026-01-01T10:00:00.123456+08:00",
    ],
)
def test_it_answers_the_state_endpoint_for_any_since_parameter(draft, sme_manager, since):
    """`since` is echoed back by the page script; an impossible date (30 February), a naive time or junk
    is treated as absent, not as a 500 (found by this test: ValueError and naive/aware comparison)."""
    response = _client(sme_manager).get(
        reverse("assessment_state", args=[draft.pk]), {"since": since, "section": "energy"}
    )
    assert response.status_code == 200
    assert isinstance(response.json()["changes"], list)
