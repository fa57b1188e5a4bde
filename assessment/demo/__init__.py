"""Deterministic demo data for `manage.py seed_demo`.

The command runs the functions of DEMO_STEPS in order, each taking a DemoContext. Every step is
idempotent: running seed_demo again creates nothing twice. To add demo data (e.g. assessments), write
a function `seed_<something>(context: DemoContext) -> None` and append it to DEMO_STEPS.

Demo logins (password DEMO_PASSWORD): sme_manager, sme_contributor (哈尔滨绿源乳业有限公司, 230100),
city_official (哈尔滨市 230100), province_official, admin; plus official_<city code> for the other cities
and demo_m<NNNNN> / demo_c<NNNNN> managers and contributors of the generated enterprises.
"""

from assessment.demo.context import DEFAULT_ENTERPRISES, DEMO_LOGINS, DEMO_PASSWORD, DemoContext
from assessment.demo.people import seed_enterprises, seed_officials_and_admin
from assessment.demo.plans import seed_demo_plans
from assessment.demo.steps import DEMO_STEPS, DemoStep, run_demo_steps, seed_demo_assessments

__all__ = [
    "DEFAULT_ENTERPRISES",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DEMO_STEPS",
    "DemoContext",
    "DemoStep",
    "run_demo_steps",
    "seed_demo_assessments",
    "seed_demo_plans",
    "seed_enterprises",
    "seed_officials_and_admin",
]
