"""SME digital assessments stored before the change options (增加/持平/降低) became choices: built on a
revision 1 whose four change indicators score the computed change by bands (as the file was before),
then the shipped file loaded as revision 2."""

from __future__ import annotations

import copy
import io
import re
import shutil
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessment.models import Answer, Assessment, AuditEvent, FrameworkResult, Rescore, RevisionNotice
from assessment.selectors.assessments import assessment_page
from assessment.services.assessments import answer_save
from assessment.services.revisions import cohort_rescore, rescore_adopt
from questionnaires.definition import clear_definition_cache, iter_indicators
from questionnaires.loader import DEFINITIONS_DIR, content_hash, load_definitions
from questionnaires.models import QuestionnaireVersion
from tests.builders import assessments_in_every_status

TRENDS = {
    "dig24.outcomes.green": "dig24.q.energy_intensity",
    "dig24.outcomes.quality": "dig24.q.pass_rate",
    "dig24.outcomes.revenue_per_employee": "dig24.q.revenue_per_employee",
    "dig24.outcomes.cost": "dig24.q.cost_per_100_revenue",
}


def before_choices(definition: dict) -> dict:
    """The SME digital definition as stored before the change options became choices: no *_trend
    questions, each change indicator scoring its computed change by bands."""
    old = copy.deepcopy(definition)
    old["questions"] = [q for q in old["questions"] if not q["code"].endswith("_trend")]
    for indicator in iter_indicators(old):
        stem = TRENDS.get(indicator["code"])
        if stem is None:
            continue
        good = "lt" if indicator["code"] in ("dig24.outcomes.green", "dig24.outcomes.cost") else "gt"
        bad = "gt" if good == "lt" else "lt"
        weight = indicator["weight"]
        indicator["rule"] = {
            "type": "bands",
            "question": f"{stem}_change",
            "bands": [
                {good: 0, "points": weight},
                {"ge": 0, "le": 0, "points": weight / 2},
                {bad: 0, "points": 0},
            ],
        }
    return old


@pytest.fixture
def definitions(tmp_path: Path, db):
    target = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, target)
    load_definitions(directory=target)
    row = QuestionnaireVersion.objects.get(framework="sme_digital", version="2024")
    row.definition = before_choices(row.definition)
    row.content_hash = content_hash(row.definition)
    row.save()
    clear_definition_cache()
    yield target
    clear_definition_cache()


@pytest.fixture
def cohort(definitions, factor_set, province_official):
    """One assessment per status on revision 1, all with the demo figures."""
    return assessments_in_every_status(reviewer=province_official)


PROPOSED = {  # what the demo figures propose (reports/demo_answers.json)
    "dig24.q.energy_intensity_trend": "decreased",
    "dig24.q.pass_rate_trend": "increased",
    "dig24.q.revenue_per_employee_trend": "increased",
    "dig24.q.cost_per_100_revenue_trend": "decreased",
}
PASS_RATES = ("dig24.q.pass_rate_before", "dig24.q.pass_rate_after")


def digital(result: dict) -> dict:
    return next(item for item in result["frameworks"] if item["framework"] == "sme_digital")


def indicators(assessment: Assessment) -> dict:
    """The live SME digital indicators of an assessment: code -> (points earned, status)."""
    framework = assessment_page(assessment).evaluate(score=True).result.framework("sme_digital")
    return {i.code: (i.earned, i.status) for i in framework.indicators if i.code in TRENDS}


def trend_answers(assessment: Assessment) -> dict:
    return {
        a.question_code: (a.value, a.proposed, a.updated_by_id)
        for a in Answer.objects.filter(assessment=assessment, question_code__endswith="_trend")
    }


def sme_row(assessment: Assessment) -> QuestionnaireVersion:
    return assessment.versions.get(framework="sme_digital")


FULL = {
    "dig24.outcomes.green": (7.0, "scored"),
    "dig24.outcomes.quality": (7.0, "scored"),
    "dig24.outcomes.revenue_per_employee": (3.0, "scored"),
    "dig24.outcomes.cost": (3.0, "scored"),
}


def test_the_old_revision_scores_the_figures_by_bands(cohort) -> None:
    # The baseline: stored before the change, every change indicator scored from the figures.
    for assessment in cohort.values():
        assert sme_row(assessment).revision == 1 and not trend_answers(assessment)
        assert indicators(assessment) == FULL
    assert digital(cohort["submitted"].result)["score"] == 40.23


def test_a_moved_draft_gets_the_options_its_figures_propose_recorded_as_proposed(cohort, definitions) -> None:
    draft = cohort["draft"]
    before = assessment_page(draft).evaluate(score=True).result.framework("sme_digital").score
    load_definitions(directory=definitions)
    draft = Assessment.objects.get(pk=draft.pk)
    assert sme_row(draft).revision == 2
    # Recorded by the system (no person), marked proposed: the enterprise still chooses.
    assert trend_answers(draft) == {code: (option, True, None) for code, option in PROPOSED.items()}
    assert indicators(draft) == FULL
    notice = RevisionNotice.objects.get(assessment=draft)
    assert notice.score_before == notice.score_after == before  # no silent drop of 20 points
    proposed = [item for item in notice.flagged if item["kind"] == "proposed"]
    assert {item["code"] for item in proposed} == set(PROPOSED)
    assert "系统按您填写的数据预选了此项" in proposed[0]["reason"]["zh"]


def test_a_draft_without_the_figures_leaves_the_choice_unanswered(
    cohort, definitions, client, sme_manager
) -> None:
    draft = cohort["draft"]
    Answer.objects.filter(assessment=draft, question_code__in=PASS_RATES).delete()
    load_definitions(directory=definitions)
    draft = Assessment.objects.get(pk=draft.pk)
    assert "dig24.q.pass_rate_trend" not in trend_answers(draft)
    assert indicators(draft)["dig24.outcomes.quality"] == (0.0, "missing")
    # Shown as unanswered, not as 0 points: the results page, the review page and the PDF.
    client.force_login(draft.enterprise.memberships.get().user)
    html = client.get(reverse("assessment_results", args=[draft.pk])).content.decode()
    weakest = html[html.index("最需改进的指标") :]
    assert '产品质量 <span class="text-muted">未答</span>' in weakest
    assert '产品质量 <span class="text-muted">0.0/7.0' not in weakest


def test_the_report_shows_an_unanswered_change_as_unanswered(cohort, definitions) -> None:
    from reports.data import build_report_data
    from reports.pdf import _points, render_pdf

    returned = cohort["returned"]
    Answer.objects.filter(assessment=returned, question_code__in=PASS_RATES).delete()
    load_definitions(directory=definitions)
    data = build_report_data(returned.pk, annex=True)
    section = next(s for s in data.frameworks if s.framework == "sme_digital")
    quality = next(i for i in section.indicators if i.code == "dig24.outcomes.quality")
    assert (quality.answer, quality.status, _points(quality)) == ("未回答", "missing", "— / 7")
    green = next(i for i in section.indicators if i.code == "dig24.outcomes.green")
    assert _points(green) == "7 / 7"
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(data))).pages)
    )
    assert "产品质量未回答—/7" in text


def test_a_moved_returned_assessment_keeps_its_score_in_the_stored_result_and_analytics(
    cohort, definitions
) -> None:
    returned = cohort["returned"]
    score = digital(returned.result)["score"]
    load_definitions(directory=definitions)
    returned.refresh_from_db()
    assert digital(returned.result)["revision"] == 2
    assert digital(returned.result)["score"] == score
    assert (
        FrameworkResult.objects.get(assessment=returned, framework="sme_digital", validated=False).score
        == score
    )
    assert trend_answers(returned) == {code: (option, True, None) for code, option in PROPOSED.items()}


def test_a_person_choosing_clears_the_proposed_mark(cohort, definitions) -> None:
    draft = cohort["draft"]
    load_definitions(directory=definitions)
    user = draft.enterprise.memberships.get().user
    draft = Assessment.objects.get(pk=draft.pk)
    answer_save(assessment=draft, user=user, code="dig24.q.pass_rate_trend", value="unchanged")
    assert trend_answers(draft)["dig24.q.pass_rate_trend"] == ("unchanged", False, user.pk)
    assert indicators(draft)["dig24.outcomes.quality"] == (3.5, "scored")
    assert trend_answers(draft)["dig24.q.energy_intensity_trend"] == ("decreased", True, None)


def test_the_enterprise_and_officials_see_that_an_option_was_proposed(
    cohort, definitions, client, province_official
) -> None:
    returned = cohort["returned"]
    load_definitions(directory=definitions)
    client.force_login(returned.enterprise.memberships.get().user)
    fill = client.get(reverse("assessment_fill", args=[returned.pk, "dig24.outcomes"])).content.decode()
    assert fill.count("系统按数据预选，待您确认") == 4
    notice = fill[fill.index("需要您注意的答案") :]
    assert notice.index("系统按您填写的数据预选了此项") < notice.index("我已知晓")
    client.force_login(province_official)
    review = client.get(reverse("review_detail", args=[returned.pk])).content.decode()
    assert review.count("系统按数据预选，企业未选择") == 4


@pytest.mark.parametrize("status", ["submitted", "accepted"])
def test_submitted_and_accepted_keep_the_result_the_reviewer_saw(cohort, definitions, status) -> None:
    assessment = cohort[status]
    result = assessment.result
    load_definitions(directory=definitions)
    assessment.refresh_from_db()
    assert sme_row(assessment).revision == 1
    assert assessment.result == result
    assert not trend_answers(assessment)  # locked: nothing written
    assert indicators(assessment) == FULL


def test_a_rescore_on_the_new_revision_takes_the_proposed_options_and_adopting_records_them(
    cohort, definitions, province_official
) -> None:
    load_definitions(directory=definitions)
    report = cohort_rescore(framework="sme_digital", version="2024", user=province_official)
    assert {r.assessment_id for r in report.rescored} == {cohort["submitted"].pk, cohort["accepted"].pk}
    for rescore in report.rescored:
        assert rescore.result["score"] == rescore.original["result"]["score"] == 40.23
        assert rescore.result["proposed"] == PROPOSED
        earned = {i["code"]: i["earned"] for i in rescore.result["indicators"] if i["code"] in TRENDS}
        assert earned == {code: points for code, (points, _status) in FULL.items()}
    accepted = cohort["accepted"]
    adopted = rescore_adopt(rescore=Rescore.objects.get(assessment=accepted), user=province_official)
    assert sme_row(adopted).revision == 2 and digital(adopted.result)["score"] == 40.23
    assert trend_answers(adopted) == {code: (option, True, None) for code, option in PROPOSED.items()}
    assert AuditEvent.objects.get(assessment=accepted, action="revision.adopt").detail["proposed"] == PROPOSED


def test_a_rescore_without_the_figures_leaves_the_change_unanswered(
    cohort, definitions, province_official, client
) -> None:
    submitted = cohort["submitted"]
    Answer.objects.filter(assessment=submitted, question_code__in=PASS_RATES).delete()  # legacy data
    load_definitions(directory=definitions)
    cohort_rescore(framework="sme_digital", version="2024", user=province_official)
    rescore = Rescore.objects.get(assessment=submitted)
    quality = next(i for i in rescore.result["indicators"] if i["code"] == "dig24.outcomes.quality")
    assert quality["status"] == "missing"
    assert "dig24.q.pass_rate_trend" not in rescore.result["proposed"]
    client.force_login(province_official)
    page = client.get(reverse("revisions_overview")).content.decode()
    assert "其中 3 个选择题按企业填写的数据预选计分（企业未选择）" in page
