"""The installed console script in a real pseudo-terminal, answered as a person would."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from .conftest import MINIMAL
from .test_cli import console_script

pexpect = pytest.importorskip("pexpect")


def spawn(*args: str, cwd: Path, columns: int = 80):  # type: ignore[no-untyped-def]
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": str(columns)}
    env.pop("MASSAGE_SCREEN_RULES", None)
    return pexpect.spawn(
        console_script(),
        ["questionnaire", *args],
        cwd=str(cwd),
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, columns),
    )


ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[=>])")


def test_a_screening_from_first_question_to_saved_report(tmp_path: Path) -> None:
    child = spawn("--rules", str(MINIMAL), cwd=tmp_path)
    child.expect(r"Regions \(numbers or names")
    child.sendline("lower back")
    child.expect("Massage types")
    child.sendline("")
    child.expect("Setting")
    child.sendline("clinic")
    child.expect(r"fever or feel acutely unwell right now\? \[yes/no\]")
    child.sendline("perhaps")
    child.expect("Please answer yes or no")
    child.sendline("no")
    child.expect(r"blood pressure\? \[yes/no\]")
    child.sendline("no")
    child.expect(r"broken skin, or are you pregnant\? \[yes/no\]")
    child.sendline("yes")
    child.expect("Numbers separated by commas")
    child.sendline("1")
    child.expect("Where is it")
    child.sendline("lower back")
    child.expect("Is this right")
    child.sendline("yes")
    child.expect("Overall: EXCLUDED")
    child.expect("Not medical advice")
    child.expect("Save as:")
    child.sendline("report.md")
    child.expect("Saved report.md")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 20
    report = (tmp_path / "report.md").read_text()
    assert "| Classical (Swedish) | excluded |" in report
    assert "Skin wound on the lumbar" in report


@pytest.mark.parametrize("leave", ["sendintr", "sendeof"])
def test_ctrl_c_or_end_of_input_leaves_cleanly_with_130_and_no_file(
    tmp_path: Path, leave: str
) -> None:
    child = spawn("--rules", str(MINIMAL), cwd=tmp_path)
    child.expect("Regions")
    child.sendline("")
    child.expect(r"Massage types \(numbers or names.*\) $")  # waiting at the prompt itself
    getattr(child, leave)()
    child.expect("screening cancelled; nothing was saved.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    assert list(tmp_path.iterdir()) == []


def test_a_healthy_person_with_the_bundled_rules_reaches_the_verdict_in_ten_answers(
    tmp_path: Path,
) -> None:
    child = spawn(cwd=tmp_path)
    answers = 0
    for prompt, answer in [
        ("Regions", "upper back"),  # the neck is always cautioned (000: "especially carefully")
        ("Massage types", "classical"),
        ("Setting", "home"),
    ]:
        child.expect(prompt)
        child.sendline(answer)
        answers += 1
    for _ in range(6):
        child.expect(r"\[yes/no\]")
        child.sendline("no")
        answers += 1
    child.expect("Is this right")
    child.sendline("yes")
    answers += 1
    child.expect("Overall: ALLOWED")
    child.expect("Save as:")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert answers <= 10
    assert child.exitstatus == 0


@pytest.mark.parametrize("columns", [80, 64])
def test_at_80_columns_and_narrower_no_line_is_wider_than_the_terminal(
    tmp_path: Path, columns: int
) -> None:
    """The terminal's own wrapping would cut words; everything printed must fit already.
    Also: numbers by spaces, a Unicode digit refused, not sure, saving over a file."""
    (tmp_path / "report.md").write_text("keep me")
    child = spawn(cwd=tmp_path, columns=columns)
    seen = io.StringIO()
    child.logfile_read = seen
    for prompt, answer in [
        ("Regions", "1 3"),
        ("Massage types", "²"),
        ("digits 0-9", ""),
        ("Setting", "not sure"),
        (r"\[yes/no\]", "no"),
        (r"\[yes/no\]", "no"),
        (r"\[yes/no\]", "no"),
        (r"\[yes/no\]", "yes"),
        ("Numbers separated", "2 7"),
        ("Where is it", "don't know"),
        ("Where is it", "neck"),
        (r"\[yes/no\]", "no"),
        (r"\[yes/no\]", "no"),
        ("Is this right", "yes"),
        ("Save as:", "report.md"),
        ("Overwrite it\\?", "no"),
        ("Save as:", ""),
    ]:
        child.expect(prompt)
        child.sendline(answer)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 20
    assert (tmp_path / "report.md").read_text() == "keep me"
    text = ESCAPES.sub("", seen.getvalue()).replace("\r\n", "\n").replace("\r", "")
    assert "Kept report.md as it was" in text
    too_wide = [line for line in text.split("\n") if len(line) > columns]
    assert too_wide == []
