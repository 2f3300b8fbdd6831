"""The README shows real commands with their real output: every `$ massage-screen ...` console
block is run again and compared (set UPDATE_README=1 to refresh them)."""

from __future__ import annotations

import os
import re
import shlex

from typer.testing import CliRunner

from massage_screen.cli import app

from .conftest import ROOT

README = ROOT / "README.md"
BLOCK = re.compile(r"```console\n\$ (massage-screen [^\n]*)\n(.*?)```", re.DOTALL)


def run(command: str) -> str:
    result = CliRunner().invoke(app, shlex.split(command)[1:], env={"NO_COLOR": "1"})
    return result.stdout + result.stderr


def test_readme_examples_are_real_output() -> None:
    text = README.read_text(encoding="utf-8")
    blocks = list(BLOCK.finditer(text))
    assert len(blocks) >= 5
    if os.environ.get("UPDATE_README"):
        text = BLOCK.sub(lambda m: f"```console\n$ {m.group(1)}\n{run(m.group(1))}```", text)
        README.write_text(text, encoding="utf-8")
        return
    for match in blocks:
        assert run(match.group(1)) == match.group(2), match.group(1)
