"""Properties of the engine (hypothesis): bounds, monotonicity, renormalisation, determinism."""

from __future__ import annotations

import copy
import json

from hypothesis import given
from hypothesis import strategies as st

from assessment.scoring import EnterpriseFacts, level_rank, score_framework
from tests.assessment.scoring_fixtures import SCENARIOS, clean_production, green_factory_2025, sme_digital

GF25 = green_factory_2025()
CP = clean_production()
SME = sme_digital()

gf25_answers = st.fixed_dictionaries(
    {
        "gft.q.lawful": st.booleans(),
        "gft.q.intensity": st.floats(0, 10, allow_nan=False),
        "gft.q.platform": st.integers(0, 12),
        "gft.q.renewable": st.floats(0, 100, allow_nan=False),
        "gft.q.enms": st.booleans(),
        "gft.q.reused_m3": st.floats(0, 1000, allow_nan=False),
        "gft.q.intake_m3": st.floats(1, 1000, allow_nan=False),
        "gft.q.saving": st.sampled_from(["none", "one", "several"]),
        "gft.q.has_boiler": st.booleans(),
        "gft.q.boiler_eff": st.floats(0, 100, allow_nan=False),
        "gft.q.equipment": st.integers(0, 10),
        "gft.q.measures": st.one_of(
            st.lists(st.sampled_from(["a", "b", "c"]), unique=True, min_size=1), st.just(["none"])
        ),
    },
)
# Drop a random subset: missing answers must stay within bounds too.
gf25_partial = st.tuples(
    gf25_answers, st.sets(st.sampled_from(sorted(q["code"] for q in GF25["questions"])))
).map(lambda pair: {code: value for code, value in pair[0].items() if code not in pair[1]})


def improved(code, value):
    """A value at least as good for the indicator reading `code`."""
    better = {
        "gft.q.intensity": lambda v: v * 0.8,  # lower is better
        "gft.q.platform": lambda v: min(v + 2, 12),
        "gft.q.renewable": lambda v: min(v + 5, 100),
        "gft.q.enms": lambda v: True,
        "gft.q.reused_m3": lambda v: v + 100,  # more reuse, higher reuse rate
        "gft.q.saving": lambda v: {"none": "one", "one": "several", "several": "several"}[v],
        "gft.q.boiler_eff": lambda v: min(v + 5, 100),
        "gft.q.equipment": lambda v: v + 1,
        "gft.q.measures": lambda v: ["a", "b", "c"] if v == ["none"] else sorted(set(v) | {"a"}),
        "gft.q.lawful": lambda v: True,
    }
    return better[code](value)


@given(answers=gf25_partial)
def test_it_keeps_green_factory_results_within_bounds(answers):
    result = score_framework(definition=GF25, answers=answers)
    assert 0 <= result.score <= 100
    for indicator in result.indicators:
        assert 0 <= indicator.earned <= indicator.available + 1e-9
        assert indicator.status in ("scored", "missing", "not_applicable")
    for dimension in result.dimensions:
        assert 0 <= dimension.score <= dimension.max + 1e-9
    # Renormalisation keeps each applicable dimension's maximum at its weight.
    assert [d.max for d in result.dimensions] == [30, 30, 40]


@given(
    answers=gf25_answers,
    code=st.sampled_from(
        [
            "gft.q.intensity",
            "gft.q.platform",
            "gft.q.renewable",
            "gft.q.enms",
            "gft.q.reused_m3",
            "gft.q.saving",
            "gft.q.boiler_eff",
            "gft.q.equipment",
            "gft.q.measures",
            "gft.q.lawful",
        ]
    ),
)
def test_it_never_lowers_a_score_when_one_answer_improves(answers, code):
    before = score_framework(definition=GF25, answers=answers)
    after = score_framework(definition=GF25, answers={**answers, code: improved(code, answers[code])})
    assert after.score >= before.score - 1e-9
    for old, new in zip(before.dimensions, after.dimensions, strict=True):
        assert new.score >= old.score - 1e-9
    assert level_rank(after) >= level_rank(before)


@given(answers=gf25_partial)
def test_it_gives_the_same_output_for_the_same_input(answers):
    first = score_framework(definition=GF25, answers=answers).to_dict()
    second = score_framework(definition=copy.deepcopy(GF25), answers=dict(answers)).to_dict()
    assert first == second
    assert json.loads(json.dumps(first)) == first


LEVELS = ["I", "II", "III", "none"]
LEVEL_VALUES = {
    "cpt.q.energy": {"I": 0.9, "II": 1.2, "III": 1.8, "none": 2.5},
    "cpt.q.process": {"I": "lead", "II": "adv", "III": "basic", "none": "no"},
    "cpt.q.reuse": {"I": 95, "II": 85, "III": 75, "none": 50},
    "cpt.q.mgmt": {"I": "mlead", "II": "madv", "III": "mbasic", "none": "mno"},
}
cp_levels = st.fixed_dictionaries({code: st.sampled_from(LEVELS) for code in LEVEL_VALUES})


def cp_answers(levels):
    return {code: LEVEL_VALUES[code][level] for code, level in levels.items()}


@given(levels=cp_levels, code=st.sampled_from(sorted(LEVEL_VALUES)))
def test_it_keeps_clean_production_cumulative_and_monotonic(levels, code):
    before = score_framework(definition=CP, answers=cp_answers(levels))
    y = before.details["y"]
    assert 0 <= y["I"] <= y["II"] <= y["III"] <= 100
    assert 0 <= before.score <= 100
    step_up = LEVELS[max(LEVELS.index(levels[code]) - 1, 0)]
    after = score_framework(definition=CP, answers=cp_answers({**levels, code: step_up}))
    for key in ("I", "II", "III"):
        assert after.details["y"][key] >= y[key] - 1e-9
    assert after.score >= before.score - 1e-9
    assert level_rank(after) >= level_rank(before)


@given(
    levels=cp_levels,
    drop=st.sets(st.sampled_from(["cpt.a.energy", "cpt.a.process", "cpt.b.reuse", "cpt.b.mgmt"]), max_size=3),
    drop_category=st.booleans(),
)
def test_it_keeps_renormalised_clean_production_totals_within_0_100(levels, drop, drop_category):
    definition = copy.deepcopy(CP)
    for dimension in definition["dimensions"]:
        for indicator in dimension["indicators"]:
            if indicator["code"] in drop:
                indicator["applies"] = {"industries": ["C99"]}
    if drop_category:
        definition["dimensions"][0]["applies"] = {"industries": ["C99"]}
    result = score_framework(
        definition=definition, answers=cp_answers(levels), enterprise=EnterpriseFacts("C14")
    )
    assert 0 <= result.score <= 100 + 1e-9
    assert all(0 <= value <= 100 + 1e-9 for value in result.details["y"].values())
    if all(
        i.status == "scored" and i.cp_level == "I" for i in result.indicators if i.status != "not_applicable"
    ):
        if any(i.status != "not_applicable" for i in result.indicators):
            assert result.details["y"]["I"] == 100


@given(
    scenario_levels=st.lists(st.integers(1, 4), min_size=16, max_size=16),
    index=st.integers(0, 15),
    talent=st.integers(1, 4),
)
def test_it_never_lowers_the_digital_level_when_a_scenario_improves(scenario_levels, index, talent):
    base = {
        "dgt.q.network": ["a"],
        "dgt.q.devices": 10,
        "dgt.q.digital_devices": 5,
        "dgt.q.systems": "most",
        "dgt.q.security": ["a", "b"],
        "dgt.q.cloud": True,
        "dgt.q.plan": "p3",
        "dgt.q.talent": talent,
        "dgt.q.energy": "down",
        "dgt.q.quality": "flat",
    }
    answers = {**base, **dict(zip(SCENARIOS, scenario_levels, strict=True))}
    before = score_framework(definition=SME, answers=answers)
    raised = {**answers, SCENARIOS[index]: min(scenario_levels[index] + 1, 4)}
    after = score_framework(definition=SME, answers=raised)
    assert 0 <= before.score <= 100
    assert after.score == before.score  # scenarios carry no points, only level conditions
    assert level_rank(after) >= level_rank(before)
