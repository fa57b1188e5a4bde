"""Officials' plan analytics: the improvement plans of the submissions in their jurisdiction.

Which actions the enterprises plan and have done, the investment, annual saving and CO₂ avoided of the
counted actions (planned, in progress, done; dropped ones left out) by city, industry and size class,
and the support channels those actions list (the catalog's `support`, each channel citing the policy
document that names it). The same filters as the analytics page (the submissions it counts).

Money and CO₂: each plan's combined figures by the sequence rule (docs/plan.md): the economics engine's
`combine` over the plan's counted actions in the plan's order, on that enterprise's answers, factor
snapshot and the current prices (central estimate), stored on the plan when it changes
(assessment/plan_figures.py). Reads: the plans' actions with their plan, assessment and enterprise, the
prices and the submissions count: three queries whatever the number of plans (plan_analytics), two more
for the answers and factors of plans whose stored figures are stale, which are computed then.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.db.models import Max
from django.utils.translation import gettext as _

from assessment import reference
from assessment.actions import load_catalog
from assessment.models import Assessment, Enterprise, PlanAction
from assessment.plan_figures import DEFERRED, StepFigures, catalog_rows, plan_figures_for
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

    enterprises: set[int] = field(default_factory=set)
    counted: int = 0  # actions planned, in progress or done
    done: int = 0
    investment_wan: float = 0.0
    annual_saving_wan: float = 0.0
    co2_avoided_t: float = 0.0

    @property
    def plans(self) -> int:
        return len(self.enterprises)


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


def _add(figures: Figures, enterprise: int, status: str, step: StepFigures | None) -> None:
    figures.enterprises.add(enterprise)
    figures.counted += 1
    figures.done += status == "done"
    if step is not None:
        figures.investment_wan += step.investment_wan or 0.0
        figures.annual_saving_wan += step.annual_saving_wan or 0.0
        figures.co2_avoided_t += step.co2_avoided_t or 0.0


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
    """The plans of the submissions the analytics page counts under `filters` (module docstring): three
    queries whatever the number of plans (five while some plans' stored figures are stale)."""
    scope = submissions(user, filters.for_analytics())
    return summarise(plan_records(scope), submissions=scope.count(), lang=lang)


def plan_default_year(*, user: User, filters: SubmissionFilters) -> int | None:
    """The year the plan section shows when no year is chosen: the latest submission year (under the other
    filters) whose plans have an action done, since the latest year's plans have barely started; None
    when no plan has one (one query)."""
    scope = submissions(user, replace(filters.for_analytics(), year=None))
    done = PlanAction.objects.filter(plan__assessment__in=scope, status=PlanAction.Status.DONE)
    return done.aggregate(year=Max("plan__assessment__year"))["year"]


def summarise(records: list[PlanRecord], *, submissions: int, lang: str) -> PlanAnalytics:
    """The counts and figures of these plan actions by action, city, industry, size and support channel."""
    catalog = load_catalog()
    total = Figures()
    per_action: dict[str, Figures] = defaultdict(Figures)
    statuses: dict[str, Counter[str]] = defaultdict(Counter)
    groups: dict[str, dict[str, Figures]] = {"city": {}, "industry": {}, "size": {}}
    channel_rows: dict[str, Figures] = defaultdict(Figures)
    for record in records:
        row = record.row
        statuses[row.action_code][row.status] += 1
        if row.status not in COUNTED_STATUSES:
            continue
        enterprise = record.enterprise
        keys = {
            "city": enterprise.city_code,
            "industry": enterprise.industry_division,
            "size": enterprise.size_class,
        }
        for figures in (
            total,
            per_action[row.action_code],
            *(groups[name].setdefault(key, Figures()) for name, key in keys.items()),
        ):
            _add(figures, enterprise.pk, row.status, record.figures)
        for channel in catalog.get(row.action_code).support:
            _add(channel_rows[channel], enterprise.pk, row.status, record.figures)

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
            figures=per_action.get(code, Figures()),
        )
        for code, counts in sorted(
            statuses.items(), key=lambda item: (-sum(item[1][s] for s in COUNTED_STATUSES), item[0])
        )
    ]
    channels = []
    for code, figures in sorted(
        channel_rows.items(), key=lambda item: (-item[1].counted, order.get(item[0], 99))
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
