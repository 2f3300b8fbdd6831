"""The console script `massage-screen` (and `python -m massage_screen`).

A plain `check` command line (see `fastpath`) runs from `run` without importing typer at
all; anything else goes to the typer application in `cli`. Both end here, with the same
handling of every way a command can end, so both give the same output and exit codes.
"""

from __future__ import annotations

import sys

from massage_screen.files import Terminated
from massage_screen.run import (
    CommandExit,
    ExitCode,
    StdoutClosedError,
    _end_on_broken_pipe,
    _file_identity,
    _prepare_streams,
    _say_error,
)
from massage_screen.sanitise import one_line


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
        from massage_screen.fastpath import parse_check

        arguments = parse_check(sys.argv[1:])
        if arguments is not None:  # a plain `check`: no typer at all
            from massage_screen.run import check

            check(**arguments)
        from massage_screen.cli import app

        app()
        code = 0
    except CommandExit as done:
        code = done.code
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
