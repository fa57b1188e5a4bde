"""The committed English catalogue is complete and its compiled .mo matches the .po (no gettext needed to run)."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _po_entries(path: Path) -> dict[str, list[str]]:
    """msgid -> its msgstr forms (one, or one per plural form) of a PO file without contexts."""
    entries: dict[str, list[str]] = {}
    current: dict[str, str] = {}
    key = None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        match = re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d\])?) (\".*\")$", line)
        if match:
            key = match.group(1)
            current[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip():
            if current.get("msgid"):
                forms = sorted(k for k in current if k.startswith("msgstr"))
                entries[current["msgid"]] = [current[k] for k in forms]
            current, key = {}, None
    return entries


def test_it_translates_every_message_to_english():
    entries = _po_entries(PO)
    assert len(entries) > 100
    assert [msgid for msgid, forms in entries.items() if not all(forms)] == []
    flags = [line for line in PO.read_text(encoding="utf-8").splitlines() if line.startswith("#,")]
    assert [line for line in flags if "fuzzy" in line] == [], "fuzzy entries are not used at run time"


def test_it_ships_a_compiled_catalogue_matching_the_po_file():
    with PO.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for msgid, forms in _po_entries(PO).items()
        if (compiled.gettext(msgid) if len(forms) == 1 else compiled.ngettext(msgid, msgid, 1)) != forms[0]
    ]
    assert stale == [], "run: manage.py compilemessages -l en --ignore=.venv"
