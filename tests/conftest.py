"""Shared fixtures: the bundled rule base, and a small fixture rule base to mutate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from massage_screen.loader import load_rule_base
from massage_screen.model import RuleBase
from massage_screen.names import Names

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal" / "rules"


@pytest.fixture(autouse=True)
def _no_rules_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MASSAGE_SCREEN_RULES", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture(scope="session")
def rule_base() -> RuleBase:
    return load_rule_base()


@pytest.fixture(scope="session")
def names(rule_base: RuleBase) -> Names:
    return Names.of(rule_base)


@pytest.fixture(scope="session")
def minimal() -> RuleBase:
    return load_rule_base(MINIMAL, SEEDS)


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of the minimal rule base, with the real seeds beside it."""
    target = tmp_path / "rules"
    shutil.copytree(MINIMAL, target)
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return target
