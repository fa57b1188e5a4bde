"""The static pipeline as deployed: collectstatic with WhiteNoise's compressed manifest storage."""

import json
import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_collectstatic_succeeds_with_the_production_storage(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", "--noinput", verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ("vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap/bootstrap.bundle.min.js"):
        hashed = manifest[name]
        assert hashed != name
        assert (tmp_path / hashed).is_file()
        assert (tmp_path / f"{hashed}.gz").is_file()


def test_every_source_map_a_static_file_refers_to_is_shipped():
    reference = re.compile(r"sourceMappingURL=(\S+?)(?:\s*\*/)?\s*$", re.MULTILINE)
    missing = []
    for root in settings.STATICFILES_DIRS:
        for path in Path(root).rglob("*"):
            if path.suffix not in (".js", ".css"):
                continue
            for target in reference.findall(path.read_text(encoding="utf-8", errors="replace")):
                if not (path.parent / target).is_file():
                    missing.append(f"{path.relative_to(root)} -> {target}")
    assert missing == []
