"""The rule base and screening model: frozen dataclasses and str Enums, no I/O."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Verdict(str, enum.Enum):
    """How far a massage type on a region may go ahead; ordered by severity."""

    ALLOWED = "allowed"
    CAUTIONED = "cautioned"
    EXCLUDED = "excluded"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Verdict.ALLOWED: 0, Verdict.CAUTIONED: 1, Verdict.EXCLUDED: 2}


class Kind(str, enum.Enum):
    """What the source text calls the statement a rule encodes."""

    ABSOLUTE = "absolute"
    RELATIVE = "relative"
    TEMPORARY = "temporary"
    CAUTION = "caution"
    INDICATION = "indication"
    NOTE = "note"


class Effect(str, enum.Enum):
    """What a firing rule does to a verdict."""

    EXCLUDED = "excluded"
    CAUTIONED = "cautioned"
    SUPPORTS = "supports"
    NOTE = "note"

    @property
    def verdict(self) -> Verdict | None:
        """The verdict this effect imposes, or None for evidence and notes."""
        if self is Effect.EXCLUDED:
            return Verdict.EXCLUDED
        if self is Effect.CAUTIONED:
            return Verdict.CAUTIONED
        return None


#: Which effects each kind may have; anything else is a rule-base error.
ALLOWED_EFFECTS: dict[Kind, frozenset[Effect]] = {
    Kind.ABSOLUTE: frozenset({Effect.EXCLUDED}),
    Kind.TEMPORARY: frozenset({Effect.EXCLUDED}),
    Kind.RELATIVE: frozenset({Effect.EXCLUDED, Effect.CAUTIONED}),
    Kind.CAUTION: frozenset({Effect.CAUTIONED}),
    Kind.INDICATION: frozenset({Effect.SUPPORTS}),
    Kind.NOTE: frozenset({Effect.NOTE}),
}


@dataclass(frozen=True)
class Entry:
    """One catalogue entry: a condition, massage type, region or setting."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()
    local: bool = False

    @property
    def short_label(self) -> str:
        """The label without its parenthesis: "Lower back (lumbar spine)" -> "Lower back"."""
        return self.label.split(" (", 1)[0]


@dataclass(frozen=True)
class Citation:
    """A verbatim passage of a seed article; `line` is computed from the seed."""

    source: str  # "seeds/<file>"
    line: int
    quote: str
    last_line: int = 0  # where the quote ends, when it spans lines

    @property
    def lines(self) -> range:
        return range(self.line, max(self.line, self.last_line) + 1)


@dataclass(frozen=True)
class Scope:
    """Where a rule applies; an empty tuple means everywhere."""

    regions: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    conditions: tuple[str, ...]
    kind: Kind
    effect: Effect
    scope: Scope
    advice: str
    citations: tuple[Citation, ...]
    until: str | None = None


@dataclass(frozen=True)
class Conflict:
    """Two or more passages that disagree; reported when all its rules fire."""

    id: str
    condition: str | None
    rules: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class LeftOut:
    citation: Citation
    reason: str


@dataclass(frozen=True)
class Case:
    """An example screening beside its rules, with the verdicts it must give."""

    name: str
    file: str
    conditions: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    setting: str | None = None
    expect: tuple[tuple[str, Verdict], ...] = ()
    conflicts: tuple[str, ...] = ()
    todo: str | None = None


@dataclass(frozen=True)
class QuestionItem:
    text: str
    condition: str


@dataclass(frozen=True)
class Gate:
    id: str
    question: str
    items: tuple[QuestionItem, ...]


@dataclass(frozen=True)
class RuleBase:
    conditions: tuple[Entry, ...]
    massage_types: tuple[Entry, ...]
    regions: tuple[Entry, ...]
    settings: tuple[Entry, ...]
    rules: tuple[Rule, ...]
    conflicts: tuple[Conflict, ...] = ()
    left_out: tuple[LeftOut, ...] = ()
    cases: tuple[Case, ...] = ()
    gates: tuple[Gate, ...] = ()

    def condition(self, condition_id: str) -> Entry:
        return _by_id(self.conditions, condition_id)

    def massage_type(self, type_id: str) -> Entry:
        return _by_id(self.massage_types, type_id)

    def region(self, region_id: str) -> Entry:
        return _by_id(self.regions, region_id)

    def setting(self, setting_id: str) -> Entry:
        return _by_id(self.settings, setting_id)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def _by_id(entries: tuple[Entry, ...], entry_id: str) -> Entry:
    for entry in entries:
        if entry.id == entry_id:
            return entry
    raise KeyError(entry_id)


# --- a screening: what the evaluator is asked, and what it answers ---------------------------


@dataclass(frozen=True)
class GivenCondition:
    """A condition as the user gave it: resolved id, the words typed, an optional site."""

    id: str
    given: str
    site: str | None = None


@dataclass(frozen=True)
class Patient:
    """The question: conditions, and the types/regions/setting in scope (empty = all)."""

    conditions: tuple[GivenCondition, ...] = ()
    types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    setting: str | None = None


@dataclass(frozen=True)
class Reason:
    """A rule that fired in a cell, for one of the patient's conditions (or none)."""

    rule: str
    condition: str | None
    kind: Kind
    effect: Effect
    advice: str
    citations: tuple[Citation, ...]
    until: str | None = None
    settings: tuple[str, ...] = ()  # the settings the rule is limited to, if any
    setting_dependent: bool = False  # no setting was given, so it is only a note


@dataclass(frozen=True)
class CellResult:
    """The verdict for one massage type on one region, and why."""

    type: str
    region: str
    verdict: Verdict
    reasons: tuple[Reason, ...] = ()
    support: tuple[Reason, ...] = ()
    notes: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class ReportedConflict:
    id: str
    condition: str | None
    rules: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Screening:
    patient: Patient
    results: tuple[CellResult, ...]
    conflicts: tuple[ReportedConflict, ...] = field(default=())

    @property
    def overall(self) -> Verdict:
        return max(
            (r.verdict for r in self.results), key=lambda v: v.severity, default=Verdict.ALLOWED
        )
