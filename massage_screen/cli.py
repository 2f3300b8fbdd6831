"""The command line: parse options, call the library, print results and map errors to exit codes."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import shutil
import sys
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TextIO, cast

import typer
from typer._completion_classes import completion_init
from typer.core import TyperGroup

from massage_screen import __version__
from massage_screen.completion import complete_anything, complete_seed, completer
from massage_screen.files import Terminated
from massage_screen.listing import ListFormat, Listing
from massage_screen.model import RuleBase, Screening
from massage_screen.render import OutputFormat
from massage_screen.sanitise import clean_name, escaped, one_line, shown

if TYPE_CHECKING:
    from massage_screen.questionnaire import Answers


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

EXIT_CODES_HELP = (
    "Exit codes: 0 allowed, 10 cautioned, 20 excluded, 1 internal error (a bug), "
    "2 bad input or usage, 3 invalid rule base, 4 cannot write output, 130 interrupted, "
    "141 broken pipe (see the README)."
)
NAMES_HELP = (
    "Names: `massage-screen list conditions [QUERY]` (or types, regions, settings, rules, "
    "ambiguous) shows what the tool understands; `massage-screen explain NAME` shows the rules and "
    "passages behind a name."
)


def _say_error(message: str) -> None:
    """Write one message line to stderr as Python set it up (not as click re-wraps it), so a
    stderr that cannot show Unicode degrades to ASCII like stdout (see _prepare_streams)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def _click() -> Any:
    """click's exceptions: vendored inside newer typer, a dependency of older ones."""
    import importlib

    try:
        return importlib.import_module("typer._click")
    except ImportError:  # pragma: no cover - older typer depends on click
        return importlib.import_module("click")


class _Group(TyperGroup):
    """The top-level group: usage errors as one short line, never framework internals."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone = kwargs.pop("standalone_mode", True)
        kwargs["standalone_mode"] = False
        if not standalone:
            return super().main(*args, **kwargs)
        click = _click()
        try:
            code = super().main(*args, **kwargs)
        except click.exceptions.ClickException as error:
            if type(error).__name__ == "NoArgsIsHelpError":
                typer.echo(error.format_message())
                sys.exit(ExitCode.BAD_INPUT)
            _say_error(f"massage-screen: error: {one_line(usage_message(error))}")
            sys.exit(ExitCode.BAD_INPUT if error.exit_code == 2 else error.exit_code)
        except typer.Abort:
            _say_error("\nmassage-screen: interrupted")
            sys.exit(ExitCode.INTERRUPTED)
        sys.exit(code if isinstance(code, int) else 0)


#: options of massage-screen itself, and how to give them
TOP_LEVEL_OPTIONS = {
    "--version": "massage-screen --version",
    "--show-completion": "massage-screen --show-completion SHELL",
    "--install-completion": "massage-screen --install-completion SHELL",
}


def usage_message(error: Any) -> str:
    """A click error as one short line: which option, what is wrong, where to look."""
    message = re.sub(r"\b[Vv]alue error, ", "", error.format_message()).strip()
    param = getattr(error, "param", None)
    option = getattr(error, "option_name", None)
    ctx = getattr(error, "ctx", None)
    if (
        type(error).__name__ == "NoSuchOption"
        and option in TOP_LEVEL_OPTIONS
        and ctx is not None
        and ctx.parent is not None
    ):  # "check --version": a top-level option given to a command
        usage = TOP_LEVEL_OPTIONS[option]
        return f"{option} is an option of massage-screen itself, not of a command: {usage}"
    if type(error).__name__ == "MissingParameter" and param is not None:
        opts = [n for n in getattr(param, "opts", ()) if n.startswith("-")]
        what = f"option {max(opts, key=len)}" if opts else (param.metavar or param.name or "")
        message = f"missing {what}".strip()
    elif isinstance(error, typer.BadParameter) and param is not None:
        opts = [n for n in getattr(param, "opts", ()) if n.startswith("-")]
        name = max(opts, key=len) if opts else (param.metavar or str(param.name).upper())
        detail = re.sub(r"^Invalid value for [^:]*: ", "", message)
        detail = re.sub(r"'([^']*)'", r'"\1"', detail).rstrip(".")
        message = f"{name}: {detail}"
    else:
        message = message[:1].lower() + message[1:]
        message = message.rstrip(".")
    path = ctx.command_path.split()[1:] if ctx is not None else []
    where = " ".join(["massage-screen", *path, "--help"])
    return f"{message} (see {where})"


completion_init()  # typer's completion protocol, without its --show-completion option

app = typer.Typer(
    cls=_Group,
    add_completion=False,  # our own --show/--install-completion: the shell can be named
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Contraindication screening for massage of the spine, every verdict cited from the "
    "source articles. Not medical advice.",
    epilog=f"{NAMES_HELP}\n\n{EXIT_CODES_HELP}",
)

RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        envvar="MASSAGE_SCREEN_RULES",
        metavar="DIR",
        help="Use the rule base in DIR instead of the bundled one (quotes are checked "
        "against seeds/ beside DIR, or the bundled seeds).",
    ),
]

FormatOption = Annotated[
    OutputFormat | None,
    typer.Option(
        "-f",
        "--format",
        case_sensitive=False,
        help="table (default on a terminal), json (default otherwise) or markdown.",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "-o",
        "--output",
        metavar="FILE",
        help="Write the report to FILE (atomically); the format follows the extension "
        "(.md Markdown, .json JSON, .txt plain table) unless --format is given. - is stdout.",
    ),
]
PatientOption = Annotated[
    str | None,
    typer.Option(
        "--patient", metavar="LABEL", help="A label for the person screened, kept in the report."
    ),
]
ScreenerOption = Annotated[
    str | None,
    typer.Option("--screener", metavar="NAME", help="Who did the screening, kept in the report."),
]
QuietOption = Annotated[
    bool, typer.Option("-q", "--quiet", help='Do not say "wrote FILE" on stderr.')
]
ConditionOption = Annotated[
    list[str] | None,
    typer.Option(
        "-c",
        "--condition",
        metavar="CONDITION[@REGION]",
        help="A condition the person has (id, name or plain words); repeat for more. "
        "Add @REGION to a local condition such as a wound or moles.",
        autocompletion=completer("conditions"),
    ),
]
TypeOption = Annotated[
    list[str] | None,
    typer.Option(
        "-t",
        "--type",
        metavar="TYPE",
        help="Massage type to screen; repeat. Default: all.",
        autocompletion=completer("types"),
    ),
]
RegionOption = Annotated[
    list[str] | None,
    typer.Option(
        "-r",
        "--region",
        metavar="REGION",
        help="Spinal region to screen; repeat. Default: all.",
        autocompletion=completer("regions"),
    ),
]
SettingOption = Annotated[
    str | None,
    typer.Option(
        "--setting",
        metavar="home|clinic",
        help="Where the massage happens.",
        autocompletion=completer("settings"),
    ),
]

#: the format a file name asks for, by extension
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
    raise typer.Exit(code)


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
        raise typer.Exit(ExitCode.INVALID_RULE_BASE) from None


def _color_wanted(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return (
        bool(isatty and isatty())
        and "NO_COLOR" not in os.environ
        and os.environ.get("TERM") != "dumb"
    )


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
        raise typer.Exit(128 + stop.signum) from None
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
    color = stdout_is_terminal and _color_wanted(sys.stdout)
    width = shutil.get_terminal_size((100, 24)).columns if stdout_is_terminal else 100
    text = render_report(screening, output_format, color=color, width=width, why_rules=why_rules)
    emit(_ascii_json_if_needed(text, output_format, output), output, quiet=quiet)
    raise typer.Exit(VERDICT_EXIT[screening.overall.value])


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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"massage-screen {__version__}")
        raise typer.Exit()


def _completion(install: bool) -> Any:
    def callback(ctx: Any, value: str | None) -> None:
        if value is None or getattr(ctx, "resilient_parsing", False):
            return
        from massage_screen.completion import (
            ShellError,
            choose_shell,
            completion_script,
            install_completion,
        )

        try:
            shell = choose_shell(None if value == "auto" else value)
        except ShellError as error:
            _fail(str(error), ExitCode.BAD_INPUT)
        if install:
            path = install_completion(shell)
            typer.echo(f"{shell} completion installed in {path}; restart the shell to use it")
        else:
            typer.echo(completion_script(shell))
        raise typer.Exit()

    return callback


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    install_completion: Annotated[
        str | None,
        typer.Option(
            "--install-completion",
            metavar="SHELL",
            callback=_completion(install=True),
            is_eager=True,
            expose_value=False,
            help="Install completion for SHELL (bash, zsh or fish; auto: the shell this runs in).",
        ),
    ] = None,
    show_completion: Annotated[
        str | None,
        typer.Option(
            "--show-completion",
            metavar="SHELL",
            callback=_completion(install=False),
            is_eager=True,
            expose_value=False,
            help="Print the completion script for SHELL (bash, zsh or fish; auto: the shell "
            "this runs in).",
        ),
    ] = None,
) -> None:
    """Contraindication screening for massage of the spine. Not medical advice."""


@app.command(epilog=f"{NAMES_HELP}\n\n{EXIT_CODES_HELP}")
def check(
    condition: ConditionOption = None,
    massage_type: TypeOption = None,
    region: RegionOption = None,
    setting: SettingOption = None,
    why: Annotated[
        bool,
        typer.Option(
            "--why",
            help="After the report, show for each cell every rule considered: which fired, "
            "and why each other one did not (another type, region or setting; a site "
            "elsewhere).",
        ),
    ] = False,
    output_format: FormatOption = None,
    output: OutputOption = None,
    patient_label: PatientOption = None,
    screener: ScreenerOption = None,
    quiet: QuietOption = False,
    rules: RulesOption = None,
) -> None:
    """Screen conditions given as flags; the exit code tells the overall verdict.

    Example:

        massage-screen check -c "high blood pressure" -t classical -r neck --why
    """
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


@app.command("list")
def list_names(
    what: Annotated[
        Listing,
        typer.Argument(help="conditions, types, regions, settings, rules or ambiguous."),
    ] = Listing.CONDITIONS,
    query: Annotated[
        str | None,
        typer.Argument(
            metavar="[QUERY]", help="Show only names whose id, label or aliases contain it."
        ),
    ] = None,
    list_format: Annotated[
        ListFormat | None,
        typer.Option(
            "-f",
            "--format",
            case_sensitive=False,
            help="table (default on a terminal), tsv with a header line (default otherwise) "
            "or json.",
        ),
    ] = None,
    rules: RulesOption = None,
) -> None:
    """List the names the tool understands, with their aliases (or the rules).

    Conditions are grouped by family: the questionnaire question that asks about them.
    Give any name to `massage-screen explain` for the rules and passages behind it.

    Example:

        massage-screen list conditions "blood pressure"
    """
    from massage_screen import listing

    rule_base = load(rules)
    found = listing.search(listing.rows(rule_base, what), query or "")
    if not found:
        _say_error(f'massage-screen: no {what.value} match "{shown(query or "")}"')
    terminal = sys.stdout.isatty()
    chosen = list_format or (ListFormat.TABLE if terminal else ListFormat.TSV)
    if chosen is ListFormat.JSON:
        text = listing.render_json(found, what, rule_base)
    elif chosen is ListFormat.TSV:
        text = listing.render_tsv(found, what)
    else:
        text = listing.render_table(
            found,
            what,
            rule_base,
            color=terminal and _color_wanted(sys.stdout),
            width=shutil.get_terminal_size((100, 24)).columns if terminal else 100,
        )
    sys.stdout.write(text)


@app.command("explain")
def explain_name(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="A condition (id, label or plain words), a rule id, a massage type, a region "
            "or a setting.",
            autocompletion=complete_anything,
        ),
    ],
    output_format: FormatOption = None,
    rules: RulesOption = None,
) -> None:
    """Show what the articles say about NAME: every rule about a condition (or the rules
    that single out a massage type, region or setting; or one rule), where it applies,
    its advice, the passages that disagree, and each cited passage in its paragraph.

    Example:

        massage-screen explain diabetes
    """
    from massage_screen import explain as explaining
    from massage_screen.names import InputError
    from massage_screen.source import read_articles, seeds_dir_for

    rule_base = load(rules)
    articles = read_articles(seeds_dir_for(rules))
    try:
        explanations = explaining.explain(rule_base, articles, name)
    except InputError as error:
        _fail(str(error), ExitCode.BAD_INPUT)
    chosen = output_format_for(None, output_format)
    if chosen is OutputFormat.JSON:
        text = explaining.render_json(explanations)
    elif chosen is OutputFormat.MARKDOWN:
        text = explaining.render_markdown(explanations)
    else:
        terminal = sys.stdout.isatty()
        text = explaining.render_table(
            explanations,
            color=terminal and _color_wanted(sys.stdout),
            width=shutil.get_terminal_size((100, 24)).columns if terminal else 100,
        )
    sys.stdout.write(text)


@app.command("source")
def show_source(
    location: Annotated[
        str,
        typer.Argument(
            metavar="SEED[:LINE]",
            help="A seed article (file name, path or number 000-004), optionally with a line.",
            autocompletion=complete_seed,
        ),
    ],
    rules: RulesOption = None,
) -> None:
    """Print a seed article with line numbers, or the paragraph around LINE (marked >).

    Every citation names its seed and line, for example seeds/000_063ec8d0cbbd0d34.txt:27.

    Example:

        massage-screen source 000:27
    """
    from massage_screen.names import InputError
    from massage_screen.source import parse_location, read_articles, render_article, seeds_dir_for

    articles = read_articles(seeds_dir_for(rules))
    try:
        article, line = parse_location(articles, location)
    except InputError as error:
        _fail(str(error), ExitCode.BAD_INPUT)
    terminal = sys.stdout.isatty()
    width = shutil.get_terminal_size((100, 24)).columns if terminal else 100
    sys.stdout.write(render_article(article, line, width))


@app.command()
def validate(rules: RulesOption = None) -> None:
    """Check the rule base: every field, every quote against its seed, every example case.

    Exit 0 when it is sound, 3 otherwise.

    Example:

        massage-screen validate
    """
    from massage_screen.cases import check_case, failure_line, rules_without_case
    from massage_screen.names import Names

    rule_base = _load(rules, compiled=False)
    names = Names.of(rule_base)
    failures = 0
    for case in rule_base.cases:
        problems = check_case(rule_base, case, names)
        if problems:
            failures += 1
            _say_error(failure_line(case, problems))
    if failures:
        raise typer.Exit(ExitCode.INVALID_RULE_BASE)
    uncovered = rules_without_case(rule_base)
    if uncovered:
        _say_error(
            f"massage-screen: warning: {len(uncovered)} rules are named in no case's fires "
            f"(first: {uncovered[0]})"
        )
    citations = sum(len(r.citations) for r in rule_base.rules)
    typer.echo(
        f"ok: {len(rule_base.conditions)} conditions, {len(rule_base.massage_types)} massage "
        f"types, {len(rule_base.rules)} rules with {citations} verified citations, "
        f"{len(rule_base.conflicts)} conflicts, {len(rule_base.cases)} example cases"
    )


@app.command()
def batch(
    input_file: Annotated[
        str, typer.Argument(metavar="FILE|-", help="Patients as JSON Lines or CSV; - for stdin.")
    ],
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            metavar="jsonl|csv",
            help="Input format (default: by extension: .jsonl/.ndjson or .csv; stdin: jsonl).",
        ),
    ] = None,
    output: OutputOption = None,
    detail: Annotated[
        bool,
        typer.Option(
            "--detail", help="Add supporting and note rules, and each rule's advice and citations."
        ),
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first bad record.")] = False,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="No progress bar and no summary.")
    ] = False,
    rules: RulesOption = None,
) -> None:
    """Screen many patients: one JSON line out per record in, streaming.

    JSON Lines records look like {"id": "p1", "conditions": ["fever"], "types": [],
    "regions": ["neck"], "setting": "home"}; CSV has the columns id, conditions (separated
    by ";") and optional types, regions, setting. A bad record gives an error line naming
    its input line and the run goes on (--strict stops). A summary goes to stderr.
    Exit codes: the worst verdict (0, 10, 20), or 2 if any record was bad.

    Example:

        massage-screen batch patients.jsonl -o verdicts.jsonl
    """
    from massage_screen import batch as batching

    rule_base = load(rules)
    chosen = input_format or (
        "jsonl" if input_file == "-" else getattr(batching.format_for(input_file), "value", None)
    )
    if chosen is None or chosen.lower() not in ("jsonl", "csv"):
        _fail(
            f"cannot tell the format of {input_file}: use --input-format jsonl or csv"
            if chosen is None
            else f'unknown input format "{chosen}": use jsonl or csv',
            ExitCode.BAD_INPUT,
        )
    shown = 0

    def show_error(bad: batching.BadRecord) -> None:
        nonlocal shown
        shown += 1
        if shown <= 10:
            message = one_line(f"{input_file}:{bad.line}: {bad.message}")
            _say_error(f"massage-screen: error: {message}")

    try:
        summary = batching.screen_file(
            rule_base,
            input_file,
            batching.InputFormat(chosen.lower()),
            None if output is None else str(output),
            detail=detail,
            strict=strict,
            progress=batching.wants_progress(input_file, quiet=quiet, stderr=sys.stderr),
            on_error=show_error,
        )
    except batching.OutputIsInputError:
        _fail(_output_is_input(output, input_file), ExitCode.CANNOT_WRITE)
    except batching.BatchInputError as error:
        where = f"{input_file}:{error.line}: " if error.line is not None else ""
        _fail(f"{where}{error}", ExitCode.BAD_INPUT)
    except batching.OutputError as error:
        where = "to standard output" if to_stdout(output) else escaped(str(output))
        _fail(f"cannot write {where}: {error.strerror or error}", ExitCode.CANNOT_WRITE)
    if shown > 10:
        _say_error(f"massage-screen: ... {shown - 10} more errors in the output")
    if not quiet:
        _say_error(f"massage-screen: {summary.describe()}")
    if summary.errors:
        raise typer.Exit(ExitCode.BAD_INPUT)
    raise typer.Exit(VERDICT_EXIT[summary.worst.value])


def _output_is_input(output: Path | None, input_file: str | Path) -> str:
    """The error for an output that would overwrite the input file it is read from."""
    source = "standard input" if str(input_file) == "-" else escaped(str(input_file))
    where = "standard output" if to_stdout(output) else f"-o {escaped(str(output))}"
    return f"{where} is the input file ({source}); write the output to another file"


ANSWER_SUFFIXES = (".yaml", ".yml")


def questionnaire(
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            metavar="FILE",
            help="Replay saved answers (YAML or JSON; - reads stdin) without prompts.",
        ),
    ] = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    patient_label: PatientOption = None,
    screener: ScreenerOption = None,
    quiet: QuietOption = False,
    rules: RulesOption = None,
) -> None:
    """Ask screening questions in the terminal, then show what `check` would show.

    Type back at any question to return to the previous one; a summary lets you change
    any answer before the result. Where a stage or kind is asked, "not sure" screens as
    the stricter possibility. At the end you can save the report (.md, .json, .txt) and
    your answers (.yaml) for replay. Ctrl-C or end of input leaves with exit code 130 and
    says which files, if any, were saved. Exit codes otherwise as for check.

    Example:

        massage-screen questionnaire
        massage-screen questionnaire --answers answers.yaml --format markdown
    """
    from massage_screen.answers_file import read_answers
    from massage_screen.evaluate import screen
    from massage_screen.names import InputError
    from massage_screen.questionnaire import Questionnaire, answers_from_document
    from massage_screen.render import render

    rule_base = load(rules)
    if answers is not None:
        from massage_screen.files import same_file, status_of

        if output is not None and same_file(status_of(answers), output):
            _fail(_output_is_input(output, answers), ExitCode.CANNOT_WRITE)
        try:
            source = "standard input" if str(answers) == "-" else str(answers)
            answered = answers_from_document(read_answers(answers), rule_base, source)
        except InputError as error:
            _fail(str(error), ExitCode.BAD_INPUT)
        screening = stamped(screen(rule_base, answered.patient()), patient_label, screener)
        report(screening, output_format, output, quiet=quiet)

    from massage_screen.questionnaire import wrap

    width = max(shutil.get_terminal_size((80, 24)).columns, 20)

    def say(text: str) -> None:
        for line in wrap(text, width):
            sys.stdout.write(line + "\n")
        sys.stdout.flush()

    if sys.stdin.isatty():
        with contextlib.suppress(ImportError):  # Python may be built without readline
            import readline  # noqa: F401 - line editing and history for input()
    written: list[Path] = []
    try:
        say(
            "Massage screening. Not medical advice: the result restates five articles "
            "and cannot replace a doctor."
        )
        answered = Questionnaire(rule_base, input, say, width=width).run()
        screening = stamped(screen(rule_base, answered.patient()), patient_label, screener)
        say("")
        _print_result(screening, width)
        if output is not None:
            chosen = output_format_for(output, output_format)
            emit(render(screening, chosen, width=width), output, quiet=quiet)
        else:
            _offer_to_save(screening, answered, say, width, written)
    except (KeyboardInterrupt, EOFError):
        _say_error(f"\nmassage-screen: screening cancelled; {_what_was_saved(written)}")
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    except Terminated as stop:
        _say_error(f"\nmassage-screen: {stop}; {_what_was_saved(written)}")
        raise typer.Exit(128 + stop.signum) from None
    raise typer.Exit(VERDICT_EXIT[screening.overall.value])


app.command("questionnaire", epilog=EXIT_CODES_HELP)(questionnaire)
app.command("screen", help="Alias of questionnaire.", epilog=EXIT_CODES_HELP)(questionnaire)


def _what_was_saved(written: list[Path]) -> str:
    if not written:
        return "nothing was saved."
    names = ", ".join(escaped(str(path)) for path in written)
    return f"saved {names} before that; nothing else was saved."


def _print_result(screening: Screening, width: int) -> None:
    from rich.console import Console

    from massage_screen.render.table import print_screening

    color = _color_wanted(sys.stdout)
    console = Console(
        highlight=False,
        emoji=False,
        no_color=not color,
        color_system="standard" if color else None,
        width=width,
    )
    print_screening(console, screening)


def _offer_to_save(
    screening: Screening,
    answered: Answers,
    say: Callable[[str], None],
    width: int,
    written: list[Path],
) -> None:
    """Ask for file names until every one is written (or none is wanted); an existing file
    is overwritten only when the person says yes. Each file written is added to `written`."""
    import yaml

    from massage_screen.files import write_output
    from massage_screen.questionnaire import answer_room, wrap
    from massage_screen.render import render
    from massage_screen.report import record_document

    def ask(prompt: str) -> str:
        lines = wrap(prompt, answer_room(width))
        for line in lines[:-1]:
            say(line)
        return input(lines[-1] + " ").strip()

    while True:
        say(
            "Save? Type file names ending .md, .json or .txt for the report, .yaml for "
            "your answers (separated by commas), or press Enter to skip."
        )
        answer = ask("Save as:")
        if not answer:
            return
        paths = [Path(part.strip()) for part in answer.split(",") if part.strip()]
        bad = [p for p in paths if p.suffix.lower() not in (*SUFFIX_FORMATS, *ANSWER_SUFFIXES)]
        if bad:
            say(f"  {bad[0]}: use a name ending .md, .json, .txt, .yaml or .yml.")
            continue
        failed = False
        for path in paths:
            if path.exists() and not path.is_dir():
                reply = ask(f"  {path} exists. Overwrite it? [yes/no]").casefold()
                if reply not in ("y", "yes"):
                    say(f"  Kept {path} as it was. Type another name, or press Enter to skip.")
                    failed = True
                    continue
            if path.suffix.lower() in ANSWER_SUFFIXES:
                saved = {**answered.to_document(), "record": record_document(screening.record)}
                text = yaml.safe_dump(saved, sort_keys=False, allow_unicode=True)
            else:
                text = render(screening, SUFFIX_FORMATS[path.suffix.lower()])
            try:
                write_output(path, text)
            except OSError as error:
                say(
                    f"  Could not write {escaped(str(path))}: {error.strerror or error}. "
                    "Try another name."
                )
                failed = True
                continue
            written.append(path)
            say(f"  Saved {escaped(str(path))}")
        if not failed:
            return


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


def main() -> None:
    """Console-script entry point: documented exit codes, never a traceback.

    Exit codes beyond those of the commands: 1 internal error (a bug), 4 stdout is closed,
    130 interrupted, 141 stdout is a broken pipe, 128 + N terminated by signal N while
    writing a file (SIGTERM 143, SIGHUP 129).
    """
    _prepare_streams()
    stdout, stdout_file = sys.stdout, _file_identity(1)
    code: int
    try:
        from massage_screen.fastpath import run_check

        run_check(sys.argv[1:])  # a plain `check` runs (and exits) without typer's parsing
        app()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0 if done.code is None else 1
    except KeyboardInterrupt:
        _say_error("\nmassage-screen: interrupted")
        code = ExitCode.INTERRUPTED
    except BrokenPipeError:
        _end_on_broken_pipe()
    except StdoutClosedError:
        _say_error("massage-screen: error: cannot write to standard output: it is closed")
        code = ExitCode.CANNOT_WRITE
    except Terminated as stop:
        _say_error(f"massage-screen: {stop}")
        code = 128 + stop.signum
    except Exception as error:
        _say_error(
            f"massage-screen: internal error: {type(error).__name__}: {one_line(str(error))}"
        )
        code = ExitCode.INTERNAL_ERROR
    if sys.stdout is not stdout or _file_identity(1) not in (stdout_file, None):
        # On a broken pipe Typer replaces the streams and rich puts /dev/null behind
        # stdout; both then exit 1. It is a broken pipe all the same.
        sys.stdout, sys.stderr = stdout, sys.__stderr__
        _end_on_broken_pipe()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _end_on_broken_pipe()
    except OSError:
        pass
    sys.exit(code)
