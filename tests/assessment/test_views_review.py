"""Officials' pages: who may open them, jurisdiction (404 outside it), the queue's filters, sorting and
paging, decisions through the page, and that no official can change an SME's answers."""

from __future__ import annotations

import re

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse

from assessment.models import Answer, Assessment, AuditEvent
from tests.builders import make_submitted
from tests.factories import AssessmentFactory, EnterpriseFactory


@pytest.fixture
def harbin(shipped_versions, enterprise, sme_manager) -> Assessment:
    return make_submitted(shipped_versions, enterprise=enterprise, submitted_by=sme_manager)


@pytest.fixture
def qiqihar(shipped_versions, other_enterprise, other_manager) -> Assessment:
    return make_submitted(
        shipped_versions,
        enterprise=other_enterprise,
        submitted_by=other_manager,
        changes={"dig24.q.devices_digital": 0},
    )


OFFICIAL_PAGES = ["review_queue", "officials_analytics", "officials_regional_pdf"]


@pytest.mark.parametrize("name", OFFICIAL_PAGES)
@pytest.mark.parametrize("persona", ["sme_manager", "other_manager", "admin_user"])
def test_it_refuses_the_officials_pages_to_everyone_else(client, request, harbin, name, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("review_detail", args=[harbin.pk])).status_code in (403, 404)
    assert client.get(reverse("officials_export", args=["csv"])).status_code == 403


def test_it_sends_anonymous_visitors_to_log_in(client, harbin):
    for url in [
        reverse("review_queue"),
        reverse("review_detail", args=[harbin.pk]),
        reverse("officials_analytics"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "name",
    [
        "review_detail",
        "review_comment",
        "review_validate",
        "review_withdraw",
        "review_decide",
        "assessment_report_pdf",
    ],
)
def test_a_city_official_gets_404_for_another_city(client, other_city_official, harbin, name):
    client.force_login(other_city_official)
    url = reverse(name, args=[harbin.pk])
    response = (
        client.post(url, {"decision": "accept", "text": "x", "code": "x", "reason": "x"})
        if name != "review_detail" and name != "assessment_report_pdf"
        else client.get(url)
    )
    assert response.status_code == 404
    harbin.refresh_from_db()
    assert harbin.status == Assessment.Status.SUBMITTED
    assert not AuditEvent.objects.filter(action__startswith="review.").exists()


def test_officials_do_not_see_drafts(client, city_official, enterprise):
    draft = AssessmentFactory(enterprise=enterprise, status=Assessment.Status.DRAFT)
    client.force_login(city_official)
    assert client.get(reverse("review_detail", args=[draft.pk])).status_code == 404
    assert client.post(reverse("review_decide", args=[draft.pk]), {"decision": "accept"}).status_code == 404
    assert draft.pk not in [
        row["assessment"].pk for row in client.get(reverse("review_queue")).context["rows"]
    ]


def test_the_queue_of_a_city_official_holds_only_that_city_whatever_the_filters(
    client, city_official, harbin, qiqihar
):
    client.force_login(city_official)
    response = client.get(reverse("review_queue"), {"city": "230200"})
    assert [row["assessment"].pk for row in response.context["rows"]] == [harbin.pk]
    assert response.context["queue"].total == 1


def test_the_province_official_sees_every_city_and_filters_by_city(
    client, province_official, harbin, qiqihar
):
    client.force_login(province_official)
    everything = client.get(reverse("review_queue"))
    assert {row["assessment"].pk for row in everything.context["rows"]} == {harbin.pk, qiqihar.pk}
    one_city = client.get(reverse("review_queue"), {"city": "230200"})
    assert [row["assessment"].pk for row in one_city.context["rows"]] == [qiqihar.pk]


def test_the_queue_filters_by_text_industry_size_status_year_framework_and_level(
    client, province_official, harbin, qiqihar
):
    client.force_login(province_official)

    def pks(**params) -> set[int]:
        return {row["assessment"].pk for row in client.get(reverse("review_queue"), params).context["rows"]}

    assert pks(q=harbin.enterprise.uscc[-8:]) == {harbin.pk}
    assert pks(q="北方机械") == {qiqihar.pk}
    assert pks(industry="C34") == {qiqihar.pk}
    assert pks(size=harbin.enterprise.size_class) >= {harbin.pk}
    assert pks(year=2025) == {harbin.pk, qiqihar.pk}
    assert pks(year=2024) == set()
    assert pks(status="accepted") == set()
    harbin_digital = harbin.framework_results.get(framework="sme_digital", validated=False).level
    qiqihar_digital = qiqihar.framework_results.get(framework="sme_digital", validated=False).level
    assert harbin_digital != qiqihar_digital  # the fixture's point: different digital levels
    assert pks(framework="sme_digital", level=harbin_digital) == {harbin.pk}
    assert pks(framework="green_factory") == {harbin.pk, qiqihar.pk}
    assert pks(city="999999", industry="X", size="huge", status="draft", year="abc") == {
        harbin.pk,
        qiqihar.pk,
    }


def test_the_queue_counts_by_status_under_the_other_filters(
    client, province_official, city_official, harbin, qiqihar
):
    client.force_login(city_official)
    client.post(reverse("review_decide", args=[harbin.pk]), {"decision": "accept", "note": ""})
    client.force_login(province_official)
    response = client.get(reverse("review_queue"), {"status": "submitted"})
    counts = {tally.code: tally.assessments for tally in response.context["queue"].by_status}
    assert counts == {"submitted": 1, "returned": 0, "accepted": 1}
    assert [row["assessment"].pk for row in response.context["rows"]] == [qiqihar.pk]
    # The page count comes from the status counts: the selected status's, or their sum.
    assert response.context["queue"].total == 1
    assert client.get(reverse("review_queue")).context["queue"].total == 2
    assert client.get(reverse("review_queue"), {"q": "北方机械"}).context["queue"].total == 1


def test_the_queue_sorts_and_pages_with_a_fixed_number_of_queries(
    client,
    province_official,
    shipped_versions,
    django_assert_max_num_queries,
):
    for index in range(7):
        enterprise = EnterpriseFactory(city_code="230100" if index % 2 else "230600")
        make_submitted(
            shipped_versions, enterprise=enterprise, changes={"dig24.q.devices_digital": index * 10}
        )
    client.force_login(province_official)
    with django_assert_max_num_queries(16):
        by_score = client.get(reverse("review_queue"), {"sort": "-score"})
    scores = [row["assessment"].total_score for row in by_score.context["rows"]]
    assert scores == sorted(scores, reverse=True)
    with django_assert_max_num_queries(16):
        ascending = client.get(reverse("review_queue"), {"sort": "score"})
    assert [row["assessment"].total_score for row in ascending.context["rows"]] == sorted(scores)
    from assessment.selectors import review as selectors

    page = selectors.review_queue(
        user=province_official, filters=selectors.SubmissionFilters(sort="name"), page=2, per_page=3
    )
    assert page.total == 7 and len(page.rows) == 3 and page.page.number == 2
    last = selectors.review_queue(
        user=province_official,
        filters=selectors.SubmissionFilters(city="230100", status="submitted"),
        page=99,
        per_page=2,
    )
    assert last.total == 3 and last.page.paginator.num_pages == 2 and len(last.rows) == 1


def test_a_decision_through_the_page_is_recorded_and_a_return_needs_a_note(client, city_official, harbin):
    client.force_login(city_official)
    refused = client.post(reverse("review_decide", args=[harbin.pk]), {"decision": "return", "note": ""})
    assert refused.status_code == 400
    assert "退回修改时请填写审核意见" in refused.content.decode()
    harbin.refresh_from_db()
    assert harbin.status == Assessment.Status.SUBMITTED
    response = client.post(
        reverse("review_decide", args=[harbin.pk]), {"decision": "return", "note": "请补充台账"}
    )
    assert response.status_code == 302
    harbin.refresh_from_db()
    assert harbin.status == Assessment.Status.RETURNED and harbin.decision_note == "请补充台账"
    second = client.post(reverse("review_decide", args=[harbin.pk]), {"decision": "accept", "note": ""})
    assert second.status_code == 400
    harbin.refresh_from_db()
    assert harbin.status == Assessment.Status.RETURNED


def test_comments_and_validated_values_through_the_page(client, city_official, harbin):
    client.force_login(city_official)
    client.post(
        reverse("review_comment", args=[harbin.pk]),
        {"question_code": "dig24.q.devices_digital", "text": "请上传设备台账"},
    )
    client.post(
        reverse("review_validate", args=[harbin.pk]),
        {"code": "dig24.q.devices_digital", "value": "10", "reason": "台账只列出10台"},
    )
    page = client.get(reverse("review_detail", args=[harbin.pk]))
    html = page.content.decode()
    assert "请上传设备台账" in html and "台账只列出10台" in html
    harbin.refresh_from_db()
    assert harbin.validated_answers.get().value == 10
    assert harbin.framework_results.filter(validated=True).count() == 3
    bad = client.post(
        reverse("review_validate", args=[harbin.pk]),
        {"code": "mgmt.lawful_compliant", "value": "maybe", "reason": "x"},
    )
    assert bad.status_code == 302
    assert not harbin.validated_answers.filter(question_code="mgmt.lawful_compliant").exists()


def test_no_official_can_change_an_sme_answer(client, city_official, province_official, harbin):
    before = dict(Answer.objects.filter(assessment=harbin).values_list("question_code", "value"))
    for official in (city_official, province_official):
        client.force_login(official)
        response = client.post(
            reverse("assessment_autosave", args=[harbin.pk]),
            {"question": "dig24.q.devices_digital", "dig24.q.devices_digital": "1"},
        )
        assert response.status_code in (403, 404)
    # Also a returned (editable) assessment stays the SME's to change.
    Assessment.objects.filter(pk=harbin.pk).update(status=Assessment.Status.RETURNED)
    client.force_login(city_official)
    response = client.post(
        reverse("assessment_autosave", args=[harbin.pk]),
        {"question": "dig24.q.devices_digital", "dig24.q.devices_digital": "1"},
    )
    assert response.status_code in (403, 404)
    assert dict(Answer.objects.filter(assessment=harbin).values_list("question_code", "value")) == before


def test_evidence_files_follow_the_jurisdiction(
    client, settings, tmp_path, harbin, city_official, other_city_official
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessment.models import Evidence

    settings.MEDIA_ROOT = tmp_path
    evidence = Evidence.objects.create(
        assessment=harbin,
        question_code="mgmt.lawful_compliant",
        file=SimpleUploadedFile("permit.pdf", b"%PDF-1.4 demo"),
        original_name="排污许可证.pdf",
        content_type="application/pdf",
        size=13,
    )
    url = reverse("evidence_download", args=[harbin.pk, evidence.pk])
    client.force_login(other_city_official)
    assert client.get(url).status_code == 404
    client.force_login(city_official)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 demo"
    assert "排污许可证.pdf" in client.get(reverse("review_detail", args=[harbin.pk])).content.decode()


def test_the_queue_shows_the_counted_level_its_level_filter_matches(
    client, province_official, city_official, harbin, qiqihar
):
    from assessment.services.review import review_validate_answer

    self_level = harbin.framework_results.get(framework="sme_digital", validated=False).level
    # The reviewer validates Qiqihar's lower answer for Harbin: its counted digital level becomes Qiqihar's.
    review_validate_answer(
        assessment=harbin,
        reviewer=city_official,
        code="dig24.q.devices_digital",
        value=0,
        reason="台账不全",
    )
    counted = harbin.framework_results.get(framework="sme_digital", in_analytics=True)
    assert counted.validated and counted.level != self_level
    assert counted.level == qiqihar.framework_results.get(framework="sme_digital", validated=False).level

    client.force_login(province_official)
    response = client.get(reverse("review_queue"), {"framework": "sme_digital", "level": counted.level})
    rows = {row["assessment"].pk: row for row in response.context["rows"]}
    assert set(rows) == {harbin.pk, qiqihar.pk}
    labels = response.context["level_labels"]["sme_digital"]
    harbin_cell = next(c for c in rows[harbin.pk]["results"] if c["result"].framework == "sme_digital")
    assert harbin_cell["result"] == counted and harbin_cell["level"] == labels[counted.level]
    assert harbin_cell["self_assessed_level"] == labels[self_level]
    qiqihar_cell = next(c for c in rows[qiqihar.pk]["results"] if c["result"].framework == "sme_digital")
    assert qiqihar_cell["self_assessed_level"] == ""  # nothing validated: one level, no second mark
    # Only frameworks whose validated level differs carry the mark, in words in both languages.
    html = response.content.decode()
    marks = {label: html.count(f"（自评：{label}）") for label in labels.values()}
    assert marks[labels[self_level]] == 1 and sum(marks.values()) == 1
    assert (
        client.get(reverse("review_queue"), {"framework": "sme_digital", "level": self_level}).context["rows"]
        == []
    )
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("review_queue"), {"framework": "sme_digital", "level": counted.level})
    english_label = english.context["level_labels"]["sme_digital"][self_level]
    assert f"(self-assessed: {english_label})" in english.content.decode()


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        ("-5", "en", "greater than or equal to 0"),
        ("-5", "zh-hans", "大于或等于0"),
        ("1e400", "en", "Enter a number"),
        ("99999999999999999999999", "en", "too large"),
    ],
)
def test_it_explains_a_refused_validated_value_in_the_page_language(
    client, city_official, harbin, value, language, expected
):
    """The reviewer reads why in their language, as the enterprise would at the same field: no question
    code, no internal notation ("[0, ]"), and a number beyond what an enterprise may enter is refused."""
    client.force_login(city_official)
    response = client.post(
        reverse("review_validate", args=[harbin.pk]),
        {"code": "dig24.q.devices_digital", "value": value, "reason": "台账只列出10台"},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )
    shown = " ".join(str(message) for message in response.context["messages"])
    assert expected in shown
    assert "dig24.q.devices_digital" not in shown and "[0, ]" not in shown
    if language == "en":
        assert not any("\u4e00" <= char <= "\u9fff" for char in shown), shown
    assert not harbin.validated_answers.exists()


def test_the_english_review_page_heads_with_the_year_not_a_stray_word(client, city_official, harbin):
    client.force_login(city_official)
    content = client.get(reverse("review_detail", args=[harbin.pk]), HTTP_ACCEPT_LANGUAGE="en").content
    heading = content.decode().split("<h1", 1)[1].split("</h1>", 1)[0]
    assert f"Year {harbin.year}" in heading and f"{harbin.year} Year" not in heading


def test_the_queue_shows_and_sorts_by_the_counted_composite_index(
    client, province_official, city_official, harbin, qiqihar
):
    """Like the framework columns, the composite index is the counted one: validated where a reviewer
    validated answers, with the self-assessed index beside it where it reads differently."""
    from assessment.services.review import review_validate_answer

    self_assessed = harbin.total_score
    review_validate_answer(
        assessment=harbin,
        reviewer=city_official,
        code="dig24.q.devices_digital",
        value=0,
        reason="台账不全",
    )
    harbin.refresh_from_db()
    counted = harbin.validated_result["profile"]["overall"]["index"]
    assert round(counted, 1) != round(self_assessed, 1) and harbin.total_score == self_assessed

    client.force_login(province_official)
    response = client.get(reverse("review_queue"), {"sort": "score"})
    rows = {row["assessment"].pk: row for row in response.context["rows"]}
    assert rows[harbin.pk]["assessment"].counted_score == pytest.approx(counted)
    assert rows[harbin.pk]["self_assessed_index"] == self_assessed
    assert rows[qiqihar.pk]["assessment"].counted_score == qiqihar.total_score
    assert rows[qiqihar.pk]["self_assessed_index"] is None
    cells = [c["result"] for c in rows[harbin.pk]["results"]]
    assert all(result.validated for result in cells)  # the same (counted) results as the score columns
    order = [row["assessment"].counted_score for row in response.context["rows"]]
    assert order == sorted(order)
    html = response.content.decode()
    assert f"{floatformat(counted, 1)} <span" in html and f"（自评：{floatformat(self_assessed, 1)}）" in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("review_queue")).content.decode()
    assert f"(self-assessed: {floatformat(self_assessed, 1)})" in english


def test_the_review_page_names_questions_in_words_without_their_codes(client, city_official, harbin):
    client.force_login(city_official)
    html = client.get(reverse("review_detail", args=[harbin.pk])).content.decode()
    assert 'id="q-dig24.q.devices_digital"' in html  # the anchor stays
    visible = re.sub(r"<[^>]+>", " ", html)  # text only: attributes (ids, form values) are not shown
    assert "dig24.q." not in visible and "mgmt." not in visible
