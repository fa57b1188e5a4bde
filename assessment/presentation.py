"""What a result's level is called where people read it: official, indicative, a configured scheme, or none.

Pure functions on plain data (no ORM): the pages, the PDF and the review pages use them, so the same
result reads the same everywhere. Scores are never changed here; only what a level is called. Which
wording a result gets is its scoring method's `level_wording` (questionnaires.frameworks):

- Green factory 2025 ("scheme"): GB/T 36132-2025 defines no grade. A tier is shown only when an
  administrator has configured a provincial rating scheme (`RatingScheme`, `assessment.selectors.rating`), computed here
  from the score and the veto items, and always with the scheme's name. The scoring engine ships no
  tiers; a stored result's tier code from before (another province's 2018-era stars) is not shown.
- Clean production ("benchmark"): a result of an indicator system without an official publication number
  (the generic system; a sector system whose table could not be read) is an *indicative* position against the
  Ⅰ/Ⅱ/Ⅲ benchmark values; only a published system (its first reference has a document number) carries
  the official level wording. One Ⅲ name: 一般水平.
- Indicator levels (cp_level I / II / III / none) print as Ⅰ / Ⅱ / Ⅲ / 未达Ⅲ, never as raw codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from questionnaires.frameworks import NO_LEVEL as NO_LEVEL_CODE
from questionnaires.frameworks import get_method, level_catalogue, normal_level
from questionnaires.references import load_references
from questionnaires.text import is_english, pick

ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ"}
OFFICIAL_CP = {
    "I": {"zh": "Ⅰ级（国际清洁生产领先水平）", "en": "Level I (international leading)"},
    "II": {"zh": "Ⅱ级（国内清洁生产先进水平）", "en": "Level II (domestic advanced)"},
    "III": {"zh": "Ⅲ级（国内清洁生产一般水平）", "en": "Level III (domestic general)"},
}
INDICATIVE_CP = {
    "I": {"zh": "对标Ⅰ级基准（参考）", "en": "At the level I benchmark (indicative)"},
    "II": {"zh": "对标Ⅱ级基准（参考）", "en": "At the level II benchmark (indicative)"},
    "III": {"zh": "对标Ⅲ级基准（参考）", "en": "At the level III benchmark (indicative)"},
}
BELOW_III = {"zh": "未达Ⅲ级基准", "en": "Below the level III benchmark"}
INDICATOR_BELOW = {"zh": "未达Ⅲ级", "en": "Below Ⅲ"}
NO_GRADE = {"zh": "不评定等级", "en": "No grade"}
NO_LEVEL = {"zh": "未达到等级", "en": "No level reached"}
NOTES = {
    "indicative": {
        "zh": "该指标体系尚无正式发布的文件编号，结果为对标Ⅰ/Ⅱ/Ⅲ级基准值的参考位置，不是企业的正式清洁生产等级。",
        "en": "This indicator system has no published document number: the result is an indicative position "
        "against the level I/II/III benchmark values, not the enterprise's official clean-production level.",
    },
    "no_scheme": {
        "zh": "GB/T 36132-2025 未规定等级；本工具只给出得分、维度得分和基本要求。省级评级方案由管理员配置后才显示等级。",
        "en": "GB/T 36132-2025 defines no grade: the tool gives the score, the dimension profile and the basic "
        "requirements. A provincial rating scheme's tiers appear only when an administrator configures one.",
    },
    "scheme": {
        "zh": "等级按管理员配置的评级方案“{name}”（{issuer}，{document}）给出，不是国家标准的等级。",
        "en": "The tier follows the rating scheme configured by the administrator, “{name}” ({issuer}, "
        "{document}); it is not a grade of the national standard.",
    },
}


@dataclass(frozen=True)
class LevelText:
    text: str  # what the level cell says
    kind: str  # official | indicative | scheme | none
    note: str = ""  # one sentence saying what kind of statement it is (empty for official levels)
    provisional: bool = False


def is_published_system(definition: Mapping[str, Any]) -> bool:
    """A clean-production system is published when its first reference carries a document number."""
    refs = definition.get("refs") or []
    if not refs:
        return False
    first = refs[0]["ref"] if isinstance(refs[0], Mapping) else refs[0]
    entry = load_references().get(str(first)) or {}
    return bool(entry.get("number"))


def _get(result: Any, key: str, default: Any = None) -> Any:
    if isinstance(result, Mapping):
        return result.get(key, default)
    return getattr(result, key, default)


def scheme_tier(scheme: Mapping[str, Any], score: float) -> dict[str, Any] | None:
    """The highest tier of a configured scheme whose minimum the (2-decimal) score reaches."""
    reached = [t for t in scheme.get("tiers") or [] if round(float(score), 2) >= float(t["min"])]
    return max(reached, key=lambda t: float(t["min"])) if reached else None


def level_text(
    result: Any,
    definition: Mapping[str, Any] | None = None,
    *,
    scheme: Mapping[str, Any] | None = None,
    lang: str = "zh-hans",
) -> LevelText:
    """The reader's wording of a framework result's level (see the module docstring).

    `result`: a FrameworkResult or its dict form (method, level, score, veto). `scheme`: the rating scheme
    configured for green factory 2025 (`assessment.selectors.rating.rating_scheme_for`), or None.
    """
    wording = getattr(get_method(_get(result, "method")), "level_wording", "stored")
    level = _get(result, "level") or None
    definition = definition or {}
    if wording == "scheme":
        if not scheme:
            return LevelText(pick(NO_GRADE, lang), "none", pick(NOTES["no_scheme"], lang))
        name = pick(scheme.get("name"), lang)
        note = pick(NOTES["scheme"], lang).format(
            name=name, issuer=pick(scheme.get("issuer"), lang), document=scheme.get("document") or "—"
        )
        veto = _get(result, "veto") or {}
        tier = scheme_tier(scheme, float(_get(result, "score") or 0)) if veto.get("passed", True) else None
        label = pick(tier["label"], lang) if tier else pick(NO_LEVEL, lang)
        text = f"{label} ({name})" if is_english(lang) else f"{label}（{name}）"
        return LevelText(text, "scheme", note)
    if wording == "benchmark":
        code = (level or {}).get("code")
        if is_published_system(definition):
            text = pick(OFFICIAL_CP.get(str(code)) or BELOW_III, lang)
            return LevelText(text, "official", "", bool((level or {}).get("provisional")))
        text = pick(INDICATIVE_CP.get(str(code)) or BELOW_III, lang)
        return LevelText(text, "indicative", pick(NOTES["indicative"], lang), True)
    if not level:
        return LevelText(pick(NO_LEVEL, lang), "none")
    return LevelText(pick(level.get("label"), lang), "official", "", bool(level.get("provisional")))


def stored_level_text(
    definition: Mapping[str, Any],
    code: str | None,
    *,
    score: float | None = None,
    veto_failed: bool = False,
    scheme: Mapping[str, Any] | None = None,
    lang: str = "zh-hans",
) -> str:
    """A stored level code (FrameworkResult.level, an analytics row) worded as level_text words the
    result on the results page, for officials' lists, analytics and exports. Never the code itself: a code
    the version no longer gives (a green-factory tier stored before the default tiers were removed) reads
    as no level, and green factory 2025 shows a tier only from a configured scheme, with its name."""
    labels = dict(level_catalogue(definition))
    normal = normal_level(code)
    method = definition.get("method")
    if getattr(get_method(method), "level_wording", "stored") not in ("scheme", "benchmark"):
        return pick(labels.get(normal) or labels.get(NO_LEVEL_CODE) or NO_LEVEL, lang)
    level = {"code": normal} if normal in labels and normal != NO_LEVEL_CODE else None
    result = {"method": method, "level": level, "score": score or 0, "veto": {"passed": not veto_failed}}
    return level_text(result, definition, scheme=scheme, lang=lang).text


def indicator_level_text(cp_level: str | None, lang: str = "zh-hans") -> str:
    """An indicator's clean-production level as printed: Ⅰ / Ⅱ / Ⅲ / 未达Ⅲ (— when not rated)."""
    if not cp_level:
        return "—"
    if cp_level in ROMAN:
        return ROMAN[cp_level]
    return pick(INDICATOR_BELOW, lang)


def _score(value: Any) -> str:
    return "—" if value is None else f"{float(value):.2f}"


def revision_lines(state: Any, lang: str = "zh-hans") -> list[str]:
    """What a result says about the revision of its framework version it was scored on (a corrected
    definition makes revision 2, 3, ...; docs/definitions.md) and about officials' re-scores on a later
    revision: which result counts is always said. `state`: assessment.selectors.revisions.RevisionState."""
    zh = not is_english(lang)
    lines = [f"按第{state.scored}版修订评分" if zh else f"Scored on revision {state.scored}"]
    if state.latest > state.scored:
        lines[0] += (
            f"（该版本现行第{state.latest}版修订）。"
            if zh
            else f" (the version's current revision is {state.latest})."
        )
    else:
        lines[0] += "。" if zh else "."
    for rescore in state.rescores:
        if rescore["adopted"]:
            lines.append(
                f"主管部门已采用按第{rescore['to_revision']}版修订重新计分的结果；按第{rescore['from_revision']}版修订的原得分 "
                f"{_score(rescore['original_score'])} 保留备查。"
                if zh
                else f"Officials adopted the re-score on revision {rescore['to_revision']}; the original score on "
                f"revision {rescore['from_revision']}, {_score(rescore['original_score'])}, is kept for reference."
            )
        elif not rescore["scorable"]:
            lines.append(
                f"主管部门尝试按第{rescore['to_revision']}版修订重新计分，但部分答案不符合新修订，未能计分；统计以上面的结果为准。"
                if zh
                else f"Officials tried to re-score this on revision {rescore['to_revision']}, but some answers do not "
                "fit it; statistics count the result above."
            )
        else:
            lines.append(
                f"主管部门已按第{rescore['to_revision']}版修订重新计分：{_score(rescore['score'])}（仅供参考；"
                f"统计和报告仍以上面按第{state.scored}版修订的结果为准）。"
                if zh
                else f"Officials re-scored this on revision {rescore['to_revision']}: {_score(rescore['score'])} "
                f"(for reference; statistics and the report count the result above, scored on revision "
                f"{state.scored})."
            )
    return lines
