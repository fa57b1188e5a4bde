"""Whatever a file holds, the schema check reports problems instead of crashing."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from questionnaires.loader import read_definition_files
from questionnaires.schema import check_definitions
from tests.questionnaires.conftest import VALID

FILES, _ = read_definition_files(VALID)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def replaced(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    data = copy.deepcopy(data)
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


@given(name=st.sampled_from(sorted(FILES)), pick=st.integers(min_value=0), value=json_values)
def test_it_never_crashes_on_a_value_replaced_anywhere(name: str, pick: int, value: Any) -> None:
    candidates = paths(FILES[name])
    path = candidates[pick % len(candidates)]
    problems = check_definitions({**FILES, name: replaced(FILES[name], path, value)})
    assert all(problem.file and problem.code and problem.problem for problem in problems)


def test_it_reports_dimensions_that_are_not_a_list_instead_of_crashing() -> None:
    # Found by the test above: `dimensions: 1` crashed the per-product check.
    name = next(n for n, data in sorted(FILES.items()) if data.get("kind") == "framework")
    problems = check_definitions({**FILES, name: replaced(FILES[name], ("dimensions",), 1)})
    assert any(problem.file == name for problem in problems)
