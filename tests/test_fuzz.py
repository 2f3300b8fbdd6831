"""Fuzzing (issue 9): `check` (command line and library), the answers reader and the rule
loader, driven with generated text, bytes and structures. Whatever comes in: never exit 1,
never a traceback, nothing on stdout after an error, and on success the exit code is the
JSON's overall verdict.

Kept well under a minute in CI; for a longer run set MASSAGE_SCREEN_FUZZ=20 (a multiplier
of the number of examples).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from massage_screen.answers_file import AnswersFileError, read_answers
from massage_screen.cli import VERDICT_EXIT, app
from massage_screen.evaluate import screen
from massage_screen.loader import load_rule_base
from massage_screen.model import RuleBase
from massage_screen.names import InputError, Names
from massage_screen.questionnaire import answers_from_document

from .conftest import MINIMAL, SEEDS

SCALE = max(1, int(os.environ.get("MASSAGE_SCREEN_FUZZ", "1")))


def fuzz(examples: int) -> Any:
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


runner = CliRunner()
MINIMAL_BASE = load_rule_base(MINIMAL, SEEDS)
BUNDLED = load_rule_base()


@pytest.fixture(scope="module", autouse=True)
def _load_once() -> Any:
    """The command-line runs reuse one loaded minimal rule base (loading is not what is
    fuzzed there; test_the_rule_loader fuzzes it)."""
    from massage_screen import cli, run

    real = run.load

    def load(rules: Path | None) -> RuleBase:
        return MINIMAL_BASE if rules == MINIMAL else real(rules)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "load", load)
        patch.setattr(run, "load", load)  # `check` runs from `run`
        yield


def known_names(rule_base: RuleBase) -> list[str]:
    entries = (
        *rule_base.conditions,
        *rule_base.massage_types,
        *rule_base.regions,
        *rule_base.settings,
    )
    return sorted({n for e in entries for n in (e.id, e.label, *e.aliases)})


# Text that looks like names, breaks them, or is hostile: control characters, surrogates
# (undecodable bytes in argv), bidi overrides, newlines, huge and empty values.
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec=None), max_size=20),
    st.text(alphabet="@ \n\t\x1b[2J-_#*`|\u202e\udcff", max_size=20),
    st.sampled_from(["", " ", "@", "@@", "x" * 10_000, "\x00", "-", "--help"]),
)


def names_from(rule_base: RuleBase) -> st.SearchStrategy[str]:
    known = st.sampled_from(known_names(rule_base))
    return st.one_of(
        known,
        st.builds(lambda a, b: f"{a}@{b}", known, known),
        st.builds(lambda a, b: a + b, known, hostile_text),
        hostile_text,
    )


def check_result(result: Any) -> None:
    """The promises every run keeps."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.stderr
    assert result.exit_code in (0, 2, 10, 20), (result.exit_code, result.stderr)
    if result.exit_code == 2:
        assert result.stdout == ""
        assert result.stderr.startswith("massage-screen: error: ")
        assert result.stderr.count("\n") == 1, result.stderr
        assert "\x1b" not in result.stderr
    else:
        document = json.loads(result.stdout)
        assert VERDICT_EXIT[document["overall"]] == result.exit_code


# --- check ------------------------------------------------------------------------------------


@fuzz(120)
@given(
    conditions=st.lists(names_from(MINIMAL_BASE), max_size=3),
    types=st.lists(names_from(MINIMAL_BASE), max_size=2),
    regions=st.lists(names_from(MINIMAL_BASE), max_size=2),
    setting=st.none() | names_from(MINIMAL_BASE),
)
def test_check_on_the_command_line(
    conditions: list[str], types: list[str], regions: list[str], setting: str | None
) -> None:
    args = ["check", "-f", "json", "--rules", str(MINIMAL)]
    for flag, values in (("-c", conditions), ("-t", types), ("-r", regions)):
        for value in values:
            args += [flag, value]
    if setting is not None:
        args += ["--setting", setting]
    check_result(runner.invoke(app, args))


@fuzz(300)
@given(
    conditions=st.lists(names_from(BUNDLED), max_size=4),
    types=st.lists(names_from(BUNDLED), max_size=2),
    regions=st.lists(names_from(BUNDLED), max_size=2),
    setting=st.none() | names_from(BUNDLED),
)
def test_check_through_the_library(
    conditions: list[str], types: list[str], regions: list[str], setting: str | None
) -> None:
    names = Names.of(BUNDLED)
    try:
        patient = names.patient(BUNDLED, conditions, types, regions, setting)
    except InputError as error:
        assert "\n" not in str(error)
        assert "\x1b" not in str(error)
        assert len(str(error)) < 2000
        return
    screening = screen(BUNDLED, patient)
    assert screening.overall.value in VERDICT_EXIT


# --- the answers reader -------------------------------------------------------------------

GATE_IDS = [gate.id for gate in MINIMAL_BASE.gates]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    hostile_text,
    st.sampled_from(["no", "all", "fever", "skin-wound@lumbar", "home", ""]),
)
keys = st.one_of(
    st.sampled_from(["schema", "regions", "types", "setting", "gates", *GATE_IDS]), hostile_text
)
structures = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)
answer_documents = st.fixed_dictionaries(
    {},
    optional={
        "regions": structures,
        "types": structures,
        "setting": structures,
        "gates": st.dictionaries(st.sampled_from(GATE_IDS) | keys, structures, max_size=5),
        "schema": scalars,
    },
)
yaml_like = st.text(alphabet="{}[]:,-&*!<>|'\"\n #?%@`\t\\abc01no", max_size=200)


def replay(path: Path) -> None:
    """Read and validate an answers file: only AnswersFileError or InputError may escape."""
    try:
        document = read_answers(path)
    except AnswersFileError as error:
        assert "\n" not in str(error) and "\x1b" not in str(error)
        return
    try:
        answers_from_document(document, MINIMAL_BASE)
    except InputError as error:
        assert "\n" not in str(error) and "\x1b" not in str(error)


@fuzz(150)
@given(data=st.binary(max_size=2000) | yaml_like.map(str.encode))
def test_the_answers_reader_with_bytes(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    folder = tmp_path_factory.mktemp("answers")
    for name in ("answers.yaml", "answers.json"):
        (folder / name).write_bytes(data)
        replay(folder / name)


@fuzz(150)
@given(document=answer_documents | structures, name=st.sampled_from(["a.yaml", "a.json"]))
def test_the_answers_reader_with_structures(
    tmp_path_factory: pytest.TempPathFactory, document: Any, name: str
) -> None:
    folder = tmp_path_factory.mktemp("answers")
    (folder / "a.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    (folder / "a.json").write_text(json.dumps(document, indent="\t"), encoding="utf-8")
    replay(folder / "a.yaml")
    replay(folder / "a.json")
    args = ["questionnaire", "--answers", str(folder / name), "-f", "json", "--rules"]
    check_result(runner.invoke(app, [*args, str(MINIMAL)]))


# --- the rule loader ------------------------------------------------------------------------

rule_like = st.fixed_dictionaries(
    {
        "rules": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "id": keys,
                    "conditions": structures,
                    "kind": st.sampled_from(["absolute", "caution", "note"]) | scalars,
                    "effect": st.sampled_from(["excluded", "cautioned"]) | scalars,
                    "advice": scalars,
                    "scope": structures,
                    "citations": structures,
                },
            ),
            max_size=3,
        )
    },
    optional={"cases": structures},
)


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzzed")
    shutil.copytree(MINIMAL, folder / "rules")
    shutil.copytree(SEEDS, folder / "seeds")
    return folder / "rules"


@fuzz(80)
@given(
    content=st.binary(max_size=1000)
    | yaml_like.map(str.encode)
    | (rule_like | structures).map(lambda d: yaml.safe_dump(d).encode()),
    where=st.sampled_from(["groups/fuzz.yaml", "groups/all.yaml", "conditions.yaml"]),
)
def test_the_rule_loader(rules_dir: Path, content: bytes, where: str) -> None:
    path = rules_dir / where
    original = path.read_bytes() if path.exists() else None
    path.write_bytes(content)
    try:
        result = runner.invoke(app, ["validate", "--rules", str(rules_dir)])
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert result.exit_code in (0, 3), (result.exit_code, result.stderr)
        assert "Traceback" not in result.stderr
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)
