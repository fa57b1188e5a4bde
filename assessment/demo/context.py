"""What the demo steps share: the demo password, the default size, the seeded context, the logins."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TextIO

from django.contrib.auth.hashers import make_password

from assessment.models import Enterprise

DEMO_PASSWORD = "demo-pass-2026"
DEFAULT_ENTERPRISES = 39  # three per city
EMAIL_DOMAIN = "demo.example.com"


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


DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    ("sme_manager", "企业管理员 / SME manager (哈尔滨绿源乳业有限公司)"),
    ("sme_contributor", "企业填报人 / SME contributor"),
    ("city_official", "地市主管部门 / city official (哈尔滨市 230100)"),
    ("province_official", "省级主管部门 / province official"),
    ("admin", "系统管理员 / administrator (/admin/)"),
)
