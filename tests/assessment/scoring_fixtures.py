"""Small hand-written definitions for the scoring tests, one per method (docs/definitions.md shape).

Numbers here are test inputs, not standards: each test states the hand computation it expects.
"""

from __future__ import annotations

from typing import Any


def t(zh: str, en: str | None = None) -> dict[str, str]:
    return {"zh": zh, "en": en or zh}


def q(code: str, type_: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "type": type_, "text": t(code), "required": True, **extra}


def opt(code: str, points: float, **extra: Any) -> dict[str, Any]:
    return {"code": code, "text": t(f"选项{code}", f"option {code}"), "points": points, **extra}


def green_factory_2025() -> dict[str, Any]:
    """Dimensions 30/30/40. Energy: intensity (lower, 8), platform (higher, 6), renewable (higher, 8),
    energy system (yes/no, 8). Resource: water reuse (computed, linear 10), savings (options 10),
    boiler efficiency (10, only with a boiler). Clean: equipment count (bands 20), measures (multiple 20)."""
    return {
        "schema": 1,
        "kind": "framework",
        "framework": "gf_test",
        "version": "2025",
        "method": "green_factory_2025",
        "status": "current",
        "title": t("绿色工厂测试", "Green factory test"),
        "settings": {
            "rating_tiers": {
                "source": "Hebei [B]",
                "provisional": True,
                "tiers": [
                    {"code": "3star", "min": 60, "label": t("三星级", "Three stars")},
                    {"code": "4star", "min": 75, "label": t("四星级", "Four stars")},
                    {"code": "5star", "min": 90, "label": t("五星级", "Five stars")},
                ],
            },
            "green_code": {"A+": 5, "A": 35, "B": 60},
        },
        "prerequisites": [
            {"code": "gft.pre.lawful", "question": "gft.q.lawful", "title": t("依法设立", "Lawful")}
        ],
        "dimensions": [
            {
                "code": "gft.energy",
                "title": t("能源低碳化", "Low-carbon energy"),
                "weight": 30,
                "indicators": [
                    {
                        "code": "gft.energy.intensity",
                        "title": t("单位产值综合能耗", "energy intensity"),
                        "weight": 8,
                        "rule": {
                            "type": "linear",
                            "question": "gft.q.intensity",
                            "direction": "lower",
                            "benchmark": 3.9,
                            "leading": 2.2,
                            "by_industry": {"C26": {"benchmark": 5.0, "leading": 3.0, "source": "test"}},
                        },
                    },
                    {
                        "code": "gft.energy.platform",
                        "title": t("能碳平台功能", "platform functions"),
                        "weight": 6,
                        "rule": {
                            "type": "linear",
                            "question": "gft.q.platform",
                            "direction": "higher",
                            "benchmark": 0,
                            "leading": 8,
                        },
                    },
                    {
                        "code": "gft.energy.renewable",
                        "title": t("可再生能源利用率", "renewable share"),
                        "weight": 8,
                        "rule": {
                            "type": "linear",
                            "question": "gft.q.renewable",
                            "direction": "higher",
                            "benchmark": 0,
                            "leading": 20,
                        },
                    },
                    {
                        "code": "gft.energy.system",
                        "title": t("能源管理体系", "energy management system"),
                        "weight": 8,
                        "rule": {"type": "yesno", "question": "gft.q.enms"},
                    },
                ],
            },
            {
                "code": "gft.resource",
                "title": t("资源高效化", "Resource efficiency"),
                "weight": 30,
                "indicators": [
                    {
                        "code": "gft.resource.reuse",
                        "title": t("工业用水重复利用率", "water reuse rate"),
                        "weight": 10,
                        "rule": {
                            "type": "linear",
                            "question": "gft.q.reuse_rate",
                            "direction": "higher",
                            "benchmark": 60,
                            "leading": 90,
                        },
                    },
                    {
                        "code": "gft.resource.saving",
                        "title": t("节约原材料", "material saving"),
                        "weight": 10,
                        "rule": {"type": "options", "question": "gft.q.saving"},
                    },
                    {
                        "code": "gft.resource.boiler",
                        "title": t("锅炉热效率", "boiler efficiency"),
                        "weight": 10,
                        "applies": {"when": {"question": "gft.q.has_boiler", "equals": True}},
                        "rule": {
                            "type": "linear",
                            "question": "gft.q.boiler_eff",
                            "direction": "higher",
                            "benchmark": 70,
                            "leading": 90,
                        },
                    },
                ],
            },
            {
                "code": "gft.clean",
                "title": t("生产洁净化", "Clean production"),
                "weight": 40,
                "indicators": [
                    {
                        "code": "gft.clean.equipment",
                        "title": t("先进工艺设备", "advanced equipment"),
                        "weight": 20,
                        "rule": {
                            "type": "bands",
                            "question": "gft.q.equipment",
                            "bands": [
                                {"le": 0, "points": 0},
                                {"gt": 0, "le": 2, "points": 10},
                                {"gt": 2, "points": 20},
                            ],
                        },
                    },
                    {
                        "code": "gft.clean.measures",
                        "title": t("减排措施", "abatement measures"),
                        "weight": 20,
                        "rule": {"type": "options", "question": "gft.q.measures"},
                    },
                ],
            },
        ],
        "questions": [
            q("gft.q.lawful", "yesno"),
            q("gft.q.intensity", "number", min=0, unit=t("tce/万元")),
            q("gft.q.platform", "number", min=0, max=12, unit=t("项", "functions")),
            q("gft.q.renewable", "percentage", unit=t("%")),
            q("gft.q.enms", "yesno"),
            q("gft.q.reused_m3", "number", min=0),
            q("gft.q.intake_m3", "number", min=0),
            q(
                "gft.q.reuse_rate",
                "computed",
                unit=t("%"),
                formula="{gft.q.reused_m3} / ({gft.q.reused_m3} + {gft.q.intake_m3}) * 100",
            ),
            q("gft.q.saving", "single", options=[opt("none", 0), opt("one", 5), opt("several", 10)]),
            q("gft.q.has_boiler", "yesno"),
            q("gft.q.boiler_eff", "percentage", condition={"question": "gft.q.has_boiler", "equals": True}),
            q("gft.q.equipment", "number", min=0, decimals=0),
            q(
                "gft.q.measures",
                "multiple",
                options=[opt("a", 8), opt("b", 8), opt("c", 8), opt("none", 0, exclusive=True)],
            ),
        ],
    }


def gf25_full_answers() -> dict[str, Any]:
    """Every indicator at full points: total 100."""
    return {
        "gft.q.lawful": True,
        "gft.q.intensity": 2.0,
        "gft.q.platform": 8,
        "gft.q.renewable": 25,
        "gft.q.enms": True,
        "gft.q.reused_m3": 95,
        "gft.q.intake_m3": 5,
        "gft.q.saving": "several",
        "gft.q.has_boiler": True,
        "gft.q.boiler_eff": 92,
        "gft.q.equipment": 3,
        "gft.q.measures": ["a", "b", "c"],
    }


def green_factory_2018() -> dict[str, Any]:
    """Categories 基础设施 20 % and 管理体系 80 %. Infrastructure: building requirements (8 mandatory + 6 + 3 + 3
    optional = 20 points) and metering (yes/no, 10 points) → 30 points scaled to 20. Management: quality
    system requirements (5 mandatory + 5 optional) and environment system (yes/no 10) → 20 points scaled to 80."""
    return {
        "schema": 1,
        "kind": "framework",
        "framework": "gf18_test",
        "version": "2018",
        "method": "green_factory_2018",
        "status": "legacy",
        "title": t("绿色工厂2018测试", "Green factory 2018 test"),
        "settings": {"pass_score": 60},
        "prerequisites": [
            {"code": "g18.pre.lawful", "question": "g18.q.lawful", "title": t("依法设立", "Lawful")}
        ],
        "dimensions": [
            {
                "code": "g18.infra",
                "title": t("基础设施", "Infrastructure"),
                "weight": 20,
                "indicators": [
                    {
                        "code": "g18.infra.building",
                        "title": t("建筑", "Building"),
                        "weight": 20,
                        "rule": {
                            "type": "requirements",
                            "items": [
                                {"question": "g18.q.b_law", "kind": "mandatory", "points": 8},
                                {"question": "g18.q.b_new", "kind": "optional", "points": 6},
                                {"question": "g18.q.b_decor", "kind": "optional", "points": 3},
                                {"question": "g18.q.b_sep", "kind": "optional", "points": 3},
                            ],
                        },
                    },
                    {
                        "code": "g18.infra.metering",
                        "title": t("计量设备", "Metering"),
                        "weight": 10,
                        "rule": {"type": "yesno", "question": "g18.q.metering"},
                    },
                ],
            },
            {
                "code": "g18.mgmt",
                "title": t("管理体系", "Management systems"),
                "weight": 80,
                "indicators": [
                    {
                        "code": "g18.mgmt.quality",
                        "title": t("质量管理体系", "Quality"),
                        "weight": 10,
                        "rule": {
                            "type": "requirements",
                            "items": [
                                {"question": "g18.q.qms", "kind": "mandatory", "points": 5},
                                {"question": "g18.q.qms_cert", "kind": "optional", "points": 5},
                            ],
                        },
                    },
                    {
                        "code": "g18.mgmt.env",
                        "title": t("环境管理体系", "Environment"),
                        "weight": 10,
                        "rule": {"type": "yesno", "question": "g18.q.ems"},
                    },
                ],
            },
        ],
        "questions": [
            q(code, "yesno")
            for code in (
                "g18.q.lawful",
                "g18.q.b_law",
                "g18.q.b_new",
                "g18.q.b_decor",
                "g18.q.b_sep",
                "g18.q.metering",
                "g18.q.qms",
                "g18.q.qms_cert",
                "g18.q.ems",
            )
        ],
    }


def gf18_all_yes() -> dict[str, Any]:
    return {question["code"]: True for question in green_factory_2018()["questions"]}


def clean_production() -> dict[str, Any]:
    """docs/provenance.md §3 worked example: w = (A 0.3, B 0.7); A: ω 0.5 / 0.5; B: ω 0.6 / 0.4.
    a1: energy per unit, lower, thresholds Ⅰ 1.0 / Ⅱ 1.5 / Ⅲ 2.0, per product. a2: qualitative options.
    b1: water reuse, higher, Ⅰ 90 / Ⅱ 80 / Ⅲ 70, limiting. b2: qualitative options."""
    levels = [
        opt("lead", 0, cp_level="I"),
        opt("adv", 0, cp_level="II"),
        opt("basic", 0, cp_level="III"),
        opt("no", 0, cp_level="none"),
    ]
    return {
        "schema": 1,
        "kind": "framework",
        "framework": "cp_test",
        "version": "2025",
        "method": "clean_production",
        "status": "current",
        "title": t("清洁生产测试", "Clean production test"),
        "applies_to": {"fallback": True},
        "settings": {
            "level_rule": {
                "I": {"min_y": 85},
                "II": {"min_y": 85},
                "III": {"min_y": 100},
                "source": "docs/provenance.md §3 [C]",
                "provisional": True,
            },
            "products_question": "cpt.q.products",
        },
        "dimensions": [
            {
                "code": "cpt.a",
                "title": t("资源能源消耗", "Resource and energy use"),
                "weight": 0.3,
                "indicators": [
                    {
                        "code": "cpt.a.energy",
                        "title": t("单位产品综合能耗", "energy per unit"),
                        "weight": 0.5,
                        "rule": {
                            "type": "levels",
                            "question": "cpt.q.energy",
                            "direction": "lower",
                            "thresholds": {"I": 1.0, "II": 1.5, "III": 2.0},
                        },
                    },
                    {
                        "code": "cpt.a.process",
                        "title": t("生产工艺", "process"),
                        "weight": 0.5,
                        "rule": {"type": "levels", "question": "cpt.q.process"},
                    },
                ],
            },
            {
                "code": "cpt.b",
                "title": t("资源综合利用", "Resource use"),
                "weight": 0.7,
                "indicators": [
                    {
                        "code": "cpt.b.reuse",
                        "title": t("水重复利用率", "water reuse"),
                        "weight": 0.6,
                        "limiting": True,
                        "rule": {
                            "type": "levels",
                            "question": "cpt.q.reuse",
                            "direction": "higher",
                            "thresholds": {"I": 90, "II": 80, "III": 70},
                        },
                    },
                    {
                        "code": "cpt.b.mgmt",
                        "title": t("清洁生产管理", "management"),
                        "weight": 0.4,
                        "rule": {"type": "levels", "question": "cpt.q.mgmt"},
                    },
                ],
            },
        ],
        "questions": [
            q("cpt.q.products", "products", required=False),
            q("cpt.q.energy", "number", min=0, per_product=True, unit=t("kgce/t")),
            q("cpt.q.process", "single", options=levels),
            q("cpt.q.reuse", "percentage", unit=t("%")),
            q("cpt.q.mgmt", "single", options=[dict(o, code=f"m{o['code']}") for o in levels]),
        ],
    }


def cp_worked_example_answers() -> dict[str, Any]:
    """A: Ⅰ, Ⅱ; B: Ⅰ, Ⅲ → Y_Ⅰ 57, Y_Ⅱ 72, Y_Ⅲ 100 → Ⅲ."""
    return {"cpt.q.energy": 0.9, "cpt.q.process": "adv", "cpt.q.reuse": 95, "cpt.q.mgmt": "mbasic"}


SCENARIOS = [f"dgt.s{index:02d}" for index in range(1, 17)]


def sme_digital() -> dict[str, Any]:
    """Dimensions 50/30/20. Base: network (multiple 4 × 2, cap 8), digitalisation rate (computed, bands 6),
    systems (single 0–10), security (multiple 4 × 1.25), cloud (yes/no 21). Management: planning (single
    0–7.5), talent (level points 0/7.5/15/22.5). Effect: energy (single 0/3.5/7), quality (single 0/6.5/13).
    16 scenarios, the first 10 constrained; levels per docs/provenance.md §4."""
    return {
        "schema": 1,
        "kind": "framework",
        "framework": "dig_test",
        "version": "2024",
        "method": "sme_digital_2024",
        "status": "current",
        "title": t("数字化测试", "Digital test"),
        "settings": {
            "scenarios": SCENARIOS,
            "levels": [
                {
                    "code": "L4",
                    "label": t("四级", "Level 4"),
                    "min_score": 80,
                    "min_scenarios": 10,
                    "scenario_level": 4,
                    "min_constrained": 6,
                    "provisional": True,
                },
                {
                    "code": "L3",
                    "label": t("三级", "Level 3"),
                    "min_score": 60,
                    "min_scenarios": 8,
                    "scenario_level": 3,
                    "min_constrained": 5,
                    "provisional": True,
                },
                {
                    "code": "L2",
                    "label": t("二级", "Level 2"),
                    "min_score": 40,
                    "min_scenarios": 6,
                    "scenario_level": 2,
                    "min_constrained": 3,
                    "provisional": True,
                },
                {
                    "code": "L1",
                    "label": t("一级", "Level 1"),
                    "min_score": 20,
                    "min_scenarios": 6,
                    "scenario_level": 1,
                    "min_constrained": 3,
                    "provisional": True,
                },
            ],
        },
        "dimensions": [
            {
                "code": "dgt.base",
                "title": t("数字化基础", "Foundation"),
                "weight": 50,
                "indicators": [
                    {
                        "code": "dgt.base.network",
                        "title": t("网络建设", "network"),
                        "weight": 8,
                        "rule": {"type": "options", "question": "dgt.q.network"},
                    },
                    {
                        "code": "dgt.base.digital",
                        "title": t("设备数字化率", "digitalisation rate"),
                        "weight": 6,
                        "rule": {
                            "type": "bands",
                            "question": "dgt.q.digital_rate",
                            "bands": [
                                {"ge": 0, "le": 10, "points": 0},
                                {"gt": 10, "le": 20, "points": 1.5},
                                {"gt": 20, "le": 40, "points": 3},
                                {"gt": 40, "le": 60, "points": 4.5},
                                {"gt": 60, "le": 100, "points": 6},
                            ],
                        },
                    },
                    {
                        "code": "dgt.base.systems",
                        "title": t("信息系统", "systems"),
                        "weight": 10,
                        "rule": {"type": "options", "question": "dgt.q.systems"},
                    },
                    {
                        "code": "dgt.base.security",
                        "title": t("网络安全", "security"),
                        "weight": 5,
                        "rule": {"type": "options", "question": "dgt.q.security"},
                    },
                    {
                        "code": "dgt.base.cloud",
                        "title": t("上云", "cloud"),
                        "weight": 21,
                        "rule": {"type": "yesno", "question": "dgt.q.cloud"},
                    },
                ],
            },
            {
                "code": "dgt.mgmt",
                "title": t("数字化管理", "Management"),
                "weight": 30,
                "indicators": [
                    {
                        "code": "dgt.mgmt.plan",
                        "title": t("规划实施", "planning"),
                        "weight": 7.5,
                        "rule": {"type": "options", "question": "dgt.q.plan"},
                    },
                    {
                        "code": "dgt.mgmt.talent",
                        "title": t("人才建设", "talent"),
                        "weight": 22.5,
                        "rule": {
                            "type": "level_points",
                            "question": "dgt.q.talent",
                            "points": {1: 0, 2: 7.5, 3: 15, 4: 22.5},
                        },
                    },
                ],
            },
            {
                "code": "dgt.effect",
                "title": t("数字化成效", "Effects"),
                "weight": 20,
                "indicators": [
                    {
                        "code": "dgt.effect.energy",
                        "title": t("绿色低碳", "energy"),
                        "weight": 7,
                        "rule": {"type": "options", "question": "dgt.q.energy"},
                    },
                    {
                        "code": "dgt.effect.quality",
                        "title": t("产品质量", "quality"),
                        "weight": 13,
                        "rule": {"type": "options", "question": "dgt.q.quality"},
                    },
                ],
            },
        ],
        "questions": [
            q(
                "dgt.q.network",
                "multiple",
                options=[opt("a", 2), opt("b", 2), opt("c", 2), opt("d", 2), opt("none", 0, exclusive=True)],
            ),
            q("dgt.q.devices", "number", min=0),
            q("dgt.q.digital_devices", "number", min=0),
            q(
                "dgt.q.digital_rate",
                "computed",
                unit=t("%"),
                formula="{dgt.q.digital_devices} / {dgt.q.devices} * 100",
            ),
            q(
                "dgt.q.systems",
                "single",
                options=[
                    opt("none", 0),
                    opt("one", 2.5),
                    opt("several", 5),
                    opt("most", 7.5),
                    opt("all", 10),
                ],
            ),
            q(
                "dgt.q.security",
                "multiple",
                options=[
                    opt("a", 1.25),
                    opt("b", 1.25),
                    opt("c", 1.25),
                    opt("d", 1.25),
                    opt("none", 0, exclusive=True),
                ],
            ),
            q("dgt.q.cloud", "yesno"),
            q(
                "dgt.q.plan",
                "single",
                options=[
                    opt("p0", 0),
                    opt("p1", 1.5),
                    opt("p2", 3),
                    opt("p3", 4.5),
                    opt("p4", 6),
                    opt("p5", 7.5),
                ],
            ),
            q("dgt.q.talent", "level", levels=[{"level": n, "text": t(f"{n}级")} for n in range(1, 5)]),
            q("dgt.q.energy", "single", options=[opt("up", 0), opt("flat", 3.5), opt("down", 7)]),
            q("dgt.q.quality", "single", options=[opt("down", 0), opt("flat", 6.5), opt("up", 13)]),
            *[
                q(
                    code,
                    "level",
                    constrained=index < 10,
                    levels=[{"level": n, "text": t(f"{n}级")} for n in range(1, 5)],
                )
                for index, code in enumerate(SCENARIOS)
            ],
        ],
    }


def sme_answers(score_parts: str = "full", scenario_levels: list[int] | None = None) -> dict[str, Any]:
    """Full points (100) with every scenario at level 4, unless told otherwise."""
    answers: dict[str, Any] = {
        "dgt.q.network": ["a", "b", "c", "d"],
        "dgt.q.devices": 10,
        "dgt.q.digital_devices": 7,
        "dgt.q.systems": "all",
        "dgt.q.security": ["a", "b", "c", "d"],
        "dgt.q.cloud": True,
        "dgt.q.plan": "p5",
        "dgt.q.talent": 4,
        "dgt.q.energy": "down",
        "dgt.q.quality": "up",
    }
    for code, level in zip(SCENARIOS, scenario_levels or [4] * 16, strict=True):
        answers[code] = level
    return answers
