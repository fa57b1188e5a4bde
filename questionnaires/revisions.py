"""What a corrected definition changes, in words (pure: two resolved definitions in, a list out).

A version that assessments have answered is not edited in place: the loader stores the corrected file as a
new revision and `revision_changes` says what differs, for the operator (load_questionnaires) and for the
people whose drafts move to the new revision (their notice). The words name questions and indicators by
their titles, never by codes; `code` is kept beside them for programs (which answers to flag).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from questionnaires.definition import iter_dimensions, iter_indicators, iter_questions
from questionnaires.rule_types import rule_field_label
from questionnaires.text import Text

# Provenance and labels: a change here alone does not make a revision (questionnaires.loader).
IGNORED_KEYS = frozenset({"source", "refs", "provisional_note", "rating_tiers", "bank"})

# Aspects of a question, an indicator or a dimension, named in both languages.
_QUESTION_ASPECTS: dict[str, tuple[str, str]] = {
    "text": ("题目文字", "wording"),
    "help": ("说明", "help text"),
    "type": ("作答方式", "answer type"),
    "options": ("选项或其分值", "options or their points"),
    "levels": ("等级描述", "level descriptions"),
    "min": ("取值范围", "allowed range"),
    "max": ("取值范围", "allowed range"),
    "decimals": ("小数位数", "decimal places"),
    "unit": ("单位", "unit"),
    "required": ("是否必答", "whether it is required"),
    "condition": ("何时需要回答", "when it is asked"),
    "applies": ("适用范围", "to whom it applies"),
    "formula": ("计算方法", "how it is computed"),
    "calculator": ("计算方法", "how it is computed"),
    "per_product": ("是否按产品填写", "whether it is answered per product"),
    "provisional": ("确认状态", "confirmation status"),
}
_INDICATOR_ASPECTS: dict[str, tuple[str, str]] = {
    "title": ("名称", "title"),
    "weight": ("分值", "points"),
    "applies": ("适用范围", "to whom it applies"),
    "limiting": ("是否为限定性指标", "whether it is limiting"),
    "rule": ("计分规则", "scoring rule"),
    "provisional": ("确认状态", "confirmation status"),
}


@dataclass(frozen=True)
class RevisionChange:
    """One change between two revisions. kind: question_added | question_removed | question_changed |
    benchmark_changed | indicator_added | indicator_removed | indicator_changed | dimension_changed |
    prerequisite_changed | settings_changed | framework_changed."""

    kind: str
    code: str
    text: Text

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "code": self.code, "text": dict(self.text)}


def _strip(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _strip(v) for k, v in value.items() if k not in IGNORED_KEYS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _name(obj: Mapping[str, Any], lang: str) -> str:
    words = obj.get("title") or obj.get("text") or {}
    return str(words.get(lang) or words.get("zh") or "").strip() or "?"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _aspects(old: Mapping[str, Any], new: Mapping[str, Any], names: Mapping[str, tuple[str, str]]) -> Text:
    changed = [key for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]
    zh: list[str] = []
    en: list[str] = []
    for key in changed:
        label = names.get(key, ("其他内容", "other content"))
        if label[0] not in zh:
            zh.append(label[0])
            en.append(label[1])
    return {"zh": "、".join(zh), "en": ", ".join(en)}


def _coded(definition: Mapping[str, Any]) -> tuple[dict[str, dict], dict[str, dict], dict[str, dict], dict]:
    dimensions = {
        d["code"]: {k: v for k, v in d.items() if k != "indicators"} for d in iter_dimensions(definition)
    }
    indicators = {
        i["code"]: {k: v for k, v in i.items() if k != "children"} for i in iter_indicators(definition)
    }
    prerequisites = {p["code"]: p for p in definition.get("prerequisites") or []}
    questions = {q["code"]: q for q in iter_questions(definition)}
    return dimensions, indicators, prerequisites, questions


def _rule_changes(code: str, title: tuple[str, str], old: Mapping, new: Mapping) -> list[RevisionChange]:
    """A rule's benchmark values that changed, one change each, with the values before and after."""
    changes = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        zh_label, en_label = rule_field_label(key) or ("计分规则", "scoring rule")
        before, after = old.get(key), new.get(key)
        if isinstance(before, int | float) and isinstance(after, int | float):
            text = {
                "zh": f"指标“{title[0]}”的{zh_label}由 {_number(before)} 改为 {_number(after)}。",
                "en": f"The {en_label} of the indicator “{title[1]}” changed from {_number(before)} "
                f"to {_number(after)}.",
            }
        else:
            text = {
                "zh": f"指标“{title[0]}”的{zh_label}有修改。",
                "en": f"The {en_label} of the indicator “{title[1]}” changed.",
            }
        changes.append(RevisionChange("benchmark_changed", code, text))
    return changes


def revision_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[RevisionChange]:
    """What differs between two resolved definitions of one version, in words (both languages):
    questions added, removed or changed (and how), benchmark values changed (before and after),
    indicators, dimensions and prerequisites added, removed or changed, method settings changed.
    Citations, provenance notes and the status (current/legacy) are left out."""
    old, new = _strip(old), _strip(new)
    changes: list[RevisionChange] = []
    for key in sorted(set(old) | set(new)):
        if key in {"dimensions", "prerequisites", "questions", "status"} or old.get(key) == new.get(key):
            continue
        if key == "settings":
            text = {"zh": "评价方法的设置有修改。", "en": "The settings of the scoring method changed."}
            changes.append(RevisionChange("settings_changed", "settings", text))
        else:
            text = {"zh": "框架的名称或说明有修改。", "en": "The framework's title or description changed."}
            changes.append(RevisionChange("framework_changed", key, text))
    old_dims, old_inds, old_pres, old_qs = _coded(old)
    new_dims, new_inds, new_pres, new_qs = _coded(new)
    for code, question in new_qs.items():
        if code not in old_qs:
            zh, en = _name(question, "zh"), _name(question, "en")
            text = {"zh": f"新增题目：“{zh}”。", "en": f"Question added: “{en}”."}
            changes.append(RevisionChange("question_added", code, text))
    for code, question in old_qs.items():
        if code not in new_qs:
            zh, en = _name(question, "zh"), _name(question, "en")
            text = {
                "zh": f"删除题目：“{zh}”（已填的答案保留，但不再计分）。",
                "en": f"Question removed: “{en}” (an answer given is kept but no longer scored).",
            }
            changes.append(RevisionChange("question_removed", code, text))
    for code, question in old_qs.items():
        after = new_qs.get(code)
        if after is not None and after != question:
            aspects = _aspects(question, after, _QUESTION_ASPECTS)
            zh, en = _name(after, "zh"), _name(after, "en")
            text = {
                "zh": f"题目“{zh}”的{aspects['zh']}有修改。",
                "en": f"The {aspects['en']} of the question “{en}” changed.",
            }
            changes.append(RevisionChange("question_changed", code, text))
    for code, indicator in new_inds.items():
        if code not in old_inds:
            zh, en = _name(indicator, "zh"), _name(indicator, "en")
            text = {"zh": f"新增指标：“{zh}”。", "en": f"Indicator added: “{en}”."}
            changes.append(RevisionChange("indicator_added", code, text))
    for code, indicator in old_inds.items():
        after = new_inds.get(code)
        zh, en = _name(after or indicator, "zh"), _name(after or indicator, "en")
        if after is None:
            text = {"zh": f"删除指标：“{zh}”。", "en": f"Indicator removed: “{en}”."}
            changes.append(RevisionChange("indicator_removed", code, text))
            continue
        if after == indicator:
            continue
        old_rule, new_rule = indicator.get("rule") or {}, after.get("rule") or {}
        if old_rule != new_rule:
            changes += _rule_changes(code, (zh, en), old_rule, new_rule)
        old_rest = {k: v for k, v in indicator.items() if k != "rule"}
        new_rest = {k: v for k, v in after.items() if k != "rule"}
        if old_rest.get("weight") != new_rest.get("weight") and all(
            isinstance(x.get("weight"), int | float) for x in (old_rest, new_rest)
        ):
            text = {
                "zh": f"指标“{zh}”的分值由 {_number(old_rest['weight'])} 改为 {_number(new_rest['weight'])}。",
                "en": f"The points of the indicator “{en}” changed from {_number(old_rest['weight'])} "
                f"to {_number(new_rest['weight'])}.",
            }
            changes.append(RevisionChange("indicator_changed", code, text))
            old_rest.pop("weight")
            new_rest.pop("weight")
        if old_rest != new_rest:
            aspects = _aspects(old_rest, new_rest, _INDICATOR_ASPECTS)
            text = {
                "zh": f"指标“{zh}”的{aspects['zh']}有修改。",
                "en": f"The {aspects['en']} of the indicator “{en}” changed.",
            }
            changes.append(RevisionChange("indicator_changed", code, text))
    for code in sorted(set(old_dims) | set(new_dims)):
        before, after = old_dims.get(code), new_dims.get(code)
        if before == after:
            continue
        shown = after or before or {}
        zh, en = _name(shown, "zh"), _name(shown, "en")
        if before is None or after is None:
            verb = ("新增", "added") if before is None else ("删除", "removed")
            text = {"zh": f"{verb[0]}评价维度：“{zh}”。", "en": f"Dimension {verb[1]}: “{en}”."}
        else:
            aspects = _aspects(before, after, _INDICATOR_ASPECTS)
            text = {
                "zh": f"评价维度“{zh}”的{aspects['zh']}有修改。",
                "en": f"The {aspects['en']} of the dimension “{en}” changed.",
            }
        changes.append(RevisionChange("dimension_changed", code, text))
    for code in sorted(set(old_pres) | set(new_pres)):
        if old_pres.get(code) != new_pres.get(code):
            shown = new_pres.get(code) or old_pres.get(code) or {}
            zh, en = _name(shown, "zh"), _name(shown, "en")
            text = {"zh": f"否决项“{zh}”有修改。", "en": f"The veto item “{en}” changed."}
            changes.append(RevisionChange("prerequisite_changed", code, text))
    return changes


def changes_summary(changes: list[RevisionChange], lang: str = "en") -> str:
    """The changes as one line each (for the command line and audit details)."""
    return "\n".join(f"  - {change.text.get(lang) or change.text['zh']}" for change in changes)
