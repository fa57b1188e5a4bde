"""Demo data for officials: submitted assessments of the demo enterprises over the last three years.

A seed_demo step complementing the journey's (assessment/demo/journey.py), which makes the first
DEMO_ASSESSMENT_ENTERPRISES enterprises' assessments through the services one by one. This step gives
every other demo enterprise a submitted assessment for the latest full year, most of them one for the
year before and some for the year before that, written in bulk so `seed_demo --enterprises 20000` stays
feasible. Every stored result is computed by the real energy calculator and scoring engine (the
journey's `evaluate`, as assessment_submit does).

History for large N: the first FULL_HISTORY_ENTERPRISES (500) enterprises of this step, and one in
OLDER_YEARS_SAMPLE (20) of those after them, get the older years (65 % the year before, 40 % two years
before); every other enterprise has its latest year only. So the default demo (39 enterprises) keeps
its full history, trends have data in every city and industry, and 10,000 enterprises make about 11,000
assessments instead of 20,500 (timings: docs/performance.md, "Demo data").

Answers come from an enterprise "maturity" (larger firms, Harbin, Daqing and some industries a little
ahead; every year a little better than the one before) plus noise, so scores and levels spread
realistically: quantities scaled from the demo dairy (reports/demo_answers.json), choices, yes/no and
levels biased by maturity, and values read by linear or threshold rules placed between benchmark and
leading value (or around the Ⅲ/Ⅱ/Ⅰ thresholds) by maturity. Of the latest year's assessments about
half await review, some were returned with a comment and the rest accepted; older years are mostly
accepted. A few accepted ones carry a reviewer's validated value and validated score.

Deterministic and idempotent: each enterprise's answers, scores and review state come from its own
random generator (seed and USCC), so worker processes (one per core for large sets: generating and
scoring is most of the time) change nothing; an (enterprise, year) that already has an assessment is
left alone. Rows are written as plain INSERTs of value tuples. Demo assessments keep their factor set
(Assessment.factor_set) but no per-row factor snapshot (13 KB each): the set's content is the snapshot
at the time of seeding.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import multiprocessing
import os
import random
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import connection, reset_queries
from django.utils import timezone

from assessment.demo import journey
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
from assessment.selectors.assessments import evaluate, framework_order
from assessment.selectors.factors import current_factor_set, default_factors, factor_snapshot
from assessment.services.analytics import analytics_rebuild
from assessment.services.results import framework_result_rows
from questionnaires.definition import get_definition, iter_indicators
from questionnaires.frameworks import family_of
from questionnaires.logic import industry_matches, proposed_choices, resolve_answers
from questionnaires.models import QuestionnaireVersion
from questionnaires.question_types import question_type
from questionnaires.rule_types import rule_type

if TYPE_CHECKING:
    from assessment.demo.context import DemoContext

BATCH = 250  # assessments written per round of INSERTs
INSERT_ROWS = 1000  # rows per multi-row INSERT statement (PostgreSQL)
# Chance of an assessment in the latest year, the year before and the one before that.
HISTORY_CHANCES = (1.0, 0.65, 0.4)
# Older years: the first FULL_HISTORY_ENTERPRISES enterprises of the step, then one in OLDER_YEARS_SAMPLE.
FULL_HISTORY_ENTERPRISES = 500
OLDER_YEARS_SAMPLE = 20
PARALLEL_FROM = 200  # enterprises from which generating and scoring is spread over worker processes
FIRMS_PER_TASK = 20
TEMPLATE_FILE = Path(__file__).resolve().parents[2] / "reports" / "demo_answers.json"
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
    """Veto questions, and the rules that place the figure of a question they read directly (linear,
    threshold levels: their rule type's `demo_guided`), by question code."""
    veto: set[str] = set()
    rules: dict[str, Mapping[str, Any]] = {}
    for definition in definitions:
        veto.update(p["question"] for p in definition.get("prerequisites") or [] if p.get("question"))
        for indicator in iter_indicators(definition, leaves_only=True):
            rule = indicator.get("rule") or {}
            kind = rule_type(rule)
            if kind is not None and kind.demo_guided(rule):
                rules.setdefault(rule.get("question"), rule)
    return veto, rules


def _rule_value(rng: random.Random, rule: Mapping[str, Any], maturity: float) -> float | None:
    """A value scoring about as well as the maturity, placed by the rule's type (between benchmark and
    leading value for linear, around the clean-production thresholds Ⅲ/Ⅱ/Ⅰ for levels)."""
    position = maturity + rng.gauss(0, 0.25)
    kind = rule_type(rule)
    return kind.demo_figure(rule, position) if kind else None


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
    questions = list(questions)
    for question in questions:
        code, qtype = question["code"], question_type(question)
        if qtype is None or qtype.derived or qtype.by_evidence or code.startswith("energy."):
            continue
        if "proposed_by" in question:
            continue  # the option its figures propose, below (drawing nothing at random)
        if qtype.boolean and code in veto:
            # Veto items (lawful operation, no major accident…) are met by nearly every enterprise.
            answers[code] = rng.random() < 0.96
            continue
        typical: Any = None
        if qtype.numeric:
            base = template.get(code)
            typical = _rule_value(rng, rules[code], maturity) if code in rules else None
            if typical is None and isinstance(base, int | float) and not isinstance(base, bool):
                typical = float(base) * rng.uniform(0.75, 1.25)
        elif qtype.code == "products":
            typical = products
        else:
            typical = template.get(code)
        value = qtype.demo_value(question, rng, maturity=maturity, typical=typical)
        if value is not None:
            answers[code] = value
    # A change's option (增加/持平/降低) as its figures propose it: the enterprise accepted the proposal.
    questionnaire = {"questions": questions}
    answers.update(proposed_choices(questionnaire, resolve_answers(questionnaire, answers)))
    return answers


class _Versions:
    """The current framework versions per industry (the clean-production system chosen by industry)."""

    def __init__(self) -> None:
        rows = list(QuestionnaireVersion.objects.live().exclude(status="bank").defer("definition"))
        self.current = {r.framework: r for r in rows if r.status == QuestionnaireVersion.Status.CURRENT}
        # The systems chosen by industry (clean production's sector systems and their fallback).
        self.cp = [r for r in self.current.values() if getattr(family_of(r.framework), "by_industry", False)]
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
            # In the order assessment_definitions gives, so re-scoring reproduces the stored result exactly.
            self.cache[division] = sorted(
                [self.current["green_factory"], chosen or fallback, self.current["sme_digital"]],
                key=lambda r: (framework_order(r.framework), r.framework, r.version),
            )
        return self.cache[division]


def score_answers(
    definitions: list[dict[str, Any]],
    answers: dict[str, Any],
    enterprise: Any,
    factors: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored result of the answers (answers the engine rejects are dropped and scoring repeated)."""
    for _attempt in range(3):
        evaluation = evaluate(
            definitions=definitions, answers=answers, enterprise=enterprise, factors=factors, checks=False
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
    return journey.DEMO_ASSESSMENT_ENTERPRISES


def history_chances(position: int) -> tuple[float, ...]:
    """The chance of an assessment in each year (newest first) for the position-th enterprise of the step:
    always the latest year; the two years before for the first FULL_HISTORY_ENTERPRISES enterprises,
    and beyond them for one in OLDER_YEARS_SAMPLE (chosen by position, so whatever N is asked for)."""
    if position < FULL_HISTORY_ENTERPRISES or position % OLDER_YEARS_SAMPLE == 0:
        return HISTORY_CHANCES
    return HISTORY_CHANCES[:1] + (0.0,) * (len(HISTORY_CHANCES) - 1)


@dataclass(frozen=True)
class _Firm:
    """What generating and scoring an enterprise's assessments needs (plain, so it pickles cheaply)."""

    pk: int
    position: int
    uscc: str
    city_code: str
    industry_division: str
    industry_class: str
    size_class: str
    employees: int
    main_products: str
    existing_years: frozenset[int]


@dataclass(frozen=True)
class _Kit:
    """The framework versions of one industry with what generating answers needs from them."""

    version_pks: tuple[int, ...]
    definitions: list[dict[str, Any]]
    questions: list[Mapping[str, Any]]
    veto: set[str]
    rules: dict[str, Mapping[str, Any]]


@dataclass(frozen=True)
class _Shared:
    """The same in every worker: seed, years, the moment of seeding, effects, template, factors, kits."""

    seed: int
    years: list[int]
    now: dt.datetime
    industry_effect: dict[str, float]
    template: dict[str, Any]
    factors: dict[str, Any]
    kits: dict[str, _Kit]


@dataclass
class _Planned:
    """One generated and scored assessment, its JSON already encoded (workers do that work)."""

    firm: _Firm
    year: int
    status: str
    total_score: float | None
    result: str
    answers: list[tuple[str, str]]
    frameworks: list[tuple[Any, ...]]
    scores: dict[str, float]
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    note: str
    comment_code: str | None
    validation: tuple[str, str, str, list[tuple[Any, ...]]] | None  # (question, reason, result, rows)


def _framework_rows(result: Mapping[str, Any], *, validated: bool) -> list[tuple[Any, ...]]:
    return [
        (
            r.framework,
            r.version,
            r.score,
            r.level,
            r.veto_failed,
            json.dumps(r.dimension_scores),
            json.dumps(r.indicator_scores),
            validated,
        )
        for r in framework_result_rows(assessment=0, result=result, validated=validated)
    ]


_shared: _Shared | None = None
_FINISHED = object()


def _use_shared(shared: _Shared) -> None:
    global _shared
    _shared = shared


def _plan_firms(firms: list[_Firm]) -> list[_Planned]:
    return [planned for firm in firms for planned in _plan_firm(firm, _shared)]


def _plan_firm(firm: _Firm, shared: _Shared) -> list[_Planned]:
    """An enterprise's assessments: answers generated, scored by the engine, review state drawn, all from
    the enterprise's own random generator (so the same whichever worker plans it, and in a re-run)."""
    rng = random.Random(f"{shared.seed}-{firm.uscc}")
    rolls = [rng.random() for _year in shared.years]
    maturity = _maturity(rng, firm, shared.industry_effect)
    kit = shared.kits[firm.industry_division]
    scale = max(firm.employees, 5) / 160
    chances = history_chances(firm.position)
    planned = []
    for back, year in enumerate(shared.years):
        if rolls[back] >= chances[back] or year in firm.existing_years:
            continue
        year_maturity = min(max(maturity - 0.05 * back + rng.gauss(0, 0.03), 0.02), 0.98)
        answers = generate_answers(
            rng,
            kit.questions,
            maturity=year_maturity,
            template=shared.template,
            scale=scale,
            products=firm.main_products.split("、")[0],
            veto=kit.veto,
            rules=kit.rules,
        )
        answers, result = score_answers(kit.definitions, answers, firm, shared.factors)
        status = _status(rng, latest=back == 0)
        submitted_at = _submitted_at(rng, year, shared.now)
        decided = status in ("accepted", "returned")
        decided_at = submitted_at + dt.timedelta(days=rng.randint(3, 30)) if decided else None
        note = (
            rng.choice(RETURN_NOTES) if status == "returned" else rng.choice(ACCEPT_NOTES) if decided else ""
        )
        comment_code = None
        if status == "returned":
            comment_code = next((c for c in answers if c.startswith("energy.")), next(iter(answers)))
        validation = None
        code = next((c for c, v in answers.items() if v is True and c.startswith("mgmt.")), None)
        if status == "accepted" and code and rng.random() < 0.06:
            # A reviewer's correction: a "yes" not substantiated, scored again as "no".
            reason = rng.choice(VALIDATION_REASONS)
            _values, validated = score_answers(
                kit.definitions, {**answers, code: False}, firm, shared.factors
            )
            validated["validated_answers"] = [code]
            validation = (code, reason, json.dumps(validated), _framework_rows(validated, validated=True))
        planned.append(
            _Planned(
                firm=firm,
                year=year,
                status=status,
                total_score=((result.get("profile") or {}).get("overall") or {}).get("index"),
                result=json.dumps(result, check_circular=False),  # plain data: no cycles to look for
                answers=[(code, answer_json(value)) for code, value in answers.items()],
                frameworks=_framework_rows(result, validated=False),
                scores={f["framework"]: f["score"] for f in result["frameworks"]},
                submitted_at=submitted_at,
                decided_at=decided_at,
                note=note,
                comment_code=comment_code,
                validation=validation,
            )
        )
    return planned


def answer_json(value: Any) -> str:
    """json.dumps(value), with a shortcut for the plain numbers and yes/no that most answers are (a
    JSONEncoder call per answer was a tenth of the workers' time); the same text as json.dumps."""
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int or (kind is float and math.isfinite(value)):
        return repr(value)
    return json.dumps(value)


def _workers(requested: int | None, firms: int) -> int:
    """Worker processes: as asked, else one per core; none for small sets or where fork is unavailable."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if requested is None:
        requested = (os.cpu_count() or 1) if firms >= PARALLEL_FROM else 1
    return max(1, min(requested, firms // FIRMS_PER_TASK + 1))


def _planned_in_order(
    firms: list[_Firm], shared: _Shared, workers: int, side_work: Iterator[Any] | None = None
) -> Iterator[_Planned]:
    """Every firm's planned assessments in the firms' order, planned here or by `workers` processes.
    While waiting for a worker, the next piece of `side_work` (if any, and not exhausted) is done here."""
    if workers <= 1:
        for firm in firms:
            yield from _plan_firm(firm, shared)
        return
    tasks = deque(firms[start : start + FIRMS_PER_TASK] for start in range(0, len(firms), FIRMS_PER_TASK))
    context = multiprocessing.get_context("fork")
    # Forked workers only compute (no database access). Results are taken in task order; a few tasks
    # per worker in flight keep them busy without holding the whole data set in memory.
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_use_shared, initargs=(shared,)
    ) as pool:
        running: deque[Future[list[_Planned]]] = deque()
        while tasks or running:
            while tasks and len(running) < 3 * workers:
                running.append(pool.submit(_plan_firms, tasks.popleft()))
            # Rather than wait for the workers, this process takes on some other work (the journey).
            while side_work is not None and not running[0].done():
                if next(side_work, _FINISHED) is _FINISHED:
                    side_work = None
            yield from running.popleft().result()


def seed_submitted_assessments(context: DemoContext, side_work: Iterator[Any] | None = None) -> None:
    """Submitted, returned and accepted assessments of the demo enterprises over the last three years.

    `side_work`: an iterator advanced, one item at a time, whenever this process would wait for the
    workers (seed_demo passes the journey's enterprises); it may be left unfinished."""
    versions = _Versions()
    if not versions.ready():
        if context.stdout:
            context.stdout.write("seed_demo: questionnaires not loaded, no bulk demo assessments.")
        return
    rng = random.Random(context.seed * 1009 + 8)
    divisions = sorted(set(context.demo_enterprises().values_list("industry_division", flat=True)))
    industry_effect = {division: rng.uniform(-0.08, 0.08) for division in divisions}
    factor_set = current_factor_set()
    years = demo_years()
    kits = {}
    for division in divisions:
        chosen = versions.for_industry(division)
        definitions = [get_definition(v.framework, v.version) for v in chosen]
        questions = list({q["code"]: q for d in definitions for q in d.get("questions") or []}.values())
        kits[division] = _Kit(
            tuple(v.pk for v in chosen), definitions, questions, *scoring_targets(definitions)
        )
    shared = _Shared(
        seed=context.seed,
        years=years,
        now=timezone.now(),
        industry_effect=industry_effect,
        template=_template(),
        factors=factor_snapshot(factor_set) if factor_set else default_factors(),
        kits=kits,
    )
    existing: dict[int, set[int]] = {}
    for enterprise_id, year in Assessment.objects.filter(
        enterprise__in=context.demo_enterprises(), year__in=years
    ).values_list("enterprise_id", "year"):
        existing.setdefault(enterprise_id, set()).add(year)
    rows = (
        context.demo_enterprises()
        .order_by("uscc")
        .values_list(
            "pk",
            "uscc",
            "city_code",
            "industry_division",
            "industry_class",
            "size_class",
            "employees",
            "main_products",
        )
    )
    firms = [
        _Firm(row[0], position, *row[1:], frozenset(existing.get(row[0], ())))
        for position, row in enumerate(rows[_journey_enterprises() :])
    ]
    # Enterprises with every year already there need no work (a re-run creates nothing).
    todo = [
        f
        for f in firms
        if any(
            c > 0 and y not in f.existing_years
            for c, y in zip(history_chances(f.position), years, strict=True)
        )
    ]
    writer = _Writer(
        factor_set_id=factor_set.pk if factor_set else None,
        managers=dict(
            Membership.objects.filter(
                role=Membership.Role.MANAGER, enterprise__in=context.demo_enterprises()
            ).values_list("enterprise_id", "user_id")
        ),
        officials=dict(OfficialProfile.objects.values_list("city_code", "user_id")),
        kits=kits,
    )
    batch: list[_Planned] = []
    done = 0
    for planned in _planned_in_order(todo, shared, _workers(context.workers, len(todo)), side_work):
        batch.append(planned)
        if len(batch) >= BATCH:
            writer.write(batch)
            done, batch = done + len(batch), []
            if context.stdout and done % (BATCH * 20) == 0:
                context.stdout.write(f"seed_demo: {done} bulk assessments written…")
    writer.write(batch)
    context.count("submitted assessments (bulk)", writer.written)
    if writer.written and connection.vendor == "postgresql":
        # Fresh planner statistics after a bulk load (autovacuum would take a while to get there).
        with connection.cursor() as cursor:
            for model in (Assessment, FrameworkResult, Answer, Enterprise):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    if writer.written:
        analytics_rebuild()  # the officials' pre-aggregated figures, by SQL after the bulk load


class _Writer:
    """Writes planned assessments with their answers, results, review state and audit rows: plain INSERTs
    of value tuples (Django's bulk_create built a model object per Answer row, most of the time spent)."""

    def __init__(self, *, factor_set_id, managers, officials, kits) -> None:
        self.factor_set_id = factor_set_id
        self.managers = managers
        self.officials = officials
        self.kits = kits
        self.written = 0

    def write(self, batch: list[_Planned]) -> None:
        if not batch:
            return
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        at = connection.ops.adapt_datetimefield_value
        assessments = []
        for p in batch:
            manager = self.managers.get(p.firm.pk)
            official = self.officials.get(p.firm.city_code) if p.decided_at else None
            assessments.append(
                (
                    p.firm.pk,
                    p.year,
                    p.status,
                    self.factor_set_id,
                    p.result,
                    p.validation[2] if p.validation else None,
                    p.total_score,
                    manager,
                    manager,
                    at(p.submitted_at),
                    official,
                    at(p.decided_at) if p.decided_at else None,
                    p.note,
                    now,
                    now,
                )
            )
        _insert(Assessment, ASSESSMENT_COLUMNS, assessments)
        ids = {
            (enterprise_id, year): pk
            for pk, enterprise_id, year in Assessment.objects.filter(
                enterprise_id__in={p.firm.pk for p in batch}, year__in={p.year for p in batch}
            ).values_list("pk", "enterprise_id", "year")
        }
        links, answers, results, events, comments, validated = [], [], [], [], [], []
        for p in batch:
            pk = ids[(p.firm.pk, p.year)]
            manager = self.managers.get(p.firm.pk)
            official = self.officials.get(p.firm.city_code) if p.decided_at else None
            links += [(pk, version) for version in self.kits[p.firm.industry_division].version_pks]
            answers += [(pk, code, value, False, "", manager, now) for code, value in p.answers]
            results += [(pk, *row) for row in p.frameworks]
            detail = {"demo": True, "total_score": p.total_score, "scores": p.scores}
            events.append((manager, "assessment.submit", p.firm.pk, pk, json.dumps(detail), "", now))
            if p.decided_at:
                action = "review.accept" if p.status == "accepted" else "review.return"
                detail = {"demo": True, "from": "submitted", "to": p.status}
                events.append((official, action, p.firm.pk, pk, json.dumps(detail), p.note, now))
            if p.comment_code:
                comments.append((pk, p.comment_code, official, p.note, now))
            if p.validation:
                code, reason, _result, rows = p.validation
                validated.append((pk, code, "false", reason, official, now))
                results += [(pk, *row) for row in rows]
                detail = {"demo": True, "question": code, "self_assessed": True, "validated": False}
                events.append(
                    (official, "review.validate_answer", p.firm.pk, pk, json.dumps(detail), reason, now)
                )
        _insert(Assessment.versions.through, ["assessment", "questionnaireversion"], links)
        _insert(
            Answer,
            [
                "assessment",
                "question_code",
                "value",
                "prefilled",
                "override_reason",
                "updated_by",
                "updated_at",
            ],
            answers,
        )
        _insert(FrameworkResult, FRAMEWORK_RESULT_COLUMNS, results)
        _insert(
            AuditEvent,
            ["actor", "action", "enterprise", "assessment", "detail", "reason", "created_at"],
            events,
        )
        _insert(ReviewComment, ["assessment", "question_code", "author", "text", "created_at"], comments)
        _insert(
            ValidatedAnswer,
            ["assessment", "question_code", "value", "reason", "reviewer", "created_at"],
            validated,
        )
        # Under DEBUG Django keeps the SQL of recent queries, here multi-megabyte INSERTs: let them go.
        reset_queries()
        self.written += len(batch)


ASSESSMENT_COLUMNS = [
    "enterprise",
    "year",
    "status",
    "factor_set",
    "result",
    "validated_result",
    "total_score",
    "created_by",
    "submitted_by",
    "submitted_at",
    "decided_by",
    "decided_at",
    "decision_note",
    "created_at",
    "updated_at",
]
FRAMEWORK_RESULT_COLUMNS = [
    "assessment",
    "framework",
    "version",
    "score",
    "level",
    "veto_failed",
    "dimension_scores",
    "indicator_scores",
    "validated",
]


def _insert(model, fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """INSERT rows of database-ready values (JSON as text, datetimes adapted) into the model's table.

    One executemany on SQLite; multi-row statements elsewhere (psycopg2's executemany makes one round
    trip per row). Columns not listed take no database default: every non-null column must be listed.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(sql + one, rows)
            return
        for start in range(0, len(rows), INSERT_ROWS):
            chunk = rows[start : start + INSERT_ROWS]
            cursor.execute(sql + ", ".join([one] * len(chunk)), [value for row in chunk for value in row])
