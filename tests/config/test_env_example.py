from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_it_documents_every_environment_variable_of_the_settings():
    read = set()
    for module in (ROOT / "config").glob("*.py"):
        read |= set(
            re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', module.read_text(encoding="utf-8"))
        )
        read |= set(
            re.findall(r'os\.environ(?:\.get)?[\(\[]\s*"([A-Z0-9_]+)"', module.read_text(encoding="utf-8"))
        )
    documented = set(
        re.findall(r"^#?([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.M)
    )
    assert read, "no env reads found: the pattern is out of date"
    assert read - documented == set()
