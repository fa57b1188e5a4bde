"""Reference data for enterprise profiles: Heilongjiang's cities, manufacturing divisions, size classes.

Pure module (no database). Sources: docs/provenance.md §6.2–6.4 and docs/provenance.md §6.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from questionnaires.text import is_english, text_language

PROVINCE_CODE = "230000"
PROVINCE_NAME = {"zh": "黑龙江省", "en": "Heilongjiang Province"}


@dataclass(frozen=True)
class Named:
    code: str
    zh: str
    en: str

    def name(self, language: str | None = None) -> str:
        """The name in the given language code (default: the active language)."""
        return self.en if is_english(language) else self.zh


# GB/T 2260 codes of Heilongjiang's 13 prefecture-level divisions. The same list appears in >= 5
# independent code files ([C×5], docs/provenance.md §6.3); the MCA list itself was not read, hence provisional.
CITIES_SOURCE = {"standard": "GB/T 2260 (MCA 行政区划代码)", "tag": "C×5", "provisional": True}
CITIES: tuple[Named, ...] = (
    Named("230100", "哈尔滨市", "Harbin"),
    Named("230200", "齐齐哈尔市", "Qiqihar"),
    Named("230300", "鸡西市", "Jixi"),
    Named("230400", "鹤岗市", "Hegang"),
    Named("230500", "双鸭山市", "Shuangyashan"),
    Named("230600", "大庆市", "Daqing"),
    Named("230700", "伊春市", "Yichun"),
    Named("230800", "佳木斯市", "Jiamusi"),
    Named("230900", "七台河市", "Qitaihe"),
    Named("231000", "牡丹江市", "Mudanjiang"),
    Named("231100", "黑河市", "Heihe"),
    Named("231200", "绥化市", "Suihua"),
    Named("232700", "大兴安岭地区", "Da Hinggan Ling Prefecture"),
)

# GB/T 4754-2017 (with amendment No. 1 of 2019), section C (manufacturing), divisions 13-43.
# Chinese names: [C×3], docs/provenance.md §6.4. English names follow the NBS English edition's wording
# as recalled ([U]); they label the UI only and carry no figure.
INDUSTRIES_SOURCE = {"standard": "GB/T 4754-2017 (2019 amendment)", "tag": "C×3", "provisional": True}
INDUSTRY_DIVISIONS: tuple[Named, ...] = (
    Named("C13", "农副食品加工业", "Processing of food from agricultural products"),
    Named("C14", "食品制造业", "Manufacture of foods"),
    Named("C15", "酒、饮料和精制茶制造业", "Manufacture of liquor, beverages and refined tea"),
    Named("C16", "烟草制品业", "Manufacture of tobacco"),
    Named("C17", "纺织业", "Manufacture of textiles"),
    Named("C18", "纺织服装、服饰业", "Manufacture of textile wearing apparel and clothing"),
    Named(
        "C19",
        "皮革、毛皮、羽毛及其制品和制鞋业",
        "Manufacture of leather, fur, feather and related products, and footwear",
    ),
    Named(
        "C20",
        "木材加工和木、竹、藤、棕、草制品业",
        "Processing of timber; wood, bamboo, rattan, palm and straw products",
    ),
    Named("C21", "家具制造业", "Manufacture of furniture"),
    Named("C22", "造纸和纸制品业", "Manufacture of paper and paper products"),
    Named("C23", "印刷和记录媒介复制业", "Printing and reproduction of recording media"),
    Named(
        "C24",
        "文教、工美、体育和娱乐用品制造业",
        "Manufacture of articles for culture, education, arts and crafts, sport and entertainment",
    ),
    Named("C25", "石油、煤炭及其他燃料加工业", "Processing of petroleum, coal and other fuels"),
    Named("C26", "化学原料和化学制品制造业", "Manufacture of raw chemical materials and chemical products"),
    Named("C27", "医药制造业", "Manufacture of medicines"),
    Named("C28", "化学纤维制造业", "Manufacture of chemical fibres"),
    Named("C29", "橡胶和塑料制品业", "Manufacture of rubber and plastic products"),
    Named("C30", "非金属矿物制品业", "Manufacture of non-metallic mineral products"),
    Named("C31", "黑色金属冶炼和压延加工业", "Smelting and pressing of ferrous metals"),
    Named("C32", "有色金属冶炼和压延加工业", "Smelting and pressing of non-ferrous metals"),
    Named("C33", "金属制品业", "Manufacture of metal products"),
    Named("C34", "通用设备制造业", "Manufacture of general-purpose machinery"),
    Named("C35", "专用设备制造业", "Manufacture of special-purpose machinery"),
    Named("C36", "汽车制造业", "Manufacture of automobiles"),
    Named(
        "C37",
        "铁路、船舶、航空航天和其他运输设备制造业",
        "Manufacture of railway, ship, aerospace and other transport equipment",
    ),
    Named("C38", "电气机械和器材制造业", "Manufacture of electrical machinery and equipment"),
    Named(
        "C39",
        "计算机、通信和其他电子设备制造业",
        "Manufacture of computers, communication and other electronic equipment",
    ),
    Named("C40", "仪器仪表制造业", "Manufacture of measuring instruments"),
    Named("C41", "其他制造业", "Other manufacturing"),
    Named("C42", "废弃资源综合利用业", "Comprehensive utilisation of waste resources"),
    Named("C43", "金属制品、机械和设备修理业", "Repair of metal products, machinery and equipment"),
)

_CITY_BY_CODE = {city.code: city for city in CITIES}
_INDUSTRY_BY_CODE = {division.code: division for division in INDUSTRY_DIVISIONS}


def city(code: str) -> Named | None:
    return _CITY_BY_CODE.get(code)


def city_name(code: str, language: str | None = None) -> str:
    """Localised name of a city code; the province for a blank code; the code itself if unknown."""
    if not code:
        return PROVINCE_NAME[text_language(language)]
    found = _CITY_BY_CODE.get(code)
    return found.name(language) if found else code


def city_choices(language: str | None = None) -> list[tuple[str, str]]:
    return [(entry.code, entry.name(language)) for entry in CITIES]


def is_city_code(code: str) -> bool:
    return code in _CITY_BY_CODE


def industry(code: str) -> Named | None:
    return _INDUSTRY_BY_CODE.get(code)


def industry_name(code: str, language: str | None = None) -> str:
    found = _INDUSTRY_BY_CODE.get(code)
    return found.name(language) if found else code


def industry_choices(language: str | None = None) -> list[tuple[str, str]]:
    """Choices labelled "C13 农副食品加工业" so the code stays visible next to the name."""
    return [(entry.code, f"{entry.code} {entry.name(language)}") for entry in INDUSTRY_DIVISIONS]


def is_industry_division(code: str) -> bool:
    return code in _INDUSTRY_BY_CODE


def is_industry_class_of(class_code: str, division: str) -> bool:
    """A GB/T 4754 class code ("C1391") belongs to the division ("C13"): letter C plus four digits."""
    return (
        len(class_code) == 5
        and class_code[0] == "C"
        and class_code[1:].isdigit()
        and class_code.startswith(division)
    )


# --- Size classes (工信部联企业〔2011〕300号, industry), thresholds in data/size_classes.yaml -------------

SIZE_RULES_PATH = Path(__file__).resolve().parent / "data" / "size_classes.yaml"


@lru_cache(maxsize=1)
def size_rules() -> dict[str, Any]:
    """The size-class rule file, parsed once."""
    with SIZE_RULES_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def size_rule_version() -> str:
    return str(size_rules()["version"])


def size_class(employees: int, revenue: Decimal | int | float) -> str:
    """Size class ("large", "medium", "small" or "micro") of an industrial enterprise.

    employees: 从业人员 (persons); revenue: 上年营业收入 in 万元. Thresholds and their semantics come from
    data/size_classes.yaml (工信部联企业〔2011〕300号 第四条（二）): "及以上" includes a bound, "以下" excludes it.
    """
    if employees < 0 or revenue < 0:
        raise ValueError("employees and revenue must not be negative")
    rules = size_rules()
    revenue = Decimal(str(revenue))
    sme = rules["sme"]
    if employees >= sme["employees_below"] and revenue >= Decimal(str(sme["revenue_below"])):
        return "large"
    for rule in rules["classes"]:
        if "employees_min" not in rule:
            return rule["key"]
        if employees >= rule["employees_min"] and revenue >= Decimal(str(rule["revenue_min"])):
            return rule["key"]
    raise ValueError("size rule file has no catch-all class")
