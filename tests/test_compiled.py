"""The compiled rule base: built once, reused while nothing changes, never trusted otherwise."""

from __future__ import annotations

import os
import pickle
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from massage_screen import compiled
from massage_screen.cli import app
from massage_screen.loader import RuleBaseError, load_rule_base
from massage_screen.model import RuleBase

from .conftest import MINIMAL, SEEDS


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Each test gets its own cache directory and no in-process memo."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("MASSAGE_SCREEN_CACHE_DIR", str(folder))
    monkeypatch.setattr(compiled, "_memo", {})
    return folder


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("rules-*.pickle")) if folder.is_dir() else []


def forget() -> None:
    """Drop the in-process memo, as a new process would start."""
    compiled._memo.clear()


def no_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on a cache miss fails the test: what loads must come from the cache."""

    def refuse(rules_dir: Path, seeds_dir: Path) -> RuleBase:
        raise AssertionError("the rule base was built again")

    monkeypatch.setattr(compiled, "build", refuse)


def test_a_second_process_reads_the_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    first = compiled.load_validated(MINIMAL)
    folder = tmp_path / "cache"
    assert len(cache_files(folder)) == 1
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    forget()
    no_build(monkeypatch)
    assert compiled.load_validated(MINIMAL) == first


def test_the_cache_stores_the_names_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolving names needs every catalogue name normalised; that is done once, when the
    rule base is built, and read back with it."""
    from massage_screen.names import Names

    first = compiled.load_validated(MINIMAL)
    assert Names.of(first) is Names.of(first)
    forget()
    no_build(monkeypatch)
    cached = compiled.load_validated(MINIMAL)
    assert "_names" in cached.__dict__
    names = Names.of(cached)
    assert names == Names.of(load_rule_base(MINIMAL, SEEDS))
    assert names.conditions.index == Names.of(load_rule_base(MINIMAL, SEEDS)).conditions.index


def test_the_cached_rule_base_equals_the_loaded_one() -> None:
    loaded = load_rule_base()
    cached = compiled.load_validated()
    forget()
    again = compiled.load_validated()
    assert (cached.rules, cached.conditions, cached.cases) == (
        loaded.rules,
        loaded.conditions,
        loaded.cases,
    )
    assert again == cached


def test_the_digest_covers_rules_and_seeds(rules_copy: Path) -> None:
    seeds = rules_copy.parent / "seeds"
    before = compiled.content_digest(rules_copy, seeds)
    assert before is not None and before.startswith("sha256:")
    (seeds / "000_063ec8d0cbbd0d34.txt").write_text(
        (SEEDS / "000_063ec8d0cbbd0d34.txt").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    after_seed = compiled.content_digest(rules_copy, seeds)
    (rules_copy / "extra.txt").write_text("x", encoding="utf-8")
    after_rule = compiled.content_digest(rules_copy, seeds)
    assert len({before, after_seed, after_rule}) == 3


def test_a_changed_rule_file_is_rebuilt(rules_copy: Path) -> None:
    assert compiled.load_validated(rules_copy).rule("hypertension-excludes").advice == (
        "Do not massage."
    )
    group = rules_copy / "groups" / "all.yaml"
    group.write_text(
        group.read_text(encoding="utf-8").replace("Do not massage.", "Do not massage at all."),
        encoding="utf-8",
    )
    forget()
    changed = compiled.load_validated(rules_copy)
    assert changed.rule("hypertension-excludes").advice == "Do not massage at all."


def test_a_changed_rule_file_is_rebuilt_within_one_process(rules_copy: Path) -> None:
    compiled.load_validated(rules_copy)
    group = rules_copy / "groups" / "all.yaml"
    group.write_text(
        group.read_text(encoding="utf-8").replace("Do not massage.", "Stop."), encoding="utf-8"
    )
    assert compiled.load_validated(rules_copy).rule("hypertension-excludes").advice == "Stop."


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: data[:100] + b"\x00garbage" + data[108:], id="corrupt"),
        pytest.param(lambda data: b"not a cache file at all", id="foreign"),
    ],
)
def test_a_damaged_cache_file_is_ignored_and_rebuilt(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    expected = compiled.load_validated(MINIMAL)
    (path,) = cache_files(tmp_path / "cache")
    path.write_bytes(damage(path.read_bytes()))
    forget()
    assert compiled.load_validated(MINIMAL) == expected
    forget()
    key = compiled.cache_key(*compiled.rule_dirs(MINIMAL), expected_digest())
    assert compiled.read_cache(path, key) == expected  # rewritten whole


def expected_digest() -> str:
    digest = compiled.content_digest(*compiled.rule_dirs(MINIMAL))
    assert digest is not None
    return digest


def test_a_file_stored_under_another_key_is_not_trusted(tmp_path: Path) -> None:
    compiled.load_validated(MINIMAL)
    (path,) = cache_files(tmp_path / "cache")
    other = load_rule_base()  # a different, valid rule base, stored under a wrong key
    assert compiled.write_cache(path, b"0" * 64, other)
    forget()
    assert compiled.read_cache(path, b"0" * 64) == other
    minimal = compiled.load_validated(MINIMAL)
    assert minimal.conditions != other.conditions
    key = compiled.cache_key(*compiled.rule_dirs(MINIMAL), expected_digest())
    assert compiled.read_cache(path, key) == minimal  # replaced by the right one


def test_a_matching_key_over_something_else_is_not_used(tmp_path: Path) -> None:
    compiled.load_validated(MINIMAL)
    (path,) = cache_files(tmp_path / "cache")
    key = compiled.cache_key(*compiled.rule_dirs(MINIMAL), expected_digest())
    path.write_bytes(compiled.MAGIC + key + b"\n" + pickle.dumps({"rules": "not a rule base"}))
    assert compiled.read_cache(path, key) is None
    forget()
    assert isinstance(compiled.load_validated(MINIMAL), RuleBase)


def test_a_cache_directory_others_can_write_to_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    os.chmod(folder, 0o777)
    compiled.load_validated(MINIMAL)
    assert cache_files(folder) == []
    rule_base = load_rule_base(MINIMAL, SEEDS)
    path = compiled.cache_file(*compiled.rule_dirs(MINIMAL))
    assert path is not None
    key = compiled.cache_key(*compiled.rule_dirs(MINIMAL), expected_digest())
    path.write_bytes(compiled.MAGIC + key + b"\n" + pickle.dumps(rule_base))
    assert compiled.read_cache(path, key) is None


def test_a_symbolic_link_in_place_of_the_cache_file_is_not_followed(tmp_path: Path) -> None:
    compiled.load_validated(MINIMAL)
    (path,) = cache_files(tmp_path / "cache")
    real = tmp_path / "elsewhere.pickle"
    path.rename(real)
    path.symlink_to(real)
    key = compiled.cache_key(*compiled.rule_dirs(MINIMAL), expected_digest())
    assert compiled.read_cache(path, key) is None


def test_an_unwritable_cache_directory_only_costs_speed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("MASSAGE_SCREEN_CACHE_DIR", str(blocker / "cache"))
    rule_base = compiled.load_validated(MINIMAL)
    assert rule_base.rule("hypertension-excludes").advice == "Do not massage."
    result = CliRunner().invoke(
        app, ["check", "-c", "fever", "-f", "json", "--rules", str(MINIMAL)]
    )
    assert (result.exit_code, result.stderr) == (20, "")


def test_an_empty_cache_variable_turns_the_cache_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MASSAGE_SCREEN_CACHE_DIR", "")
    monkeypatch.chdir(tmp_path)
    compiled.load_validated(MINIMAL)
    assert compiled.cache_dir() is None
    assert list(tmp_path.iterdir()) == []


def test_the_default_cache_directory_follows_xdg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MASSAGE_SCREEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert compiled.cache_dir() == Path("/somewhere/cache/massage-screen")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", "/home/someone")
    assert compiled.cache_dir() == Path("/home/someone/.cache/massage-screen")


def test_the_bundled_rules_directory_is_the_loaders() -> None:
    from massage_screen.loader import default_rules_dir

    assert compiled.default_rules_dir() == default_rules_dir()


def test_a_fifo_in_the_rule_base_skips_the_cache_without_blocking(rules_copy: Path) -> None:
    os.mkfifo(rules_copy / "groups" / "pipe.txt")
    assert compiled.content_digest(rules_copy, rules_copy.parent / "seeds") is None


def break_a_case(rules_copy: Path) -> None:
    group = rules_copy / "groups" / "all.yaml"
    text = group.read_text(encoding="utf-8")
    assert "expect: {all: excluded}" in text
    group.write_text(text.replace("expect: {all: excluded}", "expect: {all: allowed}", 1))


def test_a_failing_example_case_makes_the_rule_base_invalid(rules_copy: Path) -> None:
    break_a_case(rules_copy)
    load_rule_base(rules_copy)  # the loader alone accepts it...
    with pytest.raises(RuleBaseError) as raised:
        compiled.load_validated(rules_copy)  # ...but nothing may screen with it
    (problem,) = raised.value.problems
    assert problem.code == "case-failed"
    assert str(problem).startswith("rules/groups/all.yaml:")
    assert 'case "hypertension excludes everything": ' in str(problem)


def test_check_refuses_a_rule_base_whose_cases_fail(rules_copy: Path) -> None:
    break_a_case(rules_copy)
    result = CliRunner().invoke(
        app, ["check", "-c", "fever", "-f", "json", "--rules", str(rules_copy)]
    )
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.startswith(
        "massage-screen: error: the rule base is invalid (1 problem):\n"
    )
    assert "[case-failed]" in result.stderr


def test_a_refused_rule_base_is_never_cached(rules_copy: Path, tmp_path: Path) -> None:
    break_a_case(rules_copy)
    with pytest.raises(RuleBaseError):
        compiled.load_validated(rules_copy)
    assert cache_files(tmp_path / "cache") == []


def test_a_todo_case_that_passes_makes_the_rule_base_invalid_too(rules_copy: Path) -> None:
    """As `validate` reads it: a todo case is a known gap and must fail."""
    group = rules_copy / "groups" / "all.yaml"
    group.write_text(
        group.read_text(encoding="utf-8")
        + "  - name: a gap that is already closed\n"
        + "    conditions: [fever]\n"
        + "    expect: {all: excluded}\n"
        + "    todo: pretend this is still a known gap\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleBaseError) as raised:
        compiled.load_validated(rules_copy)
    (problem,) = raised.value.problems
    assert str(problem).endswith(
        'error: case "a gap that is already closed": todo case passes; remove todo [case-failed]'
    )
    validated = CliRunner().invoke(app, ["validate", "--rules", str(rules_copy)])
    assert validated.exit_code == 3
    assert str(problem) in validated.stderr
