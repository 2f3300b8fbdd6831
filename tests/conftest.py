"""Shared fixtures: the bundled rule base, and a small fixture rule base to mutate."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from massage_screen.loader import load_rule_base
from massage_screen.model import RuleBase
from massage_screen.names import Names

from .documents import assert_valid_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal" / "rules"


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The compiled rule-base cache the tests share (never the user's own)."""
    return tmp_path_factory.mktemp("cache") / "massage-screen"


@pytest.fixture(autouse=True)
def _no_rules_override(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> None:
    monkeypatch.delenv("MASSAGE_SCREEN_RULES", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("MASSAGE_SCREEN_CACHE_DIR", str(cache_dir))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # reproducible records


@pytest.fixture(autouse=True)
def _every_json_document_follows_its_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every screening document a test produces in-process is checked against the shipped
    JSON Schema and its cross-references (see tests/documents.py)."""
    from massage_screen import report
    from massage_screen.render import json_format

    produce = report.outline_document

    def checked(outline: report.Outline) -> dict[str, Any]:
        document = produce(outline)
        assert_valid_document(document)
        return document

    monkeypatch.setattr(report, "outline_document", checked)
    monkeypatch.setattr(json_format, "outline_document", checked)


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
def rules_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the minimal rule base, with the real seeds beside it, run from
    the folder that holds both (so its problems are named "rules/...", as from the
    current directory)."""
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "rules"
    shutil.copytree(MINIMAL, target)
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return target
