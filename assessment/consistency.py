"""Consistency of answers across questions: impossible combinations are refused at the field,
implausible ones are warned about. Pure functions on plain data (definitions and answers), no ORM.

Rules (docs/consistency.md explains them for people):
- A part is never larger than its whole. The parts and wholes are read from the definitions: a computed
  share capped at 100 % (`min({part} / {whole} * 100, 100)`) names a part and its whole, e.g. digitalised
  production devices out of all production devices. 150 digitalised devices out of 120 is refused at
  whichever of the two fields is being saved. (Shares typed as percentages are bounded to 0–100 by their
  own field.)
- A number more than YEAR_ON_YEAR_FACTOR times last year's answer to the same question, or less than
  its 1/YEAR_ON_YEAR_FACTOR, is warned about (not refused): such a jump is more often a unit slip
  (元 for 万元, kWh for MWh) than a real change. The bound is this project's plausibility check, not a
  figure of any standard.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from questionnaires.logic import formula_share
from questionnaires.question_types import question_type

# An order of magnitude: unit slips between the units the questionnaires use are 10^3 (kWh/MWh, kg/t) or
# 10^4 (元/万元); a real year-on-year change of an SME's figures that large is rare.
YEAR_ON_YEAR_FACTOR = 10


@dataclass(frozen=True)
class Inconsistency:
    code: str  # the question at which it is shown
    kind: str  # "part_exceeds_whole" | "year_on_year"
    message: dict[str, str]  # {"zh": ..., "en": ...}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _text(value: float) -> str:
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.4f}".rstrip("0").rstrip(".")


def _questions(definitions: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    index: dict[str, Mapping[str, Any]] = {}
    for definition in definitions:
        for question in definition.get("questions") or []:
            index.setdefault(question["code"], question)
    return index


def _label(question: Mapping[str, Any] | None, code: str, language: str) -> str:
    text = (question or {}).get("text") or {}
    return (text.get(language) or text.get("zh") or code) if isinstance(text, Mapping) else str(text)


def part_whole_pairs(definitions: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(part, whole) question codes of the definitions, from their capped-share formulas."""
    pairs: list[tuple[str, str]] = []
    for question in _questions(definitions).values():
        pair = formula_share(question.get("formula") or "") if question.get("formula") else None
        if pair and pair not in pairs:
            pairs.append(pair)
    return pairs


def related_codes(definitions: Iterable[Mapping[str, Any]], codes: Iterable[str]) -> set[str]:
    """The other side of every part/whole pair one of `codes` belongs to (what a save must read)."""
    wanted = set(codes)
    related: set[str] = set()
    for part, whole in part_whole_pairs(definitions):
        if part in wanted or whole in wanted:
            related |= {part, whole}
    return related - wanted


def impossible(
    definitions: Iterable[Mapping[str, Any]], answers: Mapping[str, Any], codes: Iterable[str]
) -> dict[str, Inconsistency]:
    """Impossible combinations involving the questions being saved (`codes`), by the question where
    each is refused, given all answers as they would be after the save."""
    definitions = list(definitions)
    questions = _questions(definitions)
    saving = set(codes)
    found: dict[str, Inconsistency] = {}
    for part, whole in part_whole_pairs(definitions):
        part_value, whole_value = _number(answers.get(part)), _number(answers.get(whole))
        if part_value is None or whole_value is None or part_value <= whole_value:
            continue
        names = {
            lang: (_label(questions.get(part), part, lang), _label(questions.get(whole), whole, lang))
            for lang in ("zh", "en")
        }
        message = {
            "zh": f"{names['zh'][0]}（{_text(part_value)}）不能大于{names['zh'][1]}（{_text(whole_value)}）。",
            "en": (
                f"{names['en'][0]} ({_text(part_value)}) cannot be larger than "
                f"{names['en'][1]} ({_text(whole_value)})."
            ),
        }
        for code in (part, whole):
            if code in saving and code not in found:
                found[code] = Inconsistency(code=code, kind="part_exceeds_whole", message=message)
    return found


def implausible(
    definitions: Iterable[Mapping[str, Any]], answers: Mapping[str, Any], previous: Mapping[str, Any]
) -> list[Inconsistency]:
    """Warnings (not refusals): numbers that jumped beyond YEAR_ON_YEAR_FACTOR since last year's answer."""
    found: list[Inconsistency] = []
    for code, question in _questions(definitions).items():
        if not getattr(question_type(question), "compared_year_on_year", False):
            continue
        now, before = _number(answers.get(code)), _number(previous.get(code))
        if now is None or before is None or now <= 0 or before <= 0:
            continue
        ratio = now / before
        if 1 / YEAR_ON_YEAR_FACTOR <= ratio <= YEAR_ON_YEAR_FACTOR:
            continue
        found.append(
            Inconsistency(
                code=code,
                kind="year_on_year",
                message={
                    "zh": (
                        f"{_label(question, code, 'zh')}：{_text(now)}，上一年度为 {_text(before)}，"
                        f"相差超过 {YEAR_ON_YEAR_FACTOR} 倍。请核对单位和数值。"
                    ),
                    "en": (
                        f"{_label(question, code, 'en')}: {_text(now)}, against {_text(before)} the year "
                        f"before: more than {YEAR_ON_YEAR_FACTOR} times apart. Check the unit and the figure."
                    ),
                },
            )
        )
    return found
