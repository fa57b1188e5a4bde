"""统一社会信用代码 (Unified Social Credit Code) per GB 32100-2015.

Structure (18 characters): registration authority (1), organisation category (2), GB/T 2260 region
code of the registering office (3-8), GB 11714 organisation code (9-17: an 8-character body and its
own check character), check character (18).

Check character (GB 32100-2015 §4.6, algorithm of GB/T 17710, MOD 31): the 31-character set
``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, S, V, Z) gives each character its index as value;
weights W_i = 3^(i-1) mod 31 for positions 1-17; check = (31 - Σ C_i·W_i mod 31) mod 31.
Source: docs/provenance.md §6.1 ([B] pages describing the standard, [C×many]
implementations); the standard's own example 91350100M000100Y43 verifies.

The inner organisation-code check (GB 11714, MOD 11) is implemented differently by different
registries (10 written X or A; letters valued differently), so a mismatch is only a warning.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FORBIDDEN_LETTERS = frozenset("IOSVZ")
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, ...
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714: 2^(9-i) mod 11
LENGTH = 18

_SEPARATORS = re.compile(r"[\s\-]+")

MESSAGES = {
    "empty": _("请输入统一社会信用代码。"),
    "length": _("统一社会信用代码应为18位，当前为%(length)d位。"),
    "forbidden": _(
        "统一社会信用代码不使用字母 I、O、S、V、Z（发现：%(chars)s）；请核对是否将数字 1、0、5、2 误输为字母。"
    ),
    "charset": _("统一社会信用代码含有无效字符：%(chars)s。"),
    "region": _("统一社会信用代码第3至8位应为6位数字的行政区划码。"),
    "check": _("统一社会信用代码校验位不正确（第18位应为 %(expected)s），请核对是否有输错的字符。"),
}


def normalize_uscc(raw: str) -> str:
    """Upper-case and drop spaces and hyphens people type when copying from a licence."""
    return _SEPARATORS.sub("", raw or "").upper()


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters (already valid characters)."""
    if len(first17) != LENGTH - 1:
        raise ValueError("need exactly 17 characters")
    total = sum(CHARSET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character for an 8-character organisation-code body (digits and letters A-Z = 10-35)."""
    if len(body8) != 8:
        raise ValueError("need exactly 8 characters")
    total = sum(int(char, 36) * weight for char, weight in zip(body8, ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def uscc_problem(code: str) -> tuple[str, dict[str, object]] | None:
    """The first problem with a normalised code as (message key, parameters), or None when valid."""
    if not code:
        return "empty", {}
    forbidden = sorted({char for char in code if char in FORBIDDEN_LETTERS})
    if forbidden:
        return "forbidden", {"chars": "、".join(forbidden)}
    invalid = sorted({char for char in code if char not in CHARSET})
    if invalid:
        return "charset", {"chars": "、".join(invalid)}
    if len(code) != LENGTH:
        return "length", {"length": len(code)}
    if not code[2:8].isdigit():
        return "region", {}
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return "check", {"expected": expected}
    return None


def is_valid_uscc(raw: str) -> bool:
    return uscc_problem(normalize_uscc(raw)) is None


def validate_uscc(raw: str) -> str:
    """Return the normalised code or raise a ValidationError with a translated message (Django validator)."""
    code = normalize_uscc(raw)
    problem = uscc_problem(code)
    if problem is not None:
        key, params = problem
        raise ValidationError(MESSAGES[key], code=f"uscc_{key}", params=params)
    return code


def uscc_warnings(raw: str) -> list[str]:
    """Soft findings on a valid code: an inner organisation-code check that does not match GB 11714."""
    code = normalize_uscc(raw)
    if uscc_problem(code) is not None:
        return []
    body, check = code[8:16], code[16]
    if not body.isalnum():
        return []
    expected = org_code_check_char(body)
    # Some registries write the value 10 as "A" instead of "X".
    if check == expected or (expected == "X" and check == "A"):
        return []
    return [str(_("组织机构代码部分（第9至17位）的校验位与 GB 11714 不一致，请核对。"))]


def make_uscc(*, region_code: str, org_body: str, authority: str = "9", category: str = "1") -> str:
    """Build a valid code (demo data and tests): authority 9 / category 1 = enterprise registered with SAMR."""
    if len(region_code) != 6 or not region_code.isdigit():
        raise ValueError("region_code must be 6 digits")
    first17 = f"{authority}{category}{region_code}{org_body}{org_code_check_char(org_body)}"
    return first17 + uscc_check_char(first17)
