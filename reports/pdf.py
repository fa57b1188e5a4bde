"""The PDF improvement report: bytes from a ReportData (reports/types.py) with reportlab.

Rendering reads nothing from the database: everything it prints is in the ReportData. Every text that
comes from users (enterprise name, free-text answers, file names) goes through `esc()` before it meets
reportlab's paragraph mark-up, so `<`, `&` and mark-up-like text print literally.

Fixed headings are bilingual inline (LABELS), like the definition files, so a report in either
language is complete whatever the state of the UI translation catalogue.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.spider import SpiderChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors, textsplit
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as paragraph_module

from questionnaires.definition import short_titles
from questionnaires.numbers import number_text
from reports.fonts import report_font
from reports.pdf_charts import LEADING, horizontal_bars, wrap_name
from reports.types import ActionRow, FrameworkSection, ReportData

# Palette: one green family for structure, amber for warnings, red for veto failures.
PRIMARY = colors.HexColor("#1B5E20")
SECONDARY = colors.HexColor("#2E7D32")
ACCENT = colors.HexColor("#00897B")
LIGHT = colors.HexColor("#E8F5E9")
ZEBRA = colors.HexColor("#F4F8F4")
GRID = colors.HexColor("#C8D6C9")
MUTED = colors.HexColor("#5F6B63")
TEXT = colors.HexColor("#1F2A22")
WARN = colors.HexColor("#E65100")
DANGER = colors.HexColor("#C62828")
SERIES = [colors.HexColor(c) for c in ("#2E7D32", "#00897B", "#F9A825", "#6A1B9A", "#1565C0")]

PAGE_W, PAGE_H = A4
DETAILED_ACTIONS = 5  # the top-ranked actions get a full card; the others a row of a table
GAP_ROWS = 5  # the main gaps per framework in the manager's report; every indicator is in the annex
STRENGTH_NAMES = 3
MARGIN = 18 * mm

LABELS: dict[str, tuple[str, str]] = {
    "brand": ("绿智评", "GreenMaturity"),
    "report": (
        "绿色化·清洁化·数字化水平自评估改进报告",
        "Green, Clean and Digital Self-Assessment Improvement Report",
    ),
    "enterprise": ("企业名称", "Enterprise"),
    "uscc": ("统一社会信用代码", "Unified social credit code"),
    "city": ("所在地市", "City"),
    "industry": ("行业", "Industry"),
    "size": ("企业规模", "Size class"),
    "employees": ("从业人员", "Employees"),
    "revenue": ("上年营业收入（万元）", "Revenue last year (10k yuan)"),
    "products": ("主要产品", "Main products"),
    "year": ("评估年度", "Assessment year"),
    "frameworks": ("评价框架", "Frameworks"),
    "date": ("报告日期", "Report date"),
    "status": ("状态", "Status"),
    "summary": ("一、执行摘要", "1. Executive summary"),
    "summary_intro": (
        "本报告根据企业自评答案，按各评价框架的计分规则计算得分与等级，并按预期得分提升与投入等级排序改进措施。",
        "This report scores the enterprise's self-assessment answers with each framework's rules and "
        "ranks improvement actions by expected score gain per effort.",
    ),
    "framework": ("评价框架", "Framework"),
    "score": ("得分", "Score"),
    "level": ("等级", "Level"),
    "no_level": ("未达到最低等级", "Below the lowest level"),
    "veto": ("否决项", "Veto items"),
    "passed": ("通过", "Passed"),
    "failed": ("未通过", "Failed"),
    "maturity": ("绿色—数字化综合成熟度", "Combined green–digital maturity"),
    "top_actions": ("优先改进措施（前五项）", "Top five actions"),
    "action": ("措施", "Action"),
    "effort": ("投入", "Effort"),
    "horizon": ("周期", "Horizon"),
    "gain": ("预期得分提升", "Expected gain"),
    "results": ("二、分框架评价结果", "2. Results by framework"),
    "dimension": ("维度", "Dimension"),
    "max": ("满分", "Maximum"),
    "percent": ("得分率", "Share"),
    "radar": ("维度得分率雷达图", "Dimension scores (radar)"),
    "bars": ("维度得分率", "Dimension scores (%)"),
    "veto_items": ("否决项（基本要求）", "Veto items (basic requirements)"),
    "veto_all_passed": ("全部否决项均已满足。", "All veto items are met."),
    "veto_note": (
        "否决项不影响得分，但未满足时不能通过评价。",
        "Veto items do not change the score, but a failed one blocks a pass.",
    ),
    "limiting": ("限定性指标", "Limiting indicators"),
    "strengths": ("优势指标", "Strengths"),
    "gaps": ("主要差距", "Main gaps"),
    "limiting_rest": (
        "其余 {count} 项限定性指标无差距：{names}。",
        "No gap on the other {count} limiting indicators: {names}.",
    ),
    "indicators_in_annex": (
        "全部指标的回答与得分见附录二。",
        "Every indicator's answer and points: Appendix 2.",
    ),
    "indicators_on_request": (
        "全部指标的回答与得分见含附录的完整报告（在结果页下载）。",
        "Every indicator's answer and points are in the full report with appendices (downloaded from "
        "the results page).",
    ),
    "indicator": ("指标", "Indicator"),
    "answer": ("回答", "Answer"),
    "earned": ("得分/满分", "Points"),
    "gap": ("差距与改进方向", "Gap and how to close it"),
    "no_limiting": ("本框架无限定性指标。", "This framework has no limiting indicators."),
    "details": ("计分说明", "Scoring details"),
    "missing": ("未回答的必答题", "Unanswered required questions"),
    "energy": ("三、能源与碳排放概况", "3. Energy and carbon profile"),
    "energy_intro": (
        "以下数值由能源与资源计算器根据填报数据计算，列出计算过程和采用的系数。",
        "Computed by the energy and resource calculator from the reported data, with the "
        "derivation and coefficients used.",
    ),
    "energy_none": ("未填报能源与资源数据，无法计算。", "No energy and resource data were reported."),
    "item": ("项目", "Item"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "derivation": ("计算过程", "Derivation"),
    "plan": ("四、改进行动计划", "4. Prioritised action plan"),
    "plan_intro": (
        "措施按以下顺序排列：先解决否决项，再提升限定性指标，然后按“预期得分提升 ÷ 投入等级权重”排序。"
        "预期得分提升由评分引擎模拟计算；标注※的目标值为规划假设，应以节能诊断或审核结果为准。",
        "Actions are ordered: veto failures first, then limiting indicators, then expected score gain "
        "divided by the effort weight. Gains are simulated by the scoring engine; targets marked ※ are "
        "planning assumptions to be replaced by audit or diagnosis results.",
    ),
    "plan_none": (
        "根据当前回答，措施库中没有可提升得分的措施。",
        "No action of the catalogue would raise a score for these answers.",
    ),
    "why_recommended": ("推荐原因", "Why recommended"),
    "more_actions": ("其他可选措施", "Further options"),
    "why_matters": ("意义", "Why it matters"),
    "support": ("支持渠道", "Support channels"),
    "source": ("来源", "Source"),
    "benefits": ("预期效益", "Expected benefits"),
    "fixes_veto": ("解决否决项", "Resolves veto item"),
    "lifts_limiting": ("提升限定性指标", "Lifts limiting indicator"),
    "points": ("分", "pts"),
    "benchmark": ("五、同行对标", "5. Peer benchmark"),
    "benchmark_intro": (
        "百分位表示本企业得分高于同组已提交企业的比例；同组不足5家时不计算。百分位是本工具的汇总，不是官方排名，"
        "方法见网站“方法说明”页。",
        "The percentile is the share of peers in the group that this enterprise scores above; it is "
        "not computed for groups with fewer than 5 peers. It is this tool's own summary, not an official "
        "ranking; the method is on the website's Method page.",
    ),
    "scope": ("对标范围", "Peer group"),
    "peers": ("同组企业数", "Peers"),
    "percentile_chart": ("百分位一览", "Percentiles at a glance"),
    "percentile": ("百分位", "Percentile"),
    "appendix_answers": ("附录一 全部回答", "Appendix 1. All answers"),
    "appendix_indicators": ("附录二 各指标得分明细", "Appendix 2. Every indicator's points"),
    "appendix_economics": (
        "附录三 措施估算的假设与依据",
        "Appendix 3. Assumptions behind the action figures",
    ),
    "appendix_evidence": ("附录四 佐证材料清单", "Appendix 4. Evidence"),
    "question": ("题目", "Question"),
    "code": ("编码", "Code"),
    "file": ("文件", "File"),
    "file_size": ("大小", "Size"),
    "uploaded": ("上传时间", "Uploaded"),
    "no_evidence": ("未上传佐证材料。", "No evidence files were uploaded."),
    "glossary": ("附录五 术语表", "Appendix 5. Glossary"),
    "term": ("术语", "Term"),
    "meaning": ("含义", "Meaning"),
    "page": ("第 {page} 页，共 {total} 页", "Page {page} of {total}"),
    "provisional": (
        "※ 暂定：该数值来自尚未核实的来源，可能调整。",
        "※ Provisional: from a source not yet confirmed; may change.",
    ),
    "catalog": ("措施库版本", "Action catalogue"),
    "references": ("参考文献", "References"),
    "references_intro": (
        "本报告引用的标准、政策文件和文章（评价框架、能源与碳排放计算和改进措施的依据）。",
        "The standards, policy documents and articles this report cites (for the frameworks, the energy "
        "and carbon figures and the actions).",
    ),
    "number": ("序号", "No."),
    "annex_note": (
        "以下附录按申报顺序列出全部题目和回答。",
        "The appendices list every question and answer in the order of the forms.",
    ),
}


def esc(value: Any) -> str:
    """User or data text made safe for reportlab paragraph mark-up (prints literally)."""
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


def fmt(value: float | None, digits: int = 2) -> str:
    """A figure in the project's number format, up to `digits` decimals (trailing zeros dropped)."""
    return number_text(value, digits, trim=True)


def _points(indicator: Any) -> str:
    """An indicator's points as "earned / available": "—" where it does not apply, and "— / available"
    where its question is unanswered (the answer column says 未答), never a 0 it did not score."""
    if indicator.status == "not_applicable":
        return "—"
    earned = "—" if indicator.status == "missing" else fmt(indicator.earned)
    return f"{earned} / {fmt(indicator.available)}"


# Punctuation that may not start a line in Chinese. reportlab's CJK wrapping knows the Japanese list only
# (、。」 and ASCII marks), so "，" "；" "：" and closing quotes could open a line; added to both places that
# list is read, a mark hangs at the end of the line before instead.
CHINESE_CANNOT_START = "，；：！？）》」』】〕〉”’・…"


def _keep_chinese_punctuation_off_line_starts() -> None:
    missing = "".join(c for c in CHINESE_CANNOT_START if c not in textsplit.ALL_CANNOT_START)
    textsplit.ALL_CANNOT_START += missing
    paragraph_module.ALL_CANNOT_START += "".join(
        c for c in CHINESE_CANNOT_START if c not in paragraph_module.ALL_CANNOT_START
    )


_keep_chinese_punctuation_off_line_starts()


class _Styles:
    def __init__(self, font: str, *, cjk: bool = True) -> None:
        # CJK wrapping breaks between any two characters; English text wraps at spaces (and faster).
        base = {"fontName": font, "textColor": TEXT, "wordWrap": "CJK" if cjk else None}
        self.body = ParagraphStyle("body", fontSize=9.5, leading=14, **base)
        self.small = ParagraphStyle("small", fontSize=8, leading=11, **{**base, "textColor": MUTED})
        self.cell = ParagraphStyle("cell", fontSize=8.5, leading=11.5, **base)
        self.cell_head = ParagraphStyle(
            "cell_head", fontSize=8.5, leading=11.5, **{**base, "textColor": colors.white}
        )
        self.h1 = ParagraphStyle(
            "h1",
            fontSize=17,
            leading=22,
            spaceBefore=4,
            spaceAfter=8,
            keepWithNext=1,
            **{**base, "textColor": PRIMARY},
        )
        self.h2 = ParagraphStyle(
            "h2",
            fontSize=13,
            leading=18,
            spaceBefore=10,
            spaceAfter=5,
            keepWithNext=1,
            **{**base, "textColor": SECONDARY},
        )
        self.h3 = ParagraphStyle(
            "h3",
            fontSize=10.5,
            leading=14,
            spaceBefore=7,
            spaceAfter=3,
            keepWithNext=1,
            **{**base, "textColor": ACCENT},
        )
        self.h3_loose = ParagraphStyle("h3_loose", parent=self.h3, keepWithNext=0)
        self.cover_title = ParagraphStyle(
            "cover_title", fontSize=24, leading=34, alignment=TA_CENTER, **{**base, "textColor": PRIMARY}
        )
        self.cover_sub = ParagraphStyle(
            "cover_sub", fontSize=13, leading=20, alignment=TA_CENTER, **{**base, "textColor": MUTED}
        )
        self.cover_name = ParagraphStyle("cover_name", fontSize=18, leading=26, alignment=TA_CENTER, **base)
        self.action_title = ParagraphStyle(
            "action_title", fontSize=10.5, leading=14, **{**base, "textColor": PRIMARY}
        )
        self.big = ParagraphStyle(
            "big", fontSize=20, leading=24, alignment=TA_CENTER, **{**base, "textColor": PRIMARY}
        )


class PdfRenderer:
    """The building blocks of a PDF report: the embedded font, styles, paragraphs, tables, short labels.
    The enterprise report's renderer and the regional summary's (reports/regional.py) extend it with
    their labels and sections; render_document makes the PDF of either."""

    labels: dict[str, tuple[str, str]] = LABELS

    def __init__(self, *, english: bool) -> None:
        self.font = report_font().name
        self.en = english
        self.s = _Styles(self.font, cjk=not self.en)

    def t(self, key: str) -> str:
        zh, en = self.labels[key]
        return en if self.en else zh

    def story(self) -> list[Any]:
        """The flowables of the whole report, starting on the cover page."""
        raise NotImplementedError

    @property
    def _colon(self) -> str:
        return ": " if self.en else "："

    @staticmethod
    def _short(text: str, length: int) -> str:
        return text if len(text) <= length else text[: length - 1] + "…"

    def cover_page(self, name: str, pairs: Sequence[tuple[str, str]]) -> list[Any]:
        """The cover: the report's title, the brand, `name` and a centred table of `pairs`; the pages
        after it are body pages."""
        table = self.key_values(pairs, (42 * mm, 100 * mm))
        table.hAlign = "CENTER"
        return [
            Spacer(1, 38 * mm),
            self.p(self.t("report"), self.s.cover_title),
            Spacer(1, 6 * mm),
            self.p(self.t("brand"), self.s.cover_sub),
            Spacer(1, 22 * mm),
            self.p(name, self.s.cover_name),
            Spacer(1, 14 * mm),
            table,
            NextPageTemplate("body"),
            PageBreak(),
        ]

    # -- building blocks ---------------------------------------------------------------------------
    def p(self, text: Any, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(esc(text), style or self.s.body)

    def markup(self, markup: str, style: ParagraphStyle | None = None) -> Paragraph:
        """A paragraph from mark-up built here; every dynamic part was passed through esc()."""
        return Paragraph(markup, style or self.s.body)

    def cell(self, value: Any, width: float, style: ParagraphStyle | None = None) -> Any:
        """A table cell: a plain string when it fits on one line (drawn literally, no mark-up, fast),
        otherwise a wrapping paragraph of escaped text."""
        if isinstance(value, Paragraph | Drawing | Table):
            return value
        style = style or self.s.cell
        text = "" if value is None else str(value)
        if "\n" not in text and stringWidth(text, self.font, style.fontSize) <= width - 9:
            return text
        return self.p(text, style)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        *,
        align_right: Sequence[int] = (),
        extra: Sequence[tuple] = (),
    ) -> Table:
        cells = [[self.cell(h, w, self.s.cell_head) for h, w in zip(header, widths, strict=True)]]
        for row in rows:
            cells.append([self.cell(c, w) for c, w in zip(row, widths, strict=True)])
        table = Table(cells, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
        style = [
            ("FONTNAME", (0, 0), (-1, -1), self.font),
            ("FONTSIZE", (0, 0), (-1, -1), self.s.cell.fontSize),
            ("LEADING", (0, 0), (-1, -1), self.s.cell.leading),
            ("TEXTCOLOR", (0, 0), (-1, -1), TEXT),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("BACKGROUND", (0, 0), (-1, 0), SECONDARY),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
            ("BOX", (0, 0), (-1, -1), 0.5, GRID),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        for index in range(1, len(cells)):
            if index % 2 == 0:
                style.append(("BACKGROUND", (0, index), (-1, index), ZEBRA))
        for column in align_right:
            style.append(("ALIGN", (column, 1), (column, -1), "RIGHT"))
        table.setStyle(TableStyle(style + list(extra)))
        return table

    def key_values(
        self, pairs: Sequence[tuple[str, str]], widths: tuple[float, float] = (45 * mm, 120 * mm)
    ) -> Table:
        rows = [[self.cell(k, widths[0]), self.cell(v, widths[1])] for k, v in pairs]
        table = Table(rows, colWidths=list(widths), hAlign="LEFT")
        style = [
            ("FONTNAME", (0, 0), (-1, -1), self.font),
            ("FONTSIZE", (0, 0), (-1, -1), self.s.cell.fontSize),
            ("LEADING", (0, 0), (-1, -1), self.s.cell.leading),
            ("TEXTCOLOR", (0, 0), (-1, -1), TEXT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
            ("BACKGROUND", (0, 0), (0, -1), LIGHT),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        table.setStyle(TableStyle(style))
        return table


class _Renderer(PdfRenderer):
    def __init__(self, data: ReportData) -> None:
        super().__init__(english=data.is_english)
        self.data = data

    # -- charts ------------------------------------------------------------------------------------
    def radar(self, section: FrameworkSection, size: float = 78 * mm) -> Drawing:
        dims = [d for d in section.dimensions if d.percent is not None]
        drawing = Drawing(size, size)
        if len(dims) < 3:
            return self.bars(section, width=size, height=size)
        chart = SpiderChart()
        chart.x, chart.y, chart.width, chart.height = 14 * mm, 10 * mm, size - 28 * mm, size - 22 * mm
        chart.data = [[d.percent or 0 for d in dims], [100 for _ in dims]]
        chart.labels = short_titles([d.title for d in dims], 16 if self.en else 8)
        chart.strands[0].fillColor = colors.Color(0.18, 0.49, 0.2, alpha=0.35)
        chart.strands[0].strokeColor = SECONDARY
        chart.strands[0].strokeWidth = 1.5
        chart.strands[1].fillColor = None
        chart.strands[1].strokeColor = GRID
        chart.strands[1].strokeWidth = 0.5
        chart.spokes.strokeColor = GRID
        chart.spokeLabels.fontName = self.font
        chart.spokeLabels.fontSize = 7
        chart.spokeLabels.fillColor = TEXT
        chart.strandLabels.fontName = self.font
        drawing.add(chart)
        return drawing

    def bars(self, section: FrameworkSection, width: float = 90 * mm, height: float = 70 * mm) -> Drawing:
        dims = [d for d in section.dimensions if d.percent is not None]
        if not dims:
            return Drawing(width, height)
        return horizontal_bars(
            [d.percent or 0 for d in dims],
            short_titles([d.title for d in dims], 20 if self.en else 9),
            font=self.font,
            width=width,
            height=height,
            margins=(30 * mm, 8 * mm, 6 * mm, 6 * mm),
            colour=ACCENT,
            grid=GRID,
            percent_labels=True,
        )

    def score_badge(self, score: float, level: str, width: float = 40 * mm) -> Drawing:
        drawing = Drawing(width, 22 * mm)
        drawing.add(Rect(0, 0, width, 22 * mm, rx=3 * mm, ry=3 * mm, fillColor=LIGHT, strokeColor=GRID))
        drawing.add(
            String(
                width / 2,
                11 * mm,
                fmt(score, 1),
                fontName=self.font,
                fontSize=20,
                fillColor=PRIMARY,
                textAnchor="middle",
            )
        )
        drawing.add(
            String(
                width / 2,
                4 * mm,
                level or "—",
                fontName=self.font,
                fontSize=9,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
        return drawing

    # -- sections ----------------------------------------------------------------------------------
    def cover(self) -> list[Any]:
        d = self.data
        pairs = [
            (self.t("year"), str(d.year)),
            (
                self.t("frameworks"),
                "；".join(f.title for f in d.frameworks)
                if not self.en
                else "; ".join(f.title for f in d.frameworks),
            ),
            (self.t("date"), d.generated),
            (self.t("status"), d.status),
        ]
        if d.enterprise.uscc:
            pairs.insert(0, (self.t("uscc"), d.enterprise.uscc))
        return self.cover_page(d.enterprise.name, pairs)

    def summary(self) -> list[Any]:
        d = self.data
        story: list[Any] = [
            self.p(self.t("summary"), self.s.h1),
            self.p(self.t("summary_intro")),
            Spacer(1, 4 * mm),
        ]
        profile = [
            (self.t("enterprise"), d.enterprise.name),
            (self.t("city"), d.enterprise.city),
            (self.t("industry"), d.enterprise.industry),
            (self.t("size"), d.enterprise.size),
        ]
        if d.enterprise.employees:
            profile.append((self.t("employees"), d.enterprise.employees))
        if d.enterprise.revenue:
            profile.append((self.t("revenue"), d.enterprise.revenue))
        if d.enterprise.main_products:
            profile.append((self.t("products"), d.enterprise.main_products))
        story += [self.key_values(profile), Spacer(1, 5 * mm)]
        rows = []
        for f in d.frameworks:
            count = f" ({len(f.veto_failed)})" if self.en else f"（{len(f.veto_failed)}）"
            veto = self.t("passed") if f.veto_passed else f"{self.t('failed')}{count}"
            level = f.level + (" ※" if f.level_provisional and f.level else "")
            rows.append([f.title, fmt(f.score, 2), level or self.t("no_level"), veto])
        red = [
            ("TEXTCOLOR", (3, i + 1), (3, i + 1), DANGER)
            for i, f in enumerate(d.frameworks)
            if not f.veto_passed
        ]
        story.append(
            self.table(
                [self.t("framework"), self.t("score"), self.t("level"), self.t("veto")],
                rows,
                [80 * mm, 22 * mm, 38 * mm, 34 * mm],
                align_right=[1],
                extra=red,
            )
        )
        if d.maturity:
            story += [
                Spacer(1, 3 * mm),
                self.markup(f"<b>{esc(self.t('maturity'))}</b>{': ' if self.en else '：'}{esc(d.maturity)}"),
            ]
        story += [Spacer(1, 4 * mm), self.p(self.t("top_actions"), self.s.h2)]
        top = d.top_actions(5)
        if top:
            story.append(
                self.table(
                    ["#", self.t("action"), self.t("effort"), self.t("horizon"), self.t("gain")],
                    [[str(a.rank), a.title, a.effort, a.horizon, self._gain_text(a)] for a in top],
                    [8 * mm, 74 * mm, 18 * mm, 30 * mm, 44 * mm],
                )
            )
        else:
            story.append(self.p(self.t("plan_none")))
        return story

    def _gain_text(self, action: ActionRow) -> str:
        wrap = " ({})" if self.en else "（{}）"
        parts = [
            f"{g.framework} +{fmt(g.delta, 2)}" + (wrap.format(g.level_change) if g.level_change else "")
            for g in action.gains
            if g.delta > 0 or g.level_change
        ]
        if action.fixes_veto:
            parts.insert(0, self.t("fixes_veto"))
        return "；".join(parts) if not self.en else "; ".join(parts)

    def framework(self, section: FrameworkSection, number: int) -> list[Any]:
        """One framework's result, compact: score and level, the dimensions beside their radar, the veto
        items, the limiting indicators with a gap, the main gaps and (in one line) the strengths. The
        full indicator list is in the annex."""
        story: list[Any] = [CondPageBreak(70 * mm), self.p(f"2.{number} {section.title}", self.s.h2)]
        level = section.level + (" ※" if section.level_provisional and section.level else "")
        facts = [
            (self.t("score"), f"{fmt(section.score, 2)} / 100"),
            (self.t("level"), level or self.t("no_level")),
            (self.t("veto"), self.t("passed") if section.veto_passed else self.t("failed")),
        ]
        facts += section.details
        if section.missing_count:
            facts.append((self.t("missing"), str(section.missing_count)))
        badge = self.score_badge(section.score, level or self.t("no_level"))
        head = Table([[badge, self.key_values(facts, (32 * mm, 100 * mm))]], colWidths=[44 * mm, 136 * mm])
        head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        story += [head, Spacer(1, 2 * mm)]
        if section.level_note:
            story += [self.p(section.level_note, self.s.small), Spacer(1, 1 * mm)]
        for line in section.revision_lines:
            story += [self.p(line, self.s.small), Spacer(1, 1 * mm)]
        rows = [
            [
                d.title,
                fmt(d.score, 2),
                fmt(d.max, 2),
                f"{fmt(d.percent, 1)}%" if d.percent is not None else "—",
            ]
            for d in section.dimensions
        ]
        dimensions = self.table(
            [self.t("dimension"), self.t("score"), self.t("max"), self.t("percent")],
            rows,
            [58 * mm, 16 * mm, 16 * mm, 18 * mm],
            align_right=[1, 2, 3],
        )
        side = Table([[dimensions, self.radar(section, 62 * mm)]], colWidths=[116 * mm, 64 * mm])
        side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        story += [KeepTogether([side])]
        if section.veto_failed:
            story.append(self.p(self.t("veto_items"), self.s.h3))
            story += [
                self.markup(f"<font color='#C62828'>■</font> {esc(item)}") for item in section.veto_failed
            ]
            story.append(self.p(self.t("veto_note"), self.s.small))
        else:
            story.append(
                self.markup(
                    f"<b>{esc(self.t('veto_items'))}</b>{self._colon}{esc(self.t('veto_all_passed'))}"
                )
            )
        limiting = section.limiting
        below = [i for i in limiting if i.gap]
        if below:
            story.append(self.p(self.t("limiting"), self.s.h3))
            story.append(
                self.table(
                    [self.t("indicator"), self.t("answer"), self.t("level"), self.t("gap")],
                    [[i.title, i.answer, i.cp_level or "—", i.gap] for i in below],
                    [50 * mm, 34 * mm, 16 * mm, 74 * mm],
                )
            )
        if limiting and len(below) < len(limiting):
            rest = [i.title for i in limiting if not i.gap]
            names = (", " if self.en else "、").join(rest)
            story.append(self.p(self.t("limiting_rest").format(count=len(rest), names=names), self.s.small))
        gaps = section.gaps(GAP_ROWS)
        if gaps:
            story.append(self.p(self.t("gaps"), self.s.h3))
            story.append(
                self.table(
                    [self.t("indicator"), self.t("answer"), self.t("earned"), self.t("gap")],
                    [[i.title, i.answer, _points(i), i.gap or "—"] for i in gaps],
                    [46 * mm, 34 * mm, 22 * mm, 72 * mm],
                    align_right=[2],
                )
            )
        strengths = section.strengths(STRENGTH_NAMES)
        if strengths:
            sep = "; " if self.en else "、"
            wrap = " ({}/{})" if self.en else "（{}/{}）"
            listed = sep.join(i.title + wrap.format(fmt(i.earned), fmt(i.available)) for i in strengths)
            story.append(Spacer(1, 2 * mm))
            story.append(
                self.markup(f"<b>{esc(self.t('strengths'))}</b>{self._colon}{esc(listed)}", self.s.cell)
            )
        story.append(
            self.p(
                self.t("indicators_in_annex" if self.data.annex else "indicators_on_request"), self.s.small
            )
        )
        return story

    def energy(self) -> list[Any]:
        d = self.data
        story: list[Any] = [CondPageBreak(80 * mm), self.p(self.t("energy"), self.s.h1)]
        if not d.energy:
            return [*story, self.p(self.t("energy_none"))]
        story.append(self.p(self.t("energy_intro")))
        story.append(Spacer(1, 3 * mm))
        rows = []
        for row in d.energy:
            derivation = self.markup("<br/>".join(esc(line) for line in row.derivation) or "—", self.s.small)
            rows.append([row.label, row.value, row.unit, derivation])
        story.append(
            self.table(
                [self.t("item"), self.t("value"), self.t("unit"), self.t("derivation")],
                rows,
                [40 * mm, 24 * mm, 22 * mm, 88 * mm],
                align_right=[1],
            )
        )
        for note in d.energy_notes:
            story.append(self.p(note, self.s.small))
        return story

    def plan(self) -> list[Any]:
        """The action plan: the enterprise's improvement plan when it has one (reports/pdf_plan.py), then the
        other recommendations: full cards for the top-ranked, one table of the rest by horizon."""
        d = self.data
        story: list[Any] = [
            CondPageBreak(90 * mm),
            self.p(self.t("plan"), self.s.h1),
            self.p(self.t("plan_intro")),
        ]
        actions = d.actions
        if d.plan is not None:
            # The enterprise's own plan leads; the other recommendations follow it.
            from reports.pdf_plan import plan_story
            from reports.pdf_plan import t as plan_text

            story += plan_story(self, d.plan)
            actions = [a for a in d.actions if a.code not in set(d.plan.codes)]
            if actions:
                story.append(self.p(plan_text(self, "others"), self.s.h2))
        if not actions and d.plan is None:
            return [*story, self.p(self.t("plan_none"))]
        for action in actions[:DETAILED_ACTIONS]:
            story.append(self.action_block(action))
            story.append(Spacer(1, 2.5 * mm))
        order = {key: index for index, (key, _label) in enumerate(d.horizons)}
        rest = sorted(actions[DETAILED_ACTIONS:], key=lambda a: (order.get(a.horizon_key, 9), a.rank))
        if rest:
            # A heading kept with the whole table would push it to the next page; this one goes with
            # the table's first rows only.
            story += [CondPageBreak(40 * mm), self.p(self.t("more_actions"), self.s.h3_loose)]
            story.append(
                self.table(
                    ["#", self.t("action"), self.t("horizon"), self.t("effort"), self.t("gain")],
                    [[str(a.rank), a.title, a.horizon, a.effort, self._gain_text(a) or "—"] for a in rest],
                    [8 * mm, 70 * mm, 32 * mm, 16 * mm, 48 * mm],
                )
            )
        if d.economics is not None:
            from reports.pdf_economics import economics_story

            story += economics_story(self, d.economics)
        if d.catalog:
            story.append(self.p(f"{self.t('catalog')}: {d.catalog}", self.s.small))
        return story

    def action_block(self, a: ActionRow) -> KeepTogether:
        title = self.markup(f"<b>{a.rank}. {esc(a.title)}</b>", self.s.action_title)
        tags = self.markup(
            f"<font color='#00897B'>{esc(self.t('effort'))}</font> {esc(a.effort)}　"
            f"<font color='#00897B'>{esc(self.t('horizon'))}</font> {esc(a.horizon)}　"
            f"<font color='#00897B'>{esc(self.t('gain'))}</font> {esc(self._gain_text(a) or '—')}",
            self.s.small,
        )
        pairs: list[tuple[str, str]] = [
            (self.t("why_recommended"), "\n".join(a.triggers)),
            (self.t("why_matters"), a.why_it_matters),
        ]
        if a.fixes_veto:
            pairs.append((self.t("fixes_veto"), "；".join(a.fixes_veto)))
        if a.lifts_limiting:
            pairs.append((self.t("lifts_limiting"), "；".join(a.lifts_limiting)))
        sep = "; " if self.en else "；"
        pairs += [
            (self.t("benefits"), (", " if self.en else "、").join(a.benefits)),
            (self.t("support"), sep.join(a.support)),
            (self.t("source"), "\n".join(a.sources)),
        ]
        widths = (26 * mm, 150 * mm)
        rows: list[list[Any]] = [[title, ""], [tags, ""], [self.p(a.description, self.s.cell), ""]]
        rows += [[self.cell(k, widths[0]), self.cell(v, widths[1])] for k, v in pairs]
        box = Table(rows, colWidths=list(widths))
        box.setStyle(
            TableStyle(
                [
                    ("SPAN", (0, 0), (1, 0)),
                    ("SPAN", (0, 1), (1, 1)),
                    ("SPAN", (0, 2), (1, 2)),
                    ("FONTNAME", (0, 0), (-1, -1), self.font),
                    ("FONTSIZE", (0, 0), (-1, -1), self.s.cell.fontSize),
                    ("LEADING", (0, 0), (-1, -1), self.s.cell.leading),
                    ("TEXTCOLOR", (0, 0), (-1, -1), TEXT),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BOX", (0, 0), (-1, -1), 0.6, GRID),
                    ("BACKGROUND", (0, 0), (-1, 1), LIGHT),
                    ("BACKGROUND", (0, 3), (0, -1), ZEBRA),
                    ("LINEBELOW", (0, 2), (-1, -1), 0.3, GRID),
                    ("LINEBEFORE", (0, 0), (0, -1), 3, ACCENT if not a.fixes_veto else DANGER),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return KeepTogether([box])

    def benchmark(self) -> list[Any]:
        d = self.data
        story: list[Any] = [
            CondPageBreak(70 * mm),
            self.p(self.t("benchmark"), self.s.h1),
            self.p(self.t("benchmark_intro")),
        ]
        if d.benchmark_note:
            story.append(self.p(d.benchmark_note, self.s.small))
        if d.benchmarks:
            rows = [
                [
                    b.framework,
                    b.scope,
                    str(b.peers),
                    f"{fmt(b.percentile, 0)}%" if b.percentile is not None else (b.note or "—"),
                ]
                for b in d.benchmarks
            ]
            story += [
                Spacer(1, 2 * mm),
                self.table(
                    [self.t("framework"), self.t("scope"), self.t("peers"), self.t("percentile")],
                    rows,
                    [54 * mm, 60 * mm, 22 * mm, 38 * mm],
                    align_right=[2],
                ),
            ]
            computed = [b for b in d.benchmarks if b.percentile is not None]
            if computed:
                story += [
                    Spacer(1, 4 * mm),
                    self.p(self.t("percentile_chart"), self.s.h3),
                    self.percentile_chart(computed),
                ]
        return story

    def percentile_chart(self, rows: Sequence[Any], width: float = 174 * mm) -> Drawing:
        """One bar per framework and peer group: the share of peers this enterprise scores above. Each
        name, the framework over its peer group, is wrapped to the left margin, never cut; the rows grow
        with the longest name."""
        margin, size = 62 * mm, 7
        names = [
            "\n".join(
                wrap_name(f"{b.framework}\n{b.scope}", font=self.font, size=size, width=margin - 4 * mm)
            )
            for b in rows
        ]
        lines = max(name.count("\n") + 1 for name in names)
        row_height = max(7 * mm, lines * size * LEADING + 3 * mm)
        return horizontal_bars(
            [b.percentile for b in rows],
            names,
            font=self.font,
            width=width,
            height=10 * mm + row_height * len(rows),
            margins=(margin, 6 * mm, 10 * mm, 4 * mm),
            colour=SECONDARY,
            step=25,
            grid=GRID,
            percent_labels=True,
        )

    def appendix(self) -> list[Any]:
        d = self.data
        story: list[Any] = [PageBreak(), self.p(self.t("appendix_answers"), self.s.h1)]
        section = None
        rows: list[list[Any]] = []

        def flush() -> None:
            if rows:
                story.append(
                    self.table(
                        [self.t("number"), self.t("question"), self.t("answer")],
                        list(rows),
                        [14 * mm, 104 * mm, 56 * mm],
                    )
                )
                rows.clear()

        number = 0
        for answer in d.answers:
            if answer.section != section:
                flush()
                section = answer.section
                number = 0
                story.append(self.p(section, self.s.h3))
            number += 1
            rows.append([str(number), answer.question, answer.answer])
        flush()
        story += self.indicator_annex()
        if d.economics is not None:
            from reports.pdf_economics import economics_annex_story

            story += [Spacer(1, 4 * mm), self.p(self.t("appendix_economics"), self.s.h1)]
            story += economics_annex_story(self, d.economics)
        story += [Spacer(1, 4 * mm), self.p(self.t("appendix_evidence"), self.s.h1)]
        if d.evidence:
            story.append(
                self.table(
                    [self.t("file"), self.t("question"), self.t("file_size"), self.t("uploaded")],
                    [[e.name, e.question, e.size, e.uploaded] for e in d.evidence],
                    [66 * mm, 50 * mm, 24 * mm, 34 * mm],
                    align_right=[2],
                )
            )
        else:
            story.append(self.p(self.t("no_evidence")))
        story += [Spacer(1, 4 * mm), self.p(self.t("glossary"), self.s.h1)]
        if d.glossary:
            story.append(
                self.table(
                    [self.t("term"), self.t("meaning")], [list(g) for g in d.glossary], [44 * mm, 130 * mm]
                )
            )
        story += [Spacer(1, 3 * mm), self.p(self.t("provisional"), self.s.small)]
        if d.source_note:
            story.append(self.p(d.source_note, self.s.small))
        return story

    def indicator_annex(self) -> list[Any]:
        """Every indicator of every framework: answer, points and, for clean production, its level."""
        story: list[Any] = [Spacer(1, 4 * mm), self.p(self.t("appendix_indicators"), self.s.h1)]
        for section in self.data.frameworks:
            story.append(self.p(section.title, self.s.h3))
            with_level = any(i.cp_level for i in section.indicators)
            rows = []
            for i in section.indicators:
                row = [i.title, i.answer, _points(i)]
                rows.append([*row, i.cp_level or "—"] if with_level else row)
            if with_level:
                header = [self.t("indicator"), self.t("answer"), self.t("earned"), self.t("level")]
                widths = [70 * mm, 66 * mm, 22 * mm, 16 * mm]
            else:
                header = [self.t("indicator"), self.t("answer"), self.t("earned")]
                widths = [80 * mm, 72 * mm, 22 * mm]
            story.append(self.table(header, rows, widths, align_right=[2]))
        return story

    def references(self) -> list[Any]:
        """参考文献: exactly the documents this report cites (ReportData.references)."""
        d = self.data
        story: list[Any] = [CondPageBreak(60 * mm), self.p(self.t("references"), self.s.h1)]
        story.append(self.p(self.t("references_intro"), self.s.small))
        story.append(Spacer(1, 2 * mm))
        for number, entry in enumerate(d.references, start=1):
            story.append(self.p(f"[{number}] {entry}", self.s.small))
        story += [Spacer(1, 3 * mm), self.p(self.t("provisional"), self.s.small)]
        return story

    def story(self) -> list[Any]:
        story = self.cover() + self.summary() + [PageBreak(), self.p(self.t("results"), self.s.h1)]
        for number, section in enumerate(self.data.frameworks, start=1):
            story += self.framework(section, number)
        from reports.pdf_followup import follow_through_story

        story += self.energy() + self.plan() + follow_through_story(self, self.data.follow_through)
        story += self.benchmark() + self.references()
        return story + (self.appendix() if self.data.annex else [])


def _numbered_canvas(
    name: str, year: int, generated: str, font: str, labels: dict[str, str]
) -> type[pdfcanvas.Canvas]:
    """A canvas that knows the page count when it saves, for "page x of y" footers."""

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab API name
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                if self._pageNumber > 1:
                    self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            self.saveState()
            self.setStrokeColor(SECONDARY)
            self.setLineWidth(0.8)
            self.line(MARGIN, PAGE_H - 13 * mm, PAGE_W - MARGIN, PAGE_H - 13 * mm)
            self.setFont(font, 8)
            self.setFillColor(PRIMARY)
            self.drawString(MARGIN, PAGE_H - 11 * mm, labels["brand"] + " · " + labels["report"])
            self.setFillColor(MUTED)
            short = name if len(name) <= 40 else name[:39] + "…"
            self.drawRightString(PAGE_W - MARGIN, PAGE_H - 11 * mm, f"{short} · {year}")
            self.setStrokeColor(GRID)
            self.line(MARGIN, 13 * mm, PAGE_W - MARGIN, 13 * mm)
            self.drawString(MARGIN, 9 * mm, generated)
            self.drawRightString(
                PAGE_W - MARGIN, 9 * mm, labels["page"].format(page=self._pageNumber, total=total)
            )
            self.restoreState()

    return NumberedCanvas


def _cover_background(canvas: pdfcanvas.Canvas, doc: Any) -> None:
    canvas.saveState()
    canvas.setFillColor(PRIMARY)
    canvas.rect(0, PAGE_H - 24 * mm, PAGE_W, 24 * mm, stroke=0, fill=1)
    canvas.setFillColor(ACCENT)
    canvas.rect(0, PAGE_H - 27 * mm, PAGE_W, 3 * mm, stroke=0, fill=1)
    canvas.setFillColor(LIGHT)
    canvas.rect(0, 0, PAGE_W, 30 * mm, stroke=0, fill=1)
    canvas.restoreState()


def render_document(renderer: PdfRenderer, *, name: str, year: int, generated: str) -> bytes:
    """A report as PDF bytes: its story on a cover page and body pages with the running header ("<name> ·
    <year>") and the "page x of y" footer."""
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=f"{name} {year} – {renderer.t('report')}",
        author=renderer.t("brand"),
        subject=renderer.t("report"),
        creator=renderer.t("brand"),
        lang="en" if renderer.en else "zh-CN",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="main")
    doc.addPageTemplates(
        [
            PageTemplate(id="cover", frames=[frame], onPage=_cover_background),
            PageTemplate(id="body", frames=[frame]),
        ]
    )
    labels = {key: renderer.t(key) for key in ("brand", "report", "page")}
    doc.build(renderer.story(), canvasmaker=_numbered_canvas(name, year, generated, renderer.font, labels))
    return buffer.getvalue()


def render_pdf(data: ReportData) -> bytes:
    """The report as PDF bytes. Makes no database query."""
    return render_document(
        _Renderer(data), name=data.enterprise.name, year=data.year, generated=data.generated
    )
