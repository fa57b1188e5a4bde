"""Accessibility: axe-core, injected into real Chromium, finds no WCAG 2.1 A/AA violation on the main pages
of every persona, in both languages.

The pages are those of the demo data (`seed_demo` on a few enterprises): sign-in and password reset, the
SME manager's draft, its fill pages, check page, preview and plan, the Excel workbook page and an upload's
preview, the results and plan of an accepted year, a returned assessment, members and invitations, the
officials' queue, review, revisions, analytics, exports and bulk import (with their background progress),
the error pages and the administration (docs/accessibility.md lists them). To check a new page, add a
`Visit` to its persona's list in PERSONAS; a path may name the demo's objects ({draft} and {accepted}: the
demo SME's; {submitted} and {returned}: another enterprise's, seeded for personas with `enterprises=5`;
{invitation}; a persona's `setup` may name more).

axe-core is the pinned npm package of package.json / package-lock.json (`npm ci` at the top level). Without
it the test is skipped, except in CI (CI=true), where it fails.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from assessment.demo import DemoContext, run_demo_steps
from assessment.demo.context import EMAIL_DOMAIN
from assessment.models import Assessment, Membership, User
from assessment.selectors.assessments import assessment_definitions, build_sections, previous_assessment
from assessment.services.assessments import evidence_add
from assessment.services.enterprises import invitation_create
from assessment.services.plans import plan_action_add
from tests.builders import pdf_upload
from tests.e2e.test_journey import login
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = ("zh-hans", "en")
PLAN_ACTIONS = [
    ("act.mgmt.cp_audit", "done"),
    ("act.mgmt.emergency_plan", "done"),
    ("act.mgmt.green_body", "done"),
    ("act.energy.efficient_motors", "in_progress"),
    ("act.energy.rooftop_pv", "dropped"),
]


@dataclass(frozen=True)
class Visit:
    path: str  # may name the demo's objects: "/assessments/{draft}/"
    prepare: Callable[[Any], None] | None = None  # run on the loaded page before the check
    follow: str | None = None  # links on the page (a CSS selector): each linked page is checked too
    status: int = 200  # the HTTP status expected (the error pages: 403, 404)


def _submit_signup_with_mistakes(page) -> None:
    """The sign-up form sent with mistakes: the messages at the fields must be readable too."""
    page.fill("#id_username", "harbin_new")
    page.fill("#id_email", "not-an-address")
    page.fill("#id_employees", "-5")
    page.click("#main form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _submit_login_with_mistakes(page) -> None:
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong-password")
    page.click("#main form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _ask_for_a_password_reset(page) -> None:
    """The reset asked for a demo user's address: the page saying an e-mail was sent."""
    page.fill("#id_email", "sme_manager@" + EMAIL_DOMAIN)
    page.click("#main form button[type=submit]")
    page.wait_for_url("**/password_reset/done/")


def _open_a_reset_link_and_mistype(page) -> None:
    """The link of a reset e-mail (a real token), opened, and two different new passwords sent."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = User.objects.get(username="sme_manager")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    page.goto(f"{_base(page)}/accounts/reset/{uid}/{default_token_generator.make_token(user)}/")
    page.wait_for_url("**/set-password/")
    page.fill("#id_new_password1", TEST_PASSWORD + "-new")
    page.fill("#id_new_password2", TEST_PASSWORD + "-other")
    page.click("#main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#id_new_password2").get_attribute("aria-invalid") == "true"


def _set_the_new_password(page) -> None:
    """The same link's form sent right: the page saying the password is set."""
    _open_a_reset_link_and_mistype(page)
    page.fill("#id_new_password1", TEST_PASSWORD + "-new")
    page.fill("#id_new_password2", TEST_PASSWORD + "-new")
    page.click("#main form button[type=submit]")
    page.wait_for_url("**/reset/done/")


def _change_the_password(page) -> None:
    """The password "changed" to itself (later logins keep working): the page confirming the change."""
    page.fill("#id_old_password", TEST_PASSWORD)
    page.fill("#id_new_password1", TEST_PASSWORD)
    page.fill("#id_new_password2", TEST_PASSWORD)
    page.click("#main form button[type=submit]")
    page.wait_for_url("**/password_change/done/")


def _invite_a_wrong_address(page) -> None:
    """The members page with the invitation sent to an address that is not one: the field's message."""
    page.fill("#id_email", "not-an-address")
    page.click("#main form[action$='/invite/'] button[type=submit]")
    page.wait_for_load_state("networkidle")


def _base(page) -> str:
    """The live server's address, from the page's."""
    return "/".join(page.url.split("/", 3)[:3])


def _type_a_bad_number(page) -> None:
    """A negative output value on the energy page: the field's message appears as the person types."""
    field = page.locator('[name="energy.output_value_10k"]')
    field.fill("-9800")
    page.locator("#q-energy\\.output_value_10k [data-error]").first.wait_for(state="visible")


def _plan_three_actions(page) -> None:
    """The plan page with three recommended actions added (through the page script), one of them dropped."""
    for _ in range(3):
        before = page.locator(".plan-row").count()
        page.locator(".plan-pick:not([hidden]) button[type=submit]").first.click()
        page.locator(".plan-row").nth(before).wait_for()
    page.locator(".plan-row").nth(1).locator("select[name=status]").select_option("dropped")
    page.wait_for_function(
        "() => document.querySelectorAll('.plan-row')[1].classList.contains('plan-dropped')"
    )


def _open_the_first_confirmation(page) -> None:
    """The confirmation dialog of the page's first destructive button (removing, revoking, deleting)."""
    page.locator("[data-confirm]").first.click()
    page.locator("#confirm-dialog").wait_for(state="visible")


def _open_every_details(page) -> None:
    """Officials' review forms and other folded parts: opened, so that their contents are checked."""
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")


def _import_list(page, *, bad_rows: bool) -> bytes:
    """A CSV list of three Harbin enterprises (codes differing by page language, so each language's run
    imports its own), with two wrong cells when `bad_rows`."""
    from assessment.uscc import make_uscc

    offset = 0 if page.locator("html").get_attribute("lang") == "zh-hans" else 10
    lines = ["企业名称,统一社会信用代码,所在地市,行业大类,从业人员,营业收入,管理员邮箱"]
    for n in range(offset, offset + 3):
        code = make_uscc(region_code="230100", org_body=f"7700{n:04d}")
        lines.append(f"哈尔滨无障碍测试有限公司{n},{code},哈尔滨市,C14,{50 + n},{900 + n},axe{n}@example.com")
    if bad_rows:
        lines[1] = lines[1].replace("哈尔滨市", "大庆市")
        lines[2] = lines[2].replace(",C14,", ",C99,")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _upload(page, data: bytes) -> None:
    page.set_input_files("#id_file", {"name": "list.csv", "mimeType": "text/csv", "buffer": data})
    page.click("#main form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _upload_a_list_with_mistakes(page) -> None:
    """The preview of a list with rows rejected: the counts, the table of problems, the rows to import."""
    _upload(page, _import_list(page, bad_rows=True))


def _upload_a_damaged_file(page) -> None:
    _upload(page, b"PK\x03\x04 damaged")


def _import_a_list(page) -> None:
    """A list uploaded and confirmed: the preview page saying what was imported."""
    _upload(page, _import_list(page, bad_rows=False))
    page.click("#main form[action$='/confirm/'] button[type=submit]")
    page.wait_for_load_state("networkidle")


def _open_a_list_in_the_background(page, selector: str, **fields) -> None:
    """city_official's list of 5,000 rows checked in the background (1,500 so far), its page opened."""
    from assessment.models import EnterpriseImport

    batch = EnterpriseImport.objects.create(
        uploaded_by=User.objects.get(username="city_official"),
        filename="long.csv",
        row_count=5000,
        rows_checked=1500,
        status=EnterpriseImport.Status.CHECKING,
        in_background=True,
        **fields,
    )
    page.goto(page.url.split("/officials/")[0] + f"/officials/enterprises/import/{batch.pk}/")
    page.wait_for_selector(selector)


def _look_at_a_long_list_being_checked(page) -> None:
    """A list of more than IMPORT_DIRECT_MAX_ROWS rows while its background check runs: the progress."""
    _open_a_list_in_the_background(page, "#import-progress progress")


def _look_at_a_stalled_list(page) -> None:
    """A list whose background check made no progress for longer than IMPORT_STALLED_MINUTES (its
    worker died): shown as stalled, with the retry button."""
    import datetime as dt

    from django.utils import timezone

    _open_a_list_in_the_background(
        page, "#import-stalled button[type=submit]", progressed_at=timezone.now() - dt.timedelta(hours=1)
    )


def _look_at_a_list(page, **fields: Any) -> None:
    """The page of a list in another state than the uploads above lead to (`fields` of EnterpriseImport)."""
    from assessment.models import EnterpriseImport

    batch = EnterpriseImport.objects.create(
        uploaded_by=User.objects.get(username="city_official"), filename="long.csv", row_count=5000, **fields
    )
    page.goto(f"{_base(page)}/officials/enterprises/import/{batch.pk}/")
    page.wait_for_load_state("networkidle")


def _look_at_a_long_list_being_imported(page) -> None:
    from assessment.models import EnterpriseImport

    _look_at_a_list(page, rows_checked=5000, status=EnterpriseImport.Status.CONFIRMING, in_background=True)
    page.wait_for_selector("#import-progress progress")


def _look_at_a_list_that_failed(page) -> None:
    from assessment.models import EnterpriseImport

    _look_at_a_list(
        page, rows_checked=1200, status=EnterpriseImport.Status.FAILED, in_background=True, message="内存不足"
    )


def _start_a_background_export(page) -> None:
    """The confirmation answered: the export runs (at once in tests), its page offers the file. The
    running export of the other language's pass has finished meanwhile (one export at a time)."""
    from django.db.models import F

    from reports.models import ExportJob

    ExportJob.objects.filter(status=ExportJob.Status.RUNNING).update(
        status=ExportJob.Status.DONE, rows_done=F("rows_total")
    )
    page.click("#main form button[type=submit]")
    page.wait_for_url("**/reports/exports/*/")
    page.wait_for_selector("#export-download")


def _look_at_an_export(page, **fields: Any) -> None:
    from reports.models import ExportJob

    job = ExportJob.objects.create(
        requested_by=User.objects.get(username="city_official"),
        scope_city="230100",  # 哈尔滨市, the official's
        filename="submissions.xlsx",
        **fields,
    )
    page.goto(f"{_base(page)}/reports/exports/{job.pk}/")
    page.wait_for_load_state("networkidle")


def _look_at_a_running_export(page) -> None:
    """An export half written: the progress bar and its text, updated by the page script."""
    from reports.models import ExportJob

    _look_at_an_export(page, status=ExportJob.Status.RUNNING, rows_total=4000, rows_done=1500)
    page.wait_for_selector("#export-progress")


def _look_at_a_failed_export(page) -> None:
    from reports.models import ExportJob

    _look_at_an_export(page, status=ExportJob.Status.FAILED, rows_total=4000, rows_done=10, error="磁盘已满")


def _revise_green_factory_and_rescore(page) -> None:
    """Revision 2 of green factory 2025 loaded (a benchmark corrected, a question added) and the submitted
    and accepted assessments re-scored on it: the page lists the new scores to adopt."""
    import shutil
    import tempfile

    from assessment.services.revisions import cohort_rescore
    from questionnaires.loader import DEFINITIONS_DIR, load_definitions
    from tests.questionnaires.test_revisions import correct

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "definitions"
        shutil.copytree(DEFINITIONS_DIR, target)
        correct(target)
        load_definitions(directory=target)
    province = User.objects.get(username="province_official")
    cohort_rescore(framework="green_factory", version="2025", user=province)
    page.reload()
    page.wait_for_selector("#main form[action$='/adopt/'] input[name=rescore]")


def _adopt_without_a_reason(page) -> None:
    """Adoption sent without ticks or reason: the messages at the fields."""
    _revise_green_factory_and_rescore(page)
    page.click("#main form[action$='/adopt/'] button[type=submit]")
    page.wait_for_load_state("networkidle")


def _upload_a_workbook_with_a_conflict_and_a_mistake(page) -> None:
    """The workbook downloaded, two numbers changed (one of them also changed online meanwhile: a conflict)
    and one cell broken, uploaded: the preview lists the change, the conflict with its choice, the error."""
    import io
    import re

    import openpyxl

    from assessment.selectors.assessments import assessment_page
    from assessment.selectors.workbook import version_keys
    from assessment.services.assessments import answers_save
    from assessment.workbook import workbook_layout

    with page.expect_download() as download:
        page.click("[data-download=zh]")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assessment = Assessment.objects.get(pk=int(re.search(r"/assessments/(\d+)/", page.url).group(1)))
    layout = workbook_layout(
        assessment_page(assessment).sections, version_keys(assessment), "zh-hans", instructions="填写说明"
    )
    numbers = [
        row
        for row in layout.editable_rows()
        if isinstance(book[row.sheet][f"D{row.row}"].value, int)
        and not book[row.sheet][f"D{row.row}"].protection.locked
    ][:3]
    online = book[numbers[1].sheet][f"D{numbers[1].row}"].value + 100
    for row in numbers[:2]:
        book[row.sheet][f"D{row.row}"] = book[row.sheet][f"D{row.row}"].value + 1
    book[numbers[2].sheet][f"D{numbers[2].row}"] = "x"
    colleague = User.objects.get(username="sme_contributor")
    answers_save(assessment=assessment, user=colleague, values={numbers[1].code: online})
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    page.set_input_files(
        "#workbook-file", files=[{"name": "wb.xlsx", "mimeType": xlsx, "buffer": buffer.getvalue()}]
    )
    page.click("#main form button[type=submit]")
    page.wait_for_url("**/workbook/*/")
    page.locator("[data-conflict]").first.wait_for()


def _name_admin_objects(names: dict[str, Any]) -> None:
    """The demo objects whose administration pages have inline tables (members, factors, prices)."""
    from assessment.models import FactorSet, PriceSet

    call_command("load_prices", verbosity=0)
    manager = User.objects.get(username="sme_manager")
    names.update(
        enterprise=manager.membership.enterprise_id,
        manager=manager.pk,
        factor_set=FactorSet.objects.get(is_default=True).pk,
        price_set=PriceSet.objects.order_by("pk").first().pk,
    )


@dataclass(frozen=True)
class Persona:
    username: str | None  # a demo login ("{returned_manager}": the demo's, see _seed); None: signed out
    visits: tuple[Visit, ...]
    enterprises: int = 1  # demo enterprises seeded: from 5 on, one assessment is submitted and one returned
    setup: Callable[[dict[str, Any]], None] | None = None  # after seeding: more data, more names for paths


PERSONAS: dict[str, Persona] = {
    "anonymous": Persona(
        None,
        (
            Visit("/accounts/login/"),
            Visit("/accounts/login/", prepare=_submit_login_with_mistakes),
            Visit("/accounts/password_reset/"),
            Visit("/accounts/password_reset/", prepare=_ask_for_a_password_reset),
            Visit("/accounts/password_reset/", prepare=_open_a_reset_link_and_mistype),
            Visit("/accounts/password_reset/", prepare=_set_the_new_password),
            Visit("/accounts/reset/MQ/set-password/"),  # a link used or altered
            Visit("/signup/"),
            Visit("/signup/", prepare=_submit_signup_with_mistakes),
            Visit("/invitations/{invitation}/"),
            Visit("/invitations/00000000-0000-4000-8000-000000000000/", status=404),
            Visit("/method/"),
            Visit("/no-such-page/", status=404),
            Visit("/admin/login/"),
        ),
    ),
    "sme_manager": Persona(
        "sme_manager",
        (
            Visit("/"),
            Visit("/assessments/{draft}/", follow="#main a[href*='/fill/']"),
            Visit("/assessments/{draft}/fill/energy/", prepare=_type_a_bad_number),
            Visit("/assessments/{draft}/review/"),
            Visit("/assessments/{draft}/workbook/"),
            Visit("/assessments/{draft}/workbook/", prepare=_upload_a_workbook_with_a_conflict_and_a_mistake),
            Visit("/assessments/{draft}/results/"),
            Visit("/assessments/{accepted}/"),
            Visit("/assessments/{accepted}/results/"),
            Visit("/assessments/{accepted}/plan/", prepare=_plan_three_actions),
            Visit("/assessments/{draft}/plan/"),
            Visit("/assessments/{draft}/plan/", prepare=_plan_three_actions),
            Visit("/enterprise/"),
            Visit("/enterprise/members/"),
            Visit("/enterprise/members/", prepare=_open_the_first_confirmation),
            Visit("/enterprise/members/{contributor_membership}/remove/"),
            Visit("/enterprise/members/{manager_membership}/remove/"),
            Visit("/enterprise/invitations/{invitation_id}/revoke/"),
            Visit("/assessments/{draft}/fill/{evidence_section}/", prepare=_open_the_first_confirmation),
            Visit("/assessments/{draft}/evidence/{evidence}/remove/"),
            Visit("/enterprise/members/", prepare=_invite_a_wrong_address),
            Visit("/accounts/password_change/"),
            Visit("/accounts/password_change/", prepare=_change_the_password),
        ),
    ),
    "sme_contributor": Persona(
        "sme_contributor",
        (
            Visit("/"),
            Visit("/assessments/{draft}/"),
            Visit("/enterprise/members/", status=403),
            Visit("/assessments/999999/", status=404),
        ),
    ),
    "returned_manager": Persona(
        "{returned_manager}",
        (
            Visit("/"),
            Visit("/assessments/{returned}/"),
            Visit("/assessments/{returned}/review/"),
        ),
        enterprises=5,
    ),
    "city_official": Persona(
        "city_official",
        (
            Visit("/"),
            Visit("/review/"),
            Visit("/review/{accepted}/", prepare=_open_every_details),
            Visit("/assessments/{accepted}/plan/"),
            Visit("/reports/analytics/"),
            Visit("/reports/exports/"),
            Visit("/reports/exports/submissions.xlsx"),
            Visit("/reports/exports/submissions.xlsx", prepare=_start_a_background_export),
            Visit("/reports/exports/", prepare=_look_at_a_running_export),
            Visit("/reports/exports/", prepare=_look_at_a_failed_export),
            Visit("/reports/exports/"),
            Visit("/officials/enterprises/import/"),
            Visit("/officials/enterprises/import/", prepare=_upload_a_damaged_file),
            Visit("/officials/enterprises/import/", prepare=_upload_a_list_with_mistakes),
            Visit("/officials/enterprises/import/", prepare=_import_a_list),
            Visit("/officials/enterprises/import/", prepare=_look_at_a_long_list_being_checked),
            Visit("/officials/enterprises/import/", prepare=_look_at_a_stalled_list),
            Visit("/officials/enterprises/import/", prepare=_look_at_a_long_list_being_imported),
            Visit("/officials/enterprises/import/", prepare=_look_at_a_list_that_failed),
            Visit("/officials/enterprises/import/"),
        ),
    ),
    "province_official": Persona(
        "province_official",
        (
            Visit("/"),
            Visit("/review/"),
            Visit("/review/?status=returned"),
            Visit("/review/revisions/"),
            Visit("/review/{submitted}/", prepare=_open_every_details),
            Visit("/review/{returned}/"),
            Visit("/reports/analytics/"),
            Visit("/reports/analytics/?year="),
            Visit("/review/revisions/", prepare=_revise_green_factory_and_rescore),
            Visit("/review/revisions/", prepare=_adopt_without_a_reason),
        ),
        enterprises=5,
    ),
    "administrator": Persona(
        "admin",
        (
            Visit("/"),
            Visit("/admin/"),
            Visit("/admin/assessment/assessment/"),
            Visit("/admin/assessment/assessment/{accepted}/change/"),
            Visit("/admin/assessment/enterprise/{enterprise}/change/"),
            Visit("/admin/assessment/user/{manager}/change/"),
            Visit("/admin/assessment/factorset/{factor_set}/change/"),
            Visit("/admin/assessment/priceset/{price_set}/change/"),
        ),
        setup=_name_admin_objects,
    ),
    "no_role": Persona("no_role", (Visit("/"),), setup=lambda names: UserFactory(username="no_role")),
}


def _seed(enterprises: int) -> dict[str, Any]:
    """The demo data, and the objects that paths and usernames name (those the demo has)."""
    call_command("load_questionnaires", verbosity=0)
    call_command("load_factors", verbosity=0)
    run_demo_steps(DemoContext(enterprises=enterprises))
    manager = User.objects.get(username="sme_manager")
    enterprise = manager.membership.enterprise
    own = Assessment.objects.filter(enterprise=enterprise).order_by("-year")
    draft = own.get(status=Assessment.Status.DRAFT)
    invitation = invitation_create(
        enterprise=enterprise, email="colleague@example.com", role="contributor", invited_by=manager
    )
    # A file on a question of the draft: its fill page offers to delete it, which asks first.
    sections = build_sections(assessment_definitions(draft))
    question = sections[0].questions[0]["code"]
    names: dict[str, Any] = {
        "draft": draft.pk,
        "accepted": own.filter(status=Assessment.Status.ACCEPTED).first().pk,
        "invitation": invitation.token,
        "invitation_id": invitation.pk,
        "manager_membership": manager.membership.pk,
        "contributor_membership": Membership.objects.get(user__username="sme_contributor").pk,
        "evidence": evidence_add(
            assessment=draft, user=manager, question_code=question, upload=pdf_upload()
        ).pk,
        "evidence_section": sections[0].key,
    }
    # Last year's improvement plan with actions done: the draft's pages show what it proposes, its results
    # preview planned against achieved, the officials' analytics the plans (issue 16).
    last_year = previous_assessment(own.get(status=Assessment.Status.DRAFT))
    for code, status in PLAN_ACTIONS:
        plan_action_add(assessment=last_year, user=manager, code=code, status=status, owner="王经理")
    others = Assessment.objects.exclude(enterprise=enterprise).order_by("pk")
    for status in (Assessment.Status.SUBMITTED, Assessment.Status.RETURNED):
        if found := others.filter(status=status).first():
            names[status] = found.pk
    if "returned" in names:
        names["returned_manager"] = Membership.objects.get(
            enterprise__assessments=names["returned"], role=Membership.Role.MANAGER
        ).user.username
    return names


@pytest.fixture(autouse=True)
def _export_confirmation(settings) -> None:
    """Exports of more rows than this ask for a confirmation first: the demo's few rows show that page."""
    settings.EXPORT_DIRECT_MAX_ROWS = 1


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        message = f"{AXE_JS} is missing: run `npm ci` at the top level of the repository"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page, axe_source: str) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now, one line per element.

    Injected through the DevTools protocol (page.evaluate), which the site's Content-Security-Policy does
    not govern: the page runs as served."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
            });
            return result.violations.map((rule) => ({
                id: rule.id,
                impact: rule.impact,
                nodes: rule.nodes.map((node) => ({target: node.target.join(' '), summary: node.failureSummary})),
            }));
        }""",
        WCAG_21_AA,
    )
    return [
        f"{rule['id']} ({rule['impact']}) at {node['target']}: {' '.join(node['summary'].split())}"
        for rule in violations
        for node in rule["nodes"]
    ]


def _check(page, axe_source: str, url: str, language: str, found: list[str]) -> None:
    assert page.locator("html").get_attribute("lang") == language, f"{url} is not in {language}"
    found.extend(f"[{language}] {url}: {line}" for line in axe_violations(page, axe_source))


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_axe_finds_no_wcag_21_aa_violation(persona, live_server, new_context, axe_source):
    spec = PERSONAS[persona]
    names = _seed(spec.enterprises)
    if spec.setup:
        spec.setup(names)
    base = live_server.url
    found: list[str] = []
    checked = 0
    for language in LANGUAGES:
        page = new_context(language=language).new_page()
        if spec.username:
            login(page, base, spec.username.format(**names))
        for visit in spec.visits:
            response = page.goto(base + visit.path.format(**names))
            assert response is not None and response.status == visit.status, (
                f"{visit.path}: HTTP {response and response.status}"
            )
            page.wait_for_load_state("networkidle")
            if visit.prepare:
                visit.prepare(page)
            _check(page, axe_source, page.url, language, found)
            checked += 1
            if visit.follow:
                links = [a.get_attribute("href") for a in page.locator(visit.follow).all()]
                assert links, f"{visit.path}: no link matches {visit.follow}"
                for href in links:
                    page.goto(base + href if href.startswith("/") else href)
                    page.wait_for_load_state("networkidle")
                    _check(page, axe_source, page.url, language, found)
                    checked += 1
    assert checked >= 2 * len(spec.visits)
    assert not found, f"{len(found)} accessibility violation(s):\n" + "\n".join(found)
