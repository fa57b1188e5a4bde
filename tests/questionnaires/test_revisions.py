"""Content revisions on a live database, tested as an upgrade: the shipped definitions loaded as revision 1,
assessments in every status, then a corrected green factory 2025 (a benchmark value changed, a question
added, a number's allowed range narrowed) loaded as revision 2 from a copy of the definitions."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from assessment.exceptions import DomainError
from assessment.models import Answer, Assessment, AuditEvent, FrameworkResult, Rescore, RevisionNotice
from assessment.services.assessments import answers_save_many, assessment_submit
from assessment.services.revisions import cohort_rescore, rescore_adopt, rescores_adopt
from questionnaires.definition import clear_definition_cache
from questionnaires.loader import DEFINITIONS_DIR, load_definitions
from questionnaires.models import QuestionnaireVersion
from questionnaires.revisions import revision_changes
from tests.builders import assessments_in_every_status

GF = "green_factory-2025.yaml"
CARBON_BENCHMARK = (
    "          benchmark: 0.6\n          leading: 0.2",
    "          benchmark: 0.9\n          leading: 0.2",
)
ADDED_QUESTION = """  - code: gf25.q.revision_check
    type: yesno
    text: {zh: 是否已核对上年能源台账？, en: "Have last year's energy records been checked?"}
    help: {what: {zh: 核对台账, en: Checking the records}}
    source: "test revision"
"""


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def correct(directory: Path) -> None:
    """Revision 2 of green factory 2025: a benchmark value, a new question."""
    edit(directory / GF, *CARBON_BENCHMARK)
    edit(directory / GF, "questions:\n", "questions:\n" + ADDED_QUESTION)


@pytest.fixture
def definitions(tmp_path: Path, db):
    target = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, target)
    load_definitions(directory=target)
    yield target
    clear_definition_cache()


@pytest.fixture
def cohort(definitions, factor_set, province_official):
    """One assessment per status, all on revision 1 of green factory 2025."""
    return assessments_in_every_status(reviewer=province_official)


def gf_row(assessment: Assessment) -> QuestionnaireVersion:
    return assessment.versions.get(framework="green_factory")


def gf_item(result: dict) -> dict:
    return next(item for item in result["frameworks"] if item["framework"] == "green_factory")


def test_it_describes_a_changed_benchmark_and_an_added_question_in_words(definitions: Path) -> None:
    before = QuestionnaireVersion.objects.get(framework="green_factory", version="2025").definition
    correct(definitions)
    load_definitions(directory=definitions)  # no answers yet: updated in place
    after = QuestionnaireVersion.objects.get(framework="green_factory", version="2025").definition
    texts = [change.text for change in revision_changes(before, after)]
    assert {
        "zh": "指标“单位产值碳排放量”的基准值由 0.6 改为 0.9。",
        "en": "The benchmark value of the indicator “CO2 emissions per unit of output value” changed from 0.6 to 0.9.",
    } in texts
    assert {
        "zh": "新增题目：“是否已核对上年能源台账？”。",
        "en": "Question added: “Have last year's energy records been checked?”.",
    } in texts
    assert all("gf25." not in text["zh"] + text["en"] for text in texts)  # words, never codes


def test_an_unchanged_reload_is_a_no_op_and_loading_is_idempotent(cohort, definitions: Path) -> None:
    rows = list(QuestionnaireVersion.objects.values_list("pk", "content_hash", "revision"))
    report = load_definitions(directory=definitions)
    assert not report.revised and not report.updated and not report.created
    assert list(QuestionnaireVersion.objects.values_list("pk", "content_hash", "revision")) == rows
    correct(definitions)
    load_definitions(directory=definitions)
    once = list(QuestionnaireVersion.objects.order_by("pk").values_list("pk", "content_hash", "revision"))
    notices = RevisionNotice.objects.count()
    again = load_definitions(directory=definitions)
    assert not again.revised and "green_factory@2025" in again.unchanged
    assert (
        list(QuestionnaireVersion.objects.order_by("pk").values_list("pk", "content_hash", "revision"))
        == once
    )
    assert RevisionNotice.objects.count() == notices


def test_a_dry_run_says_what_would_change_and_stores_nothing(cohort, definitions: Path, capsys) -> None:
    correct(definitions)
    call_command("load_questionnaires", "--dir", str(definitions), "--dry-run")
    out = capsys.readouterr().out
    assert "new revision: green_factory@2025 revision 2" in out
    assert "changed from 0.6 to 0.9" in out and "2 draft or returned assessment(s) moved" in out
    assert "nothing was stored" in out
    assert QuestionnaireVersion.objects.filter(revision=2).count() == 0
    assert not RevisionNotice.objects.exists()
    assert gf_row(cohort["draft"]).revision == 1


def test_drafts_and_returned_move_to_the_new_revision_and_are_told_what_changed(
    cohort, definitions: Path
) -> None:
    draft, returned = cohort["draft"], cohort["returned"]
    answers_before = dict(Answer.objects.filter(assessment=draft).values_list("question_code", "value"))
    correct(definitions)
    report = load_definitions(directory=definitions)
    assert [(r.label, r.revision) for r in report.revised if r.label == "green_factory@2025"] == [
        ("green_factory@2025", 2)
    ]
    first = QuestionnaireVersion.objects.get(framework="green_factory", version="2025", revision=1)
    second = QuestionnaireVersion.objects.get(framework="green_factory", version="2025", revision=2)
    assert first.superseded_at is not None and second.superseded_at is None
    assert first.definition != second.definition  # the answered content is kept as it was
    for assessment in (draft, returned):
        assert gf_row(assessment) == second
        notice = RevisionNotice.objects.get(assessment=assessment)
        assert (notice.from_revision, notice.to_revision, notice.dismissed_at) == (1, 2, None)
        assert any("0.6 改为 0.9" in change["text"]["zh"] for change in notice.changes)
        assert notice.score_before is not None and notice.score_after is not None
        event = AuditEvent.objects.get(assessment=assessment, action="revision.moved")
        assert event.detail["to_revision"] == 2
    # Answers carried over as they were.
    assert (
        dict(Answer.objects.filter(assessment=draft).values_list("question_code", "value")) == answers_before
    )
    # The returned assessment's stored result is re-scored on revision 2.
    returned.refresh_from_db()
    assert gf_item(returned.result)["revision"] == 2
    assert (
        FrameworkResult.objects.get(assessment=returned, framework="green_factory", validated=False).score
        == (gf_item(returned.result)["score"])
    )


def test_submitting_dismisses_the_notice_and_stores_the_revision(cohort, definitions: Path) -> None:
    correct(definitions)
    load_definitions(directory=definitions)
    returned = cohort["returned"]
    user = returned.enterprise.memberships.get().user
    answers_save_many(assessment=returned, user=user, values={"gf25.q.revision_check": True})
    submitted = assessment_submit(assessment=Assessment.objects.get(pk=returned.pk), user=user)
    assert gf_item(submitted.result)["revision"] == 2
    assert RevisionNotice.objects.get(assessment=returned).dismissed_at is not None


def test_submitted_and_accepted_keep_the_revision_they_were_scored_on(cohort, definitions: Path) -> None:
    kept = {key: cohort[key] for key in ("submitted", "accepted")}
    results = {key: a.result for key, a in kept.items()}
    correct(definitions)
    load_definitions(directory=definitions)
    for key, assessment in kept.items():
        assessment.refresh_from_db()
        assert gf_row(assessment).revision == 1
        assert assessment.result == results[key]
        assert gf_item(assessment.result)["revision"] == 1
        assert not RevisionNotice.objects.filter(assessment=assessment).exists()


def test_an_answer_refused_by_the_new_revision_is_kept_and_flagged(cohort, definitions: Path) -> None:
    draft = cohort["draft"]
    numeric = {
        a.question_code: a.value
        for a in Answer.objects.filter(assessment=draft, question_code__startswith="gf25.")
        if isinstance(a.value, int) and not isinstance(a.value, bool) and a.value > 1
    }
    code, value = sorted(numeric.items())[0]
    text = (definitions / GF).read_text(encoding="utf-8")
    start = text.index(f"  - code: {code}\n")
    block_end = text.index("\n  - code: ", start + 1)
    block = text[start:block_end]
    narrowed = (
        re.sub(r"\n    max: [^\n]+", f"\n    max: {value - 1}", block)
        if "\n    max: " in block
        else block + f"\n    max: {value - 1}"
    )
    (definitions / GF).write_text(text[:start] + narrowed + text[block_end:], encoding="utf-8")
    load_definitions(directory=definitions)
    notice = RevisionNotice.objects.get(assessment=draft)
    flagged = {item["code"]: item for item in notice.flagged}
    assert flagged[code]["kind"] == "invalid"
    assert Answer.objects.get(assessment=draft, question_code=code).value == value
    assert notice.score_after is None  # not scorable until corrected


def test_officials_rescore_a_cohort_keeping_both_results(
    cohort, definitions: Path, province_official
) -> None:
    submitted, accepted = cohort["submitted"], cohort["accepted"]
    counted = {
        a.pk: list(
            FrameworkResult.objects.filter(assessment=a, in_analytics=True).values_list("framework", "score")
        )
        for a in (submitted, accepted)
    }
    correct(definitions)
    load_definitions(directory=definitions)
    report = cohort_rescore(framework="green_factory", version="2025", user=province_official)
    assert {r.assessment_id for r in report.rescored} == {submitted.pk, accepted.pk}
    for assessment in (submitted, accepted):
        assessment.refresh_from_db()
        rescore = Rescore.objects.get(assessment=assessment)
        assert (rescore.from_revision, rescore.to_revision, rescore.adopted_at) == (1, 2, None)
        assert rescore.result["revision"] == 2
        # The demo's carbon intensity lies between the leading value and the benchmarks: the score moves.
        assert rescore.result["score"] > rescore.original["result"]["score"]
        assert rescore.original["result"]["score"] == gf_item(assessment.result)["score"]
        # The counted result is unchanged: analytics count revision 1 until an official adopts.
        assert (
            list(
                FrameworkResult.objects.filter(assessment=assessment, in_analytics=True).values_list(
                    "framework", "score"
                )
            )
            == counted[assessment.pk]
        )
        assert gf_row(assessment).revision == 1
        assert AuditEvent.objects.filter(assessment=assessment, action="revision.rescore").count() == 1
    # Running again replaces the re-scores, it does not add to them.
    cohort_rescore(framework="green_factory", version="2025", user=province_official)
    assert Rescore.objects.count() == 2

    rescore = Rescore.objects.get(assessment=accepted)
    original_score = gf_item(accepted.result)["score"]
    adopted = rescore_adopt(rescore=rescore, user=province_official, reason="基准值更正")
    assert gf_row(adopted).revision == 2
    assert gf_item(adopted.result)["score"] == rescore.result["score"]
    assert gf_item(adopted.result)["revision"] == 2
    counted_row = FrameworkResult.objects.get(
        assessment=accepted, framework="green_factory", in_analytics=True
    )
    assert counted_row.score == rescore.result["score"]
    rescore.refresh_from_db()
    assert rescore.original["result"]["score"] == original_score and rescore.adopted_at is not None
    assert AuditEvent.objects.get(assessment=accepted, action="revision.adopt").reason == "基准值更正"
    with pytest.raises(DomainError):
        rescore_adopt(rescore=rescore, user=province_official)


def test_only_provincial_officials_rescore(cohort, definitions: Path, city_official) -> None:
    correct(definitions)
    load_definitions(directory=definitions)
    with pytest.raises(DomainError):
        cohort_rescore(framework="green_factory", version="2025", user=city_official)
    assert not Rescore.objects.exists()


def test_pages_and_report_say_which_revision_a_result_was_scored_on(
    cohort, definitions: Path, client, province_official, django_assert_num_queries
) -> None:
    from reports.data import build_report_data
    from reports.pdf import render_pdf

    correct(definitions)
    load_definitions(directory=definitions)
    submitted = cohort["submitted"]
    client.force_login(submitted.enterprise.memberships.get().user)
    page = client.get(reverse("assessment_results", args=[submitted.pk])).content.decode()
    assert "按第1版修订评分（该版本现行第2版修订）。" in page
    section = next(s for s in build_report_data(submitted.pk).frameworks if s.framework == "green_factory")
    assert section.revision_lines == ["按第1版修订评分（该版本现行第2版修订）。"]
    data = build_report_data(submitted.pk)
    with django_assert_num_queries(0):
        pdf = render_pdf(data)
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    assert "按第1版修订评分（该版本现行第2版修订）。" in text
    english = build_report_data(submitted.pk, lang="en")
    section = next(s for s in english.frameworks if s.framework == "green_factory")
    assert section.revision_lines == ["Scored on revision 1 (the version's current revision is 2)."]
    # A re-score is shown beside the counted result, saying which one counts.
    cohort_rescore(framework="green_factory", version="2025", user=province_official)
    score = Rescore.objects.get(assessment=submitted).score
    line = (
        f"主管部门已按第2版修订重新计分：{score:.2f}（仅供参考；统计和报告仍以上面按第1版修订的结果为准）。"
    )
    assert line in client.get(reverse("assessment_results", args=[submitted.pk])).content.decode()
    client.force_login(province_official)
    review = client.get(reverse("review_detail", args=[submitted.pk])).content.decode()
    assert "按第1版修订评分（该版本现行第2版修订）。" in review and line in review


def test_the_notice_is_shown_to_members_until_dismissed(cohort, definitions: Path, client) -> None:
    correct(definitions)
    load_definitions(directory=definitions)
    draft = cohort["draft"]
    client.force_login(draft.enterprise.memberships.get().user)
    home = client.get(reverse("home")).content.decode()
    assert "data-revision-notice" in home and "基准值由 0.6 改为 0.9" in home
    assert f"{draft.year} 年度评估：绿色工厂" in home
    notice = RevisionNotice.objects.get(assessment=draft)
    fill = client.get(reverse("assessment_detail", args=[draft.pk]), follow=True).content.decode()
    assert f'data-revision-notice="{notice.pk}"' in fill
    url = reverse("revision_notice_dismiss", args=[draft.pk, notice.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"return_to": reverse("home")})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    notice.refresh_from_db()
    assert notice.dismissed_at is not None
    assert AuditEvent.objects.filter(assessment=draft, action="revision.notice_dismissed").count() == 1
    assert "data-revision-notice" not in client.get(reverse("home")).content.decode()


def test_a_notice_of_another_enterprise_cannot_be_dismissed(cohort, definitions: Path, client) -> None:
    correct(definitions)
    load_definitions(directory=definitions)
    notice = RevisionNotice.objects.get(assessment=cohort["draft"])
    client.force_login(cohort["returned"].enterprise.memberships.get().user)
    response = client.post(reverse("revision_notice_dismiss", args=[cohort["draft"].pk, notice.pk]))
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.dismissed_at is None


def test_the_command_rescores_a_year_and_adopts_only_when_asked_with_a_reason(
    cohort, definitions: Path, capsys
) -> None:
    correct(definitions)
    load_definitions(directory=definitions)
    submitted = cohort["submitted"]
    before = FrameworkResult.objects.get(
        assessment=submitted, framework="green_factory", in_analytics=True
    ).score
    call_command("rescore_cohort", "green_factory", "2025", "--year", "2026")  # no assessment of 2026
    assert not Rescore.objects.exists()
    call_command("rescore_cohort", "green_factory", "2025", "--year", str(submitted.year))
    out = capsys.readouterr().out
    assert "2 assessment(s) re-scored on revision 2" in out and "analytics unchanged" in out
    assert (
        FrameworkResult.objects.get(assessment=submitted, framework="green_factory", in_analytics=True).score
        == before
    )
    with pytest.raises(CommandError, match="--reason"):
        call_command("rescore_cohort", "green_factory", "2025", "--adopt")
    call_command("rescore_cohort", "green_factory", "2025", "--adopt", "--reason", "基准值更正")
    assert "2 re-score(s) adopted" in capsys.readouterr().out
    after = FrameworkResult.objects.get(assessment=submitted, framework="green_factory", in_analytics=True)
    assert after.score == Rescore.objects.get(assessment=submitted).score != before
    assert AuditEvent.objects.filter(action="revision.adopt", actor=None).count() == 2


def test_the_province_official_rescores_and_adopts_on_the_revisions_page(
    cohort, definitions: Path, client, province_official, city_official
) -> None:
    correct(definitions)
    load_definitions(directory=definitions)
    client.force_login(city_official)
    assert client.get(reverse("revisions_overview")).status_code == 403
    client.force_login(province_official)
    page = client.get(reverse("revisions_overview")).content.decode()
    assert "现行第2版修订" in page and "按较早修订计分的已提交或已通过评估：2 份" in page
    response = client.post(
        reverse("revisions_rescore"), {"target": "green_factory@2025", "year": ""}, follow=True
    )
    assert "已按第2版修订重新计分 2 份评估" in response.content.decode()
    accepted = Rescore.objects.get(assessment=cohort["accepted"])
    submitted = Rescore.objects.get(assessment=cohort["submitted"])
    page = client.get(reverse("revisions_overview")).content.decode()
    # One form for the version: a labelled tick box per row, one reason in a fieldset with its legend.
    assert page.count('name="reason"') == 1 and page.count('type="checkbox" name="rescore"') == 2
    assert (
        f'for="adopt-{accepted.pk}">采用accepted 企业（{cohort["accepted"].year}年度）的新得分</label>'
        in page
    )
    assert "<legend" in page and "采用范围" in page and "全部未采用且可计分的评估（2 份）" in page
    url = reverse("rescores_adopt")
    form = {"target": "green_factory@2025", "scope": "selected"}
    # Nothing ticked, or no reason: refused on the page (ticks kept), nothing adopted.
    response = client.post(url, {**form, "reason": "省厅决定采用"})
    assert response.status_code == 400 and "请勾选要采用的评估，或选择“全部”。" in response.content.decode()
    response = client.post(url, {**form, "rescore": [accepted.pk], "reason": " "})
    html = response.content.decode()
    assert response.status_code == 400 and "is-invalid" in html
    assert f'value="{accepted.pk}" id="adopt-{accepted.pk}" checked' in html
    assert not Rescore.objects.filter(adopted_at__isnull=False).exists()
    # The ticked row with one reason; then all that are left.
    response = client.post(url, {**form, "rescore": [accepted.pk], "reason": "省厅决定采用"}, follow=True)
    assert "已采用 1 份评估按新修订重新计分的结果" in response.content.decode()
    accepted.refresh_from_db()
    submitted.refresh_from_db()
    assert accepted.adopted_by == province_official and submitted.adopted_at is None
    counted = FrameworkResult.objects.get(
        assessment=cohort["accepted"], framework="green_factory", in_analytics=True
    )
    assert counted.score == accepted.score
    response = client.post(url, {**form, "scope": "all", "reason": "基准值更正，全部采用"}, follow=True)
    assert "已采用 1 份评估" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.adopted_by == province_official
    # One audit entry per assessment, each with the reason it was adopted with.
    events = AuditEvent.objects.filter(action="revision.adopt").order_by("pk")
    assert [(e.assessment_id, e.reason) for e in events] == [
        (cohort["accepted"].pk, "省厅决定采用"),
        (cohort["submitted"].pk, "基准值更正，全部采用"),
    ]
    assert 'name="reason"' not in response.content.decode()  # nothing left to adopt


def test_adopting_several_reports_the_refused_and_adopts_the_others(
    cohort, definitions: Path, province_official, city_official
) -> None:
    correct(definitions)
    load_definitions(directory=definitions)
    cohort_rescore(framework="green_factory", version="2025", user=province_official)
    accepted = Rescore.objects.get(assessment=cohort["accepted"])
    submitted = Rescore.objects.get(assessment=cohort["submitted"])
    Rescore.objects.filter(pk=submitted.pk).update(result=None)  # as when the answers do not fit
    with pytest.raises(DomainError):
        rescores_adopt(framework="green_factory", version="2025", user=city_official, reason="x")
    with pytest.raises(DomainError):
        rescores_adopt(framework="green_factory", version="2025", user=province_official, reason=" ")
    # "All" leaves out what cannot be scored; ticked, it is refused with why, the others adopted.
    assert not rescores_adopt(
        framework="green_factory", version="2025", user=province_official, reason="r", rescore_ids=[]
    ).adopted
    report = rescores_adopt(
        framework="green_factory",
        version="2025",
        user=province_official,
        reason="基准值更正",
        rescore_ids=[submitted.pk, accepted.pk],
    )
    assert [a.pk for a in report.adopted] == [cohort["accepted"].pk]
    assert [(r.pk, "无法按新修订计分" in why) for r, why in report.refused] == [(submitted.pk, True)]
    again = rescores_adopt(framework="green_factory", version="2025", user=province_official, reason="r")
    assert not again.adopted and not again.refused
