"""Report data: everything one PDF improvement report prints, as plain objects (reports/types.py).

All database reads of a report happen here, through assessment/selectors/reports.py; the energy
calculator, the scoring engine and the recommendations run on the plain data read. reports/pdf.py then
renders without touching the database.

Entry points:
- `build_report_data(assessment, *, lang)` for a stored assessment;
- `compose_report(...)` (pure) for any set of answers, e.g. an unsaved set from `render_report --answers`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assessment import reference
from assessment.actions import Catalog, load_catalog
from assessment.economics.prices import default_prices
from assessment.energy import calculator_outputs, energy_balance, energy_inputs_from_answers
from assessment.models import Assessment
from assessment.presentation import indicator_level_text, level_text, revision_lines
from assessment.presentation_followup import follow_through_section
from assessment.projection import PlannedAction
from assessment.recommendations import Recommendations, Trigger, recommend
from assessment.scoring import EnterpriseFacts, score_assessment
from assessment.scoring.types import FrameworkResult
from assessment.selectors import rating as rating_selectors
from assessment.selectors import reports as report_selectors
from assessment.selectors.factors import default_factors
from assessment.selectors.followup import follow_through
from assessment.selectors.plans import planned_actions
from assessment.selectors.prices import current_prices
from assessment.selectors.revisions import revision_states
from questionnaires.frameworks import short_title
from questionnaires.logic import is_asked
from questionnaires.numbers import number_text
from questionnaires.question_types import display_value, is_by_evidence, is_derived
from questionnaires.references import bibliography, citations_for, load_references
from questionnaires.text import is_english, pick, pick_name, report_language
from reports.plan import plan_section
from reports.types import (
    ActionRow,
    AnswerRow,
    BenchmarkRow,
    DimensionRow,
    EconomicsSection,
    EnergyRow,
    EnterpriseInfo,
    EvidenceRow,
    FrameworkSection,
    GainRow,
    IndicatorRow,
    ReportData,
)

MIN_PEERS = 5
LANGUAGES = ("zh-hans", "en")

_STATUS = {
    "draft": ("草稿", "Draft"),
    "submitted": ("已提交", "Submitted"),
    "returned": ("退回修改", "Returned for revision"),
    "accepted": ("已通过审核", "Accepted"),
    "unsaved": ("未保存的答案（预览）", "Unsaved answers (preview)"),
}
_SIZE = {
    "large": ("大型", "Large"),
    "medium": ("中型", "Medium"),
    "small": ("小型", "Small"),
    "micro": ("微型", "Micro"),
}
_SCOPE = {
    "industry": ("同行业", "Same industry"),
    "city": ("同地市", "Same city"),
    "size": ("同规模", "Same size class"),
}
_TEXT = {
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "unanswered": ("未回答", "Not answered"),
    "computed": ("（计算）", " (computed)"),
    "override": ("（人工覆盖）", " (override)"),
    "current": ("当前", "now"),
    "target": ("目标", "target"),
    "missing": ("未填", "missing"),
    "few_peers": ("同组不足5家，暂不计算", "Fewer than 5 peers: not computed"),
    "no_peers_note": (
        "对标基于本平台同年度已提交的自评结果，不代表官方排名。",
        "Benchmarks use this platform's submitted self-assessments of the same year; "
        "they are not an official ranking.",
    ),
    "unsaved_peers": ("未保存的答案不参与对标。", "Unsaved answers are not benchmarked."),
    "energy_bank": ("能源与资源数据", "Energy and resource data"),
    "mgmt_bank": ("管理体系与合规", "Management systems and compliance"),
    "factor_set": ("系数集", "Factor set"),
    "grid_factor": ("电网排放因子", "Grid emission factor"),
    "provisional_factors": (
        "※ 部分系数尚未与标准原文核对，为暂定值（见能源计算说明）。",
        "※ Some coefficients are not yet checked against the standard text (provisional).",
    ),
    "energy_errors": ("能源数据存在错误，未能计算：", "The energy data have errors, nothing was computed: "),
    "maturity_note": (
        "综合成熟度、绿色化指数和数字化指数是本工具对各框架得分的汇总，不是官方评价结果；计算方法见网站“方法说明”页。",
        "The maturity step and the green and digital indices are this tool's own summary of the framework "
        "scores, not an official result; the method is on the website's Method page.",
    ),
    "green_code": ("企业绿码", "Green code"),
    "scenarios": ("应用场景等级", "Scenario levels"),
    "y": ("综合评价指数", "Evaluation index"),
    "mandatory_failed": ("未满足的必选要求", "Unmet mandatory requirements"),
    "catalog": ("措施库", "catalogue"),
}
GLOSSARY: list[tuple[tuple[str, str], tuple[str, str]]] = [
    (
        ("绿色工厂", "Green factory"),
        (
            "实现用地集约化、原料无害化、生产洁净化、废物资源化、能源低碳化的工厂（GB/T 36132）。",
            "A factory with intensive land use, harmless materials, clean production, waste recovery and "
            "low-carbon energy (GB/T 36132).",
        ),
    ),
    (
        ("基准值 / 引领值", "Benchmark / leading value"),
        (
            "GB/T 36132-2025 定量指标的评分参照：达到基准值开始得分，达到引领值得满分，之间线性计分。",
            "Scoring references of GB/T 36132-2025: points start at the benchmark and are full at the leading "
            "value, linear in between.",
        ),
    ),
    (
        ("否决项", "Veto item"),
        (
            "基本要求，不计分；任何一项不满足时不能通过评价。",
            "A basic requirement, not scored; failing one blocks a pass.",
        ),
    ),
    (
        ("限定性指标", "Limiting indicator"),
        (
            "清洁生产评价中必须达到相应等级的指标，决定企业能否评为Ⅰ级或Ⅱ级。",
            "A clean-production indicator that must reach a level for the enterprise to be rated at that level.",
        ),
    ),
    (
        ("清洁生产等级Ⅰ/Ⅱ/Ⅲ", "Clean-production levels I/II/III"),
        (
            "Ⅰ级：国际清洁生产领先水平；Ⅱ级：国内清洁生产先进水平；Ⅲ级：国内清洁生产一般水平。",
            "I: international leading; II: domestic advanced; III: domestic basic clean-production level.",
        ),
    ),
    (
        ("综合能耗（tce）", "Total energy use (tce)"),
        (
            "各种能源按折标系数折算为吨标准煤后的合计（GB/T 2589）。",
            "All energy converted to tonnes of coal equivalent with the GB/T 2589 coefficients.",
        ),
    ),
    (
        ("范围一 / 范围二排放", "Scope 1 / scope 2 emissions"),
        (
            "范围一：厂内化石燃料燃烧的直接排放；范围二：外购电力和热力的间接排放。范围二按基于位置法（全部外购电量×平均电网因子）"
            "和基于市场法（绿电交易或绿证按零排放，其余按不含市场化交易非化石能源电量的因子）并列报告；碳排放指标采用基于位置法。",
            "Scope 1: direct emissions from fuels burned on site; scope 2: indirect emissions of purchased "
            "electricity and heat, reported location-based (all grid electricity × average grid factor) and "
            "market-based (traded green power and certificates at zero, the rest at the factor excluding "
            "market-traded non-fossil power) side by side; the carbon indicators use the location-based one.",
        ),
    ),
    (
        ("工业用水重复利用率", "Industrial water reuse rate"),
        ("重复利用水量 ÷（重复利用水量 + 取水量）× 100%。", "Reused water ÷ (reused + intake) × 100%."),
    ),
    (
        ("一般工业固废综合利用率", "Solid-waste utilisation rate"),
        (
            "综合利用量 ÷（产生量 + 综合利用往年贮存量）× 100%。",
            "Utilised ÷ (generated + utilised from past storage) × 100%.",
        ),
    ),
    (
        ("无费 / 低费 / 中费 / 高费", "No / low / medium / high cost"),
        (
            "清洁生产审核中对改进方案投入的分类，本报告用于措施的投入等级。",
            "The cleaner-production audit classes of option cost, used here for the effort of actions.",
        ),
    ),
    (
        ("数字化水平等级", "Digital level"),
        (
            "中小企业数字化水平评测的一级至四级，由总分和达到相应等级的应用场景数量共同决定。",
            "Levels 1–4 of the SME digital evaluation, set by the total score and the number of scenarios "
            "at that level.",
        ),
    ),
    (
        ("企业绿码", "Enterprise green code"),
        (
            "国家级绿色工厂按评价得分在同批企业中的排名分为 A+（前5%）、A（前35%）、B（前60%）。",
            "National green factories are coded A+ (top 5%), A (top 35%) and B (top 60%) by score rank.",
        ),
    ),
    (
        ("※ 暂定", "※ Provisional"),
        (
            "来源尚未与标准原文核实的数值或规划假设，可能调整。",
            "A figure whose source is not yet confirmed, or a planning assumption; it may change.",
        ),
    ),
]


def label(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if is_english(lang) else pair[0]


def short_framework(framework: str, title: Any, lang: str) -> str:
    return short_title(framework, lang, fallback=title)


def _number(value: float, decimals: int | None = None) -> str:
    return number_text(value, decimals)


def format_answer(question: Mapping[str, Any] | None, value: Any, lang: str) -> str:
    """An answer as a person reads it: option texts, yes/no, numbers with units (by its question type)."""
    if question is None and not (value is None or value == "" or value == []):
        return str(value)
    return display_value(question, value, lang, blank=label(_TEXT["unanswered"], lang))


@dataclass
class Subject:
    """Who and what the report is about, independent of where the answers come from."""

    name: str
    year: int
    status: str  # a key of _STATUS
    uscc: str = ""
    city_code: str = ""
    industry_division: str = ""
    industry_class: str = ""
    size_class: str = ""
    employees: int | None = None
    revenue: Any = None
    main_products: str = ""
    facts: EnterpriseFacts = field(default_factory=EnterpriseFacts)

    @classmethod
    def from_enterprise(cls, enterprise: Any, *, year: int, status: str) -> Subject:
        return cls(
            name=enterprise.name,
            year=year,
            status=status,
            uscc=enterprise.uscc,
            city_code=enterprise.city_code,
            industry_division=enterprise.industry_division,
            industry_class=enterprise.industry_class or "",
            size_class=enterprise.size_class,
            employees=enterprise.employees,
            revenue=enterprise.revenue,
            main_products=enterprise.main_products or "",
            facts=EnterpriseFacts.from_enterprise(enterprise),
        )

    def info(self, lang: str) -> EnterpriseInfo:
        industry = ""
        if self.industry_division:
            industry = (
                f"{self.industry_division} {reference.industry_name(self.industry_division, lang)}".strip()
            )
        return EnterpriseInfo(
            name=self.name,
            uscc=self.uscc,
            city=reference.city_name(self.city_code, lang) if self.city_code else "",
            industry=industry,
            size=label(_SIZE[self.size_class], lang) if self.size_class in _SIZE else "",
            employees="" if self.employees is None else number_text(self.employees, 0),
            revenue="" if self.revenue in (None, "") else _number(float(self.revenue), 2),
            main_products=self.main_products,
        )


def _questions(definitions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for definition in definitions:
        for question in definition.get("questions", []):
            found.setdefault(question["code"], question)
    return found


def _details(result: FrameworkResult, lang: str) -> list[tuple[str, str]]:
    details = result.details or {}
    rows: list[tuple[str, str]] = []
    y = details.get("y")
    if isinstance(y, Mapping) and y:
        rows.append(
            (
                label(_TEXT["y"], lang),
                "，".join(
                    f"Y_{k} = {_number(float(v), 2)}" for k, v in y.items() if isinstance(v, int | float)
                ),
            )
        )
    scenarios = details.get("scenarios")
    if isinstance(scenarios, Mapping) and isinstance(scenarios.get("counts"), Mapping):
        counts = scenarios["counts"]
        rows.append(
            (label(_TEXT["scenarios"], lang), "，".join(f"≥L{k}: {v}" for k, v in sorted(counts.items())))
        )
    failed = details.get("mandatory_failed")
    if isinstance(failed, list) and failed:
        rows.append((label(_TEXT["mandatory_failed"], lang), str(len(failed))))
    return rows


def framework_section(
    result: FrameworkResult,
    definition: Mapping[str, Any],
    questions: Mapping[str, Any],
    lang: str,
    scheme: Mapping[str, Any] | None = None,
) -> FrameworkSection:
    indicators = []
    for indicator in result.indicators:
        question = questions.get(indicator.questions[0]) if len(indicator.questions) == 1 else None
        answer = (
            format_answer(question, indicator.answer, lang)
            if question is not None
            else ("—" if indicator.answer is None else str(indicator.answer))
        )
        if indicator.status == "missing":
            answer = label(_TEXT["unanswered"], lang)
        indicators.append(
            IndicatorRow(
                code=indicator.code,
                title=pick(indicator.title, lang),
                dimension=indicator.dimension,
                answer=answer,
                earned=indicator.earned,
                available=indicator.available,
                status=indicator.status,
                gap=pick(indicator.gap, lang) if indicator.gap else "",
                limiting=indicator.limiting,
                cp_level=indicator_level_text(indicator.cp_level, lang) if indicator.cp_level else "",
            )
        )
    wording = level_text(result, definition, scheme=scheme, lang=lang)
    return FrameworkSection(
        framework=result.framework,
        title=pick(definition.get("title"), lang),
        version=result.version,
        score=result.score,
        level=wording.text,
        level_provisional=wording.provisional and wording.kind != "indicative",
        level_note=wording.note,
        veto_passed=bool(result.veto.get("passed", True)),
        veto_failed=[
            pick(item.get("title"), lang) or item.get("code", "") for item in result.veto.get("failed", [])
        ],
        dimensions=[
            DimensionRow(d.code, pick(d.title, lang), d.score, d.max, d.percent) for d in result.dimensions
        ],
        indicators=indicators,
        details=_details(result, lang),
        missing_count=len(result.missing),
        provisional=result.provisional,
    )


def _trigger_text(trigger: Trigger, questions: Mapping[str, Any], lang: str) -> str:
    question = questions.get(trigger.question)
    text = pick(trigger.text, lang) or trigger.question
    current = (
        format_answer(question, trigger.current, lang)
        if trigger.current is not None
        else label(_TEXT["missing"], lang)
    )
    target = format_answer(question, trigger.target, lang)
    mark = " ※" if trigger.provisional else ""
    line = (
        f"{text}：{label(_TEXT['current'], lang)} {current} → {label(_TEXT['target'], lang)} {target}{mark}"
        if not is_english(lang)
        else f"{text}: {current} now → target {target}{mark}"
    )
    if trigger.provisional and trigger.basis:
        basis = pick(trigger.basis, lang)
        line += f" ({basis})" if is_english(lang) else f"（{basis}）"
    return line


def action_rows(
    recommendations: Recommendations,
    catalog: Catalog,
    definitions: list[dict[str, Any]],
    questions: Mapping[str, Any],
    lang: str,
) -> list[ActionRow]:
    titles = {d["framework"]: d.get("title") for d in definitions}
    rows = []
    for rank, item in enumerate(recommendations.items, start=1):
        action = item.action
        gains = []
        for gain in item.gains:
            if gain.delta <= 0 and not gain.level_changed:
                continue
            change = ""
            if gain.level_changed:
                change = (
                    f"{pick((gain.level_before or {}).get('label'), lang) or '—'} → "
                    f"{pick((gain.level_after or {}).get('label'), lang) or '—'}"
                )
            gains.append(
                GainRow(short_framework(gain.framework, titles.get(gain.framework), lang), gain.delta, change)
            )
        rows.append(
            ActionRow(
                rank=rank,
                code=action.code,
                title=pick(action.title, lang),
                description=pick(action.description, lang),
                why_it_matters=pick(action.why, lang),
                effort=pick(catalog.effort_classes[action.effort]["label"], lang),
                horizon=pick(catalog.horizons[action.horizon]["label"], lang),
                horizon_key=action.horizon,
                total_gain=item.total_gain,
                gains=gains,
                triggers=[_trigger_text(t, questions, lang) for t in item.triggers],
                support=[pick(catalog.support_channels[c]["title"], lang) for c in action.support],
                sources=[catalog.cite(s, lang) for s in action.sources],
                benefits=[pick(catalog.benefits[b], lang) for b in action.benefits],
                fixes_veto=[pick(v.get("title"), lang) or v.get("code", "") for v in item.fixes_veto],
                lifts_limiting=[pick(v.get("title"), lang) for v in item.lifts_limiting],
                provisional=any(t.provisional for t in item.triggers),
            )
        )
    return rows


def energy_rows(balance: Any, lang: str) -> tuple[list[EnergyRow], list[str]]:
    if balance is None:
        return [], []
    notes: list[str] = []
    if not balance.is_valid:
        messages = "；".join(pick(issue.message, lang) for issue in balance.errors)
        return [], [label(_TEXT["energy_errors"], lang) + messages]
    rows = []
    for indicator in balance.indicators.values():
        # calc.co2_scope2_t repeats the location-based figure, listed beside the market-based one.
        if indicator.value is None or indicator.code == "calc.co2_scope2_t":
            continue
        value = f"{float(indicator.value):,.{indicator.decimals}f}"
        rows.append(
            EnergyRow(
                pick(indicator.label, lang),
                value,
                pick(indicator.unit, lang),
                [pick(line, lang) for line in indicator.derivation],
            )
        )
    factor_set = balance.factor_set or {}
    if factor_set.get("name"):
        notes.append(
            f"{label(_TEXT['factor_set'], lang)}: {pick_name(str(factor_set['name']), lang)}"
            f" ({factor_set.get('year', '')})"
        )
    if balance.grid_factor_key:
        entry = balance.factors_used.get(balance.grid_factor_key, {})
        notes.append(
            f"{label(_TEXT['grid_factor'], lang)}: {pick(entry.get('label'), lang) or balance.grid_factor_key}"
            f" = {entry.get('value', '')} {entry.get('unit', '')}"
        )
    if balance.provisional:
        notes.append(label(_TEXT["provisional_factors"], lang))
    for warning in balance.warnings:
        notes.append("⚠ " + pick(warning.message, lang))
    return rows, notes


def answer_rows(
    definitions: list[dict[str, Any]], answers: Mapping[str, Any], resolved: Mapping[str, Any], lang: str
) -> list[AnswerRow]:
    rows: list[AnswerRow] = []
    seen: set[str] = set()
    banks = {"energy.": _TEXT["energy_bank"], "calc.": _TEXT["energy_bank"], "mgmt.": _TEXT["mgmt_bank"]}
    shared: dict[str, list[AnswerRow]] = {}
    for definition in definitions:
        section = pick(definition.get("title"), lang)
        for question in definition.get("questions", []):
            code = question["code"]
            if code in seen or is_by_evidence(question) or not is_asked(question, answers):
                continue
            seen.add(code)
            value = answers.get(code)
            text = format_answer(question, value if value is not None else resolved.get(code), lang)
            if is_derived(question) and code in resolved:
                text += label(_TEXT["override" if code in answers else "computed"], lang)
            bank = next((pair for prefix, pair in banks.items() if code.startswith(prefix)), None)
            row = AnswerRow(
                label(bank, lang) if bank else section, code, pick(question.get("text"), lang), text
            )
            (shared.setdefault(row.section, []) if bank else rows).append(row)
    for group in shared.values():
        rows.extend(group)
    return rows


def benchmark_rows(
    stats: Mapping[str, Mapping[str, Mapping[str, int]]],
    subject: Subject,
    definitions: list[dict[str, Any]],
    lang: str,
) -> list[BenchmarkRow]:
    titles = {d["framework"]: d.get("title") for d in definitions}
    scope_names = {
        "industry": f"{subject.industry_division} {reference.industry_name(subject.industry_division, lang)}",
        "city": reference.city_name(subject.city_code, lang) if subject.city_code else "",
        "size": label(_SIZE[subject.size_class], lang) if subject.size_class in _SIZE else "",
    }
    rows = []
    for definition in definitions:
        framework = definition["framework"]
        for scope in report_selectors.PEER_SCOPES:
            entry = stats.get(scope, {}).get(framework)
            if entry is None:
                continue
            peers = entry["peers"]
            percentile = None
            note = ""
            if peers >= MIN_PEERS:
                # Percentile rank: peers below plus half the ties, over all peers.
                percentile = round(100 * (entry["below"] + 0.5 * entry["equal"]) / peers, 1)
            else:
                note = label(_TEXT["few_peers"], lang)
            rows.append(
                BenchmarkRow(
                    short_framework(framework, titles.get(framework), lang),
                    f"{label(_SCOPE[scope], lang)}：{scope_names[scope]}"
                    if not is_english(lang)
                    else f"{label(_SCOPE[scope], lang)}: {scope_names[scope]}",
                    peers,
                    percentile,
                    note,
                )
            )
    return rows


def compose_report(
    *,
    subject: Subject,
    definitions: list[dict[str, Any]],
    answers: Mapping[str, Any],
    lang: str = "zh-hans",
    factors: Mapping[str, Any] | None = None,
    previous_answers: Mapping[str, Any] | None = None,
    evidence: list[EvidenceRow] | None = None,
    peer_stats: Mapping[str, Any] | None = None,
    generated: date | None = None,
    catalog: Catalog | None = None,
    prices: Mapping[str, Any] | None = None,
    annex: bool = False,
    rating_schemes: Mapping[tuple[str, str], Mapping[str, Any]] | None = None,
    plan: Sequence[PlannedAction] | None = None,
) -> ReportData:
    """Compute and assemble a report from plain data (no database access). `prices` is a price
    snapshot (assessment/economics/prices.py); the shipped reference file when not given. `plan`: the
    enterprise's improvement plan (its actions in the plan's order), which then leads the action chapter.

    `annex`: add the full answers, the evidence list and the glossary after the references (the
    manager's report leaves them out). `rating_schemes`: the configured rating schemes by
    (framework, version) (assessment.selectors.rating.rating_schemes); none by default.
    """
    lang = report_language(lang)
    catalog = catalog or load_catalog()
    questions = _questions(definitions)
    balance = None
    outputs: dict[str, float] = {}
    inputs = energy_inputs_from_answers(answers)
    if inputs:
        previous_inputs = energy_inputs_from_answers(previous_answers) if previous_answers else None
        balance = energy_balance(
            inputs=inputs, factors=factors or default_factors(), previous=previous_inputs or None
        )
        outputs = calculator_outputs(balance)
    results = score_assessment(
        definitions=definitions,
        answers=answers,
        enterprise=subject.facts,
        calculator=outputs,
        allow_unknown=True,
    )
    recommendations = recommend(
        definitions=definitions,
        answers=answers,
        enterprise=subject.facts,
        catalog=catalog,
        before=results,
        calculator=outputs,
    )
    resolved = dict(answers)
    for result in results.frameworks:
        for indicator in result.indicators:
            if len(indicator.questions) == 1 and indicator.answer is not None:
                resolved.setdefault(indicator.questions[0], indicator.answer)
    resolved.update({code: value for code, value in outputs.items() if code not in resolved})
    by_framework = {d["framework"]: d for d in definitions}
    schemes = rating_schemes or {}
    sections = [
        framework_section(
            r, by_framework[r.framework], questions, lang, schemes.get((r.framework, str(r.version)))
        )
        for r in results.frameworks
    ]
    energy, energy_notes = energy_rows(balance, lang)
    overall = (results.profile or {}).get("overall") or {}
    maturity = ""
    if overall.get("step"):
        step = overall["step"]
        maturity = (
            f"{pick(step.get('label'), lang)}（{_number(float(overall['index']), 1)}）"
            if not is_english(lang)
            else f"{pick(step.get('label'), lang)} ({_number(float(overall['index']), 1)})"
        )
        if step.get("description"):
            maturity += (" — " if is_english(lang) else "——") + pick(step.get("description"), lang)
        maturity += (" " if is_english(lang) else "") + label(_TEXT["maturity_note"], lang)
    economics = _economics(
        subject=subject,
        definitions=definitions,
        answers=answers,
        factors=factors or default_factors(),
        prices=prices,
        recommendations=recommendations,
        catalog=catalog,
        questions=questions,
        lang=lang,
    )
    benchmarks = benchmark_rows(peer_stats, subject, definitions, lang) if peer_stats else []
    actions = action_rows(recommendations, catalog, definitions, questions, lang)
    plan_data = None
    if plan:
        titles = {d["framework"]: d.get("title") for d in definitions}
        plan_data = plan_section(
            plan,
            definitions=definitions,
            answers=answers,
            facts=subject.facts,
            factors=factors or default_factors(),
            prices=prices or default_prices(),
            before=results,
            calculator=outputs,
            catalog=catalog,
            lang=lang,
            framework_names={fw: short_framework(fw, title, lang) for fw, title in titles.items()},
            schemes=schemes,
        )
    cited = report_references(definitions, recommendations, balance if energy else None)
    benchmark_note = label(_TEXT["no_peers_note"] if peer_stats is not None else _TEXT["unsaved_peers"], lang)
    return ReportData(
        lang=lang,
        title=pick(
            {
                "zh": "绿色化·清洁化·数字化水平自评估改进报告",
                "en": "Green, Clean and Digital Self-Assessment Improvement Report",
            },
            lang,
        ),
        enterprise=subject.info(lang),
        year=subject.year,
        status=label(_STATUS.get(subject.status, _STATUS["unsaved"]), lang),
        generated=(generated or date.today()).isoformat(),
        frameworks=sections,
        maturity=maturity,
        energy=energy,
        energy_notes=energy_notes,
        actions=actions,
        horizons=[(key, pick(catalog.horizons[key]["label"], lang)) for key in ("short", "medium", "long")],
        benchmarks=benchmarks,
        benchmark_note=benchmark_note,
        answers=answer_rows(definitions, answers, resolved, lang),
        evidence=evidence or [],
        glossary=[(label(term, lang), label(meaning, lang)) for term, meaning in GLOSSARY],
        catalog=catalog.version,
        economics=economics,
        plan=plan_data,
        references=bibliography(cited, load_references(), lang),
        annex=annex,
    )


def _economics(
    *,
    subject: Subject,
    definitions: list[dict[str, Any]],
    answers: Mapping[str, Any],
    factors: Mapping[str, Any],
    prices: Mapping[str, Any] | None,
    recommendations: Recommendations,
    catalog: Catalog,
    questions: Mapping[str, Any],
    lang: str,
) -> EconomicsSection | None:
    """The action plan's figures, in the recommendations' order (None without recommendations)."""
    from assessment.economics.plan import plan_for_answers
    from assessment.economics.prices import default_prices
    from reports.economics import economics_section

    if not recommendations.items:
        return None
    plan = plan_for_answers(
        definitions=definitions,
        answers=answers,
        enterprise=subject.facts,
        factors=factors,
        prices=prices or default_prices(),
        recommendations=recommendations,
    )
    titles = {d["framework"]: d.get("title") for d in definitions}
    return economics_section(
        plan,
        lang=lang,
        catalog=catalog,
        question_texts={code: q.get("text") for code, q in questions.items()},
        framework_names={fw: short_framework(fw, title, lang) for fw, title in titles.items()},
    )


GRID_REFERENCES = {
    "2023": "mee-grid-factor-2023",
    "2022": "mee-grid-factor-2022",
    "2021": "mee-grid-factor-2021",
}


def report_references(
    definitions: list[dict[str, Any]], recommendations: Recommendations, balance: Any
) -> list[str]:
    """The ids of the documents the report cites, in order: the frameworks' documents, the documents of
    the energy and carbon figures, then those the recommended actions cite (references.yaml)."""
    registry = load_references()
    ids: list[str] = []
    for definition in definitions:
        ids += [c.ref for c in citations_for({"refs": definition.get("refs") or []}, registry)]
    if balance is not None:
        ids += ["gbt2589-2020", "gbt32150-2015", "ghg-protocol-scope2"]
        key = balance.grid_factor_key or ""
        if key.endswith("carbon_market"):
            ids.append("mee-carbon-market-factor")
        else:
            ids.append(GRID_REFERENCES.get(key.rsplit(".", 1)[-1], "mee-grid-factor-2023"))
    for item in recommendations.items:
        ids += [source.ref for source in item.action.sources]
    return list(dict.fromkeys(i for i in ids if i in registry))


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def build_report_data(
    assessment: Assessment | int, *, lang: str = "zh-hans", generated: date | None = None, annex: bool = False
) -> ReportData:
    """The report data of a stored assessment; every database read of the report happens here.

    `annex`: add the full answers, the evidence list and the glossary (the manager's report leaves them out).
    """
    if not isinstance(assessment, Assessment):
        assessment = report_selectors.report_assessment(assessment)
    inputs = report_selectors.report_inputs(assessment)
    subject = Subject.from_enterprise(assessment.enterprise, year=assessment.year, status=assessment.status)
    questions = _questions(inputs.definitions)
    evidence = [
        EvidenceRow(
            name=e.original_name,
            question=pick(questions.get(e.question_code, {}).get("text"), lang) or e.question_code,
            size=_size_text(e.size),
            uploaded=e.uploaded_at.date().isoformat(),
        )
        for e in inputs.evidence
    ]
    # Peer statistics need this assessment's scores first: score once here, pass them to the selector.
    catalog = load_catalog()
    draft = compose_report(
        subject=subject,
        definitions=inputs.definitions,
        answers=inputs.answers,
        lang=lang,
        factors=inputs.factor_snapshot,
        previous_answers=inputs.previous_answers,
        evidence=evidence,
        peer_stats=None,
        generated=generated,
        catalog=catalog,
        prices=current_prices(),
        annex=annex,
        rating_schemes=rating_selectors.rating_schemes(),
        plan=planned_actions(assessment),
    )
    revisions = revision_states(assessment)
    for section in draft.frameworks:
        if section.framework in revisions:
            section.revision_lines = revision_lines(revisions[section.framework], lang)
    scores = {section.framework: round(section.score, 2) for section in draft.frameworks}
    stats = report_selectors.peer_statistics(assessment=assessment, scores=scores)
    draft.benchmarks = benchmark_rows(stats, subject, inputs.definitions, lang)
    draft.benchmark_note = label(_TEXT["no_peers_note"], lang)
    followed = follow_through(assessment)
    draft.follow_through = follow_through_section(followed, lang) if followed else None
    return draft
