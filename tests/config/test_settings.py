import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest; it is an error under --deploy.
    unset = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"  # what a deployment runs, not the tests' settings
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _check({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_passes_the_deployment_check_when_configured():
    key = "k" * 20 + "Zx9!q" * 8
    result = _check(
        {"DEBUG": "false", "SECRET_KEY": key, "ALLOWED_HOSTS": "example.org"},
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_unset():
    result = _check({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


_DEBUG_PROBE = """
import django, json
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
call_command("collectstatic", "--noinput", verbosity=0)
response = Client().get("/no-such-page/", HTTP_HOST="example.org", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({"debug": settings.DEBUG, "status": response.status_code, "body": response.content.decode()}))
"""


def test_with_debug_unset_it_serves_no_debug_pages(tmp_path):
    unset = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        {
            "SECRET_KEY": "d" * 20 + "Q7!z" * 10,
            "ALLOWED_HOSTS": "example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
            "STATIC_ROOT": str(tmp_path / "static"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", _DEBUG_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    import json

    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["debug"] is False
    assert probe["status"] == 404
    assert "URLconf" not in probe["body"] and "DEBUG = True" not in probe["body"]
