"""Bilingual texts: one mapping from a language code to a side, used by every module that words results."""

from __future__ import annotations

import pytest
from django.utils import translation

from assessment.economics.present import ranking_rule
from assessment.presentation import revision_lines
from assessment.reference import city_name
from assessment.selectors.revisions import RevisionState
from questionnaires.references import Citation, cite_text, load_references
from questionnaires.text import active_language, is_english, pick, report_language, text_language


@pytest.mark.parametrize("code", ["en", "en-us", "en-GB", "EN"])
def test_it_reads_every_english_variant_as_english(code):
    assert text_language(code) == "en" and is_english(code) and report_language(code) == "en"


@pytest.mark.parametrize("code", ["zh-hans", "zh-hant", "zh", "zh-cn", "fr", "ja"])
def test_it_reads_chinese_and_unsupported_codes_as_chinese_the_default(code):
    assert text_language(code) == "zh" and not is_english(code) and report_language(code) == "zh-hans"


@pytest.mark.parametrize("given", [None, ""])
def test_without_a_code_it_follows_the_active_language(given):
    with translation.override("en"):
        assert text_language(given) == "en" and active_language() == "en"
    with translation.override("zh-hans"):
        assert text_language(given) == "zh" and active_language() == "zh-hans"


def test_outside_any_language_it_reads_the_default_language():
    with translation.override(None):
        assert active_language() == "zh-hans" and text_language() == "zh"


def test_pick_falls_back_to_the_other_side_when_one_is_empty():
    assert pick({"zh": "是", "en": "Yes"}, "en-us") == "Yes"
    assert pick({"zh": "是", "en": ""}, "en") == "是"
    assert pick({"zh": "", "en": "Yes"}, "fr") == "Yes"
    assert pick(None) == "" and pick(3) == "3"


@pytest.mark.parametrize(("code", "english"), [("en-us", True), ("zh-hans", False), ("fr", False)])
def test_the_modules_that_word_results_agree_on_the_language(code, english):
    # Citations once read any code not starting with "zh" as English, the other modules any code not
    # starting with "en" as Chinese; all now ask text_language.
    citation = cite_text(Citation("gbt36132-2025"), load_references(), code)
    assert citation.startswith("《") is not english
    assert revision_lines(RevisionState("green_factory", 1, 1), code)[0].startswith("Scored") is english
    assert ranking_rule(code) == ranking_rule("en" if english else "zh-hans")
    assert (city_name("", code) == "Heilongjiang Province") is english
