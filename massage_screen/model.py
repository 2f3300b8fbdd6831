"""The rule base and screening model: frozen dataclasses and str Enums, no I/O."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


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
    region_words: tuple[str, ...] = ()  # the region words its scope named (ids)


@dataclass(frozen=True)
class RegionWord:
    """What one article means by its own word for a part of the back, with the passages."""

    id: str
    word: str
    source: str  # the seed file name, as in a citation's source without "seeds/"
    regions: tuple[str, ...]
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Choice:
    """One meaning of an ambiguous everyday term: a condition and the words that tell it."""

    condition: str
    means: str


@dataclass(frozen=True)
class Ambiguity:
    """An everyday term that may mean several conditions with different verdicts."""

    term: str
    aliases: tuple[str, ...]
    question: str
    choices: tuple[Choice, ...]


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
    """An example screening beside its rules: the verdicts it must give, the rules that must
    fire somewhere (`fires`) and those that must fire nowhere (`silent`)."""

    name: str
    file: str
    conditions: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    setting: str | None = None
    expect: tuple[tuple[str, Verdict], ...] = ()
    conflicts: tuple[str, ...] = ()
    todo: str | None = None
    fires: tuple[str, ...] = ()
    silent: tuple[str, ...] = ()
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class QuestionItem:
    """One checklist item of a gate: it reports a condition, or asks about an ambiguous term."""

    text: str
    condition: str | None = None
    term: str | None = None


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
    ambiguities: tuple[Ambiguity, ...] = ()
    region_words: tuple[RegionWord, ...] = ()
    digest: str = ""  # content hash of the rule and seed files ("sha256:..."), if known

    def condition(self, condition_id: str) -> Entry:
        return _index(self, "conditions")[condition_id]  # type: ignore[return-value]

    def massage_type(self, type_id: str) -> Entry:
        return _index(self, "massage_types")[type_id]  # type: ignore[return-value]

    def region(self, region_id: str) -> Entry:
        return _index(self, "regions")[region_id]  # type: ignore[return-value]

    def setting(self, setting_id: str) -> Entry:
        return _index(self, "settings")[setting_id]  # type: ignore[return-value]

    def rule(self, rule_id: str) -> Rule:
        return _index(self, "rules")[rule_id]  # type: ignore[return-value]

    def rules_for(self, condition_ids: tuple[str, ...] | list[str]) -> tuple[Rule, ...]:
        """The rules that can fire for a patient with these conditions, in rule-base order:
        every rule without conditions, and every rule naming one of them. Indexed once, so a
        screening costs what its rules cost, not the size of the rule base."""
        cache: dict[str, object] = self.__dict__.setdefault("_indexes", {})
        index = cache.get("rules_by_condition")
        if index is None:
            by_condition: dict[str | None, list[int]] = {None: []}
            for position, rule in enumerate(self.rules):
                for condition in rule.conditions or (None,):
                    by_condition.setdefault(condition, []).append(position)
            cache["rules_by_condition"] = index = by_condition
        assert isinstance(index, dict)
        positions = set(index[None])
        for condition in condition_ids:
            positions.update(index.get(condition, ()))
        return tuple(self.rules[i] for i in sorted(positions))

    def ambiguity(self, term: str) -> Ambiguity:
        """The ambiguity whose term is exactly `term`; KeyError otherwise."""
        for ambiguity in self.ambiguities:
            if ambiguity.term == term:
                return ambiguity
        raise KeyError(term)


def _index(rule_base: RuleBase, attribute: str) -> dict[str, object]:
    """An id index of one of the rule base's tuples, built once (lookups stay O(1))."""
    cache: dict[str, dict[str, object]] = rule_base.__dict__.setdefault("_indexes", {})
    index = cache.get(attribute)
    if index is None:
        index = {item.id: item for item in getattr(rule_base, attribute)}
        cache[attribute] = index
    return index


# --- a screening: what the evaluator is asked, and what it answers ---------------------------


@dataclass(frozen=True)
class GivenCondition:
    """A condition as the user gave it: resolved id, the words typed, an optional site."""

    id: str
    given: str
    site: str | None = None
    whole_body: bool = False  # the condition is not local: its site is recorded, not a limit
    unsure_of: str | None = None  # the ambiguous term answered "not sure" (screened stricter)

    @property
    def site_limits(self) -> bool:
        """Whether the verdict is limited to the site (only for a local condition)."""
        return self.site is not None and not self.whole_body


@dataclass(frozen=True)
class Patient:
    """The question: conditions, and the types/regions/setting in scope (empty = all)."""

    conditions: tuple[GivenCondition, ...] = ()
    types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    setting: str | None = None


@dataclass(frozen=True)
class ScreenedCondition:
    """One of the patient's conditions with its catalogue entries: what, where, as typed."""

    entry: Entry
    given: str
    site: Entry | None = None
    site_limits: bool = False  # a local condition's site limits its rules to that region
    unsure_of: str | None = None  # the ambiguous term answered "not sure" (screened stricter)

    @property
    def id(self) -> str:
        return self.entry.id


@dataclass(frozen=True)
class Reason:
    """A rule that fired in a cell, for one of the patient's conditions (None: any patient)."""

    rule: Rule
    condition: Entry | None = None
    settings: tuple[Entry, ...] = ()  # the settings the rule is limited to, if any
    setting_dependent: bool = False  # no setting was given, so it is only a note

    @property
    def kind(self) -> Kind:
        return self.rule.kind

    @property
    def effect(self) -> Effect:
        return self.rule.effect

    @property
    def advice(self) -> str:
        return self.rule.advice

    @property
    def until(self) -> str | None:
        return self.rule.until

    @property
    def citations(self) -> tuple[Citation, ...]:
        return self.rule.citations


@dataclass(frozen=True)
class CellResult:
    """The verdict for one massage type on one region, and why."""

    type: Entry
    region: Entry
    verdict: Verdict
    reasons: tuple[Reason, ...] = ()
    support: tuple[Reason, ...] = ()
    notes: tuple[Reason, ...] = ()

    @property
    def key(self) -> str:
        """ "type/region", as example cases and the JSON headline name a cell."""
        return f"{self.type.id}/{self.region.id}"


@dataclass(frozen=True)
class ReportedConflict:
    """A declared conflict whose rules all fired, with those rules."""

    id: str
    condition: Entry | None
    rules: tuple[Rule, ...]
    summary: str


@dataclass(frozen=True)
class Record:
    """What produced a screening: tool, version, rule base, when, and optional labels."""

    tool: str = "massage-screen"
    version: str = ""
    rule_base: str = ""  # the content digest of the rules and seeds ("sha256:...")
    time: str | None = None  # UTC, ISO 8601; None until the screening is stamped
    patient: str | None = None
    screener: str | None = None


@dataclass(frozen=True)
class Screening:
    """A screening that describes itself: the entries, rules and conflicts it found."""

    patient: Patient
    conditions: tuple[ScreenedCondition, ...]
    setting: Entry | None
    types: tuple[Entry, ...]  # the screened massage types, in catalogue or requested order
    regions: tuple[Entry, ...]
    results: tuple[CellResult, ...]
    conflicts: tuple[ReportedConflict, ...] = field(default=())
    record: Record = field(default=Record())

    @property
    def overall(self) -> Verdict:
        return max(
            (r.verdict for r in self.results), key=lambda v: v.severity, default=Verdict.ALLOWED
        )

    def to_document(self) -> dict[str, Any]:
        """The screening as the JSON document `massage-screen/screening/2` (see README)."""
        from massage_screen.report import screening_document

        return screening_document(self)
