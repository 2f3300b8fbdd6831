"""The command line: parse options, call the library, print results and map errors to exit codes."""

from __future__ import annotations

import contextlib
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._completion_classes import completion_init
from typer.core import TyperGroup

from massage_screen import __version__, run
from massage_screen.completion import complete_anything, complete_seed, completer
from massage_screen.entry import main as main
from massage_screen.files import Terminated
from massage_screen.listing import ListFormat, Listing
from massage_screen.model import Screening
from massage_screen.render import OutputFormat
from massage_screen.run import (
    SUFFIX_FORMATS as SUFFIX_FORMATS,
)
from massage_screen.run import (
    VERDICT_EXIT as VERDICT_EXIT,
)
from massage_screen.run import (
    CommandExit,
    ExitCode,
    _color_wanted,
    _fail,
    _load,
    _say_error,
    emit,
    load,
    output_format_for,
    report,
    stamped,
    stdout_layout,
    to_stdout,
)
from massage_screen.run import (
    render_report as render_report,
)
from massage_screen.sanitise import escaped, one_line, shown

if TYPE_CHECKING:
    from massage_screen.questionnaire import Answers


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
            try:
                return super().main(*args, **kwargs)
            except CommandExit as done:  # a command of `run` ends as typer's Exit would
                return done.code
        click = _click()
        try:
            code = super().main(*args, **kwargs)
        except CommandExit as done:
            sys.exit(done.code)
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
    run.check(
        condition=condition,
        massage_type=massage_type,
        region=region,
        setting=setting,
        why=why,
        output_format=output_format,
        output=output,
        patient_label=patient_label,
        screener=screener,
        quiet=quiet,
        rules=rules,
    )


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
        color, width = stdout_layout(terminal)
        text = listing.render_table(found, what, rule_base, color=color, width=width)
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
        color, width = stdout_layout(sys.stdout.isatty())
        text = explaining.render_table(explanations, color=color, width=width)
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
    _, width = stdout_layout(sys.stdout.isatty())
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
