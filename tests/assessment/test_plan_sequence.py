"""The improvement plan's sequence rule (assessment/projection.py), without a database.

The demo dairy answers on the shipped definitions, catalog, economics model, factors and prices: the plan's
projected scores come from one rescoring of the answers every chosen action changes in turn, its money and
CO₂ figures from the economics engine's `combine` (each action on what the previous ones left).
"""

from __future__ import annotations

import itertools

import pytest

from assessment.actions import load_catalog
from assessment.economics import Baseline, default_prices, estimate, load_economics
from assessment.exceptions import DomainError
from assessment.projection import PlannedAction, active_codes, project_plan, quarter_order
from assessment.recommendations import recommend
from assessment.scoring import EnterpriseFacts
from assessment.selectors.factors import default_factors
from questionnaires.loader import resolved_definitions
from tests.builders import FRAMEWORKS, demo_answers

FACTS = EnterpriseFacts(industry="C14", size_class="small")
MOTORS = "act.energy.efficient_motors"  # calc.energy_per_output −5 %, equipment grade 2
DRIVES = "act.energy.variable_speed_drives"  # calc.energy_per_output −3 %
LED = "act.energy.led_lighting"  # calc.energy_per_output −1 %, two lighting answers
GREEN_POWER = "act.energy.green_power"  # renewable share ≥ 20 %
PV = "act.energy.rooftop_pv"  # renewable share ≥ 10 %
GREEN_BODY = "act.mgmt.green_body"  # one management answer, no money figures
SORTING = "act.waste.sorting"


@pytest.fixture(scope="module")
def definitions():
    wanted = set(FRAMEWORKS)
    return [d for d in resolved_definitions() if (d["framework"], d["version"]) in wanted]


def project(definitions, codes, answers=None):
    return project_plan(
        definitions=definitions,
        answers=answers if answers is not None else demo_answers(),
        enterprise=FACTS,
        factors=default_factors(),
        prices=default_prices(),
        codes=codes,
    )


def scores(projection):
    return {item.framework: round(item.score_after, 6) for item in projection.frameworks}


# --- which actions, in what order ----------------------------------------------------------------------


ACTIONS = [
    PlannedAction("c", status="planned", quarter="", position=0),
    PlannedAction("b", status="done", quarter="2027Q1", position=4),
    PlannedAction("x", status="dropped", quarter="2026Q1", position=1),
    PlannedAction("a", status="in_progress", quarter="2026Q4", position=3),
    PlannedAction("d", status="planned", quarter="2027Q1", position=2),
]


def test_dropped_actions_are_left_out_and_the_rest_keep_the_plan_s_order():
    assert active_codes(ACTIONS) == ["c", "d", "a", "b"]


def test_the_quarter_order_puts_unscheduled_actions_last_and_keeps_the_plan_s_order_within_a_quarter():
    assert quarter_order(ACTIONS) == ["x", "a", "d", "b", "c"]


def test_a_dropped_action_changes_nothing_in_the_projection(definitions):
    planned = [PlannedAction(MOTORS), PlannedAction(LED, status="dropped", position=1)]
    with_dropped = project(definitions, active_codes(planned))
    alone = project(definitions, [MOTORS])
    assert with_dropped.codes == (MOTORS,)
    assert scores(with_dropped) == scores(alone)
    assert with_dropped.investment_wan == alone.investment_wan


def test_an_unknown_action_code_is_refused(definitions):
    with pytest.raises(DomainError) as error:
        project(definitions, [MOTORS, "act.energy.perpetual_motion"])
    assert error.value.code == "unknown_action"


def test_an_action_chosen_twice_is_refused(definitions):
    with pytest.raises(DomainError) as error:
        project(definitions, [MOTORS, MOTORS])
    assert error.value.code == "duplicate_action"


def test_an_empty_plan_projects_the_current_scores_and_no_money(definitions):
    projection = project(definitions, [])
    assert all(item.score_after == item.score_before for item in projection.frameworks)
    assert all(item.delta == 0 and not item.level_up for item in projection.frameworks)
    assert projection.changes == {}
    assert projection.investment_wan.mid == projection.co2_avoided_t.mid == 0
    assert projection.mac == ()


# --- the scores: one rescoring of the answers the actions change in turn --------------------------------


def test_one_action_projects_the_gain_the_recommendations_show(definitions):
    answers = demo_answers()
    recommended = recommend(definitions=definitions, answers=answers, enterprise=FACTS)
    item = next(r for r in recommended.items if r.action.code == GREEN_BODY)
    projection = project(definitions, [GREEN_BODY], answers)
    gains = {gain.framework: gain.delta for gain in item.gains}
    assert {f.framework: f.delta for f in projection.frameworks} == gains
    assert projection.changes == item.changes


def test_two_reductions_of_one_figure_compound_rather_than_add(definitions):
    projection = project(definitions, [MOTORS, DRIVES])
    before = project(definitions, []).before
    current = next(
        i.answer for f in before.frameworks for i in f.indicators if i.questions == ["calc.energy_per_output"]
    )
    assert projection.changes["calc.energy_per_output"] == pytest.approx(
        current * 0.95 * 0.97, rel=1e-4
    )  # 6 decimals a step
    assert projection.changes["calc.energy_per_output"] > current * (1 - 0.05 - 0.03)


def test_a_target_an_earlier_action_reached_adds_nothing(definitions):
    projection = project(definitions, [GREEN_POWER, PV])
    green_step, pv_step = projection.steps
    assert green_step.changes["calc.renewable_share"] == 20
    assert "calc.renewable_share" not in pv_step.changes  # PV's 10 % is already reached
    assert projection.changes["calc.renewable_share"] == 20


@pytest.mark.parametrize("codes", [[GREEN_BODY, SORTING, MOTORS], [MOTORS, DRIVES, LED]])
def test_the_projected_scores_do_not_depend_on_the_order(definitions, codes):
    results = [scores(project(definitions, list(order))) for order in itertools.permutations(codes)]
    assert all(result == results[0] for result in results)


def test_more_actions_never_lower_a_projected_score(definitions):
    one = scores(project(definitions, [GREEN_BODY]))
    three = scores(project(definitions, [GREEN_BODY, SORTING, MOTORS]))
    assert all(three[slug] >= one[slug] for slug in one)
    assert sum(three.values()) > sum(one.values())


# --- money and CO₂: each action on what the previous ones left ------------------------------------------


def _baseline(answers):
    return Baseline.from_answers(
        answers, factors=default_factors(), prices=default_prices(), size_class="small"
    )


def test_a_single_action_has_the_figures_of_the_action_alone(definitions):
    answers = demo_answers()
    economics = load_economics()
    alone = estimate(economics.model(MOTORS), _baseline(answers), economics=economics, code=MOTORS)
    projection = project(definitions, [MOTORS], answers)
    assert projection.investment_wan == alone.investment_wan
    assert projection.annual_saving_wan == alone.annual_saving_wan
    assert projection.co2_avoided_t == alone.co2_avoided_t


def test_overlapping_actions_are_not_counted_twice(definitions):
    answers = demo_answers()
    economics = load_economics()
    base = _baseline(answers)
    alone = [
        estimate(economics.model(code), base, economics=economics, code=code) for code in (MOTORS, DRIVES)
    ]
    projection = project(definitions, [MOTORS, DRIVES], answers)
    assert projection.energy_saved_tce.mid < sum(result.energy_saved_tce.mid for result in alone)
    assert projection.co2_avoided_t.mid < sum(result.co2_avoided_t.mid for result in alone)
    # The second step is estimated on the electricity the first one left.
    second = projection.steps[1].economics
    assert second.saved()["electricity"] < alone[1].saved()["electricity"]


def test_the_plan_never_saves_more_than_the_enterprise_uses(definitions):
    answers = demo_answers()
    codes = [MOTORS, DRIVES, LED, PV, "act.energy.compressed_air", "act.energy.process_optimisation"]
    projection = project(definitions, codes, answers)
    base = _baseline(answers)
    for carrier, span in projection.saved.items():
        assert span.high <= base.quantities[carrier] + 1e-6


def test_the_totals_are_the_sums_of_the_steps_and_unquantified_actions_add_no_money(definitions):
    projection = project(definitions, [GREEN_BODY, MOTORS, DRIVES])
    estimated = [step.economics for step in projection.steps if step.economics.estimated]
    assert projection.quantified == [MOTORS, DRIVES]
    assert projection.investment_wan.mid == pytest.approx(sum(e.investment_wan.mid for e in estimated))
    assert projection.investment_wan.low <= projection.investment_wan.mid <= projection.investment_wan.high


def test_the_saving_of_percentage_reductions_does_not_depend_on_the_order(definitions):
    forward = project(definitions, [MOTORS, DRIVES])
    backward = project(definitions, [DRIVES, MOTORS])
    assert forward.saved["electricity"].mid == pytest.approx(backward.saved["electricity"].mid)
    assert forward.co2_avoided_t.mid == pytest.approx(backward.co2_avoided_t.mid)


def test_the_abatement_curve_covers_the_chosen_actions_only_cheapest_first(definitions):
    projection = project(definitions, [MOTORS, DRIVES, GREEN_BODY])
    assert {point.code for point in projection.mac} <= {MOTORS, DRIVES}
    assert projection.mac
    costs = [point.cost_per_t for point in projection.mac]
    assert costs == sorted(costs)
    assert projection.mac[-1].end == pytest.approx(sum(point.co2_t for point in projection.mac))


def test_every_catalog_action_can_be_projected_alone(definitions):
    for action in load_catalog().actions:
        projection = project(definitions, [action.code])
        assert projection.codes == (action.code,)
