"""Demo data for officials: submitted assessments of the demo enterprises over the last three years.

A seed_demo step complementing the journey's (assessment/demo_journey.py), which makes the first
DEMO_ASSESSMENT_ENTERPRISES enterprises' assessments through the services one by one. This step gives
every other demo enterprise a submitted assessment for the latest full year, most of them one for the
year before and some for the year before that, written in bulk so `seed_demo --enterprises 20000` stays
feasible. Every stored result is computed by the real energy calculator and scoring engine (the
journey's `evaluate`, as assessment_submit does).

Answers come from an enterprise "maturity" (larger firms, Harbin, Daqing and some industries a little
ahead; every year a little better than the one before) plus noise, so scores and levels spread
realistically: quantities scaled from the demo dairy (reports/demo_answers.json), choices, yes/no and
levels biased by maturity, and values read by linear or threshold rules placed between benchmark and
leading value (or around the Ⅲ/Ⅱ/Ⅰ thresholds) by maturity. Of the latest year's assessments about
half await review, some were returned with a comment and the rest accepted; older years are mostly
accepted. A few accepted ones carry a reviewer's validated value and validated score.

Deterministic (its own random generator from the seed) and idempotent: an (enterprise, year) that
already has an assessment is left alone. Demo assessments keep their factor set (Assessment.factor_set)
but no per-row factor snapshot (13 KB each): the set's content is the snapshot at the time of seeding.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from assessment.models import (
    Answer,
    Assessment,
    AuditEvent,
    Enterprise,
    FrameworkResult,
    Membership,
    OfficialProfile,
    ReviewComment,
    ValidatedAnswer,
)
from assessment.selectors.assessments import evaluate
from assessment.selectors.factors import current_factor_set, default_factors, factor_snapshot
from assessment.services.analytics import analytics_rebuild
from assessment.services.results import framework_result_rows
from questionnaires.definition import get_definition, iter_indicators
from questionnaires.logic import industry_matches
from questionnaires.models import QuestionnaireVersion

if TYPE_CHECKING:
    from assessment.demo import DemoContext

BATCH = 250
TEMPLATE_FILE = Path(__file__).resolve().parent.parent / "reports" / "demo_answers.json"
SIZE_MATURITY = {"large": 0.66, "medium": 0.56, "small": 0.44, "micro": 0.32}
CITY_EFFECT = {
    "230100": 0.08,
    "230600": 0.06,
    "230200": 0.03,
    "231000": 0.02,
    "232700": -0.06,
    "231100": -0.05,
}
ENERGY_USE = ("energy.grid_electricity_kwh", "energy.raw_coal_t", "energy.natural_gas_m3", "energy.diesel_t")
RETURN_NOTES = (
    "能源消费数据与电费、燃料发票不一致，请核对后重新填报并上传计量台账。",
    "部分管理体系为“已建立”但未上传认证证书或制度文件，请补充佐证材料。",
    "工业用水重复利用率明显高于同行业水平，请说明计量方式并上传水平衡测试报告。",
    "数字化场景等级自评偏高，请补充系统截图或运行记录。",
)
ACCEPT_NOTES = ("", "", "资料齐全，数据合理。", "经核对，同意自评结果。")
VALIDATION_REASONS = (
    "未提供制度文件或证书，按未建立核定。",
    "证书已过期，按未取得认证核定。",
    "现场核查未见相关记录，按否核定。",
)


def demo_years(today: dt.date | None = None) -> list[int]:
    """The last three full years, newest first."""
    this_year = (today or timezone.localdate()).year
    return [this_year - 1, this_year - 2, this_year - 3]


def _template() -> dict[str, Any]:
    try:
        return json.loads(TEMPLATE_FILE.read_text(encoding="utf-8"))["answers"]
    except (OSError, ValueError, KeyError):
        return {}


def _maturity(rng: random.Random, enterprise: Enterprise, industry_effect: Mapping[str, float]) -> float:
    base = SIZE_MATURITY.get(enterprise.size_class, 0.4)
    base += CITY_EFFECT.get(enterprise.city_code, 0.0) + industry_effect.get(
        enterprise.industry_division, 0.0
    )
    return min(max(base + rng.gauss(0, 0.16), 0.03), 0.97)


def scoring_targets(
    definitions: Iterable[Mapping[str, Any]],
) -> tuple[set[str], dict[str, Mapping[str, Any]]]:
    """Veto questions, and the linear / threshold rules reading a question directly (by question code)."""
    veto: set[str] = set()
    rules: dict[str, Mapping[str, Any]] = {}
    for definition in definitions:
        veto.update(p["question"] for p in definition.get("prerequisites") or [] if p.get("question"))
        for indicator in iter_indicators(definition, leaves_only=True):
            rule = indicator.get("rule") or {}
            if rule.get("type") == "linear" or (rule.get("type") == "levels" and rule.get("thresholds")):
                rules.setdefault(rule.get("question"), rule)
    return veto, rules


def _rule_value(rng: random.Random, rule: Mapping[str, Any], maturity: float) -> float | None:
    """A value scoring about as well as the maturity: between benchmark and leading value (linear), or
    around the clean-production thresholds Ⅲ/Ⅱ/Ⅰ (levels)."""
    position = maturity + rng.gauss(0, 0.25)
    if rule.get("type") == "linear":
        benchmark, leading = rule.get("benchmark"), rule.get("leading")
        if not isinstance(benchmark, int | float) or not isinstance(leading, int | float):
            return None
        return benchmark + (leading - benchmark) * min(max(position, -0.4), 1.2)
    thresholds = rule.get("thresholds") or {}
    points = [thresholds.get(level) for level in ("III", "II", "I")]
    if not all(isinstance(p, int | float) for p in points):
        return None
    worse = points[0] - ((points[1] - points[0]) or 1) * 0.5
    anchors = [worse, *points, points[2] + (points[2] - points[1])]
    place = min(max(position, 0.0), 0.999) * (len(anchors) - 1)
    low = int(place)
    return anchors[low] + (anchors[low + 1] - anchors[low]) * (place - low)


def _rank_options(question: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Options from worst to best: by points, else by clean-production level, else as listed."""
    options = list(question.get("options") or [])
    if any("points" in o for o in options):
        return sorted(options, key=lambda o: float(o.get("points") or 0))
    ranks = {"none": 0, "III": 1, "II": 2, "I": 3}
    if any("cp_level" in o for o in options):
        return sorted(options, key=lambda o: ranks.get(str(o.get("cp_level")), 0))
    return options


def _biased_index(rng: random.Random, size: int, maturity: float) -> int:
    return min(max(round(maturity * (size - 1) + rng.gauss(0, 0.9)), 0), size - 1)


def energy_answers(
    rng: random.Random, template: Mapping[str, Any], *, scale: float, maturity: float
) -> dict[str, Any]:
    """The energy calculator's inputs: the template enterprise's consistent set scaled to the size, with
    energy and water use per output falling and water reuse and waste recovery rising with maturity."""
    values = {code: value for code, value in template.items() if code.startswith("energy.")}
    size = scale * rng.uniform(0.8, 1.25)
    intensity = (1.55 - 1.1 * maturity) * rng.uniform(0.85, 1.15)
    out: dict[str, Any] = dict(values)
    for code, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        factor = size * (intensity if code in ENERGY_USE or code == "energy.water_intake_m3" else 1.0)
        out[code] = round(float(value) * factor, 2)
    intake = float(out.get("energy.water_intake_m3") or 0)
    if "energy.water_reused_m3" in out:
        out["energy.water_reused_m3"] = round(
            intake * min(max(0.15 + 1.2 * maturity + rng.gauss(0, 0.1), 0), 2.5), 2
        )
    generated = float(out.get("energy.solid_waste_generated_t") or 0)
    if "energy.solid_waste_utilised_t" in out:
        out["energy.solid_waste_utilised_t"] = round(generated * min(max(0.3 + 0.65 * maturity, 0), 1), 2)
    electricity = float(out.get("energy.grid_electricity_kwh") or 0)
    if "energy.green_power_kwh" in out:
        out["energy.green_power_kwh"] = round(
            electricity * max(0.0, maturity - 0.45) * rng.uniform(0.1, 0.6), 2
        )
    return out


def generate_answers(
    rng: random.Random,
    questions: Iterable[Mapping[str, Any]],
    *,
    maturity: float,
    template: Mapping[str, Any],
    scale: float,
    products: str,
    veto: set[str] | frozenset[str] = frozenset(),
    rules: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Plausible answers of an enterprise of the given maturity (0–1) to every answerable question."""
    answers: dict[str, Any] = energy_answers(rng, template, scale=scale, maturity=maturity)
    rules = rules or {}
    for question in questions:
        code, kind = question["code"], question.get("type")
        if kind in ("computed", "file") or code.startswith("energy."):
            continue
        if kind == "yesno":
            # Veto items (lawful operation, no major accident…) are met by nearly every enterprise.
            answers[code] = rng.random() < (0.96 if code in veto else 0.25 + 0.7 * maturity)
        elif kind == "single":
            options = _rank_options(question)
            if options:
                answers[code] = options[_biased_index(rng, len(options), maturity)]["code"]
        elif kind == "multiple":
            plain = [o["code"] for o in question.get("options") or [] if not o.get("exclusive")]
            exclusive = [o["code"] for o in question.get("options") or [] if o.get("exclusive")]
            count = min(len(plain), max(0, round(maturity * len(plain) + rng.gauss(0, 1))))
            if count == 0 and exclusive:
                answers[code] = [exclusive[0]]
            elif plain:
                answers[code] = rng.sample(plain, max(count, 1))
        elif kind == "level":
            answers[code] = min(max(round(1 + maturity * 3 + rng.gauss(0, 0.7)), 1), 4)
        elif kind in ("number", "percentage"):
            low = float(question.get("min", 0))
            high = float(question.get("max", 100 if kind == "percentage" else max(low, 0) + 1000))
            base = template.get(code)
            targeted = _rule_value(rng, rules[code], maturity) if code in rules else None
            if targeted is not None:
                value = targeted
            elif isinstance(base, int | float) and not isinstance(base, bool):
                value = float(base) * rng.uniform(0.75, 1.25)
            elif kind == "percentage":
                value = 100 * min(max(maturity + rng.gauss(0, 0.15), 0), 1)
            else:
                value = rng.uniform(low, min(high, low + 100))
            decimals = int(question.get("decimals", 2))
            value = round(min(max(value, low), high), decimals)
            answers[code] = int(value) if decimals == 0 else value
        elif kind == "products":
            answers[code] = [{"name": products or "产品", "share": 100}]
        elif kind == "text":
            answers[code] = str(template.get(code) or "见附件")
    return answers


class _Versions:
    """The current framework versions per industry (the clean-production system chosen by industry)."""

    def __init__(self) -> None:
        rows = list(QuestionnaireVersion.objects.exclude(status="bank").defer("definition"))
        self.current = {r.framework: r for r in rows if r.status == QuestionnaireVersion.Status.CURRENT}
        self.cp = [r for r in self.current.values() if r.method == "clean_production"]
        self.cache: dict[str, list[QuestionnaireVersion]] = {}

    def ready(self) -> bool:
        return "green_factory" in self.current and "sme_digital" in self.current and bool(self.cp)

    def for_industry(self, division: str) -> list[QuestionnaireVersion]:
        if division not in self.cache:
            fallback = chosen = None
            for row in sorted(self.cp, key=lambda r: r.framework):
                applies = get_definition(row.framework, row.version).get("applies_to") or {}
                if applies.get("fallback"):
                    fallback = fallback or row
                elif industry_matches(division, applies.get("industries") or []):
                    chosen = chosen or row
            self.cache[division] = sorted(
                [self.current["green_factory"], chosen or fallback, self.current["sme_digital"]],
                key=lambda r: r.framework,
            )
        return self.cache[division]


def score_answers(
    definitions: list[dict[str, Any]],
    answers: dict[str, Any],
    enterprise: Enterprise,
    factors: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored result of the answers (answers the engine rejects are dropped and scoring repeated)."""
    for _attempt in range(3):
        evaluation = evaluate(
            definitions=definitions, answers=answers, enterprise=enterprise, factors=factors
        )
        if evaluation.result is not None:
            result = evaluation.result.to_dict()
            if evaluation.balance is not None:
                result["energy"] = evaluation.balance.to_dict()
            return answers, result
        bad = {problem.get("code") for problem in evaluation.problems}
        answers = {code: value for code, value in answers.items() if code not in bad}
    raise RuntimeError(f"demo answers could not be scored: {evaluation.problems[:3]}")


def _submitted_at(rng: random.Random, year: int, now: dt.datetime) -> dt.datetime:
    start = dt.datetime(year + 1, 1, 10, 9, tzinfo=dt.UTC)
    end = min(dt.datetime(year + 1, 10, 31, 18, tzinfo=dt.UTC), now - dt.timedelta(days=20))
    return start + dt.timedelta(seconds=rng.uniform(0, max((end - start).total_seconds(), 3600)))


def _status(rng: random.Random, latest: bool) -> str:
    roll = rng.random()
    if latest:
        return "submitted" if roll < 0.5 else ("returned" if roll < 0.62 else "accepted")
    return "accepted" if roll < 0.93 else ("returned" if roll < 0.96 else "submitted")


def _journey_enterprises() -> int:
    """How many of the first demo enterprises the journey's own step gives assessments (left to it)."""
    try:
        from assessment.demo_journey import DEMO_ASSESSMENT_ENTERPRISES
    except ImportError:
        return 1  # at least the demo SME manager's enterprise
    return DEMO_ASSESSMENT_ENTERPRISES


def seed_submitted_assessments(context: DemoContext) -> None:
    """Submitted, returned and accepted assessments of the demo enterprises over the last three years."""
    versions = _Versions()
    if not versions.ready():
        if context.stdout:
            context.stdout.write("seed_demo: questionnaires not loaded, no bulk demo assessments.")
        return
    rng = random.Random(context.seed * 1009 + 8)
    divisions = sorted(set(context.demo_enterprises().values_list("industry_division", flat=True)))
    industry_effect = {division: rng.uniform(-0.08, 0.08) for division in divisions}
    factor_set = current_factor_set()
    factors = factor_snapshot(factor_set) if factor_set else default_factors()
    template = _template()
    now = timezone.now()
    years = demo_years()
    managers = dict(
        Membership.objects.filter(
            role=Membership.Role.MANAGER, enterprise__in=context.demo_enterprises()
        ).values_list("enterprise_id", "user_id")
    )
    officials = dict(OfficialProfile.objects.values_list("city_code", "user_id"))
    existing = set(
        Assessment.objects.filter(enterprise__in=context.demo_enterprises(), year__in=years).values_list(
            "enterprise_id", "year"
        )
    )
    enterprises = list(context.demo_enterprises().order_by("uscc"))[_journey_enterprises() :]
    created = 0
    targets: dict[tuple[int, ...], tuple[set[str], dict[str, Mapping[str, Any]]]] = {}
    batch: list[tuple[Enterprise, int, str, dict[str, Any], dict[str, Any], list[QuestionnaireVersion]]] = []
    for index, enterprise in enumerate(enterprises):
        # One generator per enterprise, its years chosen first: a re-run decides the same for each.
        rng = random.Random(f"{context.seed}-{enterprise.uscc}")
        rolls = [rng.random() for _year in years]
        maturity = _maturity(rng, enterprise, industry_effect)
        chosen = versions.for_industry(enterprise.industry_division)
        definitions = [get_definition(v.framework, v.version) for v in chosen]
        questions = list({q["code"]: q for d in definitions for q in d.get("questions") or []}.values())
        veto, rules = targets.setdefault(tuple(v.pk for v in chosen), scoring_targets(definitions))
        scale = max(enterprise.employees, 5) / 160
        for back, year in enumerate(years):
            if rolls[back] >= (1.0, 0.65, 0.4)[back] or (enterprise.pk, year) in existing:
                continue
            year_maturity = min(max(maturity - 0.05 * back + rng.gauss(0, 0.03), 0.02), 0.98)
            answers = generate_answers(
                rng,
                questions,
                maturity=year_maturity,
                template=template,
                scale=scale,
                products=enterprise.main_products.split("、")[0],
                veto=veto,
                rules=rules,
            )
            answers, result = score_answers(definitions, answers, enterprise, factors)
            batch.append((enterprise, year, _status(rng, latest=back == 0), answers, result, chosen))
            if len(batch) >= BATCH:
                created += _write(batch, rng, now, factor_set, factors, managers, officials)
                batch = []
        if context.stdout and index and index % 2000 == 0:
            context.stdout.write(f"seed_demo: assessments of {index} of {len(enterprises)} enterprises…")
    if batch:
        created += _write(batch, rng, now, factor_set, factors, managers, officials)
    context.count("submitted assessments (bulk)", created)
    if created and connection.vendor == "postgresql":
        # Fresh planner statistics after a bulk load (autovacuum would take a while to get there).
        with connection.cursor() as cursor:
            for model in (Assessment, FrameworkResult, Answer, Enterprise):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    analytics_rebuild()  # the officials' pre-aggregated figures, by SQL after the bulk load


def _write(batch, rng, now, factor_set, factors, managers, officials) -> int:
    """Write a batch of scored assessments with answers, results, review state and audit rows."""
    rows = []
    for enterprise, year, status, _answers, result, _chosen in batch:
        submitted_at = _submitted_at(rng, year, now)
        decided = status in ("accepted", "returned")
        manager = managers.get(enterprise.pk)
        note = (
            rng.choice(RETURN_NOTES) if status == "returned" else rng.choice(ACCEPT_NOTES) if decided else ""
        )
        rows.append(
            Assessment(
                enterprise_id=enterprise.pk,
                year=year,
                status=status,
                factor_set=factor_set,
                result=result,
                total_score=((result.get("profile") or {}).get("overall") or {}).get("index"),
                created_by_id=manager,
                submitted_by_id=manager,
                submitted_at=submitted_at,
                decided_by_id=officials.get(enterprise.city_code) if decided else None,
                decided_at=submitted_at + dt.timedelta(days=rng.randint(3, 30)) if decided else None,
                decision_note=note,
            )
        )
    Assessment.objects.bulk_create(rows)
    through = Assessment.versions.through
    links, answers, results, events, comments, validated = [], [], [], [], [], []
    for assessment, (enterprise, _year, status, values, result, chosen) in zip(rows, batch, strict=True):
        links += [through(assessment_id=assessment.pk, questionnaireversion_id=v.pk) for v in chosen]
        answers += [
            Answer(
                assessment_id=assessment.pk,
                question_code=code,
                value=value,
                updated_by_id=assessment.submitted_by_id,
            )
            for code, value in values.items()
        ]
        results += framework_result_rows(assessment=assessment.pk, result=result, validated=False)
        scores = {f["framework"]: f["score"] for f in result["frameworks"]}
        events.append(
            AuditEvent(
                actor_id=assessment.submitted_by_id,
                action="assessment.submit",
                enterprise_id=enterprise.pk,
                assessment_id=assessment.pk,
                detail={"demo": True, "total_score": assessment.total_score, "scores": scores},
            )
        )
        if status in ("accepted", "returned"):
            events.append(
                AuditEvent(
                    actor_id=assessment.decided_by_id,
                    action="review.accept" if status == "accepted" else "review.return",
                    enterprise_id=enterprise.pk,
                    assessment_id=assessment.pk,
                    detail={"demo": True, "from": "submitted", "to": status},
                    reason=assessment.decision_note,
                )
            )
        if status == "returned":
            code = next((c for c in values if c.startswith("energy.")), next(iter(values)))
            comments.append(
                ReviewComment(
                    assessment_id=assessment.pk,
                    question_code=code,
                    author_id=assessment.decided_by_id,
                    text=assessment.decision_note,
                )
            )
        code = next((c for c, v in values.items() if v is True and c.startswith("mgmt.")), None)
        if status == "accepted" and code and rng.random() < 0.06:
            # A reviewer's correction: a "yes" not substantiated, scored again as "no".
            reason = rng.choice(VALIDATION_REASONS)
            definitions = [get_definition(v.framework, v.version) for v in chosen]
            _values, validated_result = score_answers(
                definitions, {**values, code: False}, enterprise, factors
            )
            validated_result["validated_answers"] = [code]
            assessment.validated_result = validated_result
            validated.append(
                ValidatedAnswer(
                    assessment_id=assessment.pk,
                    question_code=code,
                    value=False,
                    reason=reason,
                    reviewer_id=assessment.decided_by_id,
                )
            )
            results += framework_result_rows(
                assessment=assessment.pk, result=validated_result, validated=True
            )
            events.append(
                AuditEvent(
                    actor_id=assessment.decided_by_id,
                    action="review.validate_answer",
                    enterprise_id=enterprise.pk,
                    assessment_id=assessment.pk,
                    detail={"demo": True, "question": code, "self_assessed": True, "validated": False},
                    reason=reason,
                )
            )
    through.objects.bulk_create(links, batch_size=2000)
    Answer.objects.bulk_create(answers, batch_size=2000)
    FrameworkResult.objects.bulk_create(results, batch_size=2000)
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    ReviewComment.objects.bulk_create(comments, batch_size=2000)
    ValidatedAnswer.objects.bulk_create(validated, batch_size=2000)
    with_validation = [a for a in rows if a.validated_result]
    if with_validation:
        Assessment.objects.bulk_update(with_validation, ["validated_result"], batch_size=200)
    return len(rows)
