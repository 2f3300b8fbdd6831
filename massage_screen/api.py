"""The Python API: screen in-process with the same plain names as the command line.

    from massage_screen import screen
    screening = screen(conditions=["high blood pressure"], types=["classical"], regions=["neck"])
    screening.overall          # Verdict.EXCLUDED
    screening.to_document()    # the JSON document `check --format json` prints

The rule base is loaded (and validated, example cases included) once per process per
`rules` directory, through the same content-keyed cache as the command line.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from massage_screen.compiled import load_validated
from massage_screen.model import RuleBase, Screening
from massage_screen.names import InputError, Names

_loaded: dict[Path | None, tuple[RuleBase, Names]] = {}


def rule_base_for(rules: str | os.PathLike[str] | None = None) -> tuple[RuleBase, Names]:
    """The validated rule base in `rules` (default: the bundled one) and its name index,
    loaded once per process. Raises RuleBaseError when it is invalid."""
    key = Path(rules).absolute() if rules is not None else None
    found = _loaded.get(key)
    if found is None:
        rule_base = load_validated(key)
        found = _loaded[key] = (rule_base, Names.of(rule_base))
    return found


def _names(what: str, given: Iterable[str] | None) -> list[str]:
    if given is None:
        return []
    if isinstance(given, str | bytes):
        raise TypeError(f"{what} must be a list of names, not a single string")
    names = list(given)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"{what} must be a list of strings, found {type(name).__name__}")
    return names


def screen(
    *,
    conditions: Iterable[str] | None = (),
    types: Iterable[str] | None = (),
    regions: Iterable[str] | None = (),
    setting: str | None = None,
    rules: str | os.PathLike[str] | None = None,
    patient: str | None = None,
    screener: str | None = None,
) -> Screening:
    """Screen a patient given by the names the command line takes.

    `conditions` are ids, names or plain words, optionally with a site ("skin wound@lumbar");
    `types` and `regions` default to all of them; None for any of the three means its
    default (no conditions; all types; all regions); `setting` ("home", "clinic") to not given;
    `rules` to the bundled rule base; `patient` and `screener` are labels for the record, as
    `--patient` and `--screener`. Returns the Screening, its record stamped with the time
    (SOURCE_DATE_EPOCH when set) like `check`'s (`.overall`, `.results`, `.to_document()`).
    Raises UnknownNameError or AmbiguousNameError (both InputErrors) for a name it does not
    know or that has several meanings, InputError for any other bad input (a bad
    SOURCE_DATE_EPOCH included), RuleBaseError when the rule base is invalid, and TypeError
    when an argument is not a list of strings.
    """
    from massage_screen.evaluate import screen as evaluate
    from massage_screen.report import stamp
    from massage_screen.sanitise import clean_name

    given = (
        _names("conditions", conditions),
        _names("types", types),
        _names("regions", regions),
    )
    if setting is not None and not isinstance(setting, str):
        raise TypeError(f"setting must be a string or None, not {type(setting).__name__}")
    if setting is not None and not setting.strip():
        raise InputError("the setting is empty; leave it out (None) when it is not known")
    rule_base, names = rule_base_for(rules)
    conditions_, types_, regions_ = ([clean_name(name) for name in names_] for names_ in given)
    patient_ = names.patient(
        rule_base,
        conditions_,
        types_,
        regions_,
        clean_name(setting) if setting is not None else None,
    )
    screening = evaluate(rule_base, patient_)
    try:
        return stamp(screening, patient=patient, screener=screener)
    except ValueError as error:  # SOURCE_DATE_EPOCH
        raise InputError(str(error)) from None
