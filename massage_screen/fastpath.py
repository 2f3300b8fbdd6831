"""A fast start for the commonest script call, `massage-screen check ...`, before typer parses.

Typer checks every non-flag option through a pydantic adapter, and importing pydantic costs
more than the whole screening. For a `check` command line made only of the options below,
each given in one of click's plain forms, this module parses it, and the console script
(`entry.main`) calls `run.check`, the very function typer's `check` calls, without importing
typer at all; anything else (help, an unknown or repeated single option, a value that looks
like an option, an empty variable...) returns None and typer parses it as usual, so every
error message still comes from one place. The tests check that
this table matches the options of `cli.check` and that both paths give the same output.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

#: check's parameters: name -> (option names, repeatable, kind: text, path, format or flag)
OPTIONS: dict[str, tuple[tuple[str, ...], bool, str]] = {
    "condition": (("-c", "--condition"), True, "text"),
    "massage_type": (("-t", "--type"), True, "text"),
    "region": (("-r", "--region"), True, "text"),
    "setting": (("--setting",), False, "text"),
    "why": (("--why",), False, "flag"),
    "output_format": (("-f", "--format"), False, "format"),
    "output": (("-o", "--output"), False, "path"),
    "patient_label": (("--patient",), False, "text"),
    "screener": (("--screener",), False, "text"),
    "quiet": (("-q", "--quiet"), False, "flag"),
    "rules": (("--rules",), False, "path"),
}
#: Options read from the environment when not given (as typer's envvar=...).
ENVIRONMENT = {"rules": "MASSAGE_SCREEN_RULES"}

_BY_NAME = {name: param for param, (names, _, _) in OPTIONS.items() for name in names}


def parse_check(argv: list[str]) -> dict[str, Any] | None:
    """Keyword arguments for `run.check` from `argv` (without the program name), or None when
    `argv` is not a plain `check` command line this parser fully understands."""
    if not argv or argv[0] != "check":
        return None
    given: dict[str, list[str]] = {}
    position = 1
    while position < len(argv):
        arg = argv[position]
        position += 1
        param = _BY_NAME.get(arg.split("=", 1)[0] if arg.startswith("--") else arg)
        if param is not None and OPTIONS[param][2] == "flag":
            if "=" in arg:
                return None
            given.setdefault(param, []).append("")
            continue
        if arg.startswith("--") and "=" in arg:
            name, value = arg.split("=", 1)
        elif arg.startswith("--") or (len(arg) == 2 and arg.startswith("-")):
            if position >= len(argv):
                return None
            name, value = arg, argv[position]
            position += 1
        elif arg.startswith("-") and len(arg) > 2 and arg[:2] in _BY_NAME:
            name, value = arg[:2], arg[2:]
        else:
            return None  # a positional argument, "-", "--" or a short option cluster
        param = _BY_NAME.get(name)
        if param is None or OPTIONS[param][2] == "flag" or value.startswith("-"):
            return None
        given.setdefault(param, []).append(value)
    arguments: dict[str, Any] = {}
    for param, (_, repeatable, kind) in OPTIONS.items():
        values = given.get(param)
        if values is None and param in ENVIRONMENT:
            from_environment = os.environ.get(ENVIRONMENT[param])
            if from_environment is not None:
                if not from_environment:
                    return None
                values = [from_environment]
        if values is None:
            continue
        if not repeatable and len(values) > 1:
            return None
        if kind == "flag":
            arguments[param] = True
        elif repeatable:
            arguments[param] = values
        elif kind == "path":
            arguments[param] = Path(values[0])
        elif kind == "format":
            from massage_screen.render import OutputFormat

            try:
                arguments[param] = OutputFormat(values[0].lower())
            except ValueError:
                return None
        else:
            arguments[param] = values[0]
    return arguments


def run_check(argv: list[str]) -> None:
    """Run `check` without typer when `argv` allows it: exits (SystemExit) with the
    command's code; returns when the command line must go through typer."""
    arguments = parse_check(argv)
    if arguments is None:
        return
    import sys

    from massage_screen.run import CommandExit, check

    try:
        check(**arguments)
    except CommandExit as done:
        sys.exit(done.code)
