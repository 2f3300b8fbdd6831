"""The Python API: keyword-only, plain names, typed errors, loaded once, documented."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import massage_screen
from massage_screen import (
    AmbiguousNameError,
    InputError,
    RuleBaseError,
    UnknownNameError,
    api,
    screen,
)
from massage_screen.cli import app

from .conftest import MINIMAL, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_screen_takes_the_names_the_command_line_takes() -> None:
    screening = screen(
        conditions=["high blood pressure", "skin wound@lumbar"],
        types=["classical"],
        regions=["neck"],
        setting="home",
    )
    assert screening.overall.value == "excluded"
    assert [c.id for c in screening.patient.conditions] == ["arterial-hypertension", "skin-wound"]
    assert len(screening.results) == 1


def test_arguments_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        screen(["fever"])  # type: ignore[misc]


@pytest.mark.parametrize(
    "arguments, error, message",
    [
        (
            {"conditions": ["hypotensio"]},
            UnknownNameError,
            'unknown condition "hypotensio"; run `massage-screen list conditions` to see them all',
        ),
        (
            {"conditions": ["back pain"]},
            AmbiguousNameError,
            '"back pain" is ambiguous; give one of: acute-pain (sudden, sharp or severe pain '
            "right now), aching-pain (a dull, nagging or aching pain, long-standing or coming "
            "and going), undiagnosed-back-pain (pain whose cause a doctor has not yet found)",
        ),
        (
            {"conditions": ["fever@"]},
            InputError,
            'bad condition "fever@": a region must follow "@"',
        ),
        (
            {"regions": ["neckk"]},
            UnknownNameError,
            'unknown region "neckk"; did you mean: cervical [Neck (cervical spine)]?',
        ),
        (
            {"setting": " "},
            InputError,
            "the setting is empty; leave it out (None) when it is not known",
        ),
    ],
)
def test_bad_input_raises_the_errors_check_reports(
    arguments: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        screen(**arguments)  # type: ignore[arg-type]
    assert str(raised.value) == message
    args = [
        a
        for key, flag in (("conditions", "-c"), ("regions", "-r"))
        for value in arguments.get(key, [])  # type: ignore[attr-defined]
        for a in (flag, value)
    ]
    if args:
        checked = CliRunner().invoke(app, ["check", *args])
        assert (checked.exit_code, checked.stderr) == (2, f"massage-screen: error: {message}\n")


def test_a_single_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="conditions must be a list of names"):
        screen(conditions="fever")
    with pytest.raises(TypeError, match="types must be a list of strings"):
        screen(types=[1])  # type: ignore[list-item]


def test_an_invalid_rule_base_raises_rule_base_error(tmp_path: Path) -> None:
    with pytest.raises(RuleBaseError) as raised:
        screen(conditions=["fever"], rules=tmp_path / "missing")
    assert raised.value.problems[0].code == "missing-file"


def test_the_rule_base_loads_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "_loaded", {})
    calls: list[object] = []
    real = api.load_validated

    def counting(rules: Path | None = None):  # type: ignore[no-untyped-def]
        calls.append(rules)
        return real(rules)

    monkeypatch.setattr(api, "load_validated", counting)
    for _ in range(3):
        screen(conditions=["fever"])
        screen(conditions=["fever"], rules=MINIMAL)
    assert calls == [None, MINIMAL.absolute()]


@pytest.mark.parametrize(
    "arguments, flags",
    [
        (
            {"conditions": ["pregnancy", "moles@lower back"], "setting": "clinic"},
            ["-c", "pregnancy", "-c", "moles@lower back", "--setting", "clinic"],
        ),
        (
            {
                "conditions": ["high blood pressure"],
                "types": ["classical"],
                "regions": ["neck"],
                "patient": "P-7",
                "screener": "A. Therapist",
            },
            [
                "-c",
                "high blood pressure",
                "-t",
                "classical",
                "-r",
                "neck",
                "--patient",
                "P-7",
                "--screener",
                "A. Therapist",
            ],
        ),
    ],
)
def test_the_document_is_the_one_check_prints(
    arguments: dict[str, object], flags: list[str]
) -> None:
    screening = screen(**arguments)  # type: ignore[arg-type]
    checked = CliRunner().invoke(app, ["check", *flags, "-f", "json"])
    assert screening.to_document() == json.loads(checked.stdout)
    assert screening.to_document()["record"]["time"] == "2023-11-14T22:13:20Z"


def test_a_bad_source_date_epoch_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH must be whole seconds"):
        screen(conditions=["fever"])


def test_importing_the_package_is_cheap() -> None:
    assert set(massage_screen.__all__) >= {"screen", "InputError", "RuleBaseError", "__version__"}
    for name in massage_screen.__all__:
        assert getattr(massage_screen, name) is not None


def test_the_readme_example_runs_as_shown() -> None:
    section = README[README.index("## From Python: `screen()`") :]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    shown = re.search(r"prints\n\n```text\n(.*?)```", section, re.DOTALL)
    assert code and shown
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code.group(1), "README.md", "exec"), {})
    assert printed.getvalue() == shown.group(1)


def test_the_readme_batch_example_is_real_output(tmp_path: Path) -> None:
    block = re.search(
        r"```console\n\$ cat patients.jsonl\n(.*?)\$ massage-screen batch patients.jsonl\n(.*?)```",
        README,
        re.DOTALL,
    )
    assert block
    (tmp_path / "patients.jsonl").write_text(block.group(1), encoding="utf-8")
    with contextlib.chdir(tmp_path):
        result = CliRunner().invoke(app, ["batch", "patients.jsonl"])
    assert result.stdout + result.stderr == block.group(2)
    assert result.exit_code == 2
