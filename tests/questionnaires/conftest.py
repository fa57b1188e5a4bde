"""Fixture definition directories for the questionnaire engine tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"
SHARED_BANK = VALID / "bank-shared-2025.yaml"


@pytest.fixture
def definitions_dir(tmp_path: Path) -> Path:
    """A writable copy of the valid fixture definitions (a bank and two frameworks using it)."""
    target = tmp_path / "definitions"
    shutil.copytree(VALID, target)
    return target
