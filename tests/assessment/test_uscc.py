from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from assessment.uscc import (
    WEIGHTS,
    is_valid_uscc,
    make_uscc,
    normalize_uscc,
    org_code_check_char,
    uscc_check_char,
    uscc_problem,
    uscc_warnings,
    validate_uscc,
)

CHARSET_FOR_TESTS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # restated from GB 32100-2015, not imported
STANDARD_EXAMPLE = "91350100M000100Y43"  # the example printed in GB 32100-2015


def test_it_uses_the_weights_of_the_standard():
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_it_accepts_the_example_of_the_standard():
    assert is_valid_uscc(STANDARD_EXAMPLE)
    assert uscc_check_char(STANDARD_EXAMPLE[:17]) == "3"
    assert validate_uscc(STANDARD_EXAMPLE) == STANDARD_EXAMPLE


def test_it_computes_the_inner_organisation_code_check_of_the_example():
    assert org_code_check_char("M000100Y") == "4"
    assert uscc_warnings(STANDARD_EXAMPLE) == []


@pytest.mark.parametrize("region", ["230100", "230200", "232700"])
def test_it_builds_valid_codes_for_heilongjiang_regions(region):
    code = make_uscc(region_code=region, org_body="12345678")
    assert len(code) == 18
    assert code.startswith("91" + region)
    assert is_valid_uscc(code)
    assert uscc_warnings(code) == []


def test_it_normalises_lower_case_spaces_and_hyphens():
    assert normalize_uscc(" 9135 0100-m000 100y43 ") == STANDARD_EXAMPLE
    assert is_valid_uscc("91350100m000100y43")


@pytest.mark.parametrize(
    "code, key",
    [
        ("", "empty"),
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100I000100Y43", "forbidden"),
        ("91350100O000100Y43", "forbidden"),
        ("91350100Z000100Y43", "forbidden"),
        ("91350100S000100Y43", "forbidden"),
        ("91350100V000100Y43", "forbidden"),
        ("91350100M000100Y4*", "charset"),
        ("913501A0M000100Y43", "region"),
        ("91350100M000100Y44", "check"),
        ("91350100M000100Y34", "check"),  # two transposed characters
    ],
)
def test_it_names_the_problem_of_invalid_codes(code, key):
    problem = uscc_problem(normalize_uscc(code))
    assert problem is not None
    assert problem[0] == key
    assert not is_valid_uscc(code)


def test_it_detects_every_single_character_substitution_of_the_example():
    from assessment.uscc import CHARSET

    for position in range(18):
        for char in CHARSET:
            if char == STANDARD_EXAMPLE[position]:
                continue
            mutated = STANDARD_EXAMPLE[:position] + char + STANDARD_EXAMPLE[position + 1 :]
            assert not is_valid_uscc(mutated), mutated


def test_it_raises_a_translated_validation_error_with_the_expected_check_char():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_uscc("91350100M000100Y44")
    assert error.value.code == "uscc_check"
    assert "第18位应为 3" in error.value.messages[0]


def test_it_reports_forbidden_letters_by_name():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_uscc("91350100MO00100Y43")
    assert error.value.code == "uscc_forbidden"
    assert "O" in error.value.messages[0]


def test_it_warns_but_accepts_a_wrong_inner_organisation_check():
    first17 = "91230100" + "12345678" + "1"  # the correct inner check for 12345678 is 8
    code = first17 + uscc_check_char(first17)
    assert org_code_check_char("12345678") == "8"
    assert is_valid_uscc(code)
    assert len(uscc_warnings(code)) == 1


@given(
    authority=st.sampled_from("123456789ANY"),
    body=st.text(alphabet=CHARSET_FOR_TESTS, min_size=1, max_size=1),
    region=st.from_regex(r"\A[0-9]{6}\Z"),
    rest=st.text(alphabet=CHARSET_FOR_TESTS, min_size=9, max_size=9),
)
def test_it_accepts_exactly_one_check_character_for_any_prefix(authority, body, region, rest):
    first17 = authority + body + region + rest
    good = first17 + uscc_check_char(first17)
    assert is_valid_uscc(good)
    for char in CHARSET_FOR_TESTS:
        if char != good[17]:
            assert not is_valid_uscc(first17 + char)
