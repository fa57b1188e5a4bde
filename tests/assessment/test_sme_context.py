"""Presentation helpers of the journey's pages: radar chart, strengths and weakest, changes, progress."""

from __future__ import annotations

import pytest

from assessment.views.sme_context import dimension_changes, radar_chart, strengths_and_weaknesses


def dims(*percents):
    return [
        {"code": f"d{i}", "title": {"zh": f"维度{i}", "en": f"D{i}"}, "percent": p}
        for i, p in enumerate(percents)
    ]


def test_it_draws_no_radar_below_three_axes():
    assert radar_chart(dims(50, 60)) is None


def test_it_places_full_marks_on_the_outer_ring_and_zero_at_the_centre():
    chart = radar_chart(dims(100, 0, 100, 0), size=240)
    centre = chart["centre"]
    top, right, bottom, left = chart["dots"]
    assert top == (centre, pytest.approx(centre - 96))  # radius 240/2 - 24, straight up
    assert right == (pytest.approx(centre), pytest.approx(centre))
    assert bottom == (pytest.approx(centre), pytest.approx(centre + 96))
    assert [label["percent"] for label in chart["labels"]] == [100, 0, 100, 0]


def test_it_clamps_percentages_outside_0_to_100():
    chart = radar_chart(dims(150, -20, 50))
    centre = chart["centre"]
    assert chart["dots"][0][1] == pytest.approx(centre - 96)
    assert chart["dots"][1] == (pytest.approx(centre), pytest.approx(centre))


def indicator(code, earned, available, status="scored"):
    return {"code": code, "earned": earned, "available": available, "status": status, "title": {"zh": code}}


def test_it_names_the_best_rated_and_the_most_points_lost():
    indicators = [
        indicator("full", 8, 8),
        indicator("half", 5, 10),
        indicator("none", 0, 12),
        indicator("missing", 0, 6, status="missing"),
        indicator("not_applicable", 0, 0, status="not_applicable"),
    ]
    strengths, weakest = strengths_and_weaknesses(indicators)
    assert [i["code"] for i in strengths] == ["full", "half"]
    assert [i["code"] for i in weakest] == ["none", "missing", "half"]


def test_it_compares_dimension_percentages_with_the_previous_result():
    current = {
        "frameworks": [
            {"framework": "f", "dimensions": [{"code": "a", "percent": 60.0}, {"code": "b", "percent": 10.0}]}
        ]
    }
    previous = {"frameworks": [{"framework": "f", "dimensions": [{"code": "a", "percent": 45.5}]}]}
    assert dimension_changes(current, previous) == {"a": {"previous": 45.5, "delta": 14.5}}
    assert dimension_changes(current, None) == {}
