"""The command line: exit codes, output formats, one-line errors on stderr, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from massage_screen import loader
from massage_screen.cli import app

from .conftest import MINIMAL, ROOT
from .documents import assert_valid_document

runner = CliRunner()


def run(*args: str, rules: Path | None = MINIMAL):  # type: ignore[no-untyped-def]
    extra = ["--rules", str(rules)] if rules is not None else []
    return runner.invoke(app, [*args, *extra])


class TestExitCodes:
    def test_all_allowed_is_0(self) -> None:
        result = run("check", "-t", "classical", "-r", "lumbar", "-f", "json")
        assert (result.exit_code, json.loads(result.stdout)["overall"]) == (0, "allowed")

    def test_some_cautioned_is_10(self) -> None:
        result = run("check", "-c", "pregnant", "-t", "classical", "-r", "neck", "-f", "json")
        assert (result.exit_code, json.loads(result.stdout)["overall"]) == (10, "cautioned")

    def test_some_excluded_is_20(self) -> None:
        result = run("check", "-c", "high blood pressure", "-f", "json")
        assert (result.exit_code, json.loads(result.stdout)["overall"]) == (20, "excluded")

    @pytest.mark.parametrize(
        "args, message",
        [
            (
                ["-c", "hypotensio"],
                'unknown condition "hypotensio"; did you mean: arterial-hypotension?',
            ),
            (
                ["-t", "cuping"],
                'unknown massage type "cuping"; did you mean: vacuum [Vacuum (cupping)]?',
            ),
            (["-r", "neckk"], 'unknown region "neckk"; did you mean: cervical?'),
            (
                ["--setting", "spa"],
                'unknown setting "spa"; run `massage-screen list settings` to see them all',
            ),
            (
                ["-c", "blood pressure"],
                '"blood pressure" is ambiguous; give one of: arterial-hypertension (it is high), '
                "arterial-hypotension (it is low)",
            ),
        ],
    )
    def test_bad_input_is_2_with_one_line_on_stderr(self, args: list[str], message: str) -> None:
        result = run("check", *args)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == f"massage-screen: error: {message}\n"

    def test_an_unknown_format_is_2(self) -> None:
        result = run("check", "-f", "yaml")
        assert result.exit_code == 2
        assert result.stdout == ""

    def test_an_invalid_rule_base_is_3(self, rules_copy: Path) -> None:
        path = rules_copy / "groups" / "all.yaml"
        path.write_text(path.read_text().replace("kind: temporary", "kind: soon"))
        result = run("check", "-c", "fever", rules=rules_copy)
        assert result.exit_code == 3
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            "massage-screen: error: the rule base is invalid (1 problem):",
            'rules/groups/all.yaml:12:11: error: rule "fever-excludes": kind "soon" is not one of'
            " absolute, relative, temporary, caution, indication, note [bad-kind]",
        ]


class TestOutput:
    def test_json_is_the_default_when_not_a_terminal(self) -> None:
        result = run("check", "-c", "fever")
        assert json.loads(result.stdout)["schema"] == "massage-screen/screening/2"

    def test_markdown(self) -> None:
        result = run("check", "-c", "fever", "-f", "markdown")
        assert result.stdout.startswith("# Massage screening\n")

    def test_table(self) -> None:
        result = run("check", "-c", "fever", "-f", "table")
        assert "Overall: EXCLUDED" in result.stdout
        assert "\x1b[" not in result.stdout

    def test_output_file_is_written_whole(self, tmp_path: Path) -> None:
        target = tmp_path / "report.md"
        result = run("check", "-c", "fever", "-f", "markdown", "-o", str(target))
        assert result.exit_code == 20
        assert result.stdout == ""
        assert target.read_text().startswith("# Massage screening")
        assert [p.name for p in tmp_path.iterdir()] == ["report.md"]

    def test_an_unwritable_output_is_4_and_leaves_nothing(self, tmp_path: Path) -> None:
        result = run("check", "-o", str(tmp_path / "missing" / "r.json"))
        assert result.exit_code == 4
        assert result.stderr.startswith("massage-screen: error: cannot write ")


class TestList:
    def test_lists_regions_with_aliases(self) -> None:
        result = run("list", "regions")
        assert result.stdout == (
            "id\tlabel\taliases\ncervical\tCervical\tneck\nlumbar\tLumbar\tlower back\n"
        )

    def test_marks_local_conditions_with_their_family(self) -> None:
        assert "skin-wound\tSkin wound\tskin\tyes\twound, cut\n" in run("list", "conditions").stdout

    def test_lists_ambiguous_terms_with_their_choices(self) -> None:
        result = run("list", "ambiguous")
        assert result.stdout == (
            "term\tcondition\tmeans\taliases\n"
            "blood pressure\tarterial-hypertension\tit is high\tblood pressure problem\n"
            "blood pressure\tarterial-hypotension\tit is low\tblood pressure problem\n"
        )


class TestSites:
    def test_a_site_on_a_whole_body_condition_screens_everywhere_and_says_so(self) -> None:
        result = run("check", "-c", "fever@neck", "-t", "classical", "-f", "markdown")
        assert result.exit_code == 20
        assert "| Classical (Swedish) | excluded | excluded |" in result.stdout
        assert (
            "- Conditions: Fever (given on the cervical: it concerns the whole body, so it is "
            'not limited to that region) (given as "fever@neck")'
        ) in result.stdout

    def test_a_site_on_a_local_condition_limits_it(self) -> None:
        result = run("check", "-c", "cut@neck", "-t", "classical", "-f", "json")
        verdicts = {r["region"]: r["verdict"] for r in json.loads(result.stdout)["cells"]}
        assert verdicts == {"cervical": "excluded", "lumbar": "allowed"}


class TestValidate:
    def test_a_sound_rule_base(self) -> None:
        result = run("validate")
        assert result.exit_code == 0
        assert result.stdout.startswith("ok: 5 conditions, 2 massage types, 9 rules")

    def test_a_failing_example_case_is_3(self, rules_copy: Path) -> None:
        path = rules_copy / "groups" / "all.yaml"
        path.write_text(
            path.read_text().replace("expect: {all: excluded}", "expect: {all: allowed}", 1)
        )
        result = run("validate", rules=rules_copy)
        assert result.exit_code == 3
        assert result.stderr == (
            'rules/groups/all.yaml:77:5: error: case "hypertension excludes everything": '
            '"all" expected allowed, got excluded in 4 of 4 cells '
            "(e.g. classical/cervical: hypertension-excludes) [case-failed]\n"
        )

    def test_each_failing_case_is_one_line_with_everything_that_failed(
        self, rules_copy: Path
    ) -> None:
        path = rules_copy / "groups" / "all.yaml"
        path.write_text(
            path.read_text()
            .replace("expect: {all: excluded}", "expect: {all: allowed, lumbar: cautioned}", 1)
            .replace("silent: [wound-excludes]", "silent: [vacuum-not-cervical]")
        )
        result = run("validate", rules=rules_copy)
        assert result.exit_code == 3
        assert result.stderr == (
            'rules/groups/all.yaml:77:5: error: case "hypertension excludes everything": '
            '"all" expected allowed, got excluded in 4 of 4 cells '
            '(e.g. classical/cervical: hypertension-excludes); "lumbar" expected cautioned, '
            "got excluded in 2 of 2 cells (e.g. classical/lumbar: hypertension-excludes); "
            'rule "vacuum-not-cervical" fired but must stay silent (vacuum/cervical) '
            "[case-failed]\n"
        )

    def test_a_todo_case_that_passes_is_an_error(self, rules_copy: Path) -> None:
        path = rules_copy / "groups" / "all.yaml"
        path.write_text(
            path.read_text().replace(
                "    silent: [wound-excludes]\n",
                "    silent: [wound-excludes]\n    todo: not yet\n",
            )
            + "  - name: hypertension\n    conditions: [hypertension]\n"
            "    expect: {all: excluded}\n    fires: [hypertension-excludes]\n"
        )
        result = run("validate", rules=rules_copy)
        assert result.exit_code == 3
        assert result.stderr == (
            'rules/groups/all.yaml:77:5: error: case "hypertension excludes everything": '
            "todo case passes; remove todo [case-failed]\n"
        )

    def test_rules_no_case_names_are_counted_while_that_is_allowed(
        self, rules_copy: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(loader, "RULE_WITHOUT_CASE_IS_ERROR", False)
        path = rules_copy / "groups" / "all.yaml"
        path.write_text(path.read_text().replace("    fires: [fever-excludes]\n", ""))
        result = run("validate", rules=rules_copy)
        assert result.exit_code == 0
        assert result.stderr == (
            "massage-screen: warning: 1 rules are named in no case's fires "
            "(first: fever-excludes)\n"
        )

    def test_a_sound_rule_base_gives_no_warning(self) -> None:
        assert run("validate").stderr == ""


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")  # type: ignore[union-attr]
        assert f"massage-screen {name}" in readme, name


# --- the installed console script, as a real subprocess -----------------------------------


def console_script() -> str:
    found = shutil.which("massage-screen", path=str(Path(sys.executable).parent)) or shutil.which(
        "massage-screen"
    )
    if found is None:
        pytest.skip("the massage-screen console script is not installed")
    return found


def test_the_installed_script_screens_from_any_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MASSAGE_SCREEN_RULES"}
    done = subprocess.run(
        [
            console_script(),
            "check",
            "-c",
            "high blood pressure",
            "-t",
            "classical",
            "-r",
            "neck",
            "--format",
            "json",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 20
    document = json.loads(done.stdout)
    assert_valid_document(document)  # made by another process: not checked by conftest
    assert document["conditions"][0]["id"] == "arterial-hypertension"
    assert document["cells"][0]["verdict"] == "excluded"


def test_the_installed_script_never_shows_a_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [console_script(), "check", "-c", "no such thing"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_python_dash_m_works(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "massage_screen", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("massage-screen ")
