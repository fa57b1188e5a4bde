"""Demo improvement plans (seed_demo's last step), made through the plan services (docs/plan.md).

Which enterprises: the demo SME manager's, and of the others each with chance `plan_chance(N)` drawn
from its own generator (seed and USCC): PLAN_SHARE of them, lowered for large N so that about
PLAN_ENTERPRISES get plans whatever the number asked for. A plan costs its recommendations (every
catalog action simulated, about 0.1 s CPU) and the officials' plan analytics compute every plan in
scope on each view (no cache), so the number of plans stays bounded like the older years' history.

Which assessments: the enterprise's last PLAN_YEARS submitted or accepted ones (the follow-through reads
the plan of the latest submitted earlier year; returned ones are left out as by the analytics). Each
plan takes some of that assessment's recommended actions in the ranking's order, each with an owner,
a target quarter and sometimes a note, added by a member through `plan_action_add`:

- a plan followed by a later assessment of the enterprise (last year's plan, seen from this year) has
  its work under way: actions done, in progress, some still planned or dropped, in the quarters of the
  year after the assessment's. Progress is recorded as a member's update (`plan_action_update`), so the
  audit trail shows the action added, then done. The next year's proposals and "planned against
  achieved" (assessment/followup.py) and the officials' plan analytics have something to show;
- the latest plan looks ahead: planned, the first sometimes in progress, from the current quarter on.

Nothing else changes: scores and answers are left as they are (a plan proposes answers; nothing is written
without a member's click). Deterministic (its own generator per enterprise) and idempotent (an assessment
that has a plan, even one emptied since, is left alone).
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import TYPE_CHECKING

from django.utils import timezone

from assessment.models import Assessment, Membership, Plan, PlanAction
from assessment.projection import quarter_of, quarters_from
from assessment.selectors.plans import plan_inputs
from assessment.services.plans import plan_action_add, plan_action_update

if TYPE_CHECKING:
    from assessment.demo.context import DemoContext
    from assessment.models import User

PLAN_SHARE = 0.35
PLAN_ENTERPRISES = 50  # about this many enterprises at most get plans, whatever N
PLAN_YEARS = 2  # plans on the enterprise's last two submitted years
PLANNED = PlanAction.Status.PLANNED
IN_PROGRESS = PlanAction.Status.IN_PROGRESS
DONE = PlanAction.Status.DONE
DROPPED = PlanAction.Status.DROPPED
# The demo SME manager's plans, by position: last year's work mostly done (proposals for this year).
DEMO_MANAGER_PROGRESS = (DONE, DONE, IN_PROGRESS, DONE, DROPPED, PLANNED)
OWNERS = (
    "设备科 张工",
    "动力车间 王工",
    "能源管理员 刘工",
    "生产部 赵主任",
    "环保专员 李明",
    "质量部 孙工",
    "信息化专员 周工",
    "行政部 陈经理",
)
NOTES = {
    PLANNED: ("", "", "", "待设备报价", "列入明年预算"),
    IN_PROGRESS: ("已完成现场摸底", "设备已招标", "已申请节能技改资金", "与供电公司洽谈中"),
    DONE: ("已完成并通过验收", "已投入运行", "", ""),
    DROPPED: ("投资回收期过长，暂缓", "与厂房改造计划冲突，暂缓"),
}


def plan_chance(enterprises: int) -> float:
    """The chance of an enterprise (other than the demo manager's) to have plans, for N enterprises."""
    return min(PLAN_SHARE, PLAN_ENTERPRISES / max(enterprises, 1))


def _progress(rng: random.Random) -> str:
    roll = rng.random()
    return DONE if roll < 0.5 else IN_PROGRESS if roll < 0.75 else PLANNED if roll < 0.87 else DROPPED


def seed_demo_plans(context: DemoContext) -> None:
    """Improvement plans of the demo enterprises' last submitted years (module docstring)."""
    chance = plan_chance(context.enterprises)
    members: dict[int, dict[str, User]] = defaultdict(dict)
    for membership in Membership.objects.filter(enterprise__in=context.demo_enterprises()).select_related(
        "user"
    ):
        members[membership.enterprise_id][membership.role] = membership.user
    chosen: dict[int, random.Random] = {}
    for enterprise_id, uscc in context.demo_enterprises().order_by("pk").values_list("pk", "uscc"):
        manager = members[enterprise_id].get(Membership.Role.MANAGER)
        if manager is None:
            continue
        rng = random.Random(f"{context.seed}-{uscc}-plan")
        if manager.username == "sme_manager" or rng.random() < chance:
            chosen[enterprise_id] = rng
    years: dict[int, list[Assessment]] = defaultdict(list)
    later: dict[int, int] = {}  # enterprise → its latest assessment year (any status, a draft too)
    for assessment in (
        Assessment.objects.filter(enterprise_id__in=list(chosen))
        .select_related("enterprise")
        .defer("result", "validated_result", "factor_snapshot")
        .order_by("enterprise_id", "year")
    ):
        later[assessment.enterprise_id] = assessment.year
        if assessment.status in (Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED):
            years[assessment.enterprise_id].append(assessment)
    planned = set(
        Plan.objects.filter(assessment__enterprise_id__in=list(chosen)).values_list(
            "assessment_id", flat=True
        )
    )
    context.count("improvement plans", 0)
    today = quarter_of(timezone.localdate())
    for enterprise_id in sorted(chosen):
        rng = chosen[enterprise_id]
        for assessment in years[enterprise_id][-PLAN_YEARS:]:
            if assessment.pk in planned:
                continue
            past = later[enterprise_id] > assessment.year
            if _seed_plan(assessment, members[enterprise_id], rng, past=past, today=today):
                context.count("improvement plans", 1)


def _seed_plan(
    assessment: Assessment, people: dict[str, User], rng: random.Random, *, past: bool, today: str
) -> bool:
    """One plan of the assessment's recommended actions (False: nothing recommended, no plan)."""
    recommended = plan_inputs(assessment).recommendations()
    if recommended is None:
        return False
    ranked = recommended.items
    manager = people[Membership.Role.MANAGER]
    demo_manager = manager.username == "sme_manager"
    wanted = len(DEMO_MANAGER_PROGRESS) if demo_manager else rng.randint(3, 6)
    codes = [item.action.code for item in ranked[:8] if demo_manager or rng.random() < 0.8][:wanted]
    if not codes:
        return False
    # Last year's plan: the work in the quarters after the assessment's year; this year's: from now on.
    quarters = (
        quarters_from(f"{assessment.year + 1}Q{rng.randint(1, 2)}", 6) if past else quarters_from(today, 6)
    )
    # Progress is reported by a contributor where the enterprise has one.
    reporter = people.get(Membership.Role.CONTRIBUTOR, manager)
    for position, code in enumerate(codes):
        if past:
            status = DEMO_MANAGER_PROGRESS[position] if demo_manager else _progress(rng)
        else:
            status = IN_PROGRESS if position == 0 and rng.random() < 0.4 else PLANNED
        quarter = quarters[min(position // 2 + rng.randint(0, 1), len(quarters) - 1)]
        plan_action_add(
            assessment=assessment,
            user=manager,
            code=code,
            owner=rng.choice(OWNERS),
            quarter=quarter if rng.random() < 0.9 else "",
            note=rng.choice(NOTES[PLANNED]),
        )
        if status != PLANNED:
            plan_action_update(
                assessment=assessment,
                user=reporter,
                code=code,
                values={"status": status, "note": rng.choice(NOTES[status])},
                seen_revision=None,
            )
    return True
