"""The SME journey in real Chromium: sign-up, filling every framework, autosave across a reload,
submission, results and the PDF; a validation error keeps the typed input; two members editing one
draft lose nothing; an expired session keeps unsent edits; no console errors."""

from __future__ import annotations

import re

import pytest

from assessment.models import Answer, Assessment, Enterprise, Membership
from assessment.uscc import make_uscc
from tests.builders import demo_answers
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SAVED = re.compile("已保存")


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#main form button[type=submit]")
    page.wait_for_url(f"{base}/")


def sign_up(page, base: str) -> None:
    page.goto(f"{base}/signup/")
    page.fill("#id_username", "beihe_manager")
    page.fill("#id_display_name", "周经理")
    page.fill("#id_email", "zhou@example.com")
    page.fill("#id_password1", TEST_PASSWORD + "-Beihe")
    page.fill("#id_password2", TEST_PASSWORD + "-Beihe")
    page.fill("#id_name", "哈尔滨北禾乳业有限公司")
    page.fill("#id_uscc", make_uscc(region_code="230100", org_body="MA1C2D3E"))
    page.select_option("#id_city_code", "230100")
    page.select_option("#id_industry_division", "C14")
    page.fill("#id_employees", "160")
    page.fill("#id_revenue", "9800")
    page.fill("#id_contact_name", "周经理")
    page.fill("#id_contact_phone", "0451-88886666")
    page.fill("#id_contact_email", "zhou@example.com")
    page.click("#main form button[type=submit]")
    page.wait_for_url(f"{base}/")


def field_selector(code: str, value: str | None = None) -> str:
    if value is None:
        return f'#answers-form [name="{code}"]'
    return f'#answers-form [name="{code}"][value="{value}"]'


def answer_in_browser(page, code: str, kind: str, value) -> None:
    """Answer one question through its widgets as a person would."""
    if isinstance(value, dict) and kind != "products":
        value = next(iter(value.values()))  # a per-product answer: the page asks one value for all products
    if kind in ("single", "level"):
        page.check(field_selector(code, str(value)))
    elif kind == "yesno":
        page.check(field_selector(code, "true" if value else "false"))
    elif kind == "multiple":
        for option in value:
            page.check(field_selector(code, option))
    elif kind == "products":
        page.fill(field_selector(code), "\n".join(f"{p['name']}, {p['share']}" for p in value))
    elif kind in ("number", "percentage", "text"):
        page.fill(field_selector(code), str(value))


def fill_visible_page(page, answers: dict) -> int:
    filled = 0
    for card in page.locator("#answers-form .question").all():
        if not card.is_visible():
            continue
        code = card.get_attribute("data-code")
        kind = card.get_attribute("data-type")
        if code in answers and kind != "computed":
            answer_in_browser(page, code, kind, answers[code])
            filled += 1
    return filled


def wait_saved(page) -> None:
    page.wait_for_function(
        "() => { const s = document.getElementById('save-status'); return s && s.textContent.indexOf('已保存') === 0; }"
    )


def test_it_takes_an_sme_from_sign_up_to_the_pdf_report(
    live_server, frameworks_loaded, factor_set, new_context, console_errors
):
    base = live_server.url
    page = new_context().new_page()
    sign_up(page, base)
    page.check("#id_frameworks_0")  # all three frameworks are chosen by default; stays checked
    page.select_option("#id_year", "2025")
    page.click("text=开始评估")
    page.wait_for_url(re.compile(r"/fill/energy/$"))
    answers = demo_answers()

    # Autosave survives a reload.
    page.fill(field_selector("energy.grid_electricity_kwh"), str(answers["energy.grid_electricity_kwh"]))
    wait_saved(page)
    page.reload()
    assert page.input_value(field_selector("energy.grid_electricity_kwh")) == str(
        answers["energy.grid_electricity_kwh"]
    )

    pages = 0
    while "/fill/" in page.url:
        filled = fill_visible_page(page, answers)
        # Conditional questions appear as answers change: fill what became visible.
        filled += fill_visible_page(page, {k: v for k, v in answers.items() if k not in ()}) if filled else 0
        page.click("#answers-form button[value=next]")
        page.wait_for_load_state()
        assert page.locator(".is-invalid").count() == 0, page.url
        pages += 1
    assert pages >= 15
    assert page.url.endswith("/review/")
    assessment = Assessment.objects.get(enterprise__name="哈尔滨北禾乳业有限公司")
    assert Answer.objects.filter(assessment=assessment).count() > 100

    # Live computed value with its derivation on the energy page.
    page.goto(f"{base}/assessments/{assessment.pk}/fill/energy/")
    total = page.locator("#q-calc\\.total_energy_tce")
    total.locator("summary", has_text="计算方法").click()  # the derivation sits under 计算方法
    assert "0.1229" in total.inner_text()
    page.goto(f"{base}/assessments/{assessment.pk}/review/")
    submit = page.locator("#submit-button")
    assert submit.is_enabled()
    submit.click()  # a confirmation first: frameworks, answers missing, figures to check
    page.locator("#submit-confirm").wait_for(state="visible")
    page.locator("#confirm-submit").dblclick()
    page.wait_for_url(re.compile(r"/results/$"))
    assert page.locator("svg.radar").count() == 3
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert assessment.framework_results.count() == 3
    assert page.locator("#overall-score").inner_text() == f"{assessment.total_score:.1f}"

    with page.expect_download() as download:
        page.click("#report-link")
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert console_errors == []


def test_it_keeps_typed_input_after_a_validation_error(
    live_server, draft, sme_manager, new_context, console_errors
):
    base = live_server.url
    page = new_context().new_page()
    login(page, base, "sme_manager")
    page.goto(f"{base}/assessments/{draft.pk}/fill/energy/")
    field = field_selector("energy.output_value_10k")
    page.fill(field, "-12.5")
    error = page.locator("#q-energy\\.output_value_10k [data-error]")
    error.wait_for(state="visible")
    page.wait_for_function(
        "() => document.querySelector('#q-energy\\\\.output_value_10k [data-error]').textContent.length > 0"
    )
    page.reload()
    assert page.input_value(field) == "-12.5"  # kept in the browser until corrected
    page.wait_for_function(
        "() => document.querySelector('#q-energy\\\\.output_value_10k [data-error]').textContent.length > 0"
    )
    # The page's own save button re-renders the typed value with the message at the field.
    page.click("#answers-form button[value=stay]")
    page.wait_for_load_state()
    assert page.input_value(field) == "-12.5"
    assert page.locator("#q-energy\\.output_value_10k .invalid-feedback").first.inner_text().strip()
    assert not Answer.objects.filter(assessment=draft, question_code="energy.output_value_10k").exists()
    page.fill(field, "9800")
    wait_saved(page)
    assert Answer.objects.get(assessment=draft, question_code="energy.output_value_10k").value == 9800
    assert console_errors == []


def test_it_loses_nothing_when_two_members_edit_one_draft(
    live_server, draft, sme_manager, enterprise, new_context, console_errors
):
    colleague = UserFactory(username="colleague")
    MembershipFactory(user=colleague, enterprise=enterprise, role=Membership.Role.CONTRIBUTOR)
    base = live_server.url
    first, second = new_context().new_page(), new_context().new_page()
    login(first, base, "sme_manager")
    login(second, base, "colleague")
    url = f"{base}/assessments/{draft.pk}/fill/energy/"
    first.goto(url)
    second.goto(url)
    first.fill(field_selector("energy.grid_electricity_kwh"), "1500000")
    second.fill(field_selector("energy.natural_gas_m3"), "42000")
    wait_saved(first)
    wait_saved(second)
    values = dict(Answer.objects.filter(assessment=draft).values_list("question_code", "value"))
    assert values["energy.grid_electricity_kwh"] == 1500000
    assert values["energy.natural_gas_m3"] == 42000
    # The other sees the change: the next save refreshes the page with colleagues' answers.
    second.fill(field_selector("energy.diesel_t"), "3")
    wait_saved(second)
    second.wait_for_function(
        "() => document.querySelector('[name=\"energy.grid_electricity_kwh\"]').value === '1500000'"
    )
    first.reload()
    second.reload()
    assert first.input_value(field_selector("energy.natural_gas_m3")) == "42000"
    assert second.input_value(field_selector("energy.grid_electricity_kwh")) == "1500000"
    assert console_errors == []


def test_it_keeps_unsent_edits_when_the_session_expires(
    live_server, draft, sme_manager, new_context, console_errors
):
    base = live_server.url
    context = new_context()
    page = context.new_page()
    login(page, base, "sme_manager")
    url = f"{base}/assessments/{draft.pk}/fill/energy/"
    page.goto(url)
    context.clear_cookies(name="sessionid")  # the session ends (expired or logged out elsewhere)
    page.fill(field_selector("energy.steam_t"), "120")
    page.locator("#login-banner").wait_for(state="visible")
    page.click("#login-banner a")
    page.fill("#id_username", "sme_manager")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#main form button[type=submit]")
    page.wait_for_url(url)  # back where the user was
    assert page.input_value(field_selector("energy.steam_t")) == "120"
    wait_saved(page)
    assert Answer.objects.get(assessment=draft, question_code="energy.steam_t").value == 120
    assert [e for e in console_errors if "401" not in e] == []


def test_it_works_on_a_phone_sized_screen(live_server, draft, sme_manager, new_context, console_errors):
    base = live_server.url
    page = new_context(width=390, height=844).new_page()
    login(page, base, "sme_manager")
    page.goto(f"{base}/assessments/{draft.pk}/fill/green_factory.general/")
    page.check(field_selector("mgmt.lawful_compliant", "true"))
    wait_saved(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    assert Enterprise.objects.count() == 1
    assert console_errors == []


def test_it_retries_after_network_failures_and_shows_conditional_questions(
    live_server, draft, sme_manager, new_context, console_errors
):
    base = live_server.url
    page = new_context().new_page()
    login(page, base, "sme_manager")
    page.goto(f"{base}/assessments/{draft.pk}/fill/energy/")
    ncv = page.locator("#q-energy\\.biomass_ncv_mj_per_kg")
    assert ncv.is_hidden()  # asked only when biomass fuel is used
    failures = {"left": 2}

    def flaky(route):
        if failures["left"]:
            failures["left"] -= 1
            route.abort()
        else:
            route.continue_()

    page.route("**/autosave/", flaky)
    page.fill(field_selector("energy.biomass_t"), "30")
    ncv.wait_for(state="visible")
    page.wait_for_function("() => document.getElementById('save-status').className === 'text-danger'")
    wait_saved(page)  # after two failed attempts
    assert failures["left"] == 0
    assert Answer.objects.get(assessment=draft, question_code="energy.biomass_t").value == 30
    # The clearing is saved too: wait for that request, or it could still hold the database at teardown.
    with page.expect_response("**/autosave/") as saved:
        page.fill(field_selector("energy.biomass_t"), "")
    assert saved.value.ok
    ncv.wait_for(state="hidden")
    assert [e for e in console_errors if "ERR_FAILED" not in e] == []  # the aborted requests are logged


def test_it_saves_what_was_typed_just_before_following_a_link(
    live_server, draft, sme_manager, new_context, console_errors
):
    base = live_server.url
    page = new_context().new_page()
    login(page, base, "sme_manager")
    page.goto(f"{base}/assessments/{draft.pk}/fill/energy/")
    page.fill(field_selector("energy.heat_gj"), "640")
    page.click(".fill-nav a[href$='/fill/gf25.energy/']")  # before the autosave delay has passed
    page.wait_for_url(re.compile(r"/fill/gf25\.energy/$"))
    assert Answer.objects.get(assessment=draft, question_code="energy.heat_gj").value == 640
    assert console_errors == []
