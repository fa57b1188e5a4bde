"""What each recommended action costs, saves and pays back, for one assessment.

    python manage.py action_plan --assessment ID [--json] [--lang zh-hans|en]
    python manage.py action_plan --demo [--json]

--demo uses the demo enterprise's (the sme_manager login's) latest submitted assessment, or the demo
answers file (reports/demo_answers.json) when the database has none. Prices: the default price set
(`load_prices`), else the shipped file; the enterprise's own bills take precedence. Exit status 2 on bad
input (unknown assessment, no energy answers).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from assessment.economics import ActionPlan
from assessment.economics.engine import CARRIER_LABELS, RANKING_RULE, fmt
from assessment.economics.plan import has_energy_answers, plan_for_answers
from assessment.economics.prices import default_prices
from assessment.models import Assessment
from assessment.scoring import EnterpriseFacts
from assessment.selectors.factors import default_factors

INVALID = 2


def _prices() -> dict[str, Any]:
    from assessment.selectors.prices import current_prices

    try:
        return current_prices()
    except DatabaseError:
        return default_prices()


def _stored(assessment_id: int) -> tuple[Any, ActionPlan]:
    from assessment.selectors.reports import report_inputs

    try:
        assessment = Assessment.objects.select_related("enterprise").get(pk=assessment_id)
    except Assessment.DoesNotExist:
        raise CommandError(f"no assessment with id {assessment_id}", returncode=INVALID) from None
    except DatabaseError as exc:
        raise CommandError(f"the database is not set up ({exc})", returncode=INVALID) from exc
    inputs = report_inputs(assessment)
    if not has_energy_answers(inputs.answers):
        raise CommandError(
            f"assessment {assessment_id} has no energy answers (electricity, fuels or water): the figures "
            "need at least the year's grid electricity",
            returncode=INVALID,
        )
    plan = plan_for_answers(
        definitions=inputs.definitions,
        answers=inputs.answers,
        enterprise=EnterpriseFacts.from_enterprise(assessment.enterprise),
        factors=inputs.factor_snapshot or default_factors(),
        prices=_prices(),
    )
    return assessment.pk, plan


def _demo() -> tuple[Any, ActionPlan]:
    from reports.management.commands.render_report import demo_assessment, read_answers_file

    try:
        assessment = demo_assessment()
    except CommandError:
        assessment = None
    if assessment is not None:
        return _stored(assessment.pk)
    from reports.data import LANGUAGES  # noqa: F401  (reports app loaded)

    path = "reports/demo_answers.json"
    from pathlib import Path

    from django.conf import settings

    subject, definitions, answers = read_answers_file(str(Path(settings.BASE_DIR) / path))
    plan = plan_for_answers(
        definitions=definitions,
        answers=answers,
        enterprise=subject.facts,
        factors=default_factors(),
        prices=_prices(),
    )
    return "demo", plan


def _span(value: Any, places: int = 1) -> str:
    if value is None:
        return "—"
    if abs(value.high - value.low) < 10 ** -(places + 1):
        return fmt(value.mid, places)
    return f"{fmt(value.low, places)}–{fmt(value.high, places)}"


class Command(BaseCommand):
    help = "Print what each recommended action costs, saves and pays back for an assessment (or the demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--assessment", type=int, help="ID of a stored assessment")
        source.add_argument("--demo", action="store_true", help="the demo enterprise")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--lang", default="zh-hans", choices=["zh-hans", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        ident, plan = _demo() if options["demo"] else _stored(options["assessment"])
        if options["json"]:
            self.stdout.write(json.dumps(plan.to_dict(ident), ensure_ascii=False, indent=2))
            return
        lang = "en" if options["lang"] == "en" else "zh"
        self.stdout.write(f"assessment: {ident}")
        self.stdout.write(RANKING_RULE[lang])
        prices = plan.prices
        self.stdout.write(f"prices: {prices.get('name')} ({prices.get('as_of')})")
        for carrier, origin in plan.prices_origin().items():
            price = plan.baseline.prices[carrier]
            name = CARRIER_LABELS.get(carrier, {lang: carrier})[lang]
            self.stdout.write(f"  {name}: {_span(price, 3)} {price.unit} ({origin})")
        header = "rank  code                                 class  invest(万元)  saving(万元/a)  tce/a        tCO2/a       payback(a)"
        self.stdout.write(header)
        for item in plan.items:
            econ = item.economics
            if not econ.estimated:
                note = (econ.note or {}).get(lang, econ.status)
                missing = f" [{', '.join(econ.missing)}]" if econ.missing else ""
                self.stdout.write(f"{item.rank:>4}  {item.code:<36} {item.cost_class:<5}  {note}{missing}")
                continue
            self.stdout.write(
                f"{item.rank:>4}  {item.code:<36} {item.cost_class:<5}  {_span(econ.investment_wan):<12}  "
                f"{_span(econ.annual_saving_wan):<14}  {_span(econ.energy_saved_tce):<11}  "
                f"{_span(econ.co2_avoided_t):<11}  {_span(econ.payback_years)}"
            )
        if plan.mac:
            self.stdout.write("abatement cost curve (元/tCO2 ← cheapest first):")
            for point in plan.mac:
                self.stdout.write(
                    f"  {point.code:<36} {fmt(point.co2_t, 1):>10} t  {fmt(point.cost_per_t, 0):>8} 元/t"
                )
