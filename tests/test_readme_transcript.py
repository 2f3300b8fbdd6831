"""The README's questionnaire transcript is a real session: the answers written beside it
(`<!-- questionnaire-answers: [...] -->`) are typed into the installed console script in a
real pseudo-terminal of 80 columns, and what the screen shows must be the transcript, and the
answers file it saves the YAML block after it (set UPDATE_README=1 to rewrite both)."""

from __future__ import annotations

import io
import json
import os
import re
import termios
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT
from .test_cli import console_script

pexpect = pytest.importorskip("pexpect")
pytest.importorskip("readline")  # prompts are recognised by readline waiting for a line

README = ROOT / "README.md"
COLUMNS = 80
TRANSCRIPT = re.compile(
    r"<!-- questionnaire-answers: (?P<answers>\[.*?\]) -->\n```text\n(?P<screen>.*?)```",
    re.DOTALL,
)
ANSWERS_FILE = re.compile(r"```yaml\n(?P<yaml>schema: massage-screen/answers/.*?)```", re.DOTALL)
ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[=>])")
TIMEOUT = 30.0


def waiting_for_a_line(child: Any) -> bool:
    """Readline turns canonical mode off while it waits for a line and back on when it
    returns (the master side of a pseudo-terminal shares its termios)."""
    return not termios.tcgetattr(child.child_fd)[3] & termios.ICANON


def read_text(child: Any, timeout: float) -> str:
    """What the program wrote within `timeout` seconds, escapes left out ("" if nothing)."""
    try:
        return str(ESCAPES.sub("", child.read_nonblocking(65536, timeout=timeout)))
    except pexpect.TIMEOUT:
        return ""


def wait_for_prompt(child: Any) -> None:
    """Read until the program waits for the next answer: new text has appeared since the
    last answer was echoed (so readline has returned from that one), readline waits again,
    and the prompt has been read (nothing more comes for a moment). Typing earlier would
    let the terminal echo the answer in the wrong place."""
    seen = bool(child.buffer.strip())
    child.buffer = ""
    deadline = time.monotonic() + TIMEOUT
    while not (seen and waiting_for_a_line(child)):
        if time.monotonic() > deadline:
            raise AssertionError("the questionnaire did not ask for the next answer")
        seen |= bool(read_text(child, 0.02).strip())
    while read_text(child, 0.05):
        pass


def run_session(answers: list[str], cwd: Path, cache_dir: Path) -> str:
    """Type `answers` into `massage-screen questionnaire`; the screen as a person saw it."""
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "TERM": "dumb",
        "COLUMNS": str(COLUMNS),
        "SOURCE_DATE_EPOCH": "1700000000",
        "MASSAGE_SCREEN_CACHE_DIR": str(cache_dir),
    }
    env.pop("MASSAGE_SCREEN_RULES", None)
    env.pop("LINES", None)
    env["INPUTRC"] = os.devnull  # no personal readline settings
    child = pexpect.spawn(
        console_script(),
        ["questionnaire"],
        cwd=str(cwd),
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, COLUMNS),
    )
    screen = io.StringIO()
    child.logfile_read = screen
    for answer in answers:
        wait_for_prompt(child)
        child.sendline(answer)
        child.expect_exact(answer + "\r\n")  # its echo
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus in (0, 10, 20), screen.getvalue()[-2000:]
    text = ESCAPES.sub("", screen.getvalue()).replace("\r\n", "\n")
    return "".join(line.rstrip(" ") + "\n" for line in text.split("\n")).rstrip("\n") + "\n"


def test_the_questionnaire_transcript_and_answers_file_are_real(
    tmp_path: Path, cache_dir: Path
) -> None:
    text = README.read_text(encoding="utf-8")
    transcript = TRANSCRIPT.search(text)
    assert transcript, "README.md: no questionnaire transcript with its answers"
    answers_file = ANSWERS_FILE.search(text, transcript.end())
    assert answers_file, "README.md: no answers file after the questionnaire transcript"
    answers = json.loads(transcript["answers"])
    assert isinstance(answers, list) and all(isinstance(a, str) for a in answers)

    screen = run_session(answers, tmp_path, cache_dir)
    saved = (tmp_path / "answers.yaml").read_text(encoding="utf-8")

    if os.environ.get("UPDATE_README"):
        text = (
            text[: transcript.start("screen")]
            + screen
            + text[transcript.end("screen") : answers_file.start("yaml")]
            + saved
            + text[answers_file.end("yaml") :]
        )
        README.write_text(text, encoding="utf-8")
        return
    assert screen == transcript["screen"]
    assert saved == answers_file["yaml"]
