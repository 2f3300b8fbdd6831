"""Hostile and broken input (issue 9): answers files with limits, output files that respect
the file system, names echoed safely, and exit codes that survive hostile environments.

Every FIFO, device node and symlink here is made inside the test's own tmp_path. The
hostile-environment cases run the installed console script as a real subprocess.
"""

from __future__ import annotations

import json
import os
import select
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from massage_screen.answers_file import MAX_BYTES, AnswersFileError, read_answers
from massage_screen.cli import app
from massage_screen.files import write_output
from massage_screen.loader import load_rule_base
from massage_screen.questionnaire import answers_from_document
from massage_screen.sanitise import ascii_json, clean_name, escaped, shown

from .conftest import MINIMAL, SEEDS
from .test_cli import console_script

runner = CliRunner()
HEALTHY = "gates:\n  acute: no\n  heart: no\n  skin: no\n"


def cli(*args: str, input: str | None = None) -> Any:
    return runner.invoke(app, [*args, "--rules", str(MINIMAL)], input=input)


def script(*args: str, timeout: float = 60, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    """Run the installed console script; bytes in, bytes out."""
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([console_script(), *args], timeout=timeout, check=False, **kwargs)


def one_error_line(stderr: bytes) -> str:
    text = stderr.decode()
    assert "Traceback" not in text
    assert text.count("\n") == 1, text
    return text


# --- answers files -----------------------------------------------------------------------


class TestAnswersFiles:
    def answer(self, tmp_path: Path, text: str | bytes, name: str = "answers.yaml") -> Any:
        path = tmp_path / name
        if isinstance(text, str):
            path.write_text(text, encoding="utf-8")
        else:
            path.write_bytes(text)
        return cli("questionnaire", "--answers", str(path), "-f", "json")

    def test_healthy_answers_replay(self, tmp_path: Path) -> None:
        result = self.answer(tmp_path, HEALTHY)
        checked = cli("check", "-f", "json")
        assert result.exit_code == checked.exit_code, result.stderr
        assert json.loads(result.stdout) == json.loads(checked.stdout)

    def test_a_duplicate_key_is_refused_not_read_as_the_last_value(self, tmp_path: Path) -> None:
        result = self.answer(
            tmp_path, "gates:\n  acute: [fever]\n  heart: no\n  skin: no\n  acute: 'no'\n"
        )
        assert result.exit_code == 2
        assert result.stderr.endswith(':5:3: duplicate key "acute"\n')
        assert result.stdout == ""

    def test_a_duplicate_key_in_json_is_refused(self, tmp_path: Path) -> None:
        text = '{"gates": {"acute": ["fever"], "heart": "no", "skin": "no", "acute": "no"}}'
        result = self.answer(tmp_path, text, "answers.json")
        assert (result.exit_code, result.stderr.endswith('duplicate key "acute"\n')) == (2, True)

    def test_tab_indented_json_is_read_as_json(self, tmp_path: Path) -> None:
        text = '{\n\t"gates": {\n\t\t"acute": ["fever"],\n\t\t"heart": "no",\n'
        text += '\t\t"skin": "no"\n\t}\n}\n'
        result = self.answer(tmp_path, text, "answers.json")
        assert result.exit_code == 20, result.stderr
        assert json.loads(result.stdout)["overall"] == "excluded"

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("a: &a [x, x]\nb: &b [*a, *a]\n" + HEALTHY, "anchors and aliases are not allowed"),
            (
                "gates:\n  <<: {acute: no}\n  heart: no\n  skin: no\n",
                "merge keys (<<) are not allowed",
            ),
            ("1: x\n" + HEALTHY, "keys must be text"),
            ("? [a, b]\n: x\n" + HEALTHY, "keys must be text"),
            ("gates: " + "[" * 10_000 + "]" * 10_000 + "\n", "nests deeper than 16 levels"),
            ("setting: \x1b[2J\n" + HEALTHY, "the control character \\x1b is not allowed"),
            ("setting: " + "9" * 5000 + "\n" + HEALTHY, "not valid YAML"),
            ("gates: [\n", "not valid YAML"),
        ],
        ids=[
            "alias-bomb",
            "merge-key",
            "int-key",
            "complex-key",
            "deep",
            "escape",
            "long-int",
            "syntax",
        ],
    )
    def test_what_an_answers_file_never_needs_is_refused(
        self, tmp_path: Path, text: str, message: str
    ) -> None:
        result = self.answer(tmp_path, text)
        assert result.exit_code == 2, result.stderr
        assert message in result.stderr
        assert result.stderr.count("\n") == 1
        assert result.stdout == ""

    def test_deep_json_is_refused(self, tmp_path: Path) -> None:
        result = self.answer(tmp_path, '{"a": ' + "[" * 10_000 + "]" * 10_000 + "}", "a.json")
        assert result.exit_code == 2
        assert "nests deeper than 16 levels" in result.stderr

    def test_not_utf8_is_a_clear_error(self, tmp_path: Path) -> None:
        result = self.answer(tmp_path, b"gates:\n  acute: \xff\n")
        assert result.exit_code == 2
        assert result.stderr.endswith(":2: not UTF-8 text (byte 0xff)\n")

    def test_a_file_over_the_cap_is_refused(self, tmp_path: Path) -> None:
        result = self.answer(tmp_path, HEALTHY + "#" * MAX_BYTES)
        assert result.exit_code == 2
        assert result.stderr.endswith("is larger than 64 KiB\n")

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("setting: ''\n" + HEALTHY, '"setting" is empty'),
            (HEALTHY.replace("acute: no", "acute: 0"), 'question "acute" must be'),
            (HEALTHY.replace("acute: no", "acute: 0.0"), 'question "acute" must be'),
            (HEALTHY.replace("acute: no", "acute: false"), 'question "acute" must be'),
            (HEALTHY.replace("acute: no", "acute:"), 'question "acute" must be'),
        ],
        ids=["empty-setting", "zero", "zero-float", "false", "null"],
    )
    def test_only_documented_answers_count(self, tmp_path: Path, text: str, message: str) -> None:
        result = self.answer(tmp_path, text)
        assert result.exit_code == 2
        assert message in result.stderr

    def test_json_false_is_not_no(self, tmp_path: Path) -> None:
        text = '{"gates": {"acute": false, "heart": "no", "skin": "no"}}'
        assert self.answer(tmp_path, text, "a.json").exit_code == 2

    def test_unquoted_no_is_the_answer_no(self, tmp_path: Path) -> None:
        # YAML 1.2 booleans: `no` stays the text "no"; `false` is refused above.
        assert read_answers(self.write(tmp_path, "a: no\nb: yes\nc: true\n")) == {
            "a": "no",
            "b": "yes",
            "c": True,
        }

    def write(self, tmp_path: Path, text: str) -> Path:
        path = tmp_path / "answers.yaml"
        path.write_text(text)
        return path

    def test_standard_input(self) -> None:
        result = runner.invoke(
            app, ["questionnaire", "--answers", "-", "--rules", str(MINIMAL)], input=HEALTHY
        )
        assert result.exit_code == cli("check").exit_code, result.stderr

    def test_a_directory_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(AnswersFileError, match=r"is not a regular file \(a directory\)$"):
            read_answers(tmp_path)

    def test_a_device_node_is_refused_unread(self, tmp_path: Path) -> None:
        zero = tmp_path / "zero"
        try:
            os.mknod(zero, 0o600 | stat.S_IFCHR, os.makedev(1, 5))
        except PermissionError:
            pytest.skip("creating a device node needs root")
        with pytest.raises(AnswersFileError, match=r"is not a regular file \(a character device\)"):
            read_answers(zero)

    def test_a_fifo_without_a_writer_is_refused_at_once(self, tmp_path: Path) -> None:
        fifo = tmp_path / "fifo"
        os.mkfifo(fifo)
        done = script("questionnaire", "--answers", str(fifo), timeout=30)
        assert done.returncode == 2
        assert one_error_line(done.stderr).endswith("is not a regular file (a FIFO)\n")

    def test_library_callers_get_the_same_checks(self) -> None:
        minimal = load_rule_base(MINIMAL, SEEDS)
        document = {"gates": {"acute": 0, "heart": "no", "skin": "no"}}
        with pytest.raises(ValueError, match='question "acute" must be "no" or a list'):
            answers_from_document(document, minimal)


def test_an_empty_setting_flag_is_bad_input() -> None:
    result = cli("check", "-t", "vacuum", "-r", "lumbar", "--setting", "")
    assert result.exit_code == 2
    assert result.stderr == (
        "massage-screen: error: --setting is empty; give a setting or leave it out\n"
    )


# --- output files ------------------------------------------------------------------------


def read_fifo(fifo: Path, timeout: float) -> bytes:
    """Everything written into `fifo` until its writer closes it; b"" if no writer wrote
    anything within `timeout` seconds (so a test fails instead of hanging)."""
    descriptor = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    seen_writer = False
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([descriptor], [], [], 0.1)
            if not ready:
                continue
            chunk = os.read(descriptor, 65536)
            if chunk:
                chunks.append(chunk)
                seen_writer = True
            elif seen_writer:
                break  # the writer closed the FIFO
            else:
                time.sleep(0.05)  # no writer yet: a FIFO without writers reads as EOF
    finally:
        os.close(descriptor)
    return b"".join(chunks)


def umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class TestOutputFiles:
    def test_a_new_file_gets_the_umask_permissions(self, tmp_path: Path) -> None:
        previous = os.umask(0o027)
        try:
            write_output(tmp_path / "new.md", "report\n")
        finally:
            os.umask(previous)
        assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640

    def test_an_existing_file_keeps_its_mode(self, tmp_path: Path) -> None:
        target = tmp_path / "report.md"
        target.write_text("old\n")
        target.chmod(0o604)
        write_output(target, "new\n")
        assert (target.read_text(), stat.S_IMODE(target.stat().st_mode)) == ("new\n", 0o604)

    def test_a_symlink_is_written_through(self, tmp_path: Path) -> None:
        real = tmp_path / "real.md"
        real.write_text("old\n")
        real.chmod(0o640)
        (tmp_path / "link.md").symlink_to("real.md")
        write_output(tmp_path / "link.md", "new\n")
        assert (tmp_path / "link.md").is_symlink()
        assert real.read_text() == "new\n"
        assert stat.S_IMODE(real.stat().st_mode) == 0o640
        assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "real.md"]

    def test_a_chain_of_symlinks_into_another_folder(self, tmp_path: Path) -> None:
        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / "real.md").write_text("old\n")
        (tmp_path / "one").symlink_to("sub/real.md")
        (tmp_path / "two").symlink_to(tmp_path / "one")
        write_output(tmp_path / "two", "new\n")
        assert (tmp_path / "sub" / "real.md").read_text() == "new\n"
        assert (tmp_path / "one").is_symlink() and (tmp_path / "two").is_symlink()

    def test_a_dangling_symlink_creates_its_target(self, tmp_path: Path) -> None:
        (tmp_path / "link.md").symlink_to("made.md")
        write_output(tmp_path / "link.md", "new\n")
        assert (tmp_path / "link.md").is_symlink()
        assert (tmp_path / "made.md").read_text() == "new\n"

    def test_a_hard_link_is_kept(self, tmp_path: Path) -> None:
        first, second = tmp_path / "a.md", tmp_path / "b.md"
        first.write_text("old\n")
        os.link(first, second)
        write_output(first, "new\n")
        assert second.read_text() == "new\n"
        assert first.stat().st_ino == second.stat().st_ino

    def test_a_device_node_is_written_to_not_replaced(self, tmp_path: Path) -> None:
        null = tmp_path / "null"
        try:
            os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("creating a device node needs root")
        done = script("check", "-c", "fever", "-o", str(null), "--rules", str(MINIMAL))
        assert done.returncode == 20, done.stderr
        assert stat.S_ISCHR(null.lstat().st_mode)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]

    def test_a_fifo_is_written_straight_to(self, tmp_path: Path) -> None:
        fifo = tmp_path / "fifo"
        os.mkfifo(fifo)
        writer = subprocess.Popen(
            [console_script(), "check", "-c", "fever", "-o", str(fifo), "--rules", str(MINIMAL)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        document = json.loads(read_fifo(fifo, timeout=20))
        assert writer.wait(timeout=60) == 20
        assert document["overall"] == "excluded"
        assert stat.S_ISFIFO(fifo.lstat().st_mode)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]

    def test_a_link_to_the_process_stdout_writes_to_stdout(self, tmp_path: Path) -> None:
        # What -o /dev/stdout does, through a symlink of our own to /proc/self/fd/1.
        if not Path("/proc/self/fd/1").exists():
            pytest.skip("no /proc")
        (tmp_path / "out").symlink_to("/proc/self/fd/1")
        done = script("check", "-c", "fever", "-o", str(tmp_path / "out"), "--rules", str(MINIMAL))
        assert done.returncode == 20
        assert json.loads(done.stdout)["overall"] == "excluded"
        assert (tmp_path / "out").is_symlink()

    def test_a_directory_is_exit_4(self, tmp_path: Path) -> None:
        result = cli("check", "-o", str(tmp_path))
        assert result.exit_code == 4
        assert result.stderr.endswith(": Is a directory\n")

    def test_a_long_legal_name_works(self, tmp_path: Path) -> None:
        name = "r" * 250 + ".json"
        result = cli("check", "-c", "fever", "-o", str(tmp_path / name))
        assert result.exit_code == 20, result.stderr
        assert [p.name for p in tmp_path.iterdir()] == [name]

    def test_dash_means_stdout(self, tmp_path: Path) -> None:
        result = cli("check", "-c", "fever", "-f", "json", "-o", "-")
        assert result.exit_code == 20
        assert json.loads(result.stdout)["overall"] == "excluded"

    @pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
    def test_a_signal_during_a_write_leaves_no_temporary_file(
        self, tmp_path: Path, signum: int
    ) -> None:
        target = tmp_path / "report.md"
        target.write_text("old\n")
        program = textwrap.dedent(
            f"""
            import os, sys
            from massage_screen import cli, files
            real = files._write_all
            def interrupted(descriptor, data):
                real(descriptor, data[:10])
                os.kill(os.getpid(), {int(signum)})
                real(descriptor, data[10:])
            files._write_all = interrupted
            sys.argv = ["massage-screen", "check", "-c", "fever", "-o", sys.argv[1],
                        "--rules", sys.argv[2]]
            cli.main()
            """
        )
        done = subprocess.run(
            [sys.executable, "-c", program, str(target), str(MINIMAL)],
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 128 + signum
        name = signal.Signals(signum).name
        assert done.stderr.decode() == (
            f"massage-screen: terminated by {name} while writing {target}; not written\n"
        )
        assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
        assert target.read_text() == "old\n"


def test_a_partial_save_then_end_of_input_says_what_was_saved(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    typed = ["", "", "", "no", "no", "no", "yes", f"{report}, {tmp_path}/no/such/a.yaml"]
    result = cli("questionnaire", input="\n".join(typed) + "\n")
    assert result.exit_code == 130
    assert report.exists()
    assert result.stderr == (
        f"\nmassage-screen: screening cancelled; saved {report} before that; "
        "nothing else was saved.\n"
    )


def test_a_partial_save_then_ctrl_c_says_what_was_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "report.md"
    typed = iter(["", "", "", "no", "no", "no", "yes", f"{report}, {tmp_path}/no/such/a.yaml"])

    def ask(prompt: str = "") -> str:
        for answer in typed:
            return answer
        raise KeyboardInterrupt

    monkeypatch.setattr("builtins.input", ask)
    result = cli("questionnaire")
    assert result.exit_code == 130
    assert "saved" in result.stderr and str(report) in result.stderr
    assert "nothing was saved" not in result.stderr


# --- names echoed into errors ------------------------------------------------------------


class TestNamesInErrors:
    def test_control_characters_are_shown_escaped(self) -> None:
        result = cli("check", "-c", "\x1b[2Jfever")
        assert result.exit_code == 2
        assert "\x1b" not in result.stderr
        assert '"\\x1b[2Jfever"' in result.stderr

    def test_a_huge_name_is_cut(self) -> None:
        result = cli("check", "-c", "x" * 100_000)
        assert result.exit_code == 2
        assert len(result.stderr) < 300
        assert "x" * 80 + "…" in result.stderr

    def test_a_newline_in_a_name_cannot_inject_markdown(self) -> None:
        result = cli("check", "-c", "high\n# Allowed\nblood pressure", "-f", "json")
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1
        accepted = cli("check", "-c", "high\nblood\tpressure", "-f", "json")
        given = json.loads(accepted.stdout)["conditions"][0]["given"]
        assert given == "high blood pressure"

    def test_sanitisers(self) -> None:
        assert escaped("a\x1b[2J\nb\u202e\udcff") == "a\\x1b[2J\\x0ab\\u202e\\xff"
        assert escaped("Größe — ok") == "Größe — ok"
        assert shown("y" * 100) == "y" * 80 + "…"
        assert clean_name("  high\n\tblood  pressure ") == "high blood pressure"
        assert ascii_json('"a—\U0001f600"') == '"a\\u2014\\ud83d\\ude00"'
        assert json.loads(ascii_json(json.dumps("—é", ensure_ascii=False))) == "—é"


# --- hostile environments: the installed console script -----------------------------------

CHECK = ("check", "-c", "high blood pressure", "-t", "classical", "-r", "neck")


class TestHostileEnvironments:
    @pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
    def test_a_stdout_that_cannot_show_unicode_degrades_to_ascii(self, encoding: str) -> None:
        env = {**os.environ, "PYTHONIOENCODING": encoding}
        done = script(*CHECK, "-f", "table", env=env)
        assert (done.returncode, done.stderr) == (20, b"")
        text = done.stdout.decode(encoding)
        assert text.startswith("Overall: EXCLUDED\n")
        assert "“Patients with arterial hypertension.”" not in text
        assert '"Patients with arterial hypertension."' in text

    def test_json_to_an_ascii_stdout_is_the_same_document(self) -> None:
        plain = script(*CHECK, "-f", "json")
        ascii_only = script(*CHECK, "-f", "json", env={**os.environ, "PYTHONIOENCODING": "ascii"})
        assert ascii_only.returncode == plain.returncode == 20
        assert ascii_only.stdout.isascii()
        assert json.loads(ascii_only.stdout) == json.loads(plain.stdout)

    def test_a_closed_stdout_is_exit_4_with_one_line(self) -> None:
        done = script(*CHECK, preexec_fn=lambda: os.close(1), stdout=None)
        assert done.returncode == 4
        assert one_error_line(done.stderr) == (
            "massage-screen: error: cannot write to standard output: it is closed\n"
        )

    def test_a_closed_stdout_does_not_matter_with_an_output_file(self, tmp_path: Path) -> None:
        target = tmp_path / "r.json"
        done = script(*CHECK, "-o", str(target), preexec_fn=lambda: os.close(1), stdout=None)
        assert done.returncode == 20
        assert json.loads(target.read_text())["overall"] == "excluded"

    def test_a_closed_stdin_is_end_of_input(self) -> None:
        done = script("questionnaire", preexec_fn=lambda: os.close(0), stdout=subprocess.DEVNULL)
        assert done.returncode == 130
        assert "Traceback" not in done.stderr.decode()

    def test_undecodable_bytes_on_stdin_are_not_fatal(self) -> None:
        env = {**os.environ, "PYTHONIOENCODING": "ascii"}
        done = script("questionnaire", "--rules", str(MINIMAL), input=b"\xff\n", env=env)
        assert done.returncode == 130
        assert "Traceback" not in done.stderr.decode()
        assert 'unknown region "\\xff"' in done.stdout.decode()

    def test_a_closed_stderr_keeps_the_exit_code(self) -> None:
        done = script("check", "-c", "no such thing", preexec_fn=lambda: os.close(2), stderr=None)
        assert (done.returncode, done.stdout) == (2, b"")

    @pytest.mark.parametrize(
        "args",
        [("--version",), ("--help",), ("check", "--help"), CHECK, ("list",), ("validate",)],
        ids=["version", "help", "check-help", "check", "list", "validate"],
    )
    def test_a_broken_pipe_ends_quietly_with_141(self, args: tuple[str, ...]) -> None:
        reader, writer = os.pipe()
        os.close(reader)  # nobody will read: the first write meets a broken pipe
        try:
            done = script(*args, stdout=writer)
        finally:
            os.close(writer)
        assert (done.returncode, done.stderr) == (141, b"")

    @pytest.mark.parametrize(
        "args",
        [
            ("check", "-f", "xml"),
            ("check", "--no-such-option"),
            ("list", "nothing"),
            ("no-such-command",),
            ("check", "-f", "\x1b[2J" + "x" * 5000),
        ],
        ids=["bad-choice", "bad-option", "bad-argument", "bad-command", "hostile-value"],
    )
    def test_usage_errors_are_one_line_and_exit_2(self, args: tuple[str, ...]) -> None:
        done = script(*args)
        assert done.returncode == 2
        line = one_error_line(done.stderr)
        assert line.startswith("massage-screen: error: ")
        assert "Value error" not in line and "╭" not in line and "\x1b" not in line
        assert len(line) < 1100
        assert done.stdout == b""

    def test_no_arguments_prints_the_help_and_exits_2(self) -> None:
        done = script()
        assert done.returncode == 2
        assert b"Usage" in done.stdout
