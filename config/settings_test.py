"""Settings for the test suite: the development settings with the test-only differences.

pytest selects this module (DJANGO_SETTINGS_MODULE in pyproject.toml); `manage.py`, the WSGI/ASGI entry
points and the bench scripts use config.settings.
"""

from __future__ import annotations

import importlib
import os


def _development_settings() -> dict[str, object]:
    """config.settings as a developer runs it: DEBUG on unless the environment says otherwise (tasks run
    at once, static files from the finders). pytest-django still runs each test with DEBUG off. The
    environment is left as it was, so processes a test starts see what they would see anyway."""
    unset = "DEBUG" not in os.environ
    os.environ.setdefault("DEBUG", "true")
    try:
        module = importlib.import_module("config.settings")
    finally:
        if unset:
            del os.environ["DEBUG"]
    return {name: value for name, value in vars(module).items() if name.isupper()}


globals().update(_development_settings())

# Thousands of users are created per run: a fast hasher instead of PBKDF2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests serve static files from the finders; the manifest storage would need collectstatic first.
STORAGES = {
    **globals()["STORAGES"],
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
