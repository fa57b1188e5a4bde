"""The rendered PDF: valid, complete, Chinese text in an embedded font, user text printed literally."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from reports.fonts import EMBEDDED_FONT_NAME
from reports.pdf import esc, render_pdf
from tests.reports.conftest import HOSTILE_NAME, HOSTILE_PRODUCT

CHINESE_HEADINGS = [
    "一、执行摘要",
    "二、分框架评价结果",
    "三、能源与碳排放概况",
    "四、改进行动计划",
    "五、同行对标",
    "参考文献",
    "附录一 全部回答",
    "附录二 各指标得分明细",
    "附录三 措施估算的假设与依据",
    "附录四 佐证材料清单",
    "附录五 术语表",
    "优先改进措施（前五项）",
]


@pytest.fixture(scope="module")
def pdf_bytes(demo_report) -> bytes:
    return render_pdf(demo_report)


@pytest.fixture(scope="module")
def text(pdf_bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return "\n".join(page.extract_text() for page in reader.pages)


def compact(value: str) -> str:
    return re.sub(r"\s+", "", value)


def test_it_renders_a_pdf_of_at_least_eight_pages(pdf_bytes):
    assert pdf_bytes.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(pdf_bytes)).pages) >= 8


def test_it_contains_the_chinese_headings_and_the_enterprise_name(text):
    flat = compact(text)
    for heading in CHINESE_HEADINGS:
        assert compact(heading) in flat, heading
    assert compact("哈尔滨市") in flat
    assert compact("绿色工厂评价") in flat


def test_it_prints_hostile_user_text_literally(text):
    flat = compact(text)
    assert compact(HOSTILE_NAME) in flat
    assert compact(HOSTILE_PRODUCT) in flat


def test_it_numbers_pages_as_page_x_of_y(pdf_bytes, text):
    total = len(PdfReader(io.BytesIO(pdf_bytes)).pages)
    assert compact(f"第2页，共{total}页") in compact(text)
    assert compact(f"第{total}页，共{total}页") in compact(text)


def test_it_lists_the_top_actions_with_their_gains(demo_report, text):
    flat = compact(text)
    assert len(demo_report.actions) >= 5
    for action in demo_report.top_actions(5):
        assert compact(action.title)[:12] in flat


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils (pdffonts) is not installed")
def test_it_embeds_the_cjk_font_as_a_subset(tmp_path, pdf_bytes):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line for line in listing.splitlines() if EMBEDDED_FONT_NAME in line]
    assert rows
    for row in rows:
        name, _type, _encoding, emb, sub, *_rest = row.split()
        assert re.match(r"[A-Z]{6}\+", name), row  # subset prefix
        assert (emb, sub) == ("yes", "yes"), row


def test_it_renders_without_any_database_query(db, demo_report, django_assert_num_queries):
    with django_assert_num_queries(0):
        render_pdf(demo_report)


def test_it_renders_the_english_report(demo_report_en):
    reader = PdfReader(io.BytesIO(render_pdf(demo_report_en)))
    flat = compact("\n".join(page.extract_text() for page in reader.pages))
    for heading in (
        "1. Executive summary",
        "2. Results by framework",
        "4. Prioritised action plan",
        "Appendix 5. Glossary",
    ):
        assert compact(heading) in flat, heading
    assert compact(f"Page 2 of {len(reader.pages)}") in flat


def test_it_escapes_markup_for_paragraphs():
    assert esc("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert esc(None) == ""
