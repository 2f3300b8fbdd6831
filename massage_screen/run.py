"""The commands a plain `check` needs, without typer: screening, writing the report and the
documented exit codes.

The console script (`massage_screen.entry`) runs a plain `check` command line from here, so
that it never imports typer (which it would not call); `cli` builds the typer application on
top of the same functions. A command ends by raising CommandExit with its exit code, which
`entry.main` (and, through typer, `cli`'s group) turns into the process's exit code.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import sys
from enum import IntEnum
from pathlib import Path
from typing import NoReturn, TextIO, cast

from massage_screen.files import Terminated
from massage_screen.model import RuleBase, Screening
from massage_screen.render import OutputFormat
from massage_screen.sanitise import clean_name, escaped, one_line


class CommandExit(Exception):
    """A command is done: end the process with `code` (typer's Exit, without typer)."""

    def __init__(self, code: int = 0) -> None:
        super().__init__(code)
        self.code = code


class ExitCode(IntEnum):
    """Documented exit codes (see README, "Exit codes")."""

    ALLOWED = 0
    INTERNAL_ERROR = 1
    BAD_INPUT = 2
    INVALID_RULE_BASE = 3
    CANNOT_WRITE = 4
    CAUTIONED = 10
    EXCLUDED = 20
    INTERRUPTED = 130
    BROKEN_PIPE = 141


VERDICT_EXIT = {
    "allowed": ExitCode.ALLOWED,
    "cautioned": ExitCode.CAUTIONED,
    "excluded": ExitCode.EXCLUDED,
}


def _say_error(message: str) -> None:
    """Write one message line to stderr as Python set it up (not as click re-wraps it), so a
    stderr that cannot show Unicode degrades to ASCII like stdout (see _prepare_streams)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


SUFFIX_FORMATS = {
    ".md": OutputFormat.MARKDOWN,
    ".markdown": OutputFormat.MARKDOWN,
    ".json": OutputFormat.JSON,
    ".txt": OutputFormat.TABLE,
}


def to_stdout(output: Path | None) -> bool:
    """True when the report goes to stdout (no -o, or -o -)."""
    return output is None or str(output) == "-"


def output_format_for(output: Path | None, output_format: OutputFormat | None) -> OutputFormat:
    """--format if given; else the file's extension; else table on a terminal, JSON otherwise."""
    if output_format is not None:
        return output_format
    if not to_stdout(output):
        assert output is not None
        return SUFFIX_FORMATS.get(output.suffix.lower(), OutputFormat.JSON)
    return OutputFormat.TABLE if sys.stdout.isatty() else OutputFormat.JSON


def _fail(message: str, code: ExitCode) -> NoReturn:
    _say_error(f"massage-screen: error: {one_line(message)}")
    raise CommandExit(code)


def load(rules: Path | None) -> RuleBase:
    """The validated, compiled rule base (`compiled.load_validated`: cached by content, and
    every example case must hold), so nothing screens with a rule base that `validate`
    refuses; or exit 3 listing every problem."""
    return _load(rules, compiled=True)


def _load(rules: Path | None, *, compiled: bool) -> RuleBase:
    """`load`, or with `compiled=False` the plain loader (for `validate`, which runs the
    cases itself)."""
    try:
        if compiled:
            from massage_screen.compiled import load_validated

            return load_validated(rules)
        from massage_screen.loader import load_rule_base

        return load_rule_base(rules)
    except Exception as error:
        from massage_screen.loader import RuleBaseError  # only now: the loader imports YAML

        if not isinstance(error, RuleBaseError):
            raise
        count = len(error.problems)
        _say_error(
            f"massage-screen: error: the rule base is invalid ({count} problem"
            f"{'s' if count != 1 else ''}):"
        )
        for problem in error.problems:
            _say_error(one_line(str(problem)))
        raise CommandExit(ExitCode.INVALID_RULE_BASE) from None


def _color_wanted(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return (
        bool(isatty and isatty())
        and "NO_COLOR" not in os.environ
        and os.environ.get("TERM") != "dumb"
    )


def stdout_layout(to_terminal: bool) -> tuple[bool, int]:
    """(colour, width) for text printed to stdout: the terminal's when `to_terminal`, else
    plain at 100 columns (files, pipes)."""
    if not to_terminal:
        return False, 100
    return _color_wanted(sys.stdout), shutil.get_terminal_size((100, 24)).columns


def emit(text: str, output: Path | None, *, quiet: bool = False) -> None:
    """Print `text` to stdout (no output, or "-"), or write it to the file `output` (see
    files.write_output: regular files atomically, links followed, devices written to)."""
    if output is None or to_stdout(output):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from massage_screen.files import write_output

    try:
        write_output(output, text)
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror or error}", ExitCode.CANNOT_WRITE)
    except Terminated as stop:
        shown_output = escaped(str(output))
        _say_error(f"massage-screen: {stop} while writing {shown_output}; not written")
        raise CommandExit(128 + stop.signum) from None
    if not quiet:
        _say_error(f"massage-screen: wrote {escaped(str(output))}")


def stamped(screening: Screening, patient: str | None, screener: str | None) -> Screening:
    """The screening with the time and the labels in its record (exit 2 on a bad
    SOURCE_DATE_EPOCH)."""
    from massage_screen.report import stamp

    try:
        return stamp(screening, patient=patient, screener=screener)
    except ValueError as error:
        _fail(str(error), ExitCode.BAD_INPUT)


def report(
    screening: Screening,
    output_format: OutputFormat | None,
    output: Path | None,
    *,
    quiet: bool = False,
    why_rules: RuleBase | None = None,
) -> NoReturn:
    """Print or write the screening (with the audit of every cell against `why_rules` if
    given), then exit with the code of its overall verdict."""
    stdout_is_terminal = to_stdout(output) and sys.stdout.isatty()
    output_format = output_format_for(output, output_format)
    color, width = stdout_layout(stdout_is_terminal)
    text = render_report(screening, output_format, color=color, width=width, why_rules=why_rules)
    emit(_ascii_json_if_needed(text, output_format, output), output, quiet=quiet)
    raise CommandExit(VERDICT_EXIT[screening.overall.value])


def _ascii_json_if_needed(text: str, output_format: OutputFormat, output: Path | None) -> str:
    """JSON for a stdout that cannot encode Unicode, with every non-ASCII character escaped
    (the same document); other formats degrade character by character (see main())."""
    from massage_screen.sanitise import ascii_json, can_show_unicode

    if (
        output_format is OutputFormat.JSON
        and to_stdout(output)
        and not can_show_unicode(getattr(sys.stdout, "encoding", None))
    ):
        return ascii_json(text)
    return text


def render_report(
    screening: Screening,
    output_format: OutputFormat,
    *,
    color: bool = False,
    width: int = 100,
    why_rules: RuleBase | None = None,
) -> str:
    """The report in `output_format`; with `why_rules`, each cell's audit against every rule
    of that rule base follows the report (JSON: the "why" field)."""
    from massage_screen.render import render

    if why_rules is None:
        return render(screening, output_format, color=color, width=width)
    from massage_screen import why as audit

    checked = audit.why(why_rules, screening)
    if output_format is OutputFormat.JSON:
        import json

        document = screening.to_document()
        disclaimer = document.pop("disclaimer")  # the audit goes before it, as in the text
        document |= {"why": audit.document(checked), "disclaimer": disclaimer}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output_format is OutputFormat.MARKDOWN:
        text = render(screening, output_format, color=color, width=width)
        head, rule, tail = text.rpartition("\n---\n")  # the disclaimer stays last
        if not rule:
            return text + "\n" + audit.render_markdown(checked)
        return head + "\n\n" + audit.render_markdown(checked).rstrip("\n") + "\n" + rule + tail
    from dataclasses import replace

    from massage_screen.render import table
    from massage_screen.report import outline

    report_outline = outline(screening)
    text = table.render(replace(report_outline, disclaimer=""), color=color, width=width)
    return (
        text.rstrip()
        + "\n\n"
        + audit.render_table(
            checked, color=color, width=width, disclaimer=report_outline.disclaimer
        )
    )


def check(
    condition: list[str] | None = None,
    massage_type: list[str] | None = None,
    region: list[str] | None = None,
    setting: str | None = None,
    why: bool = False,
    output_format: OutputFormat | None = None,
    output: Path | None = None,
    patient_label: str | None = None,
    screener: str | None = None,
    quiet: bool = False,
    rules: Path | None = None,
) -> NoReturn:
    """`massage-screen check`: screen the conditions, print or write the report, then raise
    CommandExit with the code of the overall verdict (or of the error)."""
    from massage_screen.evaluate import screen
    from massage_screen.names import InputError, Names

    if setting is not None and not setting.strip():
        _fail("--setting is empty; give a setting or leave it out", ExitCode.BAD_INPUT)
    rule_base = load(rules)
    try:
        patient = Names.of(rule_base).patient(
            rule_base,
            [clean_name(c) for c in condition or []],
            [clean_name(t) for t in massage_type or []],
            [clean_name(r) for r in region or []],
            clean_name(setting) if setting is not None else None,
        )
    except InputError as error:
        _fail(str(error), ExitCode.BAD_INPUT)
    screening = stamped(screen(rule_base, patient), patient_label, screener)
    report(screening, output_format, output, quiet=quiet, why_rules=rule_base if why else None)


class StdoutClosedError(OSError):
    """Standard output was closed when the tool started (`>&-`)."""


class _ClosedStdout(io.TextIOBase):
    """Stands in for a closed standard output: writing to it raises StdoutClosedError."""

    encoding = "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not text:
            return 0
        raise StdoutClosedError(errno.EBADF, "it is closed")


def _prepare_streams() -> None:
    """Make the standard streams safe to use whatever the environment did to them.

    * A closed descriptor 0, 1 or 2 gets /dev/null behind it, so files opened later never
      take its number; a closed stdin reads as empty (end of input), a closed stdout makes
      any attempt to print fail with StdoutClosedError (exit 4), a closed stderr discards.
    * A stdout or stderr whose encoding cannot show Unicode (PYTHONIOENCODING=ascii,
      latin-1, a C locale without UTF-8) writes what it cannot encode as plain ASCII
      ("—" as "-", "“" as '"', "é" as "e", else "?") instead of failing.
    * Bytes on stdin that its encoding cannot decode are kept (surrogateescape), not fatal.
    """
    from massage_screen.sanitise import ASCII_FALLBACK, can_show_unicode

    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            placeholder = os.open(os.devnull, os.O_RDONLY if descriptor == 0 else os.O_WRONLY)
            if placeholder != descriptor:
                os.dup2(placeholder, descriptor)
                os.close(placeholder)
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives as long as we do
    if sys.stdout is None:
        sys.stdout = cast(TextIO, _ClosedStdout())
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and not can_show_unicode(stream.encoding):
            stream.reconfigure(errors=ASCII_FALLBACK)
    if isinstance(sys.stdin, io.TextIOWrapper):
        # Bytes that are not in stdin's encoding become names that match nothing
        # (and are shown escaped), not a UnicodeDecodeError.
        sys.stdin.reconfigure(errors="surrogateescape")


def _file_identity(descriptor: int) -> tuple[int, int] | None:
    try:
        status = os.fstat(descriptor)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _end_on_broken_pipe() -> NoReturn:
    """The reader of stdout has gone (`| head -1`): end quietly with 141 (128 + SIGPIPE).

    As Python's documentation on SIGPIPE recommends, /dev/null goes behind stdout (and
    stderr) so that flushing at interpreter shutdown raises nothing more."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(AttributeError, OSError, ValueError):
            if stream is not None:
                os.dup2(devnull, stream.fileno())
    os.close(devnull)
    sys.exit(ExitCode.BROKEN_PIPE)
