"""Deterministic demo data for `manage.py seed_demo`.

The command runs the functions of DEMO_STEPS in order, each taking a DemoContext. Every step is
idempotent: running seed_demo again creates nothing twice. To add demo data (e.g. assessments), write
a function `seed_<something>(context: DemoContext) -> None` and append it to DEMO_STEPS.

Demo logins (password DEMO_PASSWORD): sme_manager, sme_contributor (哈尔滨绿源乳业有限公司, 230100),
city_official (哈尔滨市 230100), province_official, admin; plus official_<city code> for the other cities
and demo_m<NNNNN> / demo_c<NNNNN> managers and contributors of the generated enterprises.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.db import OperationalError, connection, transaction

from assessment import reference
from assessment.models import Enterprise, Membership, OfficialProfile, User
from assessment.services.analytics import analytics_deferred
from assessment.uscc import make_uscc

DEMO_PASSWORD = "demo-pass-2026"
DEFAULT_ENTERPRISES = 39  # three per city
BATCH = 500
EMAIL_DOMAIN = "demo.example.com"

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


@dataclass
class DemoContext:
    """What the steps share: a seeded random generator, the number of enterprises asked for, output."""

    enterprises: int = DEFAULT_ENTERPRISES
    seed: int = 2026
    stdout: TextIO | None = None
    workers: int | None = None  # processes generating and scoring demo assessments (default: one per core)
    rng: random.Random = field(init=False)
    password_hash: str = field(init=False)
    created: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        # One hash for every demo account: hashing 10,000 passwords one by one would take minutes.
        self.password_hash = make_password(DEMO_PASSWORD)

    def count(self, what: str, number: int) -> None:
        self.created[what] = self.created.get(what, 0) + number

    def demo_enterprises(self):
        """The demo enterprises (queryset): those seeded by seed_enterprises, recognised by their contact domain."""
        return Enterprise.objects.filter(contact_email__endswith="@" + EMAIL_DOMAIN)


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


DemoStep = Callable[[DemoContext], None]
# Later areas append their steps (e.g. demo assessments made through their services).
DEMO_STEPS: list[DemoStep] = [seed_enterprises, seed_officials_and_admin]

# Officials' area: submitted, returned and accepted assessments of the remaining demo enterprises over
# the last three years (bulk, scored by the engine); independent of the order of the steps.
# SME journey: the first DEMO_ASSESSMENT_ENTERPRISES enterprises' assessments made one by one through the
# journey's services (three years, reviewed), and the demo SME manager's draft of the latest year.
from assessment.demo_journey import journey_steps  # noqa: E402
from assessment.demo_officials import seed_submitted_assessments  # noqa: E402


def seed_demo_assessments(context: DemoContext) -> None:
    """Both kinds of demo assessments. The journey's enterprises are done one at a time in this process
    whenever the bulk step would wait for its worker processes (the journey is single-threaded work
    through the services, the bulk step's scoring is spread over the cores); what is left of the
    journey after the bulk step is done then. The data are the same as with the two steps in turn."""
    journey = journey_steps(context)
    seed_submitted_assessments(context, side_work=journey)
    for _done in journey:
        pass


DEMO_STEPS.append(seed_demo_assessments)


@contextmanager
def sqlite_bulk_journal() -> Iterator[None]:
    """On a SQLite file in WAL mode (config/settings.py), a rollback journal while the demo is loaded.

    In WAL mode every page of a step's transaction (about a gigabyte at 10,000 enterprises, mostly new
    pages) is written twice, to the log and then back into the database file at the checkpoint; with a
    rollback journal new pages go to the file once (and each commit is synced to disk, so no less
    durable than WAL with synchronous=NORMAL). WAL mode is restored at the end (and set again by every
    new connection anyway). Nothing changes inside a transaction (e.g. a test's), on another database,
    or while another connection has the file open (SQLite then keeps WAL).
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        previous = cursor.fetchone()[0]
        switched = False
        if previous == "wal":
            cursor.execute("PRAGMA busy_timeout")
            timeout = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA busy_timeout = 0")  # another connection open: keep WAL, do not wait
            try:
                cursor.execute("PRAGMA journal_mode = DELETE")
                switched = cursor.fetchone()[0] == "delete"
            except OperationalError:  # "database is locked"
                pass
            finally:
                cursor.execute(f"PRAGMA busy_timeout = {timeout:d}")
    try:
        yield
    finally:
        if switched:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode = WAL")


def run_demo_steps(context: DemoContext, steps: list[DemoStep] | None = None) -> DemoContext:
    # The officials' aggregates are rebuilt once at the end rather than refreshed per submission.
    with sqlite_bulk_journal(), analytics_deferred():
        for step in steps if steps is not None else DEMO_STEPS:
            with transaction.atomic():
                step(context)
    return context


DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    ("sme_manager", "企业管理员 / SME manager (哈尔滨绿源乳业有限公司)"),
    ("sme_contributor", "企业填报人 / SME contributor"),
    ("city_official", "地市主管部门 / city official (哈尔滨市 230100)"),
    ("province_official", "省级主管部门 / province official"),
    ("admin", "系统管理员 / administrator (/admin/)"),
)
