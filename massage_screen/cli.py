"""The command line: parse options, call the library, print results and map errors to exit codes."""

from __future__ import annotations

import enum
import os
import shutil
import sys
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from massage_screen import __version__
from massage_screen.model import RuleBase, Screening
from massage_screen.render import OutputFormat

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


VERDICT_EXIT = {
    "allowed": ExitCode.ALLOWED,
    "cautioned": ExitCode.CAUTIONED,
    "excluded": ExitCode.EXCLUDED,
}

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Contraindication screening for massage of the spine, every verdict cited from the "
    "source articles. Not medical advice.",
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
    typer.Option("-o", "--output", metavar="FILE", help="Write the report to FILE (atomically)."),
]
PatientOption = Annotated[
    str | None,
    typer.Option(
        "--patient", metavar="LABEL", help="A label for the person screened, kept in the report."
    ),
]
ScreenerOption = Annotated[
    str | None,
    typer.Option(
        "--screener", metavar="NAME", help="Who did the screening, kept in the report."
    ),
]


def _fail(message: str, code: ExitCode) -> NoReturn:
    typer.echo(f"massage-screen: error: {message}", err=True)
    raise typer.Exit(code)


def load(rules: Path | None) -> RuleBase:
    """The rule base, or exit 3 listing every problem."""
    from massage_screen.loader import RuleBaseError, load_rule_base

    try:
        return load_rule_base(rules)
    except RuleBaseError as error:
        count = len(error.problems)
        typer.echo(
            f"massage-screen: error: the rule base is invalid ({count} problem"
            f"{'s' if count != 1 else ''}):",
            err=True,
        )
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(ExitCode.INVALID_RULE_BASE) from None


def _color_wanted(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return (
        bool(isatty and isatty())
        and "NO_COLOR" not in os.environ
        and os.environ.get("TERM") != "dumb"
    )


def emit(text: str, output: Path | None) -> None:
    """Print `text` to stdout, or write it atomically to `output`."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from massage_screen.files import write_atomically

    try:
        write_atomically(output, text)
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror or error}", ExitCode.CANNOT_WRITE)
    typer.echo(f"massage-screen: wrote {output}", err=True)


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
) -> NoReturn:
    """Print or write the screening, then exit with the code of its overall verdict."""
    from massage_screen.render import render

    stdout_is_terminal = output is None and sys.stdout.isatty()
    if output_format is None:
        output_format = OutputFormat.TABLE if stdout_is_terminal else OutputFormat.JSON
    color = stdout_is_terminal and _color_wanted(sys.stdout)
    width = shutil.get_terminal_size((100, 24)).columns if stdout_is_terminal else 100
    emit(render(screening, output_format, color=color, width=width), output)
    raise typer.Exit(VERDICT_EXIT[screening.overall.value])


def _version(value: bool) -> None:
    if value:
        typer.echo(f"massage-screen {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Contraindication screening for massage of the spine. Not medical advice."""


@app.command()
def check(
    condition: Annotated[
        list[str] | None,
        typer.Option(
            "-c",
            "--condition",
            metavar="CONDITION[@REGION]",
            help="A condition the person has (id, name or plain words); repeat for more. "
            "Add @REGION to a local condition such as a wound or moles.",
        ),
    ] = None,
    massage_type: Annotated[
        list[str] | None,
        typer.Option(
            "-t",
            "--type",
            metavar="TYPE",
            help="Massage type to screen; repeat. Default: all.",
        ),
    ] = None,
    region: Annotated[
        list[str] | None,
        typer.Option(
            "-r",
            "--region",
            metavar="REGION",
            help="Spinal region to screen; repeat. Default: all.",
        ),
    ] = None,
    setting: Annotated[
        str | None,
        typer.Option("--setting", metavar="home|clinic", help="Where the massage happens."),
    ] = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    patient_label: PatientOption = None,
    screener: ScreenerOption = None,
    rules: RulesOption = None,
) -> None:
    """Screen conditions given as flags; the exit code tells the overall verdict.

    Exit codes: 0 all allowed, 10 some cautioned, 20 some excluded, 2 bad input,
    3 invalid rule base.

    Example:

        massage-screen check -c "high blood pressure" -t classical -r neck
    """
    from massage_screen.evaluate import screen
    from massage_screen.names import InputError, Names

    rule_base = load(rules)
    try:
        patient = Names.of(rule_base).patient(
            rule_base, condition or [], massage_type or [], region or [], setting
        )
    except InputError as error:
        _fail(str(error), ExitCode.BAD_INPUT)
    screening = stamped(screen(rule_base, patient), patient_label, screener)
    report(screening, output_format, output)


class Listing(str, enum.Enum):
    """What `massage-screen list` can show."""

    CONDITIONS = "conditions"
    TYPES = "types"
    REGIONS = "regions"
    SETTINGS = "settings"
    RULES = "rules"
    AMBIGUOUS = "ambiguous"


@app.command("list")
def list_names(
    what: Annotated[
        Listing,
        typer.Argument(help="conditions, types, regions, settings, rules or ambiguous."),
    ] = Listing.CONDITIONS,
    rules: RulesOption = None,
) -> None:
    """List the names the tool understands, with their aliases (or the rules).

    Example:

        massage-screen list regions
    """
    rule_base = load(rules)
    lines: list[str] = []
    if what is Listing.RULES:
        for rule in rule_base.rules:
            conditions = ", ".join(rule.conditions) or "-"
            lines.append(f"{rule.id}\t{rule.kind.value}\t{rule.effect.value}\t{conditions}")
    elif what is Listing.AMBIGUOUS:
        for ambiguity in rule_base.ambiguities:
            aliases = ", ".join(ambiguity.aliases)
            lines.append(ambiguity.term + (f"\t{aliases}" if aliases else ""))
            lines += [f"  {c.condition} ({c.means})" for c in ambiguity.choices]
    else:
        entries = {
            Listing.CONDITIONS: rule_base.conditions,
            Listing.TYPES: rule_base.massage_types,
            Listing.REGIONS: rule_base.regions,
            Listing.SETTINGS: rule_base.settings,
        }[what]
        for entry in entries:
            extra = " (local: may take @REGION)" if entry.local else ""
            aliases = ", ".join(entry.aliases)
            lines.append(f"{entry.id}\t{entry.label}{extra}" + (f"\t{aliases}" if aliases else ""))
    sys.stdout.write("\n".join(lines) + "\n")


@app.command()
def validate(rules: RulesOption = None) -> None:
    """Check the rule base: every field, every quote against its seed, every example case.

    Exit 0 when it is sound, 3 otherwise.

    Example:

        massage-screen validate
    """
    from massage_screen.cases import check_case, failure_line, rules_without_case
    from massage_screen.names import Names

    rule_base = load(rules)
    names = Names.of(rule_base)
    failures = 0
    for case in rule_base.cases:
        problems = check_case(rule_base, case, names)
        if problems:
            failures += 1
            typer.echo(failure_line(case, problems), err=True)
    if failures:
        raise typer.Exit(ExitCode.INVALID_RULE_BASE)
    uncovered = rules_without_case(rule_base)
    if uncovered:
        typer.echo(
            f"massage-screen: warning: {len(uncovered)} rules are named in no case's fires "
            f"(first: {uncovered[0]})",
            err=True,
        )
    citations = sum(len(r.citations) for r in rule_base.rules)
    typer.echo(
        f"ok: {len(rule_base.conditions)} conditions, {len(rule_base.massage_types)} massage "
        f"types, {len(rule_base.rules)} rules with {citations} verified citations, "
        f"{len(rule_base.conflicts)} conflicts, {len(rule_base.cases)} example cases"
    )


REPORT_SUFFIXES = {
    ".md": OutputFormat.MARKDOWN,
    ".markdown": OutputFormat.MARKDOWN,
    ".json": OutputFormat.JSON,
}
ANSWER_SUFFIXES = (".yaml", ".yml")


def questionnaire(
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers", metavar="FILE", help="Replay saved answers (YAML or JSON) without prompts."
        ),
    ] = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    patient_label: PatientOption = None,
    screener: ScreenerOption = None,
    rules: RulesOption = None,
) -> None:
    """Ask screening questions in the terminal, then show what `check` would show.

    Type back at any question to return to the previous one; a summary lets you change
    any answer before the result. At the end you can save the report (.md, .json) and
    your answers (.yaml) for replay. Ctrl-C or end of input leaves with exit code 130 and
    saves nothing. Exit codes otherwise as for check.

    Example:

        massage-screen questionnaire
        massage-screen questionnaire --answers answers.yaml --format markdown
    """
    from massage_screen.evaluate import screen
    from massage_screen.names import InputError
    from massage_screen.questionnaire import Questionnaire, answers_from_document
    from massage_screen.render import render

    rule_base = load(rules)
    if answers is not None:
        try:
            answered = answers_from_document(_read_answers(answers), rule_base)
        except InputError as error:
            _fail(str(error), ExitCode.BAD_INPUT)
        screening = stamped(screen(rule_base, answered.patient()), patient_label, screener)
        report(screening, output_format, output)

    def say(text: str) -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    try:
        say(
            "Massage screening. Not medical advice: the result restates five articles "
            "and cannot replace a doctor."
        )
        answered = Questionnaire(rule_base, input, say).run()
        screening = stamped(screen(rule_base, answered.patient()), patient_label, screener)
        say("")
        _print_result(screening)
        if output is not None:
            emit(
                render(
                    screening,
                    output_format
                    or REPORT_SUFFIXES.get(output.suffix.lower(), OutputFormat.MARKDOWN),
                ),
                output,
            )
        else:
            _offer_to_save(screening, answered, say)
    except (KeyboardInterrupt, EOFError):
        typer.echo("\nmassage-screen: screening cancelled; nothing was saved.", err=True)
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    raise typer.Exit(VERDICT_EXIT[screening.overall.value])


app.command("questionnaire")(questionnaire)
app.command("screen", help="Alias of questionnaire.")(questionnaire)


def _read_answers(path: Path) -> object:
    import yaml

    from massage_screen.names import InputError

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read answers file {path}: {error.strerror or error}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise InputError(f"answers file {path}{where} is not valid YAML or JSON") from None


def _print_result(screening: Screening) -> None:
    from rich.console import Console

    from massage_screen.render.table import print_screening

    color = _color_wanted(sys.stdout)
    console = Console(
        highlight=False, emoji=False, no_color=not color, color_system="standard" if color else None
    )
    print_screening(console, screening)


def _offer_to_save(screening: Screening, answered: Answers, say: Callable[[str], None]) -> None:
    """Ask for file names until every one is written (or none is wanted)."""
    import yaml

    from massage_screen.files import write_atomically
    from massage_screen.render import render
    from massage_screen.report import record_document

    while True:
        answer = input(
            "Save? Type file names ending .md or .json for the report, .yaml for "
            "your answers (comma-separated), or press Enter to skip: "
        ).strip()
        if not answer:
            return
        paths = [Path(part.strip()) for part in answer.split(",") if part.strip()]
        bad = [p for p in paths if p.suffix.lower() not in (*REPORT_SUFFIXES, *ANSWER_SUFFIXES)]
        if bad:
            say(f"  {bad[0]}: use a name ending .md, .json, .yaml or .yml.")
            continue
        failed = False
        for path in paths:
            if path.suffix.lower() in ANSWER_SUFFIXES:
                saved = {**answered.to_document(), "record": record_document(screening.record)}
                text = yaml.safe_dump(saved, sort_keys=False, allow_unicode=True)
            else:
                text = render(screening, REPORT_SUFFIXES[path.suffix.lower()])
            try:
                write_atomically(path, text)
            except OSError as error:
                say(f"  Could not write {path}: {error.strerror or error}. Try another name.")
                failed = True
                continue
            say(f"  Saved {path}")
        if not failed:
            return


def main() -> None:
    """Console-script entry point: no tracebacks, documented exit codes."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("\nmassage-screen: interrupted", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(ExitCode.INTERNAL_ERROR)
    except Exception as error:
        typer.echo(f"massage-screen: internal error: {type(error).__name__}: {error}", err=True)
        sys.exit(ExitCode.INTERNAL_ERROR)
