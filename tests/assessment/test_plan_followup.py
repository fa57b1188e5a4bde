"""Following last year's plan through (assessment/followup.py), without a database.

The demo dairy answers on the shipped definitions and catalog stand for last year's assessment; this
year's answers are last year's with what the enterprise reports changed.
"""

from __future__ import annotations

import pytest

from assessment.actions import load_catalog
from assessment.energy import calculator_outputs, energy_balance, energy_inputs_from_answers
from assessment.followup import done_codes, plan_proposals, planned_vs_achieved, reached
from assessment.projection import PlannedAction, sequence_changes, sequence_reads
from assessment.recommendations import current_values
from assessment.scoring import EnterpriseFacts, score_assessment, simulate
from assessment.selectors.factors import default_factors
from questionnaires.loader import resolved_definitions
from tests.builders import FRAMEWORKS, demo_answers

FACTS = EnterpriseFacts(industry="C14", size_class="small")
GREEN_BODY = "act.mgmt.green_body"  # mgmt.green_management_body → yes
CP_AUDIT = "act.mgmt.cp_audit"  # mgmt.cp_audit_3y → yes, cpg.q.cp_organisation → targets
EMERGENCY = "act.mgmt.emergency_plan"  # mgmt.environmental_emergency_plan → yes
MOTORS = "act.energy.efficient_motors"  # calc.energy_per_output −5 % (computed), equipment efficiency


@pytest.fixture(scope="module")
def definitions():
    wanted = set(FRAMEWORKS)
    return [d for d in resolved_definitions() if (d["framework"], d["version"]) in wanted]


@pytest.fixture(scope="module")
def last_year(definitions):
    answers = demo_answers()
    calculator = calculator_outputs(
        energy_balance(inputs=energy_inputs_from_answers(answers), factors=default_factors())
    )
    result = score_assessment(
        definitions=definitions, answers=answers, enterprise=FACTS, calculator=calculator, allow_unknown=True
    )
    return answers, result, calculator


def questions(definitions):
    return {q["code"]: q for d in definitions for q in d["questions"]}


def proposals(definitions, last_year, actions, answers=None, rejected=None):
    last_answers, result, _calculator = last_year
    return plan_proposals(
        actions=actions,
        last_values=current_values(last_answers, result),
        last_questions=questions(definitions),
        definitions=definitions,
        answers=last_answers if answers is None else answers,
        catalog=load_catalog(),
        rejected=rejected,
    )


# --- proposals ------------------------------------------------------------------------------------------


def test_only_done_actions_propose_answers_in_the_plan_s_order():
    actions = [
        PlannedAction("a", "done", position=2),
        PlannedAction("b", "planned", position=0),
        PlannedAction("c", "done", position=1),
        PlannedAction("d", "dropped", position=3),
    ]
    assert done_codes(actions) == ["c", "a"]


def test_a_done_action_proposes_the_answers_it_should_have_changed(definitions, last_year):
    found = proposals(definitions, last_year, [PlannedAction(CP_AUDIT, "done")])
    assert {p.question: p.value for p in found} == {
        "mgmt.cp_audit_3y": True,
        "cpg.q.cp_organisation": "targets",
    }
    assert all(p.actions == (CP_AUDIT,) for p in found)
    assert {p.question: p.current for p in found} == {
        "mgmt.cp_audit_3y": False,
        "cpg.q.cp_organisation": "assigned",
    }


def test_planned_in_progress_and_dropped_actions_propose_nothing(definitions, last_year):
    actions = [
        PlannedAction(GREEN_BODY, "planned"),
        PlannedAction(CP_AUDIT, "in_progress", position=1),
        PlannedAction(EMERGENCY, "dropped", position=2),
    ]
    assert proposals(definitions, last_year, actions) == []


def test_computed_values_are_never_proposed(definitions, last_year):
    found = proposals(definitions, last_year, [PlannedAction(MOTORS, "done")])
    assert found, "the equipment-efficiency answer is proposed"
    assert not [p for p in found if p.question.startswith("calc.")]


def test_an_answer_already_given_this_year_is_not_proposed_again(definitions, last_year):
    this_year = {**last_year[0], "mgmt.green_management_body": True}
    assert proposals(definitions, last_year, [PlannedAction(GREEN_BODY, "done")], answers=this_year) == []


def test_a_rejected_value_is_not_proposed_again_but_another_value_is(definitions, last_year):
    actions = [PlannedAction(CP_AUDIT, "done")]
    found = proposals(definitions, last_year, actions, rejected={"mgmt.cp_audit_3y": True})
    assert [p.question for p in found] == ["cpg.q.cp_organisation"]
    found = proposals(definitions, last_year, actions, rejected={"mgmt.cp_audit_3y": False})
    assert "mgmt.cp_audit_3y" in [p.question for p in found]


def test_a_question_this_year_s_questionnaire_does_not_ask_is_not_proposed(definitions, last_year):
    this_year = [d for d in definitions if not d["framework"].startswith("clean_production")]
    last_answers, result, _calculator = last_year
    found = plan_proposals(
        actions=[PlannedAction(CP_AUDIT, "done")],
        last_values=current_values(last_answers, result),
        last_questions=questions(definitions),
        definitions=this_year,
        answers=last_answers,
        catalog=load_catalog(),
    )
    assert "cpg.q.cp_organisation" not in [p.question for p in found]


def test_the_sequence_rule_reads_no_answer_but_those_of_its_actions_effects(definitions, last_year):
    """The fill page reads only these answers of last year for the proposals (last_year_plan)."""
    catalog = load_catalog()
    last_answers, result, _calculator = last_year
    values = current_values(last_answers, result)
    every = [action.code for action in catalog.actions]
    for codes in [every, list(reversed(every)), *([code] for code in every)]:
        read = sequence_reads(codes, catalog)
        only_read = {code: value for code, value in values.items() if code in read}
        args = {"codes": codes, "questions": questions(definitions), "catalog": catalog}
        assert sequence_changes(values=only_read, **args) == sequence_changes(values=values, **args)
    assert {"mgmt.cp_audit_3y", "cpg.q.cp_organisation"} <= sequence_reads([CP_AUDIT], catalog)


# --- planned against achieved ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "planned", "reported", "expected"),
    [
        (0.12, 0.114, 0.110, True),  # lowered further than planned
        (0.12, 0.114, 0.118, False),  # lowered, not enough
        (20, 30, 31, True),
        (20, 30, 25, False),
        (False, True, True, True),
        (False, True, False, False),
        (["a"], ["a", "b"], ["a", "b", "c"], True),
        (["a"], ["a", "b"], ["a"], False),
        (False, True, None, None),
    ],
)
def test_a_reported_value_reaches_the_planned_one_in_the_plan_s_direction(
    before, planned, reported, expected
):
    assert reached(before, planned, reported) is expected


def follow(definitions, last_year, actions, reported):
    last_answers, result, calculator = last_year
    return planned_vs_achieved(
        actions=actions,
        definitions=definitions,
        last_answers=last_answers,
        last_values=current_values(last_answers, result),
        last_result=result,
        reported=reported,
        enterprise=FACTS,
        catalog=load_catalog(),
        calculator=calculator,
    )


def test_an_action_done_as_planned_achieves_its_planned_score_change(definitions, last_year):
    last_answers, result, _calculator = last_year
    reported = {
        **current_values(last_answers, result),
        "mgmt.cp_audit_3y": True,
        "cpg.q.cp_organisation": "targets",
    }
    followed = follow(definitions, last_year, [PlannedAction(CP_AUDIT, "done")], reported)
    (action,) = followed.actions
    assert action.reached_all
    assert {v.question: (v.before, v.planned, v.reported) for v in action.values} == {
        "mgmt.cp_audit_3y": (False, True, True),
        "cpg.q.cp_organisation": ("assigned", "targets", "targets"),
    }
    assert any(change.planned > 0 for change in action.scores)
    assert all(change.achieved == change.planned for change in action.scores)
    # The planned change is the one the scoring engine gives the action on last year's answers.
    known = questions(definitions)
    alone = simulate(
        definitions=definitions,
        answers={code: value for code, value in last_answers.items() if code in known},
        changes={"mgmt.cp_audit_3y": True, "cpg.q.cp_organisation": "targets"},
        enterprise=FACTS,
        calculator=last_year[2],
        baseline=result,
    )
    expected = {
        f.framework: round(a.score - f.score, 2)
        for f, a in zip(result.frameworks, alone.after.frameworks, strict=True)
    }
    assert {c.framework: c.planned for c in action.scores} == expected


def test_an_action_not_carried_out_achieves_nothing(definitions, last_year):
    last_answers, result, _calculator = last_year
    reported = current_values(last_answers, result)  # nothing changed this year
    followed = follow(definitions, last_year, [PlannedAction(CP_AUDIT, "done")], reported)
    (action,) = followed.actions
    assert not action.reached_all
    assert [v.reached for v in action.values] == [False, False]
    assert all(change.achieved == 0 for change in action.scores)
    assert any(change.planned > 0 for change in action.scores)


def test_the_actions_changes_add_up_to_the_plan_s_and_a_dropped_action_has_none(definitions, last_year):
    last_answers, result, _calculator = last_year
    reported = {**current_values(last_answers, result), "mgmt.green_management_body": True}
    actions = [
        PlannedAction(GREEN_BODY, "done", position=0),
        PlannedAction(CP_AUDIT, "planned", position=1),
        PlannedAction(EMERGENCY, "dropped", position=2),
    ]
    followed = follow(definitions, last_year, actions, reported)
    assert [a.code for a in followed.actions] == [GREEN_BODY, CP_AUDIT, EMERGENCY]
    dropped = followed.actions[2]
    assert dropped.values == () and dropped.scores == ()
    for framework in followed.frameworks:
        planned = sum(
            c.planned for a in followed.actions for c in a.scores if c.framework == framework.framework
        )
        achieved = sum(
            c.achieved for a in followed.actions for c in a.scores if c.framework == framework.framework
        )
        assert planned == pytest.approx(framework.planned_score - framework.last_score, abs=0.02)
        assert achieved == pytest.approx(framework.achieved_score - framework.last_score, abs=0.02)
    # Only the green body was carried out: the plan achieves less than it planned.
    assert sum(f.achieved_score for f in followed.frameworks) < sum(
        f.planned_score for f in followed.frameworks
    )
    assert followed.actions[0].reached_all and not followed.actions[1].reached_all


def test_a_computed_figure_is_compared_with_this_year_s_computed_value(definitions, last_year):
    last_answers, result, _calculator = last_year
    values = current_values(last_answers, result)
    lowered = round(values["calc.energy_per_output"] * 0.9, 6)  # 10 % lower this year: more than planned
    reported = {**values, "calc.energy_per_output": lowered}
    followed = follow(
        definitions, last_year, [PlannedAction("act.energy.efficient_motors", "done")], reported
    )
    by_question = {v.question: v for v in followed.actions[0].values}
    energy = by_question["calc.energy_per_output"]
    assert energy.planned == pytest.approx(values["calc.energy_per_output"] * 0.95, rel=1e-6)
    assert energy.reported == lowered and energy.reached is True
