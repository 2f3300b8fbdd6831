"""Finding names and writing files: shell completion through the completion protocol,
`list` as table, TSV and JSON, output formats by extension, -o -, -q, short usage errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from massage_screen.cli import app
from massage_screen.completion import candidates, matching

from .conftest import MINIMAL, ROOT
from .test_cli import console_script

runner = CliRunner()


def complete(words: list[str], shell: str = "bash", rules: Path | None = None) -> list[str]:
    """Ask the installed script for completions, as the shell's completion function does."""
    env = {k: v for k, v in os.environ.items() if k != "MASSAGE_SCREEN_RULES"}
    env["_MASSAGE_SCREEN_COMPLETE"] = f"complete_{shell}"
    if rules is not None:
        env["MASSAGE_SCREEN_RULES"] = str(rules)
    if shell == "bash":
        env["COMP_WORDS"] = " ".join(["massage-screen", *words])
        env["COMP_CWORD"] = str(len(words))
    else:
        env["_TYPER_COMPLETE_ARGS"] = " ".join(["massage-screen", *words])
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    done = subprocess.run([console_script()], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stderr == ""
    return [line for line in done.stdout.splitlines() if line]


class TestCompletion:
    def test_conditions_by_id_prefix(self) -> None:
        assert complete(["check", "-c", "arterial-hyp"], rules=MINIMAL) == [
            "arterial-hypertension",
            "arterial-hypotension",
        ]

    def test_aliases_ignoring_case_with_hyphens_for_spaces(self) -> None:
        found = complete(["check", "-c", "High-Blood"])
        assert "High-Blood-pressure" in found
        assert complete(["check", "-c", "highblood"], rules=MINIMAL) == ["highblood-pressure"]

    def test_types_regions_and_settings(self) -> None:
        assert "vacuum" in complete(["check", "-t", "vac"])
        assert "CUPping" in complete(["check", "-t", "CUP"])
        assert "lower-back" in complete(["check", "-r", "lower"])
        assert complete(["check", "--setting", "cli"]) == ["clinic"]

    def test_a_site_after_at(self) -> None:
        assert "skin-wound@lumbar" in complete(["check", "-c", "skin-wound@lum"])

    def test_the_questionnaire_s_and_explain_s_names(self) -> None:
        assert "honey-massage-not-with-diabetes" in complete(["explain", "honey-massage-not"])
        assert complete(["source", "00"])[0] == "000_063ec8d0cbbd0d34.txt"

    def test_zsh_and_fish(self) -> None:
        zsh = complete(["check", "--setting", "cli"], shell="zsh")
        assert any("clinic" in line for line in zsh)
        fish = complete(["check", "--setting", "cli"], shell="fish")
        assert any(line.startswith("clinic") for line in fish)

    def test_another_rule_base(self) -> None:
        assert complete(["check", "-c", "w"], rules=MINIMAL) == ["wound"]

    def test_a_broken_rule_base_completes_nothing_and_prints_no_error(self, tmp_path: Path) -> None:
        (tmp_path / "conditions.yaml").write_text("conditions: [\n")
        assert complete(["check", "-c", "a"], rules=tmp_path) == []

    def test_the_completion_scripts_can_be_shown(self) -> None:
        # The shell is named, so the script does not depend on the shell running the tests.
        markers = {"bash": "complete -o", "zsh": "#compdef", "fish": "complete --"}
        for shell, marker in markers.items():
            result = runner.invoke(app, ["--show-completion", shell], prog_name="massage-screen")
            assert result.exit_code == 0, result.output
            assert "_MASSAGE_SCREEN_COMPLETE" in result.stdout
            assert marker in result.stdout

    def test_auto_falls_back_to_dollar_shell(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import shellingham

        from massage_screen.completion import choose_shell

        def undetected() -> None:
            raise shellingham.ShellDetectionFailure()

        monkeypatch.setattr(shellingham, "detect_shell", undetected)
        assert choose_shell(None, {"SHELL": "/usr/bin/zsh"}) == "zsh"
        assert choose_shell("FISH", {"SHELL": "/bin/bash"}) == "fish"

    @pytest.mark.parametrize("shell", ["sh", "tcsh", "powershell", "x\nInjected", ""])
    def test_an_unsupported_shell_is_one_line_and_exit_2(self, shell: str) -> None:
        shell = shell.replace("\\n", "\n")
        result = runner.invoke(app, ["--show-completion", shell], prog_name="massage-screen")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.startswith("massage-screen: error: ")
        assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1

    def test_an_unsupported_shell_through_the_installed_script(self) -> None:
        for args in (["--show-completion", "sh"], ["--install-completion", "sh"]):
            done = subprocess.run(
                [console_script(), *args], capture_output=True, text=True, timeout=60
            )
            assert done.returncode == 2
            assert done.stdout == ""
            assert done.stderr == (
                'massage-screen: error: no completion for shell "sh"; give one of bash, zsh, '
                "fish, as in `massage-screen --show-completion bash`\n"
            )
        done = subprocess.run(
            [console_script(), "--show-completion", "zsh"], capture_output=True, text=True,
            timeout=60, env={**os.environ, "SHELL": "/bin/sh"},
        )
        assert done.returncode == 0 and done.stdout.startswith("#compdef massage-screen")

    def test_matching_ignores_case_spaces_and_hyphens(self) -> None:
        names = candidates(MINIMAL, "conditions")
        assert matching(names, "HIGH b") == [("HIGH blood-pressure", "Arterial hypertension")]


class TestList:
    def test_tsv_when_piped_with_a_header(self) -> None:
        result = runner.invoke(app, ["list", "conditions", "--rules", str(MINIMAL)])
        lines = result.stdout.splitlines()
        assert lines[0] == "id\tlabel\tfamily\tlocal\taliases"
        assert lines[1] == "fever\tFever\tacute\tno\thigh temperature"

    def test_a_search_over_labels_and_aliases(self) -> None:
        result = runner.invoke(
            app, ["list", "conditions", "blood pressure", "--rules", str(MINIMAL)]
        )
        assert [line.split("\t")[0] for line in result.stdout.splitlines()[1:]] == [
            "arterial-hypertension",
            "arterial-hypotension",
        ]

    def test_nothing_found_says_so_on_stderr(self) -> None:
        result = runner.invoke(app, ["list", "conditions", "zebra", "--rules", str(MINIMAL)])
        assert result.exit_code == 0
        assert result.stdout == "id\tlabel\tfamily\tlocal\taliases\n"
        assert result.stderr == 'massage-screen: no conditions match "zebra"\n'

    def test_json(self) -> None:
        args = ["list", "conditions", "wound", "-f", "json", "--rules", str(MINIMAL)]
        result = runner.invoke(app, args)
        document = json.loads(result.stdout)
        assert document["items"] == [
            {
                "id": "skin-wound",
                "label": "Skin wound",
                "aliases": ["wound", "cut"],
                "family": "skin",
                "local": True,
            }
        ]
        assert document["families"]["skin"] == "Is there any broken skin, or are you pregnant?"

    def test_a_table_grouped_by_family(self) -> None:
        result = runner.invoke(app, ["list", "conditions", "-f", "table", "--rules", str(MINIMAL)])
        assert result.exit_code == 0
        text = result.stdout
        assert text.index("acute: Do you have a fever") < text.index("heart: Do you have")
        assert "│ skin-wound " in text
        assert "massage-screen explain" in text

    @pytest.mark.parametrize("what", ["types", "regions", "settings", "rules"])
    def test_every_listing_in_every_format(self, what: str) -> None:
        for list_format in ("table", "tsv", "json"):
            result = runner.invoke(app, ["list", what, "-f", list_format])
            assert result.exit_code == 0
            assert result.stdout.strip()

    def test_every_condition_has_a_family(self) -> None:
        result = runner.invoke(app, ["list", "conditions", "-f", "json"])
        assert all(item["family"] for item in json.loads(result.stdout)["items"])


class TestOutputFiles:
    @pytest.mark.parametrize(
        "name, starts",
        [("report.md", "# Massage screening"), ("report.json", "{"), ("report.txt", "Overall: ")],
    )
    def test_the_extension_chooses_the_format(self, tmp_path: Path, name: str, starts: str) -> None:
        target = tmp_path / name
        args = ["check", "-c", "fever", "-o", str(target), "--rules", str(MINIMAL)]
        result = runner.invoke(app, args)
        assert result.exit_code == 20
        assert target.read_text().startswith(starts)
        assert "\x1b[" not in target.read_text()
        assert result.stderr == f"massage-screen: wrote {target}\n"

    def test_format_wins_over_the_extension(self, tmp_path: Path) -> None:
        target = tmp_path / "report.md"
        runner.invoke(app, ["check", "-o", str(target), "-f", "json", "--rules", str(MINIMAL)])
        assert json.loads(target.read_text())["overall"] == "excluded"

    def test_dash_is_stdout(self, tmp_path: Path) -> None:
        result = runner.invoke(app, ["check", "-o", "-", "-f", "markdown", "--rules", str(MINIMAL)])
        assert result.stdout.startswith("# Massage screening")
        assert result.stderr == ""
        assert not Path("-").exists()

    def test_quiet(self, tmp_path: Path) -> None:
        target = tmp_path / "r.json"
        result = runner.invoke(app, ["check", "-q", "-o", str(target), "--rules", str(MINIMAL)])
        assert (result.exit_code, result.stderr) == (20, "")
        assert target.exists()

    def test_replayed_answers_follow_the_extension_too(self, tmp_path: Path) -> None:
        answers = tmp_path / "answers.yaml"
        answers.write_text("gates:\n  acute: [fever]\n  heart: no\n  skin: no\n")
        target = tmp_path / "report.md"
        result = runner.invoke(
            app,
            [
                "questionnaire",
                "--answers",
                str(answers),
                "-o",
                str(target),
                "-q",
                "--rules",
                str(MINIMAL),
            ],
        )
        assert (result.exit_code, result.stderr) == (20, "")
        assert target.read_text().startswith("# Massage screening")


EXIT_CODES = (
    "0 allowed",
    "10 cautioned",
    "20 excluded",
    "1 internal error",
    "2 bad input",
    "3 invalid rule base",
    "4 cannot write",
    "130 interrupted",
)


class TestUsageErrors:
    @pytest.mark.parametrize(
        "args, message",
        [
            (
                ["check", "-f", "xml"],
                '--format: "xml" is not one of "table", "json", "markdown" '
                "(see massage-screen check --help)",
            ),
            (["check", "-c"], "option '-c' requires an argument"),
            (["check", "--bogus"], "no such option: --bogus (see massage-screen check --help)"),
            (["explain"], "missing NAME (see massage-screen explain --help)"),
            (["list", "colours"], '"colours" is not one of "conditions"'),
        ],
    )
    def test_one_short_line_without_framework_words(self, args: list[str], message: str) -> None:
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert result.stdout == ""
        (line,) = result.stderr.splitlines()
        assert line.startswith("massage-screen: error: ")
        assert message in line
        assert "Value error" not in line and "╭" not in line

    def test_help_lists_every_exit_code_and_points_to_list_and_explain(self) -> None:
        for args in (["--help"], ["check", "--help"]):
            text = " ".join(runner.invoke(app, args).stdout.split())
            for code in EXIT_CODES:
                assert code in text, (args, code)
            assert "massage-screen list" in text and "massage-screen explain" in text

    def test_the_installed_script_gives_the_same_short_line(self) -> None:
        done = subprocess.run(
            [console_script(), "check", "--format", "xml"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
        assert done.returncode == 2
        assert done.stderr.startswith('massage-screen: error: --format: "xml" is not one of')
        assert len(done.stderr.splitlines()) == 1


# --- the installed console script --------------------------------------------------------------


@pytest.mark.parametrize(
    "args, code, stdout_starts, stderr",
    [
        (["list", "conditions", "blood pressure"], 0, "id\tlabel\tfamily\tlocal\taliases\n", ""),
        (["list", "types", "-f", "json"], 0, '{\n  "schema": "massage-screen/list/1"', ""),
        (["check", "-c", "flu", "-r", "neck", "-t", "classical", "-o", "-", "-f", "markdown"],
         20, "# Massage screening", ""),
        (["check", "-c", "flu", "-o", "r.md", "-q"], 20, "", ""),
        (["check", "-c", "flu", "-o", "r.txt"], 20, "", "massage-screen: wrote r.txt\n"),
        (["list", "colours"], 2, "", 'massage-screen: error: WHAT: "colours" is not one of'),
    ],
)  # fmt: skip
def test_the_installed_script(
    tmp_path: Path, args: list[str], code: int, stdout_starts: str, stderr: str
) -> None:
    done = subprocess.run(
        [console_script(), *args], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == code
    assert done.stdout.startswith(stdout_starts)
    assert done.stderr.startswith(stderr)
    if "-o" in args and args[args.index("-o") + 1] != "-":
        name = args[args.index("-o") + 1]
        written = (tmp_path / name).read_text()
        assert written.startswith("# Massage" if name.endswith(".md") else "Overall: EXCLUDED")
        assert "\x1b[" not in written


def test_the_installed_questionnaire_replays_into_a_text_file(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("gates:\n  acute: [fever]\n  heart: no\n  skin: no\n")
    done = subprocess.run(
        [console_script(), "questionnaire", "--answers", str(answers), "-o", "r.txt", "-q",
         "--rules", str(MINIMAL)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout, done.stderr) == (20, "", "")
    assert (tmp_path / "r.txt").read_text().startswith("Overall: EXCLUDED")


def test_ambiguous_terms_as_a_table_per_term() -> None:
    result = runner.invoke(app, ["list", "ambiguous", "-f", "table", "--rules", str(MINIMAL)])
    assert result.exit_code == 0
    assert result.stdout.startswith('"blood pressure" may mean\n')
    assert "│ arterial-hypotension  │ it is low  │" in result.stdout
    assert "also written: blood pressure problem" in result.stdout


def test_bash_itself_completes_through_the_installed_script() -> None:
    """The script `--show-completion bash` prints, sourced in a real bash, fills COMPREPLY."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    script = console_script()
    env = {k: v for k, v in os.environ.items() if k != "MASSAGE_SCREEN_RULES"}
    env["PATH"] = f"{Path(script).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        [
            bash,
            "--norc",
            "-c",
            'source <(massage-screen --show-completion bash) && '
            "COMP_WORDS=(massage-screen check -t classical -r lower-b) && COMP_CWORD=5 && "
            "_massage_screen_completion massage-screen && printf '%s\\n' \"${COMPREPLY[@]}\"",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["lower-back", "lower-back-region"]
