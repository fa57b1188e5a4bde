"""The font system check and the fallback font."""

from __future__ import annotations

from pathlib import Path

from reports import checks, fonts


def test_it_passes_with_the_vendored_font():
    assert checks.check_report_font() == []
    assert fonts.report_font().embedded


def test_it_warns_when_no_embeddable_font_is_found(monkeypatch):
    monkeypatch.setattr(fonts, "EMBEDDED_FONT_FILE", Path("/nonexistent/wqy-microhei.ttc"))
    fonts.report_font.cache_clear()
    try:
        font = fonts.report_font()
        assert (font.name, font.embedded) == (fonts.FALLBACK_FONT_NAME, False)
        (warning,) = checks.check_report_font()
        assert warning.id == "reports.W001"
    finally:
        monkeypatch.undo()
        fonts.report_font.cache_clear()
    assert fonts.report_font().embedded


def test_it_ships_the_font_with_its_licence():
    assert fonts.EMBEDDED_FONT_FILE.is_file()
    assert (fonts.FONT_DIR / "COPYRIGHT-wqy-microhei.txt").read_text().count("Apache-2.0") >= 1
