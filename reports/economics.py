"""The action plan's figures for the report: a plain section (reports/types.py EconomicsSection) built
from an ActionPlan, in the report's language (pure; the PDF renders it without the database)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assessment.actions import Catalog
from assessment.economics import ActionPlan
from assessment.economics import present as econ_present
from reports.types import EconomicsSection


def economics_section(
    plan: ActionPlan,
    *,
    lang: str,
    catalog: Catalog,
    question_texts: Mapping[str, Any],
    framework_names: Mapping[str, str],
) -> EconomicsSection:
    kwargs = {
        "lang": lang,
        "question_texts": question_texts,
        "framework_names": framework_names,
        "cost_labels": {key: value["label"] for key, value in catalog.effort_classes.items()},
        "price_labels": econ_present.price_labels(plan),
    }
    rows = econ_present.plan_rows(plan, **kwargs)
    by_code = {row.code: row for row in rows}
    return EconomicsSection(
        rule=econ_present.ranking_rule(lang),
        rows=rows,
        low_cost=[
            by_code[row.code]
            for row in econ_present.plan_rows(plan, view="low_cost", **kwargs)
            if row.estimated
        ],
        largest_co2=[
            by_code[row.code] for row in econ_present.plan_rows(plan, view="co2", **kwargs) if row.estimated
        ],
        prices=econ_present.price_notes(plan, lang),
        mac=econ_present.mac_geometry(
            plan, lang=lang, titles=econ_present.item_titles(plan, lang), width=500, height=230
        ),
    )
