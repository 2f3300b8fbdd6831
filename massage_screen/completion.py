"""Shell completion of names: ids and aliases straight from the catalogue files.

Completion runs on every Tab press, so it reads only the small catalogue YAML files (no
validation, no seeds) and never raises: a broken rule base completes nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from massage_screen.names import normalise

_SHELL_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")

#: catalogue file and its top-level key, per kind of name
CATALOGUES = {
    "conditions": ("conditions.yaml", "conditions"),
    "types": ("massage-types.yaml", "massage_types"),
    "regions": ("regions.yaml", "regions"),
    "settings": ("settings.yaml", "settings"),
}


def _rules_dir(ctx: Any) -> Path:
    from massage_screen.loader import default_rules_dir

    given = None
    params = getattr(ctx, "params", None) or {}
    given = params.get("rules") or os.environ.get("MASSAGE_SCREEN_RULES")
    return Path(given) if given else default_rules_dir()


def _read(path: Path) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    if not path.is_file() or path.stat().st_size > 2_000_000:
        return None
    with path.open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=loader)


def candidates(rules_dir: Path, what: str) -> list[tuple[str, str]]:
    """(name, label) for every id and alias of a catalogue, spaces as hyphens (names are
    matched ignoring spaces and hyphens, so "lower-back" is "lower back" and needs no
    quoting); conditions also offer the ambiguous everyday terms."""
    filename, key = CATALOGUES[what]
    data = _read(rules_dir / filename)
    out: list[tuple[str, str]] = []
    entries = data.get(key) if isinstance(data, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        label = str(entry.get("label", ""))
        aliases = entry.get("aliases")
        names = [entry["id"], *(aliases if isinstance(aliases, list) else [])]
        out += [(str(name).strip().replace(" ", "-"), label) for name in names]
    if what == "conditions":
        ambiguous = _read(rules_dir / "ambiguous.yaml")
        terms = ambiguous.get("ambiguous") if isinstance(ambiguous, dict) else None
        for term in terms if isinstance(terms, list) else []:
            if isinstance(term, dict) and isinstance(term.get("term"), str):
                aliases = term.get("aliases")
                for name in [term["term"], *(aliases if isinstance(aliases, list) else [])]:
                    out.append((str(name).strip().replace(" ", "-"), "ambiguous: asks which"))
    return [(name, label) for name, label in out if _SHELL_SAFE.match(name)]


def matching(names: list[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    """Names that start with `incomplete`, ignoring case, spaces and hyphens; ids first.

    Each is returned as `incomplete` followed by the rest of the name ("High-bl" ->
    "High-blood-pressure"): shells keep only values that start with what was typed, and
    names are matched ignoring case, spaces and hyphens anyway.
    """
    wanted = normalise(incomplete)
    seen: set[str] = set()
    found: list[tuple[str, str]] = []
    for name, label in names:
        key = normalise(name)
        if key.startswith(wanted) and key not in seen:
            seen.add(key)
            found.append((incomplete + _rest(name, len(wanted)), label))
    return found


def _rest(name: str, letters: int) -> str:
    """`name` after its first `letters` letters (separators not counted)."""
    counted = 0
    for index, char in enumerate(name):
        if counted == letters:
            return name[index:]
        if char not in " -_":
            counted += 1
    return ""


def completer(what: str) -> Callable[[Any, str], list[tuple[str, str]]]:
    """A typer `autocompletion` callback for `what` ("conditions", "types", ...)."""

    def complete(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
        try:
            rules_dir = _rules_dir(ctx)
            if what == "conditions" and "@" in incomplete:
                name, _, site = incomplete.rpartition("@")
                return [
                    (f"{name}@{region}", label)
                    for region, label in matching(candidates(rules_dir, "regions"), site)
                ]
            return matching(candidates(rules_dir, what), incomplete)
        except Exception:  # completion must never print an error
            return []

    return complete


def complete_anything(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """For `explain NAME`: conditions, types, regions, settings and rule ids."""
    try:
        rules_dir = _rules_dir(ctx)
        names: list[tuple[str, str]] = []
        for what in CATALOGUES:
            names += candidates(rules_dir, what)
        names += _rule_ids(rules_dir)
        return matching(names, incomplete)
    except Exception:  # completion must never print an error
        return []


def _rule_ids(rules_dir: Path) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for path in sorted((rules_dir / "groups").glob("*.yaml")):
        data = _read(path)
        rules = data.get("rules") if isinstance(data, dict) else None
        for rule in rules if isinstance(rules, list) else []:
            if isinstance(rule, dict) and isinstance(rule.get("id"), str):
                out.append((rule["id"], f"rule ({rule.get('kind', '')})"))
    return [(name, label) for name, label in out if _SHELL_SAFE.match(name)]


def complete_seed(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """For `source SEED`: the seed file names, with their titles."""
    try:
        from massage_screen.source import seeds_dir_for

        params = getattr(ctx, "params", None) or {}
        given = params.get("rules") or os.environ.get("MASSAGE_SCREEN_RULES")
        folder = seeds_dir_for(Path(given) if given else None)
        found = []
        for path in sorted(folder.glob("*.txt")):
            with path.open(encoding="utf-8", errors="replace") as stream:
                title = stream.readline().strip()
            if path.name.startswith(incomplete) or path.name.split("_")[0].startswith(incomplete):
                found.append((path.name, title))
        return found
    except Exception:  # completion must never print an error
        return []


#: the shells typer writes completion scripts for
SHELLS = ("bash", "zsh", "fish")


class ShellError(ValueError):
    """The shell asked for (or found) has no completion script."""


def choose_shell(given: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The shell to complete for: the one given ("bash", "zsh", "fish"); for None the shell that
    started this process (the parent process, as typer finds it), else $SHELL's name.
    Raises ShellError when that shell is not one of SHELLS or none can be found."""
    env = os.environ if environ is None else environ
    shell = given.strip().lower() if given is not None else ""
    if given is None:
        try:
            import shellingham  # type: ignore[import-untyped]

            shell = str(shellingham.detect_shell()[0]).lower()
        except Exception:
            shell = Path(env.get("SHELL", "")).name.lower()
    if shell not in SHELLS:
        from massage_screen.sanitise import shown

        found = f'"{shown(shell)}"' if shell else "none found"
        raise ShellError(
            f"no completion for shell {found}; give one of {', '.join(SHELLS)}, "
            "as in `massage-screen --show-completion bash`"
        )
    return shell


def completion_script(shell: str, prog_name: str = "massage-screen") -> str:
    """The completion script for `shell` (one of SHELLS), as typer writes it."""
    from typer._completion_shared import get_completion_script

    complete_var = "_{}_COMPLETE".format(prog_name.replace("-", "_").upper())
    return get_completion_script(prog_name=prog_name, complete_var=complete_var, shell=shell)


def install_completion(shell: str, prog_name: str = "massage-screen") -> Path:
    """Install the completion script for `shell` in the user's shell configuration, as
    typer does; returns the file written."""
    from typer._completion_shared import install

    complete_var = "_{}_COMPLETE".format(prog_name.replace("-", "_").upper())
    _shell, path = install(shell=shell, prog_name=prog_name, complete_var=complete_var)
    return Path(path)
