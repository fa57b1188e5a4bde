"""Login hardening and HTTP security headers (issue 9, part 1).

Lockout (django-axes), password validators, session expiry, secure cookies and HSTS in production,
the Content-Security-Policy (no inline script or style anywhere in our templates) and CSRF on every
form.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from config.csp import DEFAULT_POLICY
from tests.factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = ("assessment", "questionnaires", "reports")


def _templates() -> list[Path]:
    files = sorted((ROOT / "templates").rglob("*.html"))
    for app in PROJECT_APPS:
        files += sorted((ROOT / app / "templates").rglob("*.html"))
    return files


def _login(client: Client, password: str, username: str = "sme_manager"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


# --- lockout ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_locks_an_account_out_after_repeated_failed_logins(client, sme_manager):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "wrong-password")
        assert response.status_code == 200  # the form again, with an error
        assert not response.wsgi_request.user.is_authenticated
    response = _login(client, "wrong-password")
    assert response.status_code == 429
    # Now even the right password is refused from this address.
    response = _login(client, TEST_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_lets_the_right_password_in_before_the_limit_and_resets_the_count(client, sme_manager):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong-password")
    response = _login(client, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(sme_manager.pk)
    client.logout()
    # The success reset the failure count: limit-1 more failures still do not lock.
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong-password").status_code == 200
    assert _login(client, TEST_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_it_locks_per_account_so_other_users_from_the_same_address_can_still_log_in(
    client, sme_manager, sme_contributor
):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong-password")
    assert _login(client, TEST_PASSWORD).status_code == 429
    assert _login(client, TEST_PASSWORD, username="sme_contributor").status_code == 302


# --- passwords and sessions -------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["short1!", "1234567890123", "password123", "qwertyuiop"])
def test_it_rejects_weak_passwords(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.django_db
def test_it_rejects_a_password_like_the_username(sme_manager):
    with pytest.raises(ValidationError):
        validate_password("sme_manager1", user=sme_manager)


def test_it_accepts_a_strong_password():
    validate_password("绿色工厂-Harbin-2026-x7")


@pytest.mark.django_db
def test_it_expires_sessions_after_the_configured_age(client, sme_manager):
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600
    response = _login(client, TEST_PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


@pytest.mark.django_db
def test_it_logs_out_only_by_post_and_ends_the_session(client, sme_manager):
    client.force_login(sme_manager)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


_PRODUCTION_PROBE = """
import django, json
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# The manifest storage needs collectstatic; the probe is about headers, so plain static storage.
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
response = Client().get("/accounts/login/", secure=True, HTTP_HOST="example.org")
plain = Client().get("/accounts/login/", HTTP_HOST="example.org")
print(json.dumps({
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "hsts": response.headers.get("Strict-Transport-Security"),
    "csp": response.headers.get("Content-Security-Policy"),
    "frame": response.headers.get("X-Frame-Options"),
    "nosniff": response.headers.get("X-Content-Type-Options"),
    "status": response.status_code,
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "csrf_cookie_secure": bool(response.cookies["csrftoken"]["secure"]) if "csrftoken" in response.cookies else None,
}))
"""


def test_it_sets_secure_cookies_hsts_and_https_redirect_when_debug_is_off(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"))}
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": "p" * 20 + "Q7!z" * 10,
            "ALLOWED_HOSTS": "example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", _PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    import json

    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["session_secure"] is True
    assert probe["csrf_secure"] is True
    assert probe["session_httponly"] is True
    assert probe["status"] == 200
    assert probe["hsts"] is not None and "max-age=31536000" in probe["hsts"]
    assert "includeSubDomains" in probe["hsts"]
    assert probe["csp"] == DEFAULT_POLICY
    assert probe["frame"] == "DENY"
    assert probe["nosniff"] == "nosniff"
    assert probe["csrf_cookie_secure"] in (True, None)
    # Plain HTTP is redirected to HTTPS.
    assert probe["plain_status"] == 301
    assert probe["plain_location"].startswith("https://example.org/")


# --- Content-Security-Policy -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [None, "sme_manager", "city_official", "admin_user"])
def test_it_sends_the_content_security_policy_on_every_page(client, request, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    for url in [reverse("login"), reverse("home"), reverse("signup")]:
        response = client.get(url)
        policy = response.headers["Content-Security-Policy"]
        assert policy == DEFAULT_POLICY
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_it_sends_the_policy_on_the_admin_too(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == DEFAULT_POLICY


_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_JSON_SCRIPT = re.compile(r"<script\b[^>]*type=[\"']application/(ld\+)?json[\"']", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
_STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
_EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
_JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']\s*javascript:", re.IGNORECASE)


def test_it_has_templates_to_check():
    assert len(_templates()) >= 10


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_it_keeps_script_and_style_out_of_templates(template):
    """Our templates carry no inline script, event handler, javascript: URL, style element or style
    attribute: the CSP would block them (use classes in static/css/app.css and static JS files).
    JSON data blocks (<script type="application/json">, json_script) are not executed and are allowed."""
    text = template.read_text(encoding="utf-8")
    scripts = [m.group(0) for m in _INLINE_SCRIPT.finditer(text) if not _JSON_SCRIPT.match(m.group(0))]
    assert scripts == [], f"inline <script> in {template}"
    assert not _STYLE_ATTRIBUTE.search(text), f'style="" attribute in {template}'
    assert not _STYLE_ELEMENT.search(text), f"<style> element in {template}"
    assert not _EVENT_HANDLER.search(text), f"on*= event handler in {template}"
    assert not _JS_URL.search(text), f"javascript: URL in {template}"


# --- CSRF -------------------------------------------------------------------------------------------------

_POST_FORM = re.compile(r"<form\b[^>]*method=[\"']post[\"'][^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_it_puts_a_csrf_token_in_every_post_form(template):
    text = template.read_text(encoding="utf-8")
    for form in _POST_FORM.findall(text):
        assert "{% csrf_token %}" in form, f"POST form without csrf_token in {template}"


@pytest.mark.django_db
def test_it_refuses_a_login_post_without_the_csrf_token(sme_manager):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "sme_manager", "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_accepts_a_login_post_with_the_csrf_token_from_the_form(sme_manager):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(
        reverse("login"), {"username": "sme_manager", "password": TEST_PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, persona, data",
    [
        ("signup", None, {"username": "x"}),
        ("enterprise_edit", "sme_manager", {"name": "篡改"}),
        ("invitation_create", "sme_manager", {"email": "x@example.com", "role": "manager"}),
        ("logout", "sme_manager", {}),
        ("set_language", "sme_manager", {"language": "en"}),
        ("password_change", "sme_manager", {"old_password": TEST_PASSWORD}),
    ],
)
def test_it_refuses_state_changing_posts_without_the_csrf_token(request, name, persona, data):
    client = Client(enforce_csrf_checks=True)
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse(name), data)
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("weak", ["1234567890123", "password123", "short-1", "jiamusi_liangyou"])
def test_it_refuses_weak_passwords_at_sign_up_and_password_change(client, sme_manager, weak):
    from assessment.models import Enterprise
    from tests.assessment.test_views_foundation import signup_data

    data = signup_data(password1=weak, password2=weak, username="jiamusi_liangyou")
    response = client.post(reverse("signup"), data)
    assert response.status_code in (200, 400)
    assert "password1" in response.context["form"].errors
    assert not Enterprise.objects.filter(name=data["name"]).exists()

    if weak == data["username"]:
        return  # weak only as this sign-up's own user name
    client.force_login(sme_manager)
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200  # the form again, with the validator's message
    sme_manager.refresh_from_db()
    assert sme_manager.check_password(TEST_PASSWORD)
