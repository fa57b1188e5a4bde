"""Question types: one class per `type` of a definition file's question, in one registry.

A type knows everything the rest of the code needs about its answers (docs/definitions.md, "Answer
values" and "Adding a question type"): which definition keys it takes, how to check a stored value, the
form field a person answers with (the enterprise's form and the reviewer's validated value alike), how
a form value becomes the stored JSON and back, how a reviewer's typed text is read, how a value reads
in Chinese or English, and a plausible demo value. Modules ask `question_type(question)` instead of
comparing `question["type"]` with names.

Plain Python and Django forms; no ORM, so the schema check and the scoring core may import it.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple, TypeGuard

from django import forms
from django.utils.translation import gettext_lazy as _

from questionnaires.numbers import number_text as grouped_number
from questionnaires.text import is_english, pick

# No answer needs more than 18 significant digits; the bound also keeps numbers within a float's range.
MAX_DIGITS = 18
# Largest magnitude a typed number may have (security: 100 kB of digits or 1e308 would overflow the
# float arithmetic of scoring and the energy balance). 10^15 is far above any real figure asked.
NUMBER_LIMIT = Decimal("1e15")
PRODUCTS_HELP = _("每行一个产品：产品名称, 产量占比（%），占比合计 100。")
SHARE_TOLERANCE = 0.5  # percentage points: shares are typed by people and rounded
YES_WORDS = {"true", "yes", "y", "1", "是", "有"}
NO_WORDS = {"false", "no", "n", "0", "否", "无"}


class ValueProblem(NamedTuple):
    """Why a stored value does not fit its question: a problem kind and the message in both languages."""

    kind: str  # wrong_type | out_of_range | unknown_option | exclusive_combined | shares_sum
    zh: str
    en: str


class DemoYear(NamedTuple):
    """What the demo journey knows when it answers a question for one enterprise and year."""

    level: float  # how far along the enterprise is that year, 0–1
    typical: Any  # the template plant's answer to the question (None: it has none)
    template: Mapping[str, Any]  # all of the template plant's answers


class ReviewInputError(ValueError):
    """A reviewer's typed value cannot be read for this question type (message translatable)."""


def is_number(value: Any) -> TypeGuard[float]:
    """A finite int or float (not a bool)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float (e.g. 400 typed digits) is no usable number
        return False


def shown(value: Any, limit: int = 40) -> str:
    """A value for a message, shortened (a hostile answer may be 100 kB, or an int too long to print)."""
    try:
        text = repr(value)
    except ValueError:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number_text(value: Any) -> str:
    """A number as typed into a field: 12.0 → "12"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def display_number(value: float, decimals: int | None = None) -> str:
    """An answer's number in the project's number format (questionnaires/numbers.py)."""
    return grouped_number(value, decimals)


def _list_separator(lang: str) -> str:
    return "; " if is_english(lang) else "；"


def is_blank_cell(cell: Any) -> bool:
    """An empty workbook cell as read: None, NaN (pandas' empty cell) or blank text."""
    if cell is None:
        return True
    if isinstance(cell, float) and math.isnan(cell):
        return True
    return isinstance(cell, str) and not cell.strip()


def cell_text(cell: Any) -> str:
    """A cell as text: 12.0 → "12", 0.1 → "0.1" (the shortest form that reads back as the same float)."""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        if not math.isfinite(cell):
            return str(cell)
        return str(int(cell)) if cell.is_integer() and abs(cell) < 1e18 else repr(cell)
    return str(cell).strip()


class QuestionType:
    """The behaviour shared by every type; a subclass sets `code` and overrides what differs."""

    code: ClassVar[str] = ""
    # Definition keys: numeric types take unit/min/max/decimals, choice types options, scale types levels.
    numeric: ClassVar[bool] = False
    choice: ClassVar[bool] = False
    several: ClassVar[bool] = False  # a choice of several options (points add up; an option may be exclusive)
    boolean: ClassVar[bool] = False  # yes/no: read by yes/no rules, prerequisites and requirements
    scale: ClassVar[bool] = False
    derived: ClassVar[bool] = False  # computed by the app: never required, a person may only override it
    by_evidence: ClassVar[bool] = False  # answered by uploaded evidence, not by a value
    per_product: ClassVar[bool] = False  # may be answered once per product (clean production)
    # A reviewer sets a validated value with the enterprise's widget (else types it: numbers, text).
    review_widget: ClassVar[bool] = False
    # How fill.js reads the field's current value for conditions: text | number | boolean | list | lines.
    client_value: ClassVar[str] = "text"
    # A quantity of the plant (kWh, tonnes, m³): a jump beyond a factor since last year is worth a warning.
    compared_year_on_year: ClassVar[bool] = False

    # --- stored values -------------------------------------------------------------------------------
    def problems(
        self, question: Mapping[str, Any], value: Any, *, options: Mapping[str, Any] | None = None
    ) -> list[ValueProblem]:
        """What is wrong with a stored (non-None) value; [] when it fits. `options` by code, if known."""
        raise NotImplementedError

    def coerce(self, value: Any) -> Any:
        """A value as received from JSON, normalised before checking (e.g. 2.0 → 2 for a level)."""
        return value

    def condition_value_problem(self, question: Mapping[str, Any], code: str, value: Any) -> str | None:
        """Why a condition's comparison value can never be an answer of this question (None: it can)."""
        return None

    # --- the form a person answers with ----------------------------------------------------------------
    def form_field(self, question: Mapping[str, Any], lang: str) -> forms.Field | None:
        """The field a person answers with, without label (None: not answered in a form)."""
        return None

    def initial(self, question: Mapping[str, Any], value: Any) -> Any:
        """A stored value as the field's initial data (a per-product answer is shown beside the field)."""
        return None if isinstance(value, dict) else value

    def stored(self, question: Mapping[str, Any], cleaned: Any) -> Any:
        """A field's cleaned, non-empty value as the stored JSON value."""
        return cleaned

    def addon(self, question: Mapping[str, Any], lang: str) -> str:
        """Text shown after the input (a unit), or ""."""
        return ""

    # --- reviewers ----------------------------------------------------------------------------------------
    def review_field(self, question: Mapping[str, Any], lang: str) -> forms.Field | None:
        """The field a reviewer sets a validated value with: the enterprise's widget with a "does not count"
        choice (None: the reviewer types the value, read by `parse_review`)."""
        field = self.form_field(question, lang) if self.review_widget else None
        if isinstance(field, forms.ChoiceField) and not self.several:
            offered: Any = field.choices  # normalised to a list of pairs by Django
            field.choices = [("", _("不计分")), *offered]
        return field

    def parse_review(self, question: Mapping[str, Any], text: str) -> Any:
        """A reviewer's typed, non-blank text as the stored value (checked by `problems` afterwards)."""
        try:
            return json.loads(text)
        except ValueError:
            return text

    # --- reading ---------------------------------------------------------------------------------------
    def display(self, question: Mapping[str, Any], value: Any, lang: str) -> str:
        """A non-empty stored value as a person reads it, in `lang` ("zh…" or "en…")."""
        if isinstance(value, bool):
            return ("是", "Yes")[is_english(lang)] if value else ("否", "No")[is_english(lang)]
        if isinstance(value, int | float):
            return display_number(float(value), question.get("decimals"))
        if isinstance(value, list):
            return "; ".join(
                ", ".join(str(v) for v in item.values()) if isinstance(item, Mapping) else str(item)
                for item in value
            )
        return str(value)

    # --- workbook cells (the Excel round trip, docs/workbook.md) -------------------------------------------
    def workbook_cell(self, question: Mapping[str, Any], value: Any, lang: str) -> str | int | float | None:
        """A stored value as written into a workbook's answer cell (None: an empty cell)."""
        if value is None or value == "" or value == []:
            return None
        return display_value(question, value, lang)

    def workbook_choices(self, question: Mapping[str, Any], lang: str) -> list[str]:
        """The texts the answer cell's drop-down offers ([]: no drop-down)."""
        return []

    def workbook_bounds(self, question: Mapping[str, Any]) -> tuple[str, float, float] | None:
        """Excel's number check of the answer cell: ("whole" | "decimal", min, max), or None."""
        return None

    def workbook_hint(self, question: Mapping[str, Any], lang: str) -> str:
        """The allowed values in words, for the workbook's column beside the answer."""
        return str(_("文本"))

    def workbook_input(self, question: Mapping[str, Any], cell: Any) -> Any:
        """A non-blank cell as read (str, int, float, bool, datetime) as the data of this type's form field."""
        return cell_text(cell)

    def read_workbook_cell(self, question: Mapping[str, Any], cell: Any, lang: str) -> Any:
        """A cell's content as the stored value (None: blank, which clears the answer), checked by the same
        form field as the web form: forms.ValidationError with that field's message when it does not fit."""
        if is_blank_cell(cell):
            return None
        field = self.form_field(question, lang)
        if field is None:
            raise forms.ValidationError(_("此题不能在表格中作答。"), code="not_in_workbook")
        cleaned = field.clean(self.workbook_input(question, cell))
        if cleaned is None or cleaned == "" or cleaned == []:
            return None
        return self.stored(question, cleaned)

    # --- demo data ----------------------------------------------------------------------------------------
    def demo_value(
        self, question: Mapping[str, Any], rng: random.Random, *, maturity: float, typical: Any = None
    ) -> Any:
        """A plausible answer of an enterprise of `maturity` (0–1); `typical` is a scenario's value for this
        question (a template figure, a product name) that the type adapts. None: left unanswered."""
        return None

    # The demo journey's answers (assessment/demo/journey.py): the template plant's answers varied per
    # enterprise and year. Separate from demo_value so that the journey's demo data stay as they are.
    def demo_yearly(self, question: Mapping[str, Any], rng: random.Random, year: DemoYear) -> Any:
        """One year's answer of an enterprise `year.level` (0–1) along. None: left unanswered."""
        return year.typical if year.typical is not None else self.demo_filler(question, rng)

    def demo_filler(self, question: Mapping[str, Any], rng: random.Random) -> Any:
        """A plausible answer to a question the template plant does not answer (e.g. a sector system's)."""
        return None


REGISTRY: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: make the type available under its code (tests may register their own)."""
    if not cls.code:
        raise ValueError("a question type needs a code")
    REGISTRY[cls.code] = cls()
    return cls


def unregister(code: str) -> None:
    REGISTRY.pop(code, None)


def get_type(code: Any) -> QuestionType | None:
    """The type registered under `code`, or None for an unknown code."""
    return REGISTRY.get(code) if isinstance(code, str) else None


def question_type(question: Mapping[str, Any] | None) -> QuestionType | None:
    """The type of a question (None for no question or an unknown type)."""
    # get_type inlined: a page asks this of every question several times.
    code = question.get("type") if question else None
    return REGISTRY.get(code) if isinstance(code, str) else None


def is_derived(question: Mapping[str, Any] | None) -> bool:
    """Computed by the app (never required; a person may only override it)."""
    qtype = question_type(question)
    return qtype is not None and bool(qtype.derived)


def is_by_evidence(question: Mapping[str, Any] | None) -> bool:
    """Answered by uploaded evidence rather than a value."""
    qtype = question_type(question)
    return qtype is not None and bool(qtype.by_evidence)


def takes_value(question: Mapping[str, Any] | None) -> bool:
    """A person answers it with a value (neither computed nor answered by evidence)."""
    return not is_derived(question) and not is_by_evidence(question)


def is_several(question: Mapping[str, Any] | None) -> bool:
    """A choice of several options, whose points add up."""
    return bool(getattr(question_type(question), "several", False))


def type_codes(predicate: Callable[[QuestionType], bool] | None = None) -> frozenset[str]:
    """Codes of the registered types (those for which `predicate` holds, if given)."""
    return frozenset(code for code, qtype in REGISTRY.items() if predicate is None or predicate(qtype))


def iter_types() -> Iterator[QuestionType]:
    return iter(REGISTRY.values())


def spoken_types(predicate: Callable[[QuestionType], bool]) -> str:
    """Codes of the matching types in registration order for a message: "number, percentage and computed"."""
    codes = [qtype.code for qtype in REGISTRY.values() if predicate(qtype)]
    return ", ".join(codes[:-1]) + " and " + codes[-1] if len(codes) > 1 else "".join(codes)


_PLAIN = QuestionType()


def display_value(question: Mapping[str, Any] | None, value: Any, lang: str, *, blank: str = "—") -> str:
    """A stored value as a person reads it: yes/no, option texts, levels, numbers with units; a per-product
    answer as `product: value` pairs; `blank` for no answer. Each type displays its own values."""
    if value is None or value == "" or value == []:
        return blank
    if isinstance(value, Mapping):
        return _list_separator(lang).join(
            f"{name}: {display_value(question, item, lang, blank=blank)}" for name, item in value.items()
        )
    if isinstance(value, bool):
        return _PLAIN.display(question or {}, value, lang)
    return (question_type(question) or _PLAIN).display(question or {}, value, lang)


def _options_by_code(question: Mapping[str, Any], options: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if options is not None:
        return options
    return {o["code"]: o for o in question.get("options") or [] if isinstance(o, Mapping)}


def _option_condition_problem(question: Mapping[str, Any], code: str, value: Any) -> str | None:
    options = question.get("options")
    codes = (
        {str(o.get("code")) for o in options if isinstance(o, dict)} if isinstance(options, list) else set()
    )
    return None if str(value) in codes else f"tests option {value!r}, which {code} does not have"


def option_code(question: Mapping[str, Any], text: str) -> str:
    """A typed option: its code, or the code of the option whose text (either language) it is."""
    options = [o for o in question.get("options") or [] if isinstance(o, Mapping)]
    if any(o.get("code") == text for o in options):
        return text
    for option in options:
        label = option.get("text")
        if isinstance(label, Mapping) and text in (label.get("zh"), label.get("en")):
            return str(option["code"])
    return text


def _option_choices(question: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    return [(o["code"], pick(o.get("text"), lang)) for o in question.get("options") or []]


@register
class SingleChoice(QuestionType):
    code = "single"
    choice = True
    per_product = True
    review_widget = True

    def problems(
        self, question: Mapping[str, Any], value: Any, *, options: Mapping[str, Any] | None = None
    ) -> list[ValueProblem]:
        if not isinstance(value, str):
            return [
                ValueProblem(
                    "wrong_type", f"应为选项编码，收到 {value!r}", f"expected an option code, got {value!r}"
                )
            ]
        if value not in _options_by_code(question, options):
            return [
                ValueProblem(
                    "unknown_option", f"选项 {value!r} 不在列表中", f"option {value!r} is not in the list"
                )
            ]
        return []

    def condition_value_problem(self, question: Mapping[str, Any], code: str, value: Any) -> str | None:
        return _option_condition_problem(question, code, value)

    def form_field(self, question: Mapping[str, Any], lang: str) -> forms.Field | None:
        return forms.ChoiceField(
            required=False, choices=_option_choices(question, lang), widget=forms.RadioSelect
        )

    def parse_review(self, question: Mapping[str, Any], text: str) -> Any:
        return option_code(question, text)

    def display(self, question: Mapping[str, Any], value: Any, lang: str) -> str:
        return {code: label for code, label in _option_choices(question, lang)}.get(value, str(value))

    def workbook_choices(self, question: Mapping[str, Any], lang: str) -> list[str]:
        return [label for _code, label in _option_choices(question, lang)]

    def workbook_hint(self, question: Mapping[str, Any], lang: str) -> str:
        return str(_("从下拉列表中选择一项"))

    def workbook_input(self, question: Mapping[str, Any], cell: Any) -> Any:
        return option_code(question, cell_text(cell))

    def demo_value(
        self, question: Mapping[str, Any], rng: random.Random, *, maturity: float, typical: Any = None
    ) -> Any:
        options = _rank_options(question)
        if not options:
            return None
        index = min(max(round(maturity * (len(options) - 1) + rng.gauss(0, 0.9)), 0), len(options) - 1)
        return options[index]["code"]

    def demo_yearly(self, question: Mapping[str, Any], rng: random.Random, year: DemoYear) -> Any:
        if not question.get("options"):
            return super().demo_yearly(question, rng, year)
        options = _by_points(question)
        index = round((len(options) - 1) * min(1.0, max(0.0, year.level + rng.uniform(-0.3, 0.3))))
        return options[index]["code"]

    def demo_filler(self, question: Mapping[str, Any], rng: random.Random) -> Any:
        return rng.choice(question["options"])["code"] if question.get("options") else None


def _by_points(question: Mapping[str, Any]) -> list[dict[str, Any]]:
    return sorted(question.get("options") or [], key=lambda o: float(o.get("points") or 0))


_CP_RANKS = {"none": 0, "III": 1, "II": 2, "I": 3}


def _rank_options(question: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Options from worst to best: by points, else by clean-production level, else as listed."""
    options = list(question.get("options") or [])
    if any("points" in o for o in options):
        return sorted(options, key=lambda o: float(o.get("points") or 0))
    if any("cp_level" in o for o in options):
        return sorted(options, key=lambda o: _CP_RANKS.get(str(o.get("cp_level")), 0))
    return options


@register
class MultipleChoice(QuestionType):
    code = "multiple"
    choice = True
    several = True
    review_widget = True
    client_value = "list"

    def problems(
        self, question: Mapping[str, Any], value: Any, *, options: Mapping[str, Any] | None = None
    ) -> list[ValueProblem]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return [
                ValueProblem(
                    "wrong_type",
                    f"应为选项编码列表，收到 {value!r}",
                    f"expected a list of option codes, got {value!r}",
                )
            ]
        options = _options_by_code(question, options)
        problems = [
            ValueProblem("unknown_option", f"选项 {item!r} 不在列表中", f"option {item!r} is not in the list")
            for item in value
            if item not in options
        ]
        if len(set(value)) != len(value):
            problems.append(ValueProblem("wrong_type", "选项重复", "an option is repeated"))
        exclusive = [item for item in value if options.get(item, {}).get("exclusive")]
        if exclusive and len(value) > 1:
            problems.append(
                ValueProblem(
                    "exclusive_combined",
                    f"选项 {exclusive[0]!r} 只能单独选择",
                    f"option {exclusive[0]!r} must stand alone",
                )
            )
        return problems

    def condition_value_problem(self, question: Mapping[str, Any], code: str, value: Any) -> str | None:
        return _option_condition_problem(question, code, value)

    def form_field(self, question: Mapping[str, Any], lang: str) -> forms.Field | None:
        options = question.get("options") or []
        return forms.MultipleChoiceField(
            required=False,
            choices=_option_choices(question, lang),
            widget=forms.CheckboxSelectMultiple(
                attrs={"data-exclusive": " ".join(o["code"] for o in options if o.get("exclusive"))}
            ),
        )

    def parse_review(self, question: Mapping[str, Any], text: str) -> Any:
        for separator in ("，", "；", ";", "、"):
            text = text.replace(separator, ",")
        return [option_code(question, item.strip()) for item in text.split(",") if item.strip()]

    def display(self, question: Mapping[str, Any], value: Any, lang: str) -> str:
        if not isinstance(value, list):
            return super().display(question, value, lang)
        labels = dict(_option_choices(question, lang))
        return _list_separator(lang).join(labels.get(v, str(v)) for v in value)

    def workbook_hint(self, question: Mapping[str, Any], lang: str) -> str:
        labels = _list_separator(lang).join(label for _code, label in _option_choices(question, lang))
        return str(_("可选多项，用“；”分隔：%(options)s")) % {"options": labels}

    def workbook_input(self, question: Mapping[str, Any], cell: Any) -> Any:
        text = cell_text(cell)
        for separator in ("；", ";", "\n"):
            text = text.replace(separator, "\t")
        return [option_code(question, item.strip()) for item in text.split("\t") if item.strip()]

    def demo_value(
        self, question: Mapping[str, Any], rng: random.Random, *, maturity: float, typical: Any = None
    ) -> Any:
        plain = [o["code"] for o in question.get("options") or [] if not o.get("exclusive")]
        exclusive = [o["code"] for o in question.get("options") or [] if o.get("exclusive")]
        count = min(len(plain), max(0, round(maturity * len(plain) + rng.gauss(0, 1))))
        if count == 0 and exclusive:
            return [exclusive[0]]
        return rng.sample(plain, max(count, 1)) if plain else None

    def demo_yearly(self, question: Mapping[str, Any], rng: random.Random, year: DemoYear) -> Any:
        if not question.get("options"):
            return super().demo_yearly(question, rng, year)
        options = [o for o in _by_points(question) if not o.get("exclusive")]
        exclusive = [o for o in question["options"] if o.get("exclusive")]
        count = round(len(options) * min(1.0, max(0.0, year.level + rng.uniform(-0.2, 0.2))))
        chosen = sorted(o["code"] for o in rng.sample(options, count)) if count else []
        return chosen or ([exclusive[0]["code"]] if exclusive else None)

    def demo_filler(self, question: Mapping[str, Any], rng: random.Random) -> Any:
        options = [o for o in question.get("options") or [] if not o.get("exclusive")]
        if not options:
            return None
        return sorted({rng.choice(options)["code"] for _ in range(rng.randint(1, max(1, len(options) // 2)))})


def _within_number_limit(value: Decimal | None) -> None:
    if value is not None and abs(value) >= NUMBER_LIMIT:
        raise forms.ValidationError(_("数值过大，请检查单位和位数。"), code="too_large")


def _step(question: Mapping[str, Any]) -> str:
    decimals = question.get("decimals")
    if decimals is None:
        return "any"
    return "1" if int(decimals) == 0 else f"{Decimal(1).scaleb(-int(decimals))}"


def _read_number(text: str) -> float:
    try:
        return float(text.replace(",", "").replace("，", ""))
    except ValueError:
        raise ReviewInputError(_("请输入数字。")) from None


@register
class Number(QuestionType):
    code = "number"
    numeric = True
    per_product = True
    client_value = "number"
    compared_year_on_year = True

    def bounds(self, question: Mapping[str, Any]) -> tuple[float | None, float | None]:
        """The allowed (min, max) of the value."""
        return question.get("min"), question.get("max")

    def problems(
        self, question: Mapping[str, Any], value: Any, *, options: Mapping[str, Any] | None = None
    ) -> list[ValueProblem]:
        if not is_number(value):
            text = shown(value)
            return [ValueProblem("wrong_type", f"应为数值，收到 {text}", f"expected a number, got {text}")]
        low, high = self.bounds(question)
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"[{'' if low is None else low}, {'' if high is None else high}]"
            return [
                ValueProblem(
                    "out_of_range", f"{value} 超出范围 {bounds}", f"{value} is out of range {bounds}"
                )
            ]
        return []

    def form_field(self, question: Mapping[str, Any], lang: str) -> forms.Field | None:
        low, high = self.bounds(question)
        attrs: dict[str, Any] = {"step": _step(question), "inputmode": "decimal"}
        if low is not None:
            attrs["min"] = low
        if high is not None:
            attrs["max"] = high
        decimals = question.get("decimals")
        return forms.DecimalField(
            required=False,
            max_digits=MAX_DIGITS,
            min_value=Decimal(str(low)) if low is not None else None,
            max_value=Decimal(str(high)) if high is not None else None,
            decimal_places=int(decimals) if decimals is not None else None,
            widget=forms.NumberInput(attrs=attrs),
            validators=[_within_number_limit],
        )

    def initial(self, question: Mapping[str, Any], value: Any) -> Any:
        return None if isinstance(value, dict) else number_text(value)

    def stored(self, question: Mapping[str, Any], cleaned: Any) -> Any:
        number = Decimal(cleaned)
        if question.get("decimals") == 0 or (number == number.to_integral_value() and not self.derived):
            return int(number)
        return float(number)

    def addon(self, question: Mapping[str, Any], lang: str) -> str:
        return pick(question.get("unit"), lang) if question.get("unit") else ""

    def parse_review(self, question: Mapping[str, Any], text: str) -> Any:
        return _read_number(text)

    def display(self, question: Mapping[str, Any], value: Any, lang: str) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            unit = pick(question.get("unit"), lang) or self.addon(question, lang)
            return f"{display_number(float(value), question.get('decimals'))} {unit}".strip()
        return super().display(question, value, lang)

    def workbook_cell(self, question: Mapping[str, Any], value: Any, lang: str) -> str | int | float | None:
        if is_number(value):
            return value  # a number cell, so that Excel's number check and arithmetic apply
        return super().workbook_cell(question, value, lang)

    def workbook_bounds(self, question: Mapping[str, Any]) -> tuple[str, float, float] | None:
        low, high = self.bounds(question)
        limit = float(NUMBER_LIMIT)
        kind = "whole" if question.get("decimals") == 0 else "decimal"
        return kind, -limit if low is None else float(low), limit if high is None else float(high)

    def workbook_hint(self, question: Mapping[str, Any], lang: str) -> str:
        low, high = self.bounds(question)
        decimals = question.get("decimals")
        if low is not None and high is not None:
            text = str(_("%(low)s–%(high)s 之间的数字")) % {
                "low": number_text(low),
                "high": number_text(high),
            }
        elif low is not None:
            text = str(_("不小于 %(low)s 的数字")) % {"low": number_text(low)}
        elif high is not None:
            text = str(_("不大于 %(high)s 的数字")) % {"high": number_text(high)}
        else:
            text = str(_("数字"))
        if decimals == 0:
            text += str(_("，整数"))
        elif decimals is not None:
            text += str(_("，最多 %(n)s 位小数")) % {"n": decimals}
        return text

    def demo_value(
        self, question: Mapping[str, Any], rng: random.Random, *, maturity: float, typical: Any = None
    ) -> Any:
        low = float(question.get("min", 0))
        high = float(question.get("max", 100 if self.code == "percentage" else max(low, 0) + 1000))
        if typical is not None:
            value = typical
        elif self.code == "percentage":
            value = 100 * min(max(maturity + rng.gauss(0, 0.15), 0), 1)
        else:
            value = rng.uniform(low, min(high, low + 100))
        decimals = int(question.get("decimals", 2))
        value = round(min(max(value, low), high), decimals)
        return int(value) if decimals == 0 else value

    def demo_filler(self, question: Mapping[str, Any], rng: random.Random) -> Any:
        # Not below zero: a negative bound admits a real exceedance (a margin), not a typical plant.
        low = max(float(question.get("min", 0) or 0), 0.0)
        high = float(question.get("max", 100 if self.code == "percentage" else low + 100) or 100)
        value = rng.uniform(low, high)
        return round(value, int(question.get("decimals", 1) if question.get("decimals") is not None else 1))


@register
class Percentage(Number):
    code = "percentage"
    compared_year_on_year = False

    def bounds(self, question: Mapping[str, Any]) -> tuple[float | None, float | None]:
        """Within 0–100 unless the question narrows it."""
        low, high = question.get("min"), question.get("max")
        return (0 if low is None else low), (100 if high is None else high)

    def addon(self, question: Mapping[str, Any], lang: str) -> str:
        return super().addon(question, lang) or "%"


@register
class Computed(Number):
    """Computed by a formula or a calculator; the stored value is a person's override."""

    code = "computed"
    derived = True
    per_product = False
    compared_year_on_year = False

    def form_field(self, question: Mapping[str, Any], lang: str) -> forms.Field | None:
        return forms.DecimalField(
            required=False,
            max_digits=MAX_DIGITS,
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        )

    def addon(self, question: Mapping[str, Any], lang: str) -> str:
        return ""

    def demo_value(
        self, question: Mapping[str, Any], rng: random.Random, *, maturity: float, typical: Any = None
    ) -> Any:
        return None

    def demo_filler(self, question: Mapping[str, Any], rng: random.Random) -> Any:
        return None


LEVELS = (1, 2, 3, 4)


@register
class Level(QuestionType):
    """A maturity level 1–4 with a description per level (the digital questionnaire's scenarios)."""

    code = "level"
    scale = True
    review_widget = True
    client_value = "number"

    def problems(
        self, question: Mapping[str, Any], value: Any, *, options: Mapping[str, Any] | None = None
    ) -> list[ValueProblem]:
        if not isinstance(value, int) or isinstance(value, bool):
            return [
                ValueProblem(
                    "wrong_type", f"应为等级 1–4，收到 {value!r}", f"expected a level 1-4, got {value!r}"
                )
            ]
        if value not in LEVELS:
            return [
                ValueProblem(
                    "out_of_range", f"等级 {value} 不在 1–4 之间", f"level {value} is not between 1 and 4"
                )
            ]
        return []

    def coerce(self, value: Any) -> Any:
        return int(value) if isinstance(value, float) and value.is_integer() else value

    def condition_value_problem(self, question: Mapping[str, Any], code: str, value: Any) -> str | None:
        return None if value in LEVELS else f"compares level question {code} with {value!r}"

    def form_field(self, question: Mapping[str, Any], lang: str) -> forms.Field | None:
        return forms.TypedChoiceField(
            required=False,
            coerce=int,
            empty_value=None,
            choices=[
                (level["level"], f"{level['level']} · {pick(level.get('text'), lang)}")
                for level in sorted(question.get("levels") or [], key=lambda item: item["level"])
            ],
            widget=forms.RadioSelect,
        )

    def parse_review(self, question: Mapping[str, Any], text: str) -> Any:
        try:
            return int(text)
        except ValueError:
            raise ReviewInputError(_("请输入数字。")) from None

    def display(self, question: Mapping[str, Any], value: Any, lang: str) -> str:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return super().display(question, value, lang)
        levels = {item.get("level"): pick(item.get("text"), lang) for item in question.get("levels", [])}
        text = levels.get(int(value), "")
        prefix = f"Level {int(value)}" if is_english(lang) else f"{int(value)}级"
        if not text:
            return prefix
        return f"{prefix}: {text}" if is_english(lang) else f"{prefix}：{text}"

    def _level_labels(self, question: Mapping[str, Any], lang: str) -> dict[int, str]:
        return {
            int(level["level"]): f"{level['level']} · {pick(level.get('text'), lang)}"
            for level in sorted(question.get("levels") or [], key=lambda item: item["level"])
        }

    def workbook_cell(self, question: Mapping[str, Any], value: Any, lang: str) -> str | int | float | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return self._level_labels(question, lang).get(value, str(value))
        return super().workbook_cell(question, value, lang)

    def workbook_choices(self, question: Mapping[str, Any], lang: str) -> list[str]:
        return list(self._level_labels(question, lang).values())

    def workbook_hint(self, question: Mapping[str, Any], lang: str) -> str:
        return str(_("从下拉列表中选择等级 1–4"))

    def workbook_input(self, question: Mapping[str, Any], cell: Any) -> Any:
        text = cell_text(cell)
        # "2 · description" as the drop-down offers it, or the bare level typed.
        head = text.split("·", 1)[0].strip()
        return head if head.isdigit() else text

    def demo_value(
        self, question: Mapping[str, Any], rng: random.Random, *, maturity: float, typical: Any = None
    ) -> Any:
        return min(max(round(1 + maturity * 3 + rng.gauss(0, 0.7)), 1), 4)

    def demo_yearly(self, question: Mapping[str, Any], rng: random.Random, year: DemoYear) -> Any:
        return max(1, min(4, round(1 + 3 * year.level + rng.uniform(-0.8, 0.8))))

    def demo_filler(self, question: Mapping[str, Any], rng: random.Random) -> Any:
        return rng.randint(1, 3)


@register
class YesNo(QuestionType):
    code = "yesno"
    boolean = True
    review_widget = True
    client_value = "boolean"

    def condition_value_problem(self, question: Mapping[str, Any], code: str, value: Any) -> str | None:
        if isinstance(value, bool):
            return None
        return f"compares yes/no question {code} with {value!r}; use true/false"

    def problems(
        self, question: Mapping[str, Any], value: Any, *, options: Mapping[str, Any] | None = None
    ) -> list[ValueProblem]:
        if not isinstance(value, bool):
            return [
                ValueProblem(
                    "wrong_type",
                    f"应为是/否（true/false），收到 {value!r}",
                    f"expected yes/no (true/false), got {value!r}",
                )
            ]
        return []

    def form_field(self, question: Mapping[str, Any], lang: str) -> forms.Field | None:
        return forms.TypedChoiceField(
            required=False,
            coerce=lambda value: value == "true",
            empty_value=None,
            choices=[("true", _("是")), ("false", _("否"))],
            widget=forms.RadioSelect,
        )

    def initial(self, question: Mapping[str, Any], value: Any) -> Any:
        return "true" if value is True else "false" if value is False else None

    def parse_review(self, question: Mapping[str, Any], text: str) -> Any:
        lowered = text.lower()
        if lowered in YES_WORDS:
            return True
        if lowered in NO_WORDS:
            return False
        raise ReviewInputError(_("请填写“是”或“否”。"))

    def display(self, question: Mapping[str, Any], value: Any, lang: str) -> str:
        return ("Yes" if value else "No") if is_english(lang) else ("是" if value else "否")

    def workbook_choices(self, question: Mapping[str, Any], lang: str) -> list[str]:
        return ["Yes", "No"] if is_english(lang) else ["是", "否"]

    def workbook_hint(self, question: Mapping[str, Any], lang: str) -> str:
        return str(_("是 / 否"))

    def workbook_input(self, question: Mapping[str, Any], cell: Any) -> Any:
        lowered = cell_text(cell).lower()
        if lowered in YES_WORDS:
            return "true"
        if lowered in NO_WORDS:
            return "false"
        raise forms.ValidationError(_("请填写“是”或“否”。"), code="invalid_choice")

    def demo_value(
        self, question: Mapping[str, Any], rng: random.Random, *, maturity: float, typical: Any = None
    ) -> Any:
        return rng.random() < 0.25 + 0.7 * maturity

    def demo_yearly(self, question: Mapping[str, Any], rng: random.Random, year: DemoYear) -> Any:
        return rng.random() < year.level

    def demo_filler(self, question: Mapping[str, Any], rng: random.Random) -> Any:
        return rng.random() < 0.6


@register
class Text(QuestionType):
    code = "text"

    def problems(
        self, question: Mapping[str, Any], value: Any, *, options: Mapping[str, Any] | None = None
    ) -> list[ValueProblem]:
        if not isinstance(value, str):
            return [ValueProblem("wrong_type", "应为文本", f"expected text, got {value!r}")]
        return []

    def form_field(self, question: Mapping[str, Any], lang: str) -> forms.Field | None:
        return forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

    def stored(self, question: Mapping[str, Any], cleaned: Any) -> Any:
        return str(cleaned).strip() or None

    def parse_review(self, question: Mapping[str, Any], text: str) -> Any:
        return text

    def demo_value(
        self, question: Mapping[str, Any], rng: random.Random, *, maturity: float, typical: Any = None
    ) -> Any:
        return str(typical or "见附件")

    def demo_filler(self, question: Mapping[str, Any], rng: random.Random) -> Any:
        return "示例"


@register
class File(QuestionType):
    """Answered by uploaded evidence; it has no value."""

    code = "file"
    by_evidence = True

    def problems(
        self, question: Mapping[str, Any], value: Any, *, options: Mapping[str, Any] | None = None
    ) -> list[ValueProblem]:
        return [
            ValueProblem(
                "wrong_type",
                "文件题以上传的证明材料作答，不接受取值",
                "a file question is answered by uploaded evidence, not a value",
            )
        ]


class ProductsField(forms.CharField):
    """The clean-production products question: lines of `name, share`."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        products = []
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            for separator in (",", "，", "\t", ";", "；"):
                if separator in line:
                    name, _sep, share = line.rpartition(separator)
                    break
            else:
                raise forms.ValidationError(_("第 %(n)s 行应为“产品名称, 占比”。") % {"n": number})
            try:
                share_value = float(share.strip().rstrip("%").strip())
            except ValueError:
                raise forms.ValidationError(_("第 %(n)s 行的占比不是数字。") % {"n": number}) from None
            products.append({"name": name.strip(), "share": share_value})
        return products or None


def products_text(value: Any) -> str:
    """A products answer as the lines of its field."""
    if not isinstance(value, list):
        return ""
    return "\n".join(f"{item.get('name', '')}, {number_text(item.get('share', ''))}" for item in value)


@register
class Products(QuestionType):
    """The products of a clean-production assessment and their output shares: [{name, share}]."""

    code = "products"
    client_value = "lines"

    def problems(
        self, question: Mapping[str, Any], value: Any, *, options: Mapping[str, Any] | None = None
    ) -> list[ValueProblem]:
        if not isinstance(value, list) or not all(
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and item["name"]
            and is_number(item.get("share"))
            for item in value
        ):
            return [
                ValueProblem(
                    "wrong_type",
                    "应为产品列表 [{name, share}]",
                    f'expected a list of {{"name", "share"}} objects, got {value!r}',
                )
            ]
        names = [item["name"] for item in value]
        if len(set(names)) != len(names):
            return [ValueProblem("wrong_type", "产品名称重复", "a product name is repeated")]
        if any(not 0 <= item["share"] <= 100 for item in value):
            return [
                ValueProblem("out_of_range", "产量占比应在 0–100 之间", "output shares must be within 0-100")
            ]
        total = sum(item["share"] for item in value)
        if abs(total - 100) > SHARE_TOLERANCE:
            return [
                ValueProblem(
                    "shares_sum",
                    f"产量占比合计 {total}，应为 100",
                    f"output shares add up to {total}, not 100",
                )
            ]
        return []

    def form_field(self, question: Mapping[str, Any], lang: str) -> forms.Field | None:
        return ProductsField(
            required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), help_text=PRODUCTS_HELP
        )

    def initial(self, question: Mapping[str, Any], value: Any) -> Any:
        return products_text(value)

    def workbook_cell(self, question: Mapping[str, Any], value: Any, lang: str) -> str | int | float | None:
        return products_text(value) or None

    def workbook_hint(self, question: Mapping[str, Any], lang: str) -> str:
        return str(PRODUCTS_HELP)

    def demo_value(
        self, question: Mapping[str, Any], rng: random.Random, *, maturity: float, typical: Any = None
    ) -> Any:
        return [{"name": typical or "产品", "share": 100}]

    def demo_yearly(self, question: Mapping[str, Any], rng: random.Random, year: DemoYear) -> Any:
        # A sector system's products question takes the template plant's products (one such question each).
        return year.typical or next((v for k, v in year.template.items() if k.endswith(".products")), None)
