"""The improvement plan page in words: projected scores and levels, combined figures, rows, the picker.

Plain data for the templates (one language at a time); no queries except those the callers pass in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from assessment.actions import Catalog
from assessment.economics import present as econ_present
from assessment.models import PlanAction
from assessment.presentation import level_text
from assessment.projection import PlanProjection
from assessment.recommendations import Recommendations
from assessment.views.sme.home import short_framework_title
from questionnaires.text import active_language, pick


def framework_rows(
    projection: PlanProjection, definitions: list[dict[str, Any]], schemes: Mapping[tuple[str, str], Any]
) -> list[dict[str, Any]]:
    """Per framework: the score and level today and once the plan is done, worded by presentation.py."""
    lang = active_language()
    by_slug = {d["framework"]: d for d in definitions}
    rows = []
    for item in projection.frameworks:
        old = projection.before.framework(item.framework)
        new = projection.after.framework(item.framework)
        definition = by_slug.get(item.framework, {})
        scheme = schemes.get((item.framework, str(getattr(new, "version", ""))))
        before = level_text(old, definition, scheme=scheme, lang=lang)
        after = level_text(new, definition, scheme=scheme, lang=lang)
        rows.append(
            {
                "framework": item.framework,
                "title": short_framework_title(item.framework),
                "score_before": round(item.score_before, 2),
                "score_after": round(item.score_after, 2),
                "delta": item.delta,
                "level_before": before.text,
                "level_after": after.text,
                "level_changed": before.text != after.text,
                "level_up": item.level_up,
                "note": after.note,
            }
        )
    return rows


def totals(projection: PlanProjection) -> dict[str, Any]:
    """The combined figures as ranges (low–high), as the action economics show them."""
    quantified = projection.quantified
    return {
        "investment": econ_present.span_text(projection.investment_wan, 1),
        "saving": econ_present.span_text(projection.annual_saving_wan, 1),
        "negative_saving": projection.annual_saving_wan.mid < 0,
        "energy": econ_present.span_text(projection.energy_saved_tce, 1),
        "co2": econ_present.span_text(projection.co2_avoided_t, 1),
        "quantified": len(quantified),
        "counted": len(projection.codes),
    }


def action_rows(
    rows: list[PlanAction], projection: PlanProjection | None, catalog: Catalog
) -> list[dict[str, Any]]:
    """The plan's actions in the plan's order, each with its figures in the sequence (counted ones)."""
    steps = (
        {step.code: (number, step) for number, step in enumerate(projection.steps, 1)} if projection else {}
    )
    cost_labels = {key: value["label"] for key, value in catalog.effort_classes.items()}
    found = []
    for row in rows:
        action = (
            catalog.get(row.action_code) if row.action_code in {a.code for a in catalog.actions} else None
        )
        number, step = steps.get(row.action_code, (None, None))
        figures = None
        if step is not None:
            econ = step.economics
            figures = {
                "estimated": econ.estimated,
                "investment": econ_present.span_text(econ.investment_wan, 1),
                "saving": econ_present.span_text(econ.annual_saving_wan, 1),
                "co2": econ_present.span_text(econ.co2_avoided_t, 1),
                "status": pick(econ_present.STATUS_TEXT.get(econ.status)),
                "changes": len(step.changes),
            }
        found.append(
            {
                "row": row,
                "code": row.action_code,
                "title": pick(action.title) if action else _("（措施目录中已无此措施）"),
                "cost_class": pick(cost_labels.get(action.effort)) if action else "",
                "step": number,
                "figures": figures,
                "by": str(row.updated_by) if row.updated_by else "",
            }
        )
    return found


def picker(
    recommendations: Recommendations | None, catalog: Catalog, in_plan: set[str], facts: Any
) -> dict[str, Any]:
    """Recommended actions first (ranked, each with its score gain and the gap it closes), then every
    other catalog action that applies to the enterprise. Actions already in the plan are marked so the
    page hides them (and shows them again when removed), and are listed after the others."""
    cost_labels = {key: value["label"] for key, value in catalog.effort_classes.items()}
    recommended = []
    codes = set()
    for item in recommendations.items if recommendations else []:
        codes.add(item.action.code)
        gains = [
            {"title": short_framework_title(gain.framework), "delta": gain.delta}
            for gain in item.gains
            if gain.delta > 0
        ]
        recommended.append(
            {
                "code": item.action.code,
                "title": pick(item.action.title),
                "cost_class": pick(cost_labels.get(item.action.effort)),
                "gains": gains,
                "fixes_veto": [pick(v.get("title")) for v in item.fixes_veto],
                "lifts_limiting": [pick(v.get("title")) for v in item.lifts_limiting],
                "why": [pick(t.text) for t in item.triggers][:3],
                "in_plan": item.action.code in in_plan,
            }
        )
    # Those already in the plan (hidden) go last, in rank order, so the first places shown before the
    # "more" fold are the best-ranked actions still to choose from.
    recommended.sort(key=lambda item: item["in_plan"])
    others = [
        {"code": a.code, "title": pick(a.title), "in_plan": a.code in in_plan}
        for a in catalog.actions
        if a.code not in codes and a.applies_to(industry=facts.industry, size_class=facts.size_class)
    ]
    others.sort(key=lambda a: a["title"])
    return {"recommended": recommended, "others": others}
