"""Officials' plan analytics: the improvement plans of the submissions in their jurisdiction.

Which actions the enterprises plan and have done, the investment, annual saving and CO₂ avoided of the
counted actions (planned, in progress, done; dropped ones left out) by city, industry and size class,
and the support channels those actions list (the catalog's `support`, each channel citing the policy
document that names it). The same filters as the analytics page (the submissions it counts).

Money and CO₂: each plan's combined figures by the sequence rule (docs/plan.md): the economics engine's
`combine` over the plan's counted actions in the plan's order, on that enterprise's answers, factor
snapshot and the current prices (central estimate), stored on the plan when it changes
(assessment/plan_figures.py). The page's figures are counted and added up by the database on those
stored figures (summarise_in_database: three queries whatever the number of plans, no plan row read);
plans whose stored figures are stale (another revision or other prices) have their money computed on the
request and added (three more queries). The Excel sheet reads every plan action (plan_records).
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.db import NotSupportedError, connections
from django.db.models import Count, F, FloatField, Func, Max, Q, Sum
from django.utils.translation import gettext as _

from assessment import reference
from assessment.actions import load_catalog
from assessment.models import Assessment, Enterprise, PlanAction
from assessment.plan_figures import (
    DEFERRED,
    FIELDS,
    StepFigures,
    catalog_rows,
    compute_for,
    fresh_expression,
    plan_figures_for,
    prices_digest,
)
from assessment.projection import COUNTED_STATUSES
from assessment.selectors.prices import current_prices
from assessment.selectors.review import SubmissionFilters, submissions
from questionnaires.references import cite_text, load_references, parse_citation
from questionnaires.text import pick

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from assessment.models import User


@dataclass
class Figures:
    """Counts and central estimates of a group of plans."""

    plans: int = 0  # enterprises with a counted action in the group
    counted: int = 0  # actions planned, in progress or done
    done: int = 0
    investment_wan: float = 0.0
    annual_saving_wan: float = 0.0
    co2_avoided_t: float = 0.0


@dataclass(frozen=True)
class GroupRow:
    label: str
    figures: Figures


@dataclass(frozen=True)
class ActionRow:
    title: str
    planned: int  # planned or in progress
    done: int
    dropped: int
    figures: Figures  # the counted rows of this action: its steps' figures in their plans


@dataclass(frozen=True)
class ChannelRow:
    title: str
    source: str  # the policy document naming the channel, as a citation
    actions: int  # counted plan actions listing it
    enterprises: int
    investment_wan: float


@dataclass
class PlanAnalytics:
    submissions: int  # submissions in scope (the analytics page's count)
    total: Figures
    actions: list[ActionRow]
    by_city: list[GroupRow]
    by_industry: list[GroupRow]
    by_size: list[GroupRow]
    channels: list[ChannelRow]

    @property
    def empty(self) -> bool:
        return not self.total.plans


@dataclass
class _Tally:
    """A group's running counts and sums in the Python summary (`summarise`)."""

    enterprises: set[int] = field(default_factory=set)
    counted: int = 0
    done: int = 0
    money: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])

    def add(self, enterprise: int, status: str, step: StepFigures | None) -> None:
        self.enterprises.add(enterprise)
        self.counted += 1
        self.done += status == "done"
        _add_money(self.money, step)

    def figures(self) -> Figures:
        return Figures(len(self.enterprises), self.counted, self.done, *self.money)


def _add_money(money: list[float], step: StepFigures | None) -> None:
    if step is not None:
        for index, name in enumerate(FIELDS):
            money[index] += getattr(step, name) or 0.0


@dataclass(frozen=True)
class PlanRecord:
    """One action of one plan with its enterprise and its central figures in that plan (None: none)."""

    row: PlanAction
    figures: StepFigures | None

    @property
    def enterprise(self) -> Enterprise:
        return self.row.plan.assessment.enterprise


def plan_records(assessments: QuerySet[Assessment]) -> list[PlanRecord]:
    """Every action of the plans of `assessments` (catalog actions only), in plan order, with its figures
    as stored on its plan (assessment/plan_figures.py): two queries (the actions with their plan,
    assessment and enterprise; the prices), two more for the answers and factors of plans whose stored
    figures are stale (another revision or other prices), computed then."""
    rows = PlanAction.objects.filter(plan__assessment__in=assessments).select_related(
        "plan__assessment__enterprise"
    )
    by_plan = catalog_rows(
        rows.defer(*DEFERRED).order_by("plan__assessment__enterprise__name", "plan_id", "position", "id")
    )
    if not by_plan:
        return []
    figures = plan_figures_for(by_plan, current_prices())
    return [
        PlanRecord(row, figures[plan_id].get(row.action_code))
        for plan_id, plan_rows in by_plan.items()
        for row in plan_rows
    ]


def plan_analytics(*, user: User, filters: SubmissionFilters, lang: str) -> PlanAnalytics:
    """The plans of the submissions the analytics page counts under `filters` (module docstring), added
    up in the database: three queries whatever the number of plans (six while some plans' stored figures
    are stale, whose figures are computed then)."""
    scope = submissions(user, filters.for_analytics())
    return summarise_in_database(scope, submissions=scope.count(), lang=lang)


class StoredFigure(Func):
    """One central figure of a plan action as stored on its plan: Plan.figures["actions"][<the action's
    code>][index] (assessment/plan_figures.py, FIELDS), NULL when the action has none. The key is the
    row's own code, so the path is built in SQL: SQLite's json_extract and PostgreSQL's jsonb operators."""

    arity = 2
    output_field = FloatField()

    def __init__(self, index: int) -> None:
        super().__init__(F("plan__figures"), F("action_code"))
        self.index = index

    def _compiled(self, compiler: Any) -> tuple[str, str, list[Any]]:
        figures_sql, figures_params = compiler.compile(self.source_expressions[0])
        code_sql, code_params = compiler.compile(self.source_expressions[1])
        return figures_sql, code_sql, [*figures_params, *code_params]

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:
        raise NotSupportedError("StoredFigure supports SQLite and PostgreSQL only.")

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:
        figures, code, params = self._compiled(compiler)
        # Action codes hold dots: the key is quoted in the JSON path.
        return f"json_extract({figures}, '$.actions.\"' || {code} || '\"[{self.index}]')", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:
        figures, code, params = self._compiled(compiler)
        return f"(({figures} -> 'actions' -> {code} ->> {self.index})::double precision)", params


COUNTED = Q(status__in=COUNTED_STATUSES)
FRESH = Q(fresh=True)
ENTERPRISE = "plan__assessment__enterprise_id"
GROUP_KEYS = {
    "city": "plan__assessment__enterprise__city_code",
    "industry": "plan__assessment__enterprise__industry_division",
    "size": "plan__assessment__enterprise__size_class",
}


def _group_keys(enterprise: Enterprise) -> dict[str, str]:
    """The enterprise's key in each group (GROUP_KEYS)."""
    return {
        "city": enterprise.city_code,
        "industry": enterprise.industry_division,
        "size": enterprise.size_class,
    }


def _figure_aggregates(prefix: str = "", only: Q | None = None) -> dict[str, Any]:
    """The aggregates of a Figures over the counted rows (and `only`): the money from fresh stored
    figures only (stale plans' money is computed and added in Python)."""
    counted = COUNTED & only if only is not None else COUNTED
    aggregates: dict[str, Any] = {
        f"{prefix}plans": Count(ENTERPRISE, distinct=True, filter=counted),
        f"{prefix}counted": Count("pk", filter=counted),
        f"{prefix}done": Count("pk", filter=counted & Q(status="done")),
    }
    for index, name in enumerate(FIELDS):
        aggregates[f"{prefix}{name}"] = Sum(StoredFigure(index), filter=counted & FRESH)
    return aggregates


def _figures(values: dict[str, Any], prefix: str = "") -> Figures:
    return Figures(
        values[f"{prefix}plans"],
        values[f"{prefix}counted"],
        values[f"{prefix}done"],
        *(values[f"{prefix}{name}"] or 0.0 for name in FIELDS),
    )


def _added_up(
    pairs: QuerySet[Any], *, status_values: tuple[str, ...], channel_codes: dict[str, list[str]]
) -> list[tuple[Any, ...]]:
    """`pairs` (one row per enterprise and action: enterprise, action, city, industry, size, stale rows,
    money, the count of each status) added up in one query (a WITH over the grouped query, then UNION
    ALL, on SQLite as on PostgreSQL): rows (kind, key, enterprises, counted, done, stale, *money,
    *status counts), kind "action", a group name of GROUP_KEYS, "total" or "channel" (key: the code)."""
    inner, params = pairs.query.sql_with_params()
    statuses = [f"s{index}" for index in range(len(status_values))]
    columns = ["enterprise", "code", *GROUP_KEYS, "stale", *FIELDS, *statuses]
    counted = " + ".join(f"s{status_values.index(status)}" for status in COUNTED_STATUSES)
    done = f"s{status_values.index('done')}"
    sums = ", ".join(f"SUM({column})" for column in ("stale", *FIELDS, *statuses))
    figures = f"COUNT(DISTINCT CASE WHEN c > 0 THEN enterprise END), SUM(c), SUM({done}), {sums}"
    branches = [f"SELECT 'action', code, {figures} FROM r GROUP BY code"]
    branches += [
        f"SELECT '{name}', {name}, {figures} FROM r WHERE c > 0 GROUP BY {name}" for name in GROUP_KEYS
    ]
    branches.append(f"SELECT 'total', '', {figures} FROM r WHERE c > 0")
    channel_params: list[str] = []
    for channel, codes in channel_codes.items():
        if codes:
            marks = ", ".join(["%s"] * len(codes))
            branches.append(f"SELECT 'channel', %s, {figures} FROM r WHERE c > 0 AND code IN ({marks})")
            channel_params += [channel, *codes]
    sql = (
        f"WITH p ({', '.join(columns)}) AS ({inner}), r AS (SELECT p.*, {counted} AS c FROM p) "
        + " UNION ALL ".join(branches)
    )
    with connections[pairs.db].cursor() as cursor:
        cursor.execute(sql, [*params, *channel_params])
        return cursor.fetchall()


def _add_stale_money(figures: Figures, step: StepFigures | None) -> None:
    money = [figures.investment_wan, figures.annual_saving_wan, figures.co2_avoided_t]
    _add_money(money, step)
    figures.investment_wan, figures.annual_saving_wan, figures.co2_avoided_t = money


def summarise_in_database(assessments: QuerySet[Assessment], *, submissions: int, lang: str) -> PlanAnalytics:
    """`summarise` of the plans of `assessments`, counted and added up by the database on the stored
    figures (the same numbers as `summarise` over `plan_records`, tested): one query for the prices and
    one for the figures: the plan actions grouped by enterprise and action (status counts, stale rows,
    money; no COUNT(DISTINCT …), which on PostgreSQL sorts the rows with their plan's figures), added up
    by action, city, industry, size, in all and by support channel over those grouped rows (`_added_up`);
    and for plans whose stored figures are stale (another revision or other prices) one for their rows
    and two for their answers and factors: their money is computed then and added."""
    catalog = load_catalog()
    prices = current_prices()
    rows = PlanAction.objects.filter(
        plan__assessment__in=assessments, action_code__in=[action.code for action in catalog.actions]
    ).annotate(fresh=fresh_expression(prices_digest(prices), through="plan__"))
    status_values = tuple(PlanAction.Status.values)
    # One row per enterprise and action (its rows in the enterprise's plans of every year), hashed by
    # the database without COUNT(DISTINCT …) over the rows with their plan's figures ...
    pairs = (
        rows.values(ENTERPRISE, "action_code", *GROUP_KEYS.values())
        .annotate(
            stale=Count("pk", filter=COUNTED & Q(fresh=False)),
            **{name: Sum(StoredFigure(index), filter=COUNTED & FRESH) for index, name in enumerate(FIELDS)},
            **{f"status_{status}": Count("pk", filter=Q(status=status)) for status in status_values},
        )
        .order_by()
        .values_list(
            ENTERPRISE,
            "action_code",
            *GROUP_KEYS.values(),
            "stale",
            *FIELDS,
            *(f"status_{status}" for status in status_values),
        )
    )
    channel_codes = {
        channel: [action.code for action in catalog.actions if channel in action.support]
        for channel in catalog.support_channels
    }
    # ... then those rows added up in the same query, by action, city, industry, size, in all and by
    # support channel, the enterprises counted distinct among these few narrow rows.
    statuses: dict[str, Counter[str]] = {}
    per_action: dict[str, Figures] = {}
    groups: dict[str, dict[str, Figures]] = {name: {} for name in GROUP_KEYS}
    total = Figures()
    channel_figures: dict[str, Figures] = {}
    stale = 0
    for kind, key, plans, counted, done, stale_count, *values in _added_up(
        pairs, status_values=status_values, channel_codes=channel_codes
    ):
        money, counts = values[: len(FIELDS)], values[len(FIELDS) :]
        figures = Figures(
            int(plans), int(counted or 0), int(done or 0), *(float(amount or 0.0) for amount in money)
        )
        if kind == "action":
            statuses[key] = Counter(
                {status: int(count) for status, count in zip(status_values, counts, strict=True)}
            )
            per_action[key] = figures
        elif kind in groups:
            groups[kind][key] = figures
        elif kind == "total":
            total, stale = figures, int(stale_count or 0)
        elif figures.counted:
            channel_figures[key] = figures
    if stale:
        stale_rows = (
            rows.filter(COUNTED, fresh=False)
            .select_related("plan__assessment__enterprise")
            .defer(*DEFERRED)
            .order_by("plan_id", "position", "id")
        )
        # The sequence rule (compute_steps) counts only the counted rows: they are all it needs.
        by_plan = catalog_rows(stale_rows)
        computed = compute_for(by_plan, prices)
        for plan_id, plan_rows in by_plan.items():
            for row in plan_rows:
                step = computed[plan_id].get(row.action_code)
                keys = _group_keys(row.plan.assessment.enterprise)
                for figures in (
                    total,
                    per_action[row.action_code],
                    *(groups[name][key] for name, key in keys.items()),
                    *(channel_figures[channel] for channel in catalog.get(row.action_code).support),
                ):
                    _add_stale_money(figures, step)
    return _assemble(
        submissions=submissions,
        total=total,
        statuses=statuses,
        per_action=per_action,
        groups=groups,
        channel_figures=channel_figures,
        lang=lang,
    )


def plan_default_year(*, user: User, filters: SubmissionFilters) -> int | None:
    """The year the plan section shows when no year is chosen: the latest submission year (under the other
    filters) whose plans have an action done, since the latest year's plans have barely started; None
    when no plan has one (one query)."""
    scope = submissions(user, replace(filters.for_analytics(), year=None))
    done = PlanAction.objects.filter(plan__assessment__in=scope, status=PlanAction.Status.DONE)
    return done.aggregate(year=Max("plan__assessment__year"))["year"]


def summarise(records: list[PlanRecord], *, submissions: int, lang: str) -> PlanAnalytics:
    """The counts and figures of these plan actions by action, city, industry, size and support channel,
    added up in Python (`summarise_in_database` does it in the database; tests compare the two)."""
    catalog = load_catalog()
    total = _Tally()
    per_action: dict[str, _Tally] = defaultdict(_Tally)
    statuses: dict[str, Counter[str]] = defaultdict(Counter)
    groups: dict[str, dict[str, _Tally]] = {"city": {}, "industry": {}, "size": {}}
    channel_rows: dict[str, _Tally] = defaultdict(_Tally)
    for record in records:
        row = record.row
        statuses[row.action_code][row.status] += 1
        if row.status not in COUNTED_STATUSES:
            continue
        enterprise = record.enterprise
        keys = _group_keys(enterprise)
        for tally in (
            total,
            per_action[row.action_code],
            *(groups[name].setdefault(key, _Tally()) for name, key in keys.items()),
        ):
            tally.add(enterprise.pk, row.status, record.figures)
        for channel in catalog.get(row.action_code).support:
            channel_rows[channel].add(enterprise.pk, row.status, record.figures)
    return _assemble(
        submissions=submissions,
        total=total.figures(),
        statuses=statuses,
        per_action={code: tally.figures() for code, tally in per_action.items()},
        groups={
            name: {key: tally.figures() for key, tally in items.items()} for name, items in groups.items()
        },
        channel_figures={code: tally.figures() for code, tally in channel_rows.items()},
        lang=lang,
    )


def _assemble(
    *,
    submissions: int,
    total: Figures,
    statuses: Mapping[str, Counter[str]],
    per_action: Mapping[str, Figures],
    groups: Mapping[str, Mapping[str, Figures]],
    channel_figures: Mapping[str, Figures],
    lang: str,
) -> PlanAnalytics:
    """The rows in the page's order and language: actions by counted rows, groups by investment,
    channels by counted rows then the catalog's order."""
    catalog = load_catalog()
    sizes = dict(Enterprise.SizeClass.choices)
    registry = load_references()
    order = {code: index for index, code in enumerate(catalog.support_channels)}

    def group(name: str, labeller: Any) -> list[GroupRow]:
        items = sorted(groups[name].items(), key=lambda item: (-item[1].investment_wan, item[0]))
        return [GroupRow(labeller(key), figures) for key, figures in items]

    actions = [
        ActionRow(
            title=pick(catalog.get(code).title, lang),
            planned=counts["planned"] + counts["in_progress"],
            done=counts["done"],
            dropped=counts["dropped"],
            figures=per_action.get(code) or Figures(),
        )
        for code, counts in sorted(
            statuses.items(), key=lambda item: (-sum(item[1][s] for s in COUNTED_STATUSES), item[0])
        )
    ]
    channels = []
    for code, figures in sorted(
        channel_figures.items(), key=lambda item: (-item[1].counted, order.get(item[0], 99))
    ):
        channel = catalog.support_channels[code]
        ref = channel.get("ref")
        channels.append(
            ChannelRow(
                title=pick(channel.get("title"), lang),
                source=cite_text(parse_citation(ref), registry, lang) if ref in registry else "",
                actions=figures.counted,
                enterprises=figures.plans,
                investment_wan=figures.investment_wan,
            )
        )
    return PlanAnalytics(
        submissions=submissions,
        total=total,
        actions=actions,
        by_city=group("city", lambda code: reference.city_name(code, lang)),
        by_industry=group("industry", lambda code: f"{code} {reference.industry_name(code, lang)}"),
        by_size=group("size", lambda code: str(sizes.get(code, code))),
        channels=channels,
    )


def comparable(value: Any, places: int = 6) -> Any:
    """Analytics (or any of its parts) as plain data with floats rounded to `places`: the database adds
    the figures in another order than Python, so the last bits of a sum may differ."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return comparable(dataclasses.asdict(value), places)
    if isinstance(value, dict):
        return {key: comparable(item, places) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [comparable(item, places) for item in value]
    if isinstance(value, float):
        return round(value, places) + 0.0  # -0.0 and 0.0 alike
    return value


def plan_note() -> str:
    return _(
        "统计口径：筛选范围内已提交评估的改进计划；计划中、实施中和已完成的措施计入，已放弃的不计入。投资、年节约和"
        "年减排为各企业计划按顺序规则合并估算的中值（按企业填报数据和现行价格），无金额数据的措施（如管理类）不计金额。"
    )


def plan_context(
    plan: PlanAnalytics, *, year: int | None = None, year_differs: bool = False
) -> dict[str, Any]:
    """The analytics page's plan section: the analytics, its groups with their headings and the note;
    `year` the plans' submission year, `year_differs` when it is not the rest of the page's."""
    return {
        "plan": plan,
        "plan_year": year,
        "plan_year_differs": year_differs,
        "plan_groups": [
            (_("按城市"), plan.by_city, "city"),
            (_("按行业"), plan.by_industry, "industry"),
            (_("按企业规模"), plan.by_size, "size"),
        ],
        "plan_note": plan_note(),
    }


def plan_sheet_header() -> list[str]:
    """The columns of the export's plan sheet (one row per action of a plan)."""
    return [
        _("企业名称"),
        _("统一社会信用代码"),
        _("年度"),
        _("城市"),
        _("行业"),
        _("企业规模"),
        _("措施"),
        _("状态"),
        _("负责人"),
        _("目标季度"),
        _("投资（万元）"),
        _("年节约（万元）"),
        _("年减排（tCO₂）"),
        _("支持渠道"),
    ]


def plan_sheet_rows(records: list[PlanRecord]) -> list[list[Any]]:
    """The export's plan sheet rows in the active language; figures blank where the action has none (and
    for a dropped action, which the plan no longer counts)."""
    catalog = load_catalog()
    rows = []
    for record in records:
        row, enterprise, step = record.row, record.enterprise, record.figures
        counted = step is not None and row.status in COUNTED_STATUSES

        def figure(value: float | None, counted: bool = counted) -> Any:
            return round(value, 2) if counted and value is not None else ""

        action = catalog.get(row.action_code)
        rows.append(
            [
                enterprise.name,
                enterprise.uscc,
                row.plan.assessment.year,
                reference.city_name(enterprise.city_code),
                f"{enterprise.industry_division} {reference.industry_name(enterprise.industry_division)}",
                enterprise.get_size_class_display(),
                pick(action.title),
                row.get_status_display(),
                row.owner,
                row.quarter,
                figure(step.investment_wan if step else None),
                figure(step.annual_saving_wan if step else None),
                figure(step.co2_avoided_t if step else None),
                "、".join(pick(catalog.support_channels[code]["title"]) for code in action.support),
            ]
        )
    return rows
