from __future__ import annotations

from decimal import Decimal

import pytest

from assessment.reference import size_class, size_rule_version, size_rules


def test_it_keeps_the_thresholds_as_data_with_version_and_source():
    rules = size_rules()
    assert rules["version"] == size_rule_version() == "MIIT-2011-300-industry"
    assert "300号" in rules["source"]
    assert rules["provisional"] is True  # transcribed [C×4], official text not read


@pytest.mark.parametrize(
    "employees, revenue, expected",
    [
        # large: both >= 1000 employees and >= 40000 万元
        (1000, 40000, "large"),
        (999, 40000, "medium"),
        (1000, Decimal("39999.99"), "medium"),
        (5000, 100000, "large"),
        # medium: >= 300 and >= 2000, within SME
        (300, 2000, "medium"),
        (299, 2000, "small"),
        (300, Decimal("1999.99"), "small"),
        # small: >= 20 and >= 300
        (20, 300, "small"),
        (19, 300, "micro"),
        (20, Decimal("299.99"), "micro"),
        # micro: < 20 or < 300 万元
        (0, 0, "micro"),
        (5000, 100, "micro"),  # many employees but revenue under 300: micro per the "or"
        (10, 100000, "micro"),
        (999, Decimal("39999.99"), "medium"),
    ],
)
def test_it_classifies_at_every_boundary(employees, revenue, expected):
    assert size_class(employees, revenue) == expected


def test_it_accepts_ints_floats_and_decimals_alike():
    assert size_class(20, 300) == size_class(20, 300.0) == size_class(20, Decimal("300.00")) == "small"


@pytest.mark.parametrize("employees, revenue", [(-1, 100), (10, -1), (10, Decimal("-0.01"))])
def test_it_refuses_negative_inputs(employees, revenue):
    with pytest.raises(ValueError):
        size_class(employees, revenue)
