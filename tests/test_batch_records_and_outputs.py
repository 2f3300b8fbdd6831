"""Batch output that is its own input, deep nesting, duplicate keys and
wrong-typed fields in batch records, messages, screen() with None, and an ASCII-only stderr.

Every file here is made inside the test's own tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from massage_screen import batch, screen
from massage_screen.cli import app

from .test_cli import console_script

runner = CliRunner()
GOOD = '{"id": "a", "conditions": ["fever"]}\n{"id": "b"}\n'


def script(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([console_script(), *args], timeout=120, check=False, **kwargs)


# 1. the output is the input -----------------------------------------------------------------


@pytest.mark.parametrize("how", ["same", "hardlink", "symlink"])
def test_batch_refuses_an_output_that_is_its_input(tmp_path: Path, how: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(GOOD, encoding="utf-8")
    target = tmp_path / "out.jsonl"
    if how == "same":
        target = source
    elif how == "hardlink":
        os.link(source, target)
    else:
        target.symlink_to(source)
    done = script("batch", str(source), "-o", str(target))
    assert done.returncode == 4, done.stderr
    assert done.stderr.decode() == (
        f"massage-screen: error: -o {target} is the input file ({source}); "
        "write the output to another file\n"
    )
    assert done.stdout == b""
    assert source.read_text(encoding="utf-8") == GOOD


def test_batch_refuses_stdin_that_is_the_output_file(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(GOOD, encoding="utf-8")
    os.link(source, tmp_path / "other.jsonl")  # several links: would be rewritten in place
    with source.open("rb") as stdin:
        done = script("batch", "-", "-o", str(source), stdin=stdin)
    assert done.returncode == 4, done.stderr
    assert b"is the input file (standard input)" in done.stderr
    assert source.read_text(encoding="utf-8") == GOOD


def test_batch_refuses_stdout_appending_to_its_input(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(GOOD, encoding="utf-8")
    with source.open("ab") as stdout:
        done = script("batch", str(source), stdout=stdout)
    assert done.returncode == 4, done.stderr
    assert b"standard output is the input file" in done.stderr
    assert source.read_text(encoding="utf-8") == GOOD


def test_questionnaire_refuses_an_output_that_is_its_answers_file(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    text = "gates:\n  acute: no\n  heart: no\n  skin: no\n"
    answers.write_text(text, encoding="utf-8")
    link = tmp_path / "report.yaml"
    os.link(answers, link)
    for target in (answers, link):
        result = runner.invoke(app, ["questionnaire", "--answers", str(answers), "-o", str(target)])
        assert result.exit_code == 4, result.output
        assert result.stderr == (
            f"massage-screen: error: -o {target} is the input file ({answers}); "
            "write the output to another file\n"
        )
        assert answers.read_text(encoding="utf-8") == text


# 2. deep nesting, and lines screened before an error --------------------------------------


def test_deep_nesting_is_a_bad_record_and_the_run_goes_on(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a"}\n' + "[" * 100_000 + '\n{"id": "c"}\n', encoding="utf-8")
    done = script("batch", str(source))
    assert done.returncode == 2, done.stderr
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r.get("id") for r in out] == ["a", None, "c"]
    assert out[1] == {"line": 2, "id": None, "error": "not valid JSON: nested too deeply"}
    assert f"{source}:2: not valid JSON: nested too deeply" in done.stderr.decode()
    assert b"Traceback" not in done.stderr


def test_strict_keeps_the_lines_screened_before_the_bad_one(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a"}\n{"id": "b"}\n' + "[" * 100_000 + "\n", encoding="utf-8")
    done = script("batch", str(source), "--strict")
    assert done.returncode == 2, done.stderr
    assert [json.loads(line).get("id") for line in done.stdout.decode().splitlines()] == [
        "a",
        "b",
        None,
    ]


def test_lines_already_screened_reach_stdout_when_the_run_is_interrupted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = batch.Screener.screen
    count = 0

    def screen_then_stop(self: batch.Screener, patient: batch.Patient) -> Any:
        nonlocal count
        count += 1
        if count == 3:
            raise KeyboardInterrupt
        return real(self, patient)

    monkeypatch.setattr(batch.Screener, "screen", screen_then_stop)
    result = runner.invoke(app, ["batch", "-"], input='{"id": 1}\n{"id": 2}\n{"id": 3}\n')
    assert result.exit_code == 130
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [1, 2]


# 3. record fields: duplicate keys and wrong types ----------------------------------------


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ('{"id": "a", "conditions": ["fever"], "conditions": []}', 'duplicate key "conditions"'),
        ('{"id": "a", "id": "b"}', 'duplicate key "id"'),
        ('{"id": "a", "conditions": ""}', '"conditions" must be a list of strings'),
        ('{"id": "a", "conditions": false}', '"conditions" must be a list of strings'),
        ('{"id": "a", "conditions": 0}', '"conditions" must be a list of strings'),
        ('{"id": "a", "conditions": {}}', '"conditions" must be a list of strings'),
        ('{"id": "a", "conditions": "fever"}', '"conditions" must be a list of strings'),
        ('{"id": "a", "types": ""}', '"types" must be a list of strings'),
        ('{"id": "a", "regions": 0}', '"regions" must be a list of strings'),
        ('{"id": "a", "regions": [1]}', '"regions" must be a list of strings'),
        ('{"id": "a", "setting": ""}', '"setting" must not be empty'),
        ('{"id": "a", "setting": 0}', '"setting" must be a string or null'),
        ('{"id": "a", "setting": false}', '"setting" must be a string or null'),
        ('{"id": ""}', '"id" must not be empty'),
        ('{"id": false}', '"id" must be a string or an integer'),
        ('{"id": 1.5}', '"id" must be a string or an integer'),
        ('{"conditions": ["fever"]}', '"id" must be a string or an integer'),
    ],
)
def test_a_field_of_the_wrong_type_is_a_bad_record(line: str, error: str) -> None:
    result = runner.invoke(app, ["batch", "-"], input=line + "\n")
    assert result.exit_code == 2, result.output
    (out,) = [json.loads(text) for text in result.stdout.splitlines()]
    assert out["line"] == 1
    assert out["error"].startswith(error)
    assert "overall" not in out


def test_null_and_missing_fields_still_mean_not_given() -> None:
    lines = [
        '{"id": "a", "conditions": null, "types": null, "regions": null, "setting": null}',
        '{"id": "a"}',
    ]
    result = runner.invoke(app, ["batch", "-"], input="\n".join(lines) + "\n")
    first, second = result.stdout.splitlines()
    assert first == second
    assert result.exit_code in (0, 10, 20)


# 4. messages ------------------------------------------------------------------------------


def test_a_closed_stdout_is_named_standard_output(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(GOOD, encoding="utf-8")
    done = script("batch", str(source), stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert done.returncode == 4
    assert done.stderr.decode() == (
        "massage-screen: error: cannot write to standard output: it is closed\n"
    )


def test_csv_header_errors_name_the_file(tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    source.write_text("ident,conditions\nx,fever\n", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(source)])
    assert result.exit_code == 2
    assert result.stderr == (
        f'massage-screen: error: {source}:1: unknown CSV column "ident"; '
        "expected: id, conditions, types, regions, setting\n"
    )


# 5. screen() with None --------------------------------------------------------------------


def test_screen_takes_none_as_the_default() -> None:
    given = screen(conditions=["fever"], types=None, regions=None).to_document()
    default = screen(conditions=["fever"]).to_document()
    assert given == default
    assert screen(conditions=None).to_document() == screen().to_document()


# 6. stderr that cannot show Unicode --------------------------------------------------------


def test_an_ascii_stderr_gets_ascii(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "MASSAGE_SCREEN_CACHE_DIR": str(tmp_path)}
    done = script("check", "-c", "fébrile—x", env=env)
    assert done.returncode == 2
    assert done.stderr.isascii(), done.stderr
    assert done.stderr.startswith(b'massage-screen: error: unknown condition "febrile-x"')


def test_a_rules_path_too_long_for_the_file_system_is_3_not_1() -> None:
    name = "x" * 100_000
    done = script("check", "-c", "fever", "--rules", name)
    assert done.returncode == 3, done.stderr
    lines = done.stderr.decode().splitlines()
    assert lines[0] == "massage-screen: error: the rule base is invalid (1 problem):"
    assert len(lines) == 2 and len(lines[1]) <= 1001
    assert b"Traceback" not in done.stderr


@pytest.mark.parametrize("option", ["-o", "--format"])
def test_a_huge_argument_gives_about_a_kilobyte_of_error(tmp_path: Path, option: str) -> None:
    done = script("check", "-c", "fever", option, str(tmp_path / ("x" * 100_000)))
    assert done.returncode in (2, 4)
    assert done.stderr.count(b"\n") == 1 and len(done.stderr) < 1100
