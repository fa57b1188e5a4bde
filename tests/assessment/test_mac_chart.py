"""The abatement cost curve's layout (page SVG and PDF drawing share it): one extreme action is cut at
the axis end with a break mark and its figure, so the other bars keep a readable height."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader
from reportlab.graphics import renderPDF

from assessment.economics.engine import MacPoint
from assessment.economics.present import cost_axis_bound, mac_geometry
from reports.fonts import report_font
from reports.pdf_economics import _legend, mac_drawing


def plan_of(*points: tuple[str, float, float]):
    mac, start = [], 0.0
    for code, co2, cost in points:
        mac.append(MacPoint(code, co2, cost, start, start + co2))
        start += co2
    return SimpleNamespace(mac=tuple(mac))


ORDINARY = [("a", 120.0, -350.0), ("b", 80.0, 120.0), ("c", 60.0, 480.0)]
EXTREME = plan_of(*ORDINARY, ("d", 2.0, 250_000.0))


@pytest.mark.parametrize(
    ("costs", "cut"),
    [
        ([-350, 120, 480], False),
        ([-350, 120, 480, 250_000], True),
        ([-90_000, 10, 20, 40], True),  # a saving far beyond the others is cut too
        ([100, 200, 90_000, 95_000], False),  # half the bars that large are the scale, not outliers
        ([0, 5_000], False),  # nothing to compare with
        ([700], False),
    ],
)
def test_it_cuts_only_outliers(costs, cut):
    assert (cost_axis_bound(costs) != float("inf")) is cut


def test_one_extreme_action_no_longer_flattens_the_others():
    geometry = mac_geometry(EXTREME, lang="zh-hans")
    bars = {bar["code"]: bar for bar in geometry["bars"]}
    plot_height = geometry["bottom"] - geometry["top"]
    assert bars["c"]["h"] > plot_height / 4  # 480 元/t: over a third of the plot (under 1 px uncut)
    assert bars["d"]["clipped"] and not any(bars[code]["clipped"] for code in "abc")
    assert bars["d"]["y"] == geometry["top"]  # cut at the axis end
    assert bars["d"]["value"] == "4: 250,000" and bars["d"]["break_points"] and not bars["d"]["labelled"]
    assert max(float(t["label"].replace(",", "")) for t in geometry["ticks_y"]) < 1000
    assert "截断" in geometry["clip_note"]
    english = mac_geometry(EXTREME, lang="en")
    assert "cut" in english["clip_note"] and "cut" in _legend(english, english=True)


def test_ordinary_figures_are_drawn_to_scale_without_a_note():
    geometry = mac_geometry(plan_of(*ORDINARY), lang="zh-hans")
    assert not any(bar["clipped"] for bar in geometry["bars"]) and geometry["clip_note"] == ""


def test_numbers_of_bars_too_narrow_to_label_are_left_to_the_legend():
    many = plan_of(*((f"n{i}", 1.0, 100.0 + i) for i in range(60)))  # bars under 10 px wide
    labelled = [bar["labelled"] for bar in mac_geometry(many, lang="zh-hans")["bars"]]
    assert labelled[0] and not all(labelled)
    assert len(_legend(mac_geometry(many, lang="zh-hans"), english=False).split("；")) == 60


def test_numbers_above_and_below_the_zero_line_do_not_crowd_each_other():
    alternating = plan_of(*((f"a{i}", 1.0, 100.0 if i % 2 else -100.0) for i in range(120)))  # 5 px bars
    bars = mac_geometry(alternating, lang="zh-hans")["bars"]
    # Neighbours on opposite sides share no space; on one side, every other bar is still too close.
    assert [bar["labelled"] for bar in bars[:2]] == [True, True]
    assert not all(bar["labelled"] for bar in bars[:6])


def test_the_page_and_the_pdf_show_the_cut_bar_and_its_figure():
    geometry = mac_geometry(EXTREME, lang="zh-hans")
    svg = render_to_string("assessment/_mac_chart.html", {"g": geometry, "prefix": ""})
    assert "<polygon" in svg and "data-clipped-value>4: 250,000<" in svg and "data-clip-note" in svg
    pdf = renderPDF.drawToString(mac_drawing(geometry, report_font().name))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "4: 250,000" in text


WIDE = plan_of(*ORDINARY, ("e", 50_000.0, 900.0))


def test_one_action_avoiding_far_more_co2_no_longer_thins_the_others():
    geometry = mac_geometry(WIDE, lang="zh-hans")
    bars = {bar["code"]: bar for bar in geometry["bars"]}
    plot_width = geometry["right"] - geometry["left"]
    assert all(bars[code]["w"] > plot_width / 12 for code in "abc")  # 60 t of 50,260: under 1 px to scale
    assert bars["e"]["narrowed"] and not any(bars[code]["narrowed"] for code in "abc")
    assert bars["e"]["w"] < plot_width / 2 and bars["e"]["width_value"] == "4: 50,000 吨"
    assert bars["e"]["width_break_points"] and not bars["e"]["clipped"]
    ticks = [(tick["x"], float(tick["label"].replace(",", ""))) for tick in geometry["ticks_x"]]
    assert ticks[-1] == (geometry["right"], 50_260)  # the broken axis ends on the real total
    assert all(x1 < x2 and v1 < v2 for (x1, v1), (x2, v2) in zip(ticks, ticks[1:], strict=False))
    assert "未按比例" in geometry["clip_note"]
    assert "narrowed" in mac_geometry(WIDE, lang="en")["clip_note"]


def test_ordinary_widths_are_drawn_to_scale():
    geometry = mac_geometry(plan_of(*ORDINARY), lang="zh-hans")
    assert not any(bar["narrowed"] for bar in geometry["bars"])
    widths = [bar["w"] for bar in geometry["bars"]]
    assert widths[0] / widths[2] == pytest.approx(120 / 60, rel=0.01)


def test_the_page_and_the_pdf_show_the_narrowed_bar_and_its_figure():
    geometry = mac_geometry(WIDE, lang="en")
    svg = render_to_string("assessment/_mac_chart.html", {"g": geometry, "prefix": ""})
    assert "data-narrowed-value>4: 50,000 t<" in svg and "data-clip-note" in svg
    pdf = renderPDF.drawToString(mac_drawing(geometry, report_font().name))
    assert "4: 50,000 t" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
