"""The fast start of `check`: the same command, the same output, only less start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from massage_screen import fastpath
from massage_screen.cli import app
from massage_screen.render import OutputFormat

from .conftest import MINIMAL

runner = CliRunner()


def test_the_table_matches_the_check_command() -> None:
    """Adding an option to `check` must update the fast path (or it would be ignored)."""
    command = typer.main.get_command(app).commands["check"]  # type: ignore[attr-defined]
    declared = {
        p.name: (tuple(sorted(p.opts)), p.multiple, bool(getattr(p, "is_flag", False)))
        for p in command.params
        if p.name != "help"
    }
    assert declared == {
        name: (tuple(sorted(names)), repeatable, kind == "flag")
        for name, (names, repeatable, kind) in fastpath.OPTIONS.items()
    }
    environment = {p.name: p.envvar for p in command.params if p.envvar}
    assert environment == fastpath.ENVIRONMENT


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["check"], {}),
        (
            ["check", "-c", "fever", "-cmoles@neck", "--condition=pregnancy", "-t", "classical"],
            {"condition": ["fever", "moles@neck", "pregnancy"], "massage_type": ["classical"]},
        ),
        (
            ["check", "-r", "neck", "--setting", "home", "-f", "JSON", "-o", "out.md"],
            {
                "region": ["neck"],
                "setting": "home",
                "output_format": OutputFormat.JSON,
                "output": Path("out.md"),
            },
        ),
        (["check", "--rules=/some/rules"], {"rules": Path("/some/rules")}),
        (
            ["check", "--why", "-q", "--patient", "P-1", "--screener=Me"],
            {"why": True, "quiet": True, "patient_label": "P-1", "screener": "Me"},
        ),
    ],
)
def test_plain_command_lines_are_parsed(argv: list[str], expected: dict[str, object]) -> None:
    assert fastpath.parse_check(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--version"],
        ["list"],
        ["check", "--help"],
        ["check", "-h"],
        ["check", "-c"],
        ["check", "-c", "-t"],
        ["check", "--cond", "fever"],
        ["check", "fever"],
        ["check", "--", "-c", "fever"],
        ["check", "--setting", "home", "--setting", "clinic"],
        ["check", "-f", "yaml"],
        ["check", "-x", "1"],
        ["check", "-"],
        ["check", "-o", "-"],
        ["check", "-qc", "fever"],
        ["check", "--why=yes"],
        ["check", "--why", "--why"],
    ],
)
def test_anything_else_goes_to_typer(argv: list[str]) -> None:
    assert fastpath.parse_check(argv) is None


def test_the_rules_variable_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASSAGE_SCREEN_RULES", "/from/the/environment")
    assert fastpath.parse_check(["check"]) == {"rules": Path("/from/the/environment")}
    assert fastpath.parse_check(["check", "--rules", "x"]) == {"rules": Path("x")}
    monkeypatch.setenv("MASSAGE_SCREEN_RULES", "")
    assert fastpath.parse_check(["check"]) is None


@pytest.mark.parametrize(
    "args",
    [
        ["-c", "fever", "-t", "classical", "-r", "neck", "-f", "json"],
        ["-c", "high blood pressure", "-f", "markdown"],
        ["-c", "pregnant", "-t", "classical", "-r", "neck", "-f", "table"],
        ["-t", "classical", "-r", "lumbar", "-f", "json"],
        ["-c", "hypotensio", "-f", "json"],
        ["-c", "fever@neck", "-f", "json"],
        ["--setting", "spa", "-f", "json"],
        ["-c", "fever", "-o", "/nonexistent-folder/report.md"],
        ["-c", "fever", "-t", "classical", "--why", "-f", "json"],
        ["-c", "fever", "-q", "-f", "json", "--patient", "P-1", "--screener", "Me"],
    ],
)
def test_both_paths_give_the_same_result(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", *args, "--rules", str(MINIMAL)]
    expected = runner.invoke(app, argv)
    with pytest.raises(SystemExit) as done:
        fastpath.run_check(argv)
    captured = capsys.readouterr()
    assert (done.value.code, captured.out, captured.err) == (
        expected.exit_code,
        expected.stdout,
        expected.stderr,
    )


#: the command line as the console script would run it, in a fresh interpreter; with
#: THROUGH_TYPER set, the fast path is switched off so the same line goes through typer
PROGRAM = """
import os, sys
if os.environ.get("THROUGH_TYPER"):
    from massage_screen import fastpath
    fastpath.parse_check = lambda argv: None
sys.argv = ["massage-screen", *sys.argv[1:]]
from massage_screen.entry import main
main()
"""


def _console(
    args: list[str], environment: dict[str, str], *, through_typer: bool = False
) -> subprocess.CompletedProcess[bytes]:
    if through_typer:
        environment = {**environment, "THROUGH_TYPER": "1"}
    return subprocess.run(
        [sys.executable, "-c", PROGRAM, *args], env=environment, capture_output=True, timeout=120
    )


@pytest.mark.parametrize(
    "args, variables",
    [
        (["-c", "fever", "-t", "classical", "-r", "neck", "-f", "json"], {}),
        (["-c", "pregnant", "-t", "classical", "-r", "neck", "-f", "table"], {}),
        (["-c", "fever", "-t", "classical", "--why", "-f", "table"], {}),
        (["-c", "high blood pressure", "-f", "markdown", "--patient", "P\x1b1"], {}),
        (["-c", "pregnant", "-f", "table"], {"PYTHONIOENCODING": "ascii"}),
        (["-c", "pregnant", "-f", "json"], {"PYTHONIOENCODING": "ascii"}),
        (["-c", "hypotensio", "-f", "table"], {}),
        (["--setting", " ", "-f", "table"], {}),
        (["-c", "fever"], {"SOURCE_DATE_EPOCH": "not a number"}),
        (["-c", "fever", "-o", "/nonexistent-folder/report.md"], {}),
        (["-c", "fever", "-t", "classical"], {"NO_SUCH_RULES": "1"}),
    ],
)
def test_the_console_script_gives_the_same_bytes_either_way(
    args: list[str], variables: dict[str, str], tmp_path: Path
) -> None:
    """Stdout, stderr and the exit code of a whole process, with and without typer."""
    rules = tmp_path / "no" / "rules" if variables.pop("NO_SUCH_RULES", None) else MINIMAL
    environment = {
        **os.environ,
        "MASSAGE_SCREEN_CACHE_DIR": str(tmp_path / "cache"),
        "SOURCE_DATE_EPOCH": "1700000000",
        **variables,
    }
    argv = ["check", *args, "--rules", str(rules)]
    fast = _console(argv, environment)
    typed = _console(argv, environment, through_typer=True)
    assert (fast.returncode, fast.stdout, fast.stderr) == (
        typed.returncode,
        typed.stdout,
        typed.stderr,
    )
    assert fast.returncode in (0, 2, 3, 4, 10, 20), fast.stderr


def test_written_files_are_the_same_either_way(tmp_path: Path) -> None:
    environment = {
        **os.environ,
        "MASSAGE_SCREEN_CACHE_DIR": str(tmp_path / "cache"),
        "SOURCE_DATE_EPOCH": "1700000000",
    }
    results = []
    for through_typer in (False, True):
        target = tmp_path / f"report-{through_typer}.md"
        argv = ["check", "-c", "fever", "-o", str(target), "--rules", str(MINIMAL)]
        run = _console(argv, environment, through_typer=through_typer)
        stderr = run.stderr.replace(str(target).encode(), b"FILE")
        results.append((run.returncode, run.stdout, stderr, target.read_bytes()))
    assert results[0] == results[1]
    assert results[0][2] == b"massage-screen: wrote FILE\n"


@pytest.mark.parametrize(
    "output_format, allowed",
    [("json", set()), ("table", {"rich", "pickle"})],  # rich imports pickle itself
)
def test_a_plain_check_imports_nothing_it_does_not_need(
    output_format: str, allowed: set[str], tmp_path: Path
) -> None:
    """No typer (nor click) at all, whatever the format; for JSON also no rich, no YAML, no
    questionnaire, no pydantic (typer's option checks), not even the pickle module (the
    cache is read with the C unpickler) once the rule base is compiled."""
    listing = tmp_path / "modules.txt"
    program = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(listing)!r}, 'w').write('\\n'.join(sys.modules)))\n"
        "sys.argv = ['massage-screen', 'check', '-c', 'fever', '-r', 'neck', "
        f"'-f', {output_format!r}]\n"
        "from massage_screen.entry import main\n"
        "main()\n"
    )
    environment = {**os.environ, "MASSAGE_SCREEN_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):  # the first run compiles the rule base, the second uses it
        run = subprocess.run(
            [sys.executable, "-c", program], env=environment, capture_output=True, text=True
        )
        assert run.returncode == 20, run.stderr
    modules = set(listing.read_text(encoding="utf-8").split())
    unwanted = {
        "typer",
        "typer._click",
        "click",
        "massage_screen.cli",
        "massage_screen.completion",
        "rich",
        "yaml",
        "massage_screen.questionnaire",
        "massage_screen.loader",
        "pydantic",
        "pickle",
    }
    assert modules & unwanted == allowed
    assert "massage_screen.compiled" in modules
    assert "massage_screen.run" in modules


def test_the_console_script_and_python_m_use_the_typer_free_entry() -> None:
    import tomllib

    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["massage-screen"] == "massage_screen.entry:main"
    main_module = Path(fastpath.__file__).with_name("__main__.py").read_text()
    assert "from massage_screen.entry import main" in main_module
