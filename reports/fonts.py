"""The CJK font of the PDF reports.

reportlab embeds (subsets) TrueType-outline fonts only; CFF-based CJK fonts (Noto/Source Han) do not
embed. The project vendors WenQuanYi Micro Hei (TrueType outlines; Apache-2.0 or GPLv3+ with font
exception, see reports/fonts/COPYRIGHT-wqy-microhei.txt), so reports render the same in every viewer
and the set-up needs no root. If the file is missing, the built-in Adobe CID font STSong-Light is used:
it is *not* embedded (viewers substitute a font), and a system check warns (reports.W001).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
EMBEDDED_FONT_FILE = FONT_DIR / "wqy-microhei.ttc"
EMBEDDED_FONT_NAME = "WenQuanYiMicroHei"
FALLBACK_FONT_NAME = "STSong-Light"


@dataclass(frozen=True)
class ReportFont:
    name: str
    embedded: bool
    path: str = ""


def embeddable_font_path() -> Path | None:
    """The vendored TrueType font file, if present and readable."""
    return EMBEDDED_FONT_FILE if EMBEDDED_FONT_FILE.is_file() else None


@lru_cache(maxsize=1)
def report_font() -> ReportFont:
    """Register the report font once per process and say which one it is."""
    path = embeddable_font_path()
    if path is not None:
        try:
            pdfmetrics.registerFont(TTFont(EMBEDDED_FONT_NAME, str(path), subfontIndex=0))
            return ReportFont(EMBEDDED_FONT_NAME, True, str(path))
        except Exception:  # a damaged file falls back like a missing one (the check warns)
            pass
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT_NAME))
    return ReportFont(FALLBACK_FONT_NAME, False)
