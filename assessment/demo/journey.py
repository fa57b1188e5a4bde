"""Demo assessments for `manage.py seed_demo`, made through the journey's services.

Each of the first DEMO_ASSESSMENT_ENTERPRISES demo enterprises gets submitted assessments for the last
three years (answers varied per enterprise and improving a little every year; each year prefilled from
the previous one), reviewed by its city's official: most accepted, some returned with a comment. The
demo SME manager's enterprise also gets a draft for the current reporting year. Idempotent: an
enterprise that already has assessments is left alone. Answers start from reports/demo_answers.json
(a plausible small dairy plant) and are varied deterministically; they are illustrative, not real data.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from assessment.models import Assessment, Enterprise, Membership, OfficialProfile, User
from assessment.selectors.assessments import assessment_definitions, assessment_page, question_index
from assessment.services.assessments import (
    answers_confirm,
    answers_save_many,
    assessment_create,
    assessment_submit,
)
from assessment.services.review import review_comment_add, review_decide
from questionnaires.logic import proposed_choices, resolve_answers
from questionnaires.models import QuestionnaireVersion
from questionnaires.question_types import DemoYear, question_type, takes_value

if TYPE_CHECKING:
    from assessment.demo.context import DemoContext

DEMO_ASSESSMENT_ENTERPRISES = 39  # made one by one through the services: a few seconds each
BASE_ANSWERS = Path(__file__).resolve().parents[2] / "reports" / "demo_answers.json"
# Quantities that scale with the size of the plant (one factor per enterprise keeps balances consistent).
_SCALED = (
    "energy.grid_electricity_kwh",
    "energy.green_power_kwh",
    "energy.self_generated_renewable_kwh",
    "energy.raw_coal_t",
    "energy.coke_t",
    "energy.natural_gas_m3",
    "energy.lpg_t",
    "energy.diesel_t",
    "energy.gasoline_t",
    "energy.fuel_oil_t",
    "energy.biomass_t",
    "energy.steam_t",
    "energy.heat_gj",
    "energy.output_value_10k",
    "energy.main_product_output",
    "energy.water_intake_m3",
    "energy.water_reused_m3",
    "energy.water_total_use_m3",
    "energy.solid_waste_generated_t",
    "energy.solid_waste_utilised_t",
    "energy.solid_waste_from_storage_t",
    "energy.hazardous_waste_t",
    "energy.land_area_m2",
    "energy.building_footprint_m2",
    "energy.floor_area_m2",
)
_FIXED = ("energy.grid_factor_year", "energy.grid_factor_basis", "energy.biomass_ncv_mj_per_kg")


def _base_answers() -> dict[str, Any]:
    return json.loads(BASE_ANSWERS.read_text(encoding="utf-8"))["answers"]


def _vary(
    base: dict[str, Any],
    questions: dict[str, dict[str, Any]],
    rng: random.Random,
    scale: float,
    improvement: float,
    maturity: float = 0.5,
    prerequisites: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Answers for one enterprise and year: quantities of the base plant scaled to its size, choices
    drawn around its `maturity` (0..1, how far along it is), a little better every year (`improvement`)."""
    level = min(1.0, max(0.0, maturity + 0.08 * improvement))
    answers: dict[str, Any] = {}
    for code, question in questions.items():
        qtype = question_type(question)
        if not takes_value(question) or code == "energy.confirmed_warnings" or "proposed_by" in question:
            continue  # a proposed option comes from the figures below (and draws nothing at random)
        value = base.get(code)
        if value is None and (code in _FIXED or code in _SCALED):
            continue  # left blank: not used by this plant, or the calculator's default
        if code in _SCALED and isinstance(value, int | float):
            decimals = question.get("decimals")
            value = round(
                value * scale * rng.uniform(0.85, 1.15), int(decimals) if decimals is not None else 2
            )
            if decimals == 0:
                value = int(value)
        elif code in _FIXED or code.startswith("energy."):
            pass
        elif code in prerequisites:
            value = rng.random() < 0.97  # veto items: almost every operating plant meets them
        elif qtype is not None:
            value = qtype.demo_yearly(question, rng, DemoYear(level, value, base))
        if value is not None:
            answers[code] = value
    # A change's option (增加/持平/降低) as its scaled figures propose it: the enterprise accepted it.
    questionnaire = {"questions": list(questions.values())}
    proposed = proposed_choices(questionnaire, resolve_answers(questionnaire, answers))
    for code, question in questions.items():
        if "proposed_by" in question and (code in proposed or code in base):
            answers[code] = proposed.get(code, base.get(code))
    # Balances the calculator checks stay consistent after scaling.
    if "energy.water_intake_m3" in answers and "energy.water_reused_m3" in answers:
        answers["energy.water_total_use_m3"] = (
            answers["energy.water_intake_m3"] + answers["energy.water_reused_m3"]
        )
    generated = answers.get("energy.solid_waste_generated_t")
    if isinstance(generated, int | float) and isinstance(
        answers.get("energy.solid_waste_utilised_t"), int | float
    ):
        answers["energy.solid_waste_utilised_t"] = min(answers["energy.solid_waste_utilised_t"], generated)
    return answers


def _official_for(enterprise: Enterprise) -> User | None:
    profile = (
        OfficialProfile.objects.filter(city_code=enterprise.city_code).select_related("user").first()
        or OfficialProfile.objects.filter(city_code="").select_related("user").first()
    )
    return profile.user if profile else None


def _fill_and_submit(assessment: Assessment, user: User, answers: dict[str, Any]) -> Assessment | None:
    errors = answers_save_many(assessment=assessment, user=user, values=answers)
    if errors:
        return None
    answers_confirm(assessment=assessment, user=user)
    evaluation = assessment_page(assessment).evaluate(score=False)
    if evaluation.warnings:
        answers_save_many(
            assessment=assessment,
            user=user,
            values={"energy.confirmed_warnings": [w["code"] for w in evaluation.warnings]},
        )
    if evaluation.missing_required or evaluation.energy_errors:
        return None
    return assessment_submit(assessment=assessment, user=user)


def _demo_draft(enterprise: Enterprise, user: User, base: dict[str, Any], year: int, seed: int) -> int:
    """The demo SME manager's draft of `year`, prefilled from the latest assessment and half answered."""
    if Assessment.objects.filter(enterprise=enterprise, year=year).exists():
        return 0
    rng = random.Random(f"{seed}-{enterprise.uscc}-draft")
    draft = assessment_create(enterprise=enterprise, year=year, user=user)
    answers = _vary(base, question_index(assessment_definitions(draft)), rng, 1.0, improvement=1.0)
    # Half-filled: the energy calculator and the shared management questions; the rest stays prefilled.
    part = {code: value for code, value in answers.items() if code.startswith(("energy.", "mgmt."))}
    answers_save_many(assessment=draft, user=user, values=part)
    return 1


def seed_assessments(context: DemoContext) -> None:
    """Submitted assessments of the last three years for the first demo enterprises (some returned,
    most accepted), and a draft of the current reporting year for the demo SME manager."""
    for _done in journey_steps(context):
        pass


def journey_steps(context: DemoContext) -> Iterator[None]:
    """seed_assessments one enterprise at a time: yields after each, so the bulk step can do the journey
    while its worker processes score (assessment/demo/steps.py, seed_demo_assessments)."""
    if not QuestionnaireVersion.objects.filter(status=QuestionnaireVersion.Status.CURRENT).exists():
        if context.stdout:
            context.stdout.write(
                "seed_assessments: no questionnaires loaded (run load_questionnaires): skipped\n"
            )
        return
    this_year = timezone.localdate().year
    years = [this_year - 3, this_year - 2, this_year - 1]
    base = _base_answers()
    enterprises = list(context.demo_enterprises().order_by("uscc")[:DEMO_ASSESSMENT_ENTERPRISES])
    taken = set(Assessment.objects.filter(enterprise__in=enterprises).values_list("enterprise_id", flat=True))
    managers = {
        m.enterprise_id: m.user
        for m in Membership.objects.filter(
            enterprise__in=enterprises, role=Membership.Role.MANAGER
        ).select_related("user")
    }
    context.count("assessments", 0)
    context.count("draft assessments", 0)
    connection = transaction.get_connection()
    for index, enterprise in enumerate(enterprises):
        user = managers.get(enterprise.pk)
        if user is None or (enterprise.pk in taken and user.username != "sme_manager"):
            continue
        queued = len(connection.run_on_commit)
        # Review decisions e-mail the enterprise's members: not for demo data. Outside a transaction the
        # e-mails go to the in-memory backend; inside seed_demo's, the queued sends are dropped below.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            made, drafts = _enterprise_journey(context, index, enterprise, user, years, base, taken)
        if connection.in_atomic_block:
            del connection.run_on_commit[queued:]
        context.count("assessments", made)
        context.count("draft assessments", drafts)
        yield


def _enterprise_journey(
    context: DemoContext,
    index: int,
    enterprise: Enterprise,
    user: User,
    years: list[int],
    base: dict[str, Any],
    taken: set[int],
) -> tuple[int, int]:
    """One enterprise's submitted (and reviewed) assessments, and the demo manager's draft."""
    made = drafts = 0
    rng = random.Random(f"{context.seed}-{enterprise.uscc}")
    scale = rng.uniform(0.3, 3.0)
    maturity = rng.uniform(0.15, 0.9)
    official = _official_for(enterprise)
    is_demo_manager = user.username == "sme_manager"
    # The demo manager's latest year is left as a draft to fill (prefilled from the year before).
    own_years = [year - 1 for year in years] if is_demo_manager else years
    for position, year in enumerate(own_years if enterprise.pk not in taken else []):
        assessment = assessment_create(enterprise=enterprise, year=year, user=user)
        definitions = assessment_definitions(assessment)
        veto = frozenset(p["question"] for d in definitions for p in d.get("prerequisites") or [])
        answers = _vary(
            base,
            question_index(definitions),
            rng,
            scale,
            improvement=position / 2,
            maturity=maturity,
            prerequisites=veto,
        )
        submitted = _fill_and_submit(assessment, user, answers)
        if submitted is None:
            continue
        made += 1
        if official is None:
            continue
        last = position == len(years) - 1
        if last and index % 5 == 2:
            continue  # waiting for review
        if last and index % 5 == 4:
            review_comment_add(
                assessment=submitted,
                reviewer=official,
                question_code="mgmt.lawful_compliant",
                text="请上传环评批复或排污许可证作为佐证材料。",
            )
            review_decide(
                assessment=submitted,
                reviewer=official,
                decision="return",
                note="请补充合规佐证材料后重新提交。",
            )
        else:
            review_decide(assessment=submitted, reviewer=official, decision="accept", note="")
    if is_demo_manager:
        drafts += _demo_draft(enterprise, user, base, years[-1], context.seed)
    return made, drafts
