"""System checks of the reports app."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.utils.translation import gettext_lazy as _

from reports.fonts import EMBEDDED_FONT_FILE, report_font


@checks.register(checks.Tags.compatibility)
def check_report_font(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when PDF reports would fall back to a non-embedded CJK font."""
    font = report_font()
    if font.embedded:
        return []
    return [
        checks.Warning(
            _("未找到可嵌入的中文字体，PDF 报告将使用不嵌入的备用字体，不同阅读器显示可能不一致。"),
            hint=f"Restore {EMBEDDED_FONT_FILE} (WenQuanYi Micro Hei, TrueType outlines).",
            id="reports.W001",
        )
    ]
