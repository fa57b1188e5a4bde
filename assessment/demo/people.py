"""Demo enterprises across Heilongjiang's 13 cities with their members, the officials of every city and
the province, and the administrator (seed_demo's first steps)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from decimal import Decimal

from assessment import reference
from assessment.demo.context import EMAIL_DOMAIN, DemoContext
from assessment.models import Enterprise, Membership, OfficialProfile, User
from assessment.uscc import make_uscc

BATCH = 500

# Industries typical of Heilongjiang's manufacturing, with a word used in demo company names.
DEMO_INDUSTRIES: tuple[tuple[str, str, int], ...] = (
    # (division, name word, relative weight)
    ("C13", "粮油", 6),
    ("C14", "乳业", 5),
    ("C15", "酒业", 3),
    ("C20", "木业", 2),
    ("C22", "纸业", 2),
    ("C25", "石化", 1),
    ("C26", "化工", 3),
    ("C27", "药业", 3),
    ("C29", "塑料制品", 2),
    ("C30", "建材", 3),
    ("C33", "金属制品", 3),
    ("C34", "机械", 4),
    ("C35", "装备", 3),
    ("C36", "汽车零部件", 2),
    ("C38", "电气", 3),
    ("C39", "电子", 2),
)
NAME_WORDS = (
    "龙江",
    "北方",
    "松花江",
    "兴安",
    "黑土",
    "冰城",
    "东极",
    "寒地",
    "鸿达",
    "华泰",
    "金谷",
    "瑞丰",
    "宏远",
    "嘉禾",
    "新元",
    "恒信",
    "天成",
    "绿源",
    "安泰",
    "润和",
    "博远",
    "长青",
    "丰禾",
    "盛世",
)
PRODUCTS = {
    "C13": "大米、豆油",
    "C14": "乳制品",
    "C15": "白酒",
    "C20": "实木板材",
    "C22": "包装纸板",
    "C25": "燃料油",
    "C26": "精细化学品",
    "C27": "中成药",
    "C29": "塑料管材",
    "C30": "水泥制品",
    "C33": "钢结构件",
    "C34": "泵与阀门",
    "C35": "农业机械",
    "C36": "汽车零部件",
    "C38": "电机",
    "C39": "电子元器件",
}


def demo_uscc(index: int) -> str:
    """Valid, deterministic code for the index-th demo enterprise, registered in its own city."""
    city = reference.CITIES[index % len(reference.CITIES)]
    return make_uscc(region_code=city.code, org_body=f"MA{index:06d}")


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing(model, field_name: str, values: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(values, 900):
        found.update(model.objects.filter(**{f"{field_name}__in": chunk}).values_list(field_name, flat=True))
    return found


def _size(rng: random.Random) -> tuple[int, Decimal]:
    """Employees and revenue (万元) spread over micro to large, revenue roughly following headcount."""
    band = rng.choices(["micro", "small", "medium", "large"], weights=[2, 5, 3, 1])[0]
    employees = {
        "micro": rng.randint(3, 19),
        "small": rng.randint(20, 299),
        "medium": rng.randint(300, 999),
        "large": rng.randint(1000, 3000),
    }[band]
    per_head = rng.uniform(15, 80) if band != "large" else rng.uniform(40, 120)  # 万元 per employee
    revenue = Decimal(str(round(employees * per_head, 2)))
    return employees, revenue


def _enterprise(index: int, rng: random.Random, used_names: set[str]) -> Enterprise:
    city = reference.CITIES[index % len(reference.CITIES)]
    if index == 0:
        division, name, employees, revenue = "C14", "哈尔滨绿源乳业有限公司", 260, Decimal("18500.00")
    else:
        division, word, _weight = rng.choices(DEMO_INDUSTRIES, weights=[w for *_, w in DEMO_INDUSTRIES])[0]
        city_short = city.zh.removesuffix("市").removesuffix("地区")
        suffix = rng.choice(["有限公司", "有限公司", "股份有限公司", "有限责任公司"])
        for _attempt in range(10):
            name = f"{city_short}{rng.choice(NAME_WORDS)}{word}{suffix}"
            if name not in used_names:
                break
        else:  # large benchmark sets run out of combinations: number the rest
            name = f"{city_short}{rng.choice(NAME_WORDS)}{word}{index}号{suffix}"
        employees, revenue = _size(rng)
    used_names.add(name)
    return Enterprise(
        name=name,
        uscc=demo_uscc(index),
        city_code=city.code,
        industry_division=division,
        employees=employees,
        revenue=revenue,
        size_class=reference.size_class(employees, revenue),
        size_rule_version=reference.size_rule_version(),
        contact_name=rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(["经理", "主任", "工程师"]),
        contact_phone=f"0451-8{rng.randint(1000000, 9999999)}",
        contact_email=f"contact{index:05d}@{EMAIL_DOMAIN}",
        main_products=PRODUCTS.get(division, ""),
    )


def _user(context: DemoContext, username: str, display_name: str, **extra) -> User:
    return User(
        username=username,
        email=f"{username}@{EMAIL_DOMAIN}",
        display_name=display_name,
        password=context.password_hash,
        **extra,
    )


def seed_enterprises(context: DemoContext) -> None:
    """Enterprises across all 13 cities, with a manager each and a contributor for every third one."""
    rng = context.rng
    used_names: set[str] = set()
    planned = [_enterprise(index, rng, used_names) for index in range(context.enterprises)]
    existing = _existing(Enterprise, "uscc", [e.uscc for e in planned])
    new = [e for e in planned if e.uscc not in existing]
    for chunk in _chunks(new):
        Enterprise.objects.bulk_create(chunk)
    context.count("enterprises", len(new))

    by_uscc = dict(
        pair
        for chunk in _chunks([e.uscc for e in planned], 900)
        for pair in Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", "id")
    )
    people: list[tuple[User, int, str]] = []
    for index, enterprise in enumerate(planned):
        enterprise_id = by_uscc[enterprise.uscc]
        if index == 0:
            people.append((_user(context, "sme_manager", "王经理"), enterprise_id, Membership.Role.MANAGER))
            people.append(
                (_user(context, "sme_contributor", "李填报"), enterprise_id, Membership.Role.CONTRIBUTOR)
            )
            continue
        people.append(
            (_user(context, f"demo_m{index:05d}", enterprise.contact_name), enterprise_id, "manager")
        )
        if index % 3 == 0:
            people.append(
                (_user(context, f"demo_c{index:05d}", f"填报人{index}"), enterprise_id, "contributor")
            )

    existing_users = _existing(User, "username", [user.username for user, _, _ in people])
    new_people = [person for person in people if person[0].username not in existing_users]
    for chunk in _chunks([user for user, _, _ in new_people]):
        User.objects.bulk_create(chunk)
    user_ids = dict(
        pair
        for chunk in _chunks([user.username for user, _, _ in new_people], 900)
        for pair in User.objects.filter(username__in=chunk).values_list("username", "id")
    )
    memberships = [
        Membership(user_id=user_ids[user.username], enterprise_id=enterprise_id, role=role)
        for user, enterprise_id, role in new_people
    ]
    for chunk in _chunks(memberships):
        Membership.objects.bulk_create(chunk)
    context.count("enterprise users", len(new_people))


def seed_officials_and_admin(context: DemoContext) -> None:
    """city_official (哈尔滨市), official_<code> for the other cities, province_official and admin."""
    wanted = [("city_official", "哈尔滨市工业和信息化局", "230100")]
    wanted += [(f"official_{c.code}", f"{c.zh}工业和信息化局", c.code) for c in reference.CITIES[1:]]
    wanted.append(("province_official", "黑龙江省工业和信息化厅", ""))
    existing = _existing(User, "username", [username for username, _, _ in wanted] + ["admin"])
    for username, organisation, city_code in wanted:
        if username in existing:
            continue
        user = _user(context, username, organisation)
        user.save()
        OfficialProfile.objects.create(user=user, city_code=city_code, organisation=organisation)
        context.count("officials", 1)
    if "admin" not in existing:
        _user(context, "admin", "系统管理员", is_staff=True, is_superuser=True).save()
        context.count("administrators", 1)
