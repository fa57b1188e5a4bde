"""The improvement plan for the report: a plain PlanSection (reports/types.py) from the plan's actions
and the projection of the counted ones (assessment/projection.py), in the report's language. Pure: the
PDF renders it without the database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assessment.actions import Catalog
from assessment.economics import present as econ_present
from assessment.presentation import level_text
from assessment.projection import PlannedAction, active_codes, project_plan
from assessment.scoring import EnterpriseFacts
from assessment.scoring.types import AssessmentResult
from questionnaires.text import is_english, pick
from reports.types import PlanRowData, PlanSection

STATUS = {
    "planned": ("计划中", "Planned"),
    "in_progress": ("实施中", "In progress"),
    "done": ("已完成", "Done"),
    "dropped": ("已放弃", "Dropped"),
}
NOT_SET = ("未定", "Not set")


def _label(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if is_english(lang) else pair[0]


def plan_section(
    actions: Sequence[PlannedAction],
    *,
    definitions: list[dict[str, Any]],
    answers: Mapping[str, Any],
    facts: EnterpriseFacts,
    factors: Mapping[str, Any],
    prices: Mapping[str, Any],
    before: AssessmentResult,
    calculator: Mapping[str, Any],
    catalog: Catalog,
    lang: str,
    framework_names: Mapping[str, str],
    schemes: Mapping[tuple[str, str], Mapping[str, Any]],
) -> PlanSection | None:
    """The plan's section, or None without actions. Actions the catalog no longer has are left out."""
    known = {action.code for action in catalog.actions}
    actions = [action for action in actions if action.code in known]
    if not actions:
        return None
    projection = project_plan(
        definitions=definitions,
        answers=answers,
        enterprise=facts,
        factors=factors,
        prices=prices,
        codes=active_codes(actions),
        catalog=catalog,
        before=before,
        calculator=calculator,
    )
    steps = {step.code: step for step in projection.steps}
    rows = []
    for number, action in enumerate(sorted(actions, key=lambda a: a.position), start=1):
        step = steps.get(action.code)
        row = PlanRowData(
            number=number,
            code=action.code,
            title=pick(catalog.get(action.code).title, lang),
            owner=action.owner or "—",
            quarter=action.quarter or _label(NOT_SET, lang),
            status=_label(STATUS.get(action.status, STATUS["planned"]), lang),
            note=action.note,
            counted=step is not None,
        )
        if step is not None and step.economics.estimated:
            row.investment = econ_present.span_text(step.economics.investment_wan, 1)
            row.saving = econ_present.span_text(step.economics.annual_saving_wan, 1)
            row.co2 = econ_present.span_text(step.economics.co2_avoided_t, 1)
        elif step is not None:
            row.figures_note = pick(econ_present.STATUS_TEXT.get(step.economics.status), lang)
        rows.append(row)
    by_slug = {d["framework"]: d for d in definitions}
    frameworks = []
    for item in projection.frameworks:
        old = projection.before.framework(item.framework)
        new = projection.after.framework(item.framework)
        scheme = schemes.get((item.framework, str(getattr(new, "version", ""))))
        definition = by_slug.get(item.framework, {})
        frameworks.append(
            (
                framework_names.get(item.framework, item.framework),
                f"{item.score_before:.2f}",
                level_text(old, definition, scheme=scheme, lang=lang).text,
                f"{item.score_after:.2f}",
                level_text(new, definition, scheme=scheme, lang=lang).text,
            )
        )
    titles = {action.code: pick(action.title, lang) for action in catalog.actions}
    return PlanSection(
        rows=rows,
        frameworks=frameworks,
        investment=econ_present.span_text(projection.investment_wan, 1),
        saving=econ_present.span_text(projection.annual_saving_wan, 1),
        energy=econ_present.span_text(projection.energy_saved_tce, 1),
        co2=econ_present.span_text(projection.co2_avoided_t, 1),
        counted=len(projection.codes),
        quantified=len(projection.quantified),
        codes=[action.code for action in actions],
        mac=econ_present.mac_geometry(projection, lang=lang, titles=titles, width=500, height=230),  # type: ignore[arg-type]
    )
