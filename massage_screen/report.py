"""What every output format says, built once: the outline of a report, its headline, the record
and the JSON document. Renderers only format what is here; nothing here needs the rule base."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from massage_screen.model import (
    CellResult,
    Citation,
    Effect,
    Entry,
    Reason,
    Record,
    ReportedConflict,
    Rule,
    Screening,
    Verdict,
)

SCHEMA = "massage-screen/screening/2"
SCHEMA_FILE = "screening-2.schema.json"
TITLE = "Massage screening"

DISCLAIMER = (
    "Not medical advice. This screening restates what five articles on massage for "
    "osteochondrosis and back pain say; it cannot examine anyone. The articles ask you to "
    "consult a doctor before a course of massage, to find the cause of back pain first, and "
    "to see a doctor if pain grows worse after a session."
)

OVERALL_MEANING = {
    Verdict.ALLOWED: "every requested massage is allowed",
    Verdict.CAUTIONED: "some requested massage needs caution; none is excluded",
    Verdict.EXCLUDED: "some requested massage is excluded",
}

#: The verdicts a headline names cells for, most restrictive first.
RESTRICTIONS = (Verdict.EXCLUDED, Verdict.CAUTIONED)


# --- the record: when, by what, from which rule base ------------------------------------------


def screening_time(environ: Mapping[str, str] | None = None) -> str:
    """Now in UTC as ISO 8601 ("2026-11-22T04:05:06Z"), or SOURCE_DATE_EPOCH when it is set.

    Raises ValueError when SOURCE_DATE_EPOCH is set but is not a whole number of seconds.
    """
    epoch = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "")
    if epoch:
        refused = ValueError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}")
        if not epoch.isascii() or not epoch.isdigit() or len(epoch) > 12:
            raise refused
        try:
            moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (OverflowError, OSError, ValueError):  # beyond the year 9999 or the platform
            raise refused from None
    else:
        moment = datetime.now(tz=timezone.utc)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def stamp(
    screening: Screening,
    *,
    patient: str | None = None,
    screener: str | None = None,
    time: str | None = None,
) -> Screening:
    """The screening with its record stamped: the time (default `screening_time()`) and
    the optional patient and screener labels. Raises ValueError as `screening_time` does."""
    record = replace(
        screening.record,
        time=time or screening_time(),
        patient=patient or None,
        screener=screener or None,
    )
    return replace(screening, record=record)


# --- words people gave: shown, never obeyed --------------------------------------------------

#: C0 and C1 controls, line and paragraph separators, and the bidirectional overrides that
#: could make shown words read differently from what they are.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """User-given words made safe to show on one line: control characters (newlines, escape
    sequences) are written out as escapes such as \\n or \\x1b instead of acting."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        code = ord(char)
        named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
        return named.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")

    return _CONTROL.sub(escape, text)


# --- the headline: what is restricted, where, and for whom ------------------------------------


@dataclass(frozen=True)
class Restriction:
    """Cells given one verdict, for everyone (condition None) or because of one condition."""

    verdict: Verdict
    condition: Entry | None
    cells: tuple[CellResult, ...]
    where: str  # the cells for people: "Vacuum (cupping) on the neck"

    @property
    def text(self) -> str:
        who = (
            "for everyone, whatever their conditions"
            if self.condition is None
            else f"because of {self.condition.label}"
        )
        return f"{self.verdict.value.capitalize()} {who}: {self.where}"


@dataclass(frozen=True)
class SettingRestriction:
    """Cells that would be given a stricter verdict in one setting, when no setting was given:
    rules about a setting then stay notes, and the headline names what they would do."""

    verdict: Verdict
    setting: Entry
    cells: tuple[CellResult, ...]
    where: str

    @property
    def text(self) -> str:
        return (
            f"{self.verdict.value.capitalize()} if the setting is {self.setting.label.lower()}:"
            f" {self.where} (no setting was given)"
        )


@dataclass(frozen=True)
class Headline:
    """The overall verdict, the count of cells per verdict, and the restricted cells named."""

    overall: Verdict
    counts: tuple[tuple[Verdict, int], ...]
    restrictions: tuple[Restriction, ...]  # for everyone first, then by condition
    conditions_restrict: bool = True  # some condition cautions or excludes somewhere
    if_setting: tuple[SettingRestriction, ...] = ()  # only when no setting was given

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)

    @property
    def count_text(self) -> str:
        """ "52 massage type and region pairs screened: 50 allowed, 0 cautioned, 2 excluded." """
        pairs = "pair" if self.total == 1 else "pairs"
        counts = ", ".join(f"{count} {verdict.value}" for verdict, count in self.counts)
        return f"{self.total} massage type and region {pairs} screened: {counts}."

    @property
    def remark(self) -> str | None:
        """Said when every restriction holds for everyone: the person's conditions add none."""
        if self.restrictions and not self.conditions_restrict:
            return "Nothing is restricted because of this person's conditions."
        return None

    @property
    def lines(self) -> tuple[str, ...]:
        """The headline after the overall verdict, one sentence a line."""
        lines = [self.count_text, *(r.text for r in self.restrictions)]
        lines += [r.text for r in self.if_setting]
        return (*lines, self.remark) if self.remark else tuple(lines)


def headline(screening: Screening) -> Headline:
    """Count the cells by verdict and name the restricted ones, separating restrictions of a
    technique that hold for everyone (rules without conditions) from those caused by the
    person's conditions. A cell is named under each that gives it its verdict: for everyone,
    and again for a condition that would restrict it as much on its own."""
    counts = {verdict: 0 for verdict in Verdict}
    for_everyone: dict[Verdict, list[CellResult]] = {v: [] for v in RESTRICTIONS}
    by_condition: dict[Entry, dict[Verdict, list[CellResult]]] = {}
    for cell in screening.results:
        counts[cell.verdict] += 1
        if cell.verdict is Verdict.ALLOWED:
            continue
        imposing = [r for r in cell.reasons if r.effect.verdict is cell.verdict]
        if any(r.condition is None for r in imposing):
            for_everyone[cell.verdict].append(cell)
        for condition in dict.fromkeys(r.condition for r in imposing if r.condition):
            cells = by_condition.setdefault(condition, {v: [] for v in RESTRICTIONS})
            cells[cell.verdict].append(cell)
    restrictions = [
        Restriction(verdict, None, tuple(cells), name_cells(cells, screening))
        for verdict, cells in for_everyone.items()
        if cells
    ]
    order = {c.entry: i for i, c in enumerate(screening.conditions)}
    for condition in sorted(by_condition, key=lambda c: order.get(c, len(order))):
        restrictions += [
            Restriction(verdict, condition, tuple(cells), name_cells(cells, screening))
            for verdict, cells in by_condition[condition].items()
            if cells
        ]
    return Headline(
        screening.overall,
        tuple((verdict, counts[verdict]) for verdict in Verdict),
        tuple(restrictions),
        any(r.condition for cell in screening.results for r in cell.reasons),
        if_setting(screening),
    )


def if_setting(screening: Screening) -> tuple[SettingRestriction, ...]:
    """Without a setting, the cells that a rule about a setting would make stricter there
    (excluded or cautioned at home, say), by setting, most restrictive first. A cell already
    as strict as the rule would make it is not named again."""
    if screening.setting is not None:
        return ()
    stricter: dict[Entry, dict[Verdict, list[CellResult]]] = {}
    for cell in screening.results:
        would: dict[Entry, Verdict] = {}
        for reason in cell.notes:
            verdict = reason.effect.verdict
            if not reason.setting_dependent or verdict is None:
                continue
            for setting in reason.settings:
                if verdict.severity > would.get(setting, cell.verdict).severity:
                    would[setting] = verdict
        for setting, verdict in would.items():
            stricter.setdefault(setting, {v: [] for v in RESTRICTIONS})[verdict].append(cell)
    return tuple(
        SettingRestriction(verdict, setting, tuple(cells), name_cells(cells, screening))
        for setting, by_verdict in stricter.items()
        for verdict, cells in by_verdict.items()
        if cells
    )


# --- naming cells -----------------------------------------------------------------------------


def _join(words: Sequence[str], last: str = ", ") -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + last + words[-1]


def _rectangles(
    pairs: Iterable[tuple[Entry, Entry]], outer: tuple[Entry, ...], inner: tuple[Entry, ...]
) -> list[tuple[list[Entry], list[Entry]]]:
    """(outer, inner) pairs as rectangles: the outer entries that share the same inner ones,
    both in screening order."""
    inner_of: dict[Entry, set[Entry]] = {}
    for outer_entry, inner_entry in pairs:
        inner_of.setdefault(outer_entry, set()).add(inner_entry)
    groups: dict[tuple[Entry, ...], list[Entry]] = {}
    for outer_entry in outer:
        if outer_entry in inner_of:
            shared = tuple(e for e in inner if e in inner_of[outer_entry])
            groups.setdefault(shared, []).append(outer_entry)
    return [(outers, list(inners)) for inners, outers in groups.items()]


class _Words:
    """How one kind of report names massage types and regions."""

    def __init__(
        self, type_name: Callable[[Entry], str], region_name: Callable[[Entry], str], last: str
    ) -> None:
        self.type_name, self.region_name, self.last = type_name, region_name, last

    def entries(
        self,
        chosen: list[Entry],
        screened: tuple[Entry, ...],
        noun: str,
        name: Callable[[Entry], str],
    ) -> str:
        """ "every type", "every type except Vacuum (cupping)", or the names."""
        if len(screened) > 1 and len(chosen) == len(screened):
            return f"every {noun}"
        missing = [e for e in screened if e not in chosen]
        if len(screened) > 3 and len(missing) < len(chosen) and len(missing) <= 2:
            return f"every {noun} except " + _join([name(e) for e in missing], " and ")
        return _join([name(e) for e in chosen], self.last)

    def cells(self, pairs: list[tuple[Entry, Entry]], screening: Screening) -> str:
        """The shorter of grouping by type and grouping by region."""
        by_type = "; ".join(
            self.entries(types, screening.types, "type", self.type_name)
            + " on "
            + self.entries(regions, screening.regions, "region", self.region_name)
            for types, regions in _rectangles(pairs, screening.types, screening.regions)
        )
        by_region = "; ".join(
            self.entries(types, screening.types, "type", self.type_name)
            + " on "
            + self.entries(regions, screening.regions, "region", self.region_name)
            for regions, types in _rectangles(
                [(r, t) for t, r in pairs], screening.regions, screening.types
            )
        )
        return by_region if len(by_region) < len(by_type) else by_type


_WHERE = _Words(lambda t: t.label, lambda r: r.label, ", ")
_HEADLINE = _Words(lambda t: t.label, lambda r: f"the {r.short_label.lower()}", " and ")


def describe_cells(cells: Iterable[tuple[Entry, Entry]], screening: Screening) -> str:
    """Where a finding applies, as compactly as the cells allow:
    "every type on Neck (cervical spine)", "Vacuum (cupping) on every region"."""
    return _WHERE.cells(list(cells), screening)


def name_cells(cells: Iterable[CellResult], screening: Screening) -> str:
    """Cells for a headline: "Vacuum (cupping) on the neck; Self-massage on the lower back"."""
    return _HEADLINE.cells([(c.type, c.region) for c in cells], screening)


# --- the outline: every section of a report, in order ------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One rule that fired for one condition (or any patient), and every cell it fired in."""

    section: str  # "reasons", "support" or "notes"
    reason: Reason
    cells: tuple[tuple[Entry, Entry], ...]
    where: str

    @property
    def rule(self) -> Rule:
        return self.reason.rule

    @property
    def about(self) -> str:
        """The condition's label, or "Any patient" for a rule without conditions."""
        return self.reason.condition.label if self.reason.condition else "Any patient"

    @property
    def label(self) -> str:
        """ "Excluded", "Cautioned", "Supports", "Note" or "Note (excluded if the setting is
        at home)": what the finding does in this screening."""
        if self.section == "support":
            return "Supports"
        if self.section == "reasons":
            return self.reason.effect.value.capitalize()
        return note_heading(self.reason)

    @property
    def style(self) -> str:
        """A style key for renderers that colour: a verdict, "supports" or "note"."""
        return {"reasons": self.reason.effect.value, "support": "supports"}.get(
            self.section, "note"
        )


@dataclass(frozen=True)
class Section:
    """One section of the report: a heading and its findings, or (for "conflicts") the
    passages that disagree."""

    key: str  # "reasons", "conflicts", "support" or "notes"
    heading: str
    findings: tuple[Finding, ...] = ()
    conflicts: tuple[ReportedConflict, ...] = ()


@dataclass(frozen=True)
class Fact:
    """A line about the screening itself; `detail` is the longer form for saved reports."""

    label: str
    text: str
    detail: str
    saved_only: bool = False  # the record: for saved reports (Markdown, JSON), not the terminal


@dataclass(frozen=True)
class Outline:
    """The report, in order: title, headline, facts, the verdict grid, sections, disclaimer."""

    title: str
    headline: Headline
    facts: tuple[Fact, ...]
    types: tuple[Entry, ...]
    regions: tuple[Entry, ...]
    verdicts: dict[tuple[str, str], Verdict]  # (type id, region id) -> verdict
    sections: tuple[Section, ...]
    disclaimer: str
    screening: Screening


SECTIONS = (
    ("reasons", "Reasons"),
    ("conflicts", "Passages that disagree"),
    ("support", "Supporting indications"),
    ("notes", "Notes"),
)


def outline(screening: Screening) -> Outline:
    """The report of `screening`, built once for every renderer: sections without findings
    are left out; findings are grouped by rule and condition, most restrictive first."""
    sections: list[Section] = []
    for key, heading in SECTIONS:
        if key == "conflicts":
            if screening.conflicts:
                sections.append(Section(key, heading, conflicts=screening.conflicts))
            continue
        grouped = findings(screening, key)
        if grouped:
            sections.append(Section(key, heading, findings=grouped))
    return Outline(
        title=TITLE,
        headline=headline(screening),
        facts=facts(screening),
        types=screening.types,
        regions=screening.regions,
        verdicts={(c.type.id, c.region.id): c.verdict for c in screening.results},
        sections=tuple(sections),
        disclaimer=DISCLAIMER,
        screening=screening,
    )


def findings(screening: Screening, section: str) -> tuple[Finding, ...]:
    """Group the reasons (or `support`, or `notes`) of the cells by rule and condition,
    most restrictive first, in rule-base order otherwise."""
    grouped: dict[tuple[str, str | None], tuple[Reason, list[tuple[Entry, Entry]]]] = {}
    for cell in screening.results:
        for reason in getattr(cell, section):
            key = (reason.rule.id, reason.condition.id if reason.condition else None)
            grouped.setdefault(key, (reason, []))[1].append((cell.type, cell.region))
    ordered = sorted(
        grouped.values(),
        key=lambda item: -item[0].effect.verdict.severity if item[0].effect.verdict else 0,
    )
    return tuple(
        Finding(section, reason, tuple(cells), describe_cells(cells, screening))
        for reason, cells in ordered
    )


def note_heading(reason: Reason) -> str:
    """ "Note", or for a rule that waits on the setting what it would do there."""
    if not reason.setting_dependent:
        return "Note"
    places = " or ".join(s.label.lower() for s in reason.settings)
    if reason.effect is Effect.NOTE:
        return f"Note (applies {places})"
    return f"Note ({reason.effect.value} if the setting is {places})"


def facts(screening: Screening) -> tuple[Fact, ...]:
    """Conditions, setting, the optional patient and screener labels, and the record."""
    record = screening.record
    lines = [
        Fact(
            "Conditions",
            describe_conditions(screening, as_given=False),
            describe_conditions(screening, as_given=True),
        ),
        Fact("Setting", describe_setting(screening), describe_setting(screening)),
    ]
    if record.patient:
        lines.append(Fact("Patient", shown(record.patient), shown(record.patient)))
    if record.screener:
        lines.append(Fact("Screener", shown(record.screener), shown(record.screener)))
    made = f"{record.time or 'time not recorded'} by {record.tool} {record.version}".rstrip()
    digest = f", rule base {record.rule_base}" if record.rule_base else ""
    lines.append(Fact("Screened", made, made + digest, saved_only=True))
    return tuple(lines)


def describe_conditions(screening: Screening, *, as_given: bool) -> str:
    """The patient's conditions for people: labels, sites, and optionally the words typed
    (made safe to show by `shown`)."""
    if not screening.conditions:
        return "none reported"
    return "; ".join(
        c.entry.label
        + (" (not sure which; screened as the stricter)" if c.unsure_of and not as_given else "")
        + (f" on the {c.site.short_label.lower()}" if c.site and c.site_limits else "")
        + (
            f" (given on the {c.site.short_label.lower()}: it concerns the whole body, so it "
            "is not limited to that region)"
            if c.site and not c.site_limits
            else ""
        )
        + (f' (given as "{shown(c.given)}")' if as_given else "")
        for c in screening.conditions
    )


def describe_setting(screening: Screening) -> str:
    return (
        screening.setting.label
        if screening.setting
        else "not given (rules for a particular setting are listed as notes)"
    )


# --- the JSON document -------------------------------------------------------------------------


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the document (massage_screen/schemas/screening-2.schema.json)."""
    import json
    from importlib import resources

    text = resources.files("massage_screen").joinpath(f"schemas/{SCHEMA_FILE}").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def citation_document(citation: Citation) -> dict[str, Any]:
    return {"source": citation.source, "line": citation.line, "quote": citation.quote}


def _finding_document(reason: Reason) -> dict[str, Any]:
    rule = reason.rule
    return {
        "rule": rule.id,
        "condition": reason.condition.id if reason.condition else None,
        "kind": rule.kind.value,
        "effect": rule.effect.value,
        "advice": rule.advice,
        "until": rule.until,
        "settings": [s.id for s in reason.settings],
        "setting_dependent": reason.setting_dependent,
        "citations": [citation_document(c) for c in rule.citations],
    }


def _key(reason: Reason) -> tuple[str, str | None]:
    return reason.rule.id, reason.condition.id if reason.condition else None


def record_document(record: Record) -> dict[str, Any]:
    """The record as JSON (also kept in saved questionnaire answers)."""
    return {
        "tool": record.tool,
        "version": record.version,
        "rule_base": record.rule_base,
        "time": record.time,
        "patient": record.patient,
        "screener": record.screener,
    }


def _entry(entry: Entry) -> dict[str, str]:
    return {"id": entry.id, "label": entry.label}


def _cells_by_verdict(
    restrictions: Iterable[Restriction | SettingRestriction],
) -> dict[str, list[str]]:
    """The "type/region" keys of the restricted cells, per restricting verdict."""
    chosen = tuple(restrictions)
    return {
        verdict.value: [c.key for r in chosen if r.verdict is verdict for c in r.cells]
        for verdict in RESTRICTIONS
    }


def headline_document(line: Headline) -> dict[str, Any]:
    restrictions = line.restrictions
    return {
        "counts": {verdict.value: count for verdict, count in line.counts},
        "for_everyone": _cells_by_verdict(r for r in restrictions if r.condition is None),
        "for_conditions": [
            {
                "condition": condition.id,
                **_cells_by_verdict(r for r in restrictions if r.condition == condition),
            }
            for condition in dict.fromkeys(r.condition for r in restrictions if r.condition)
        ],
        "if_setting": [
            {
                "setting": setting.id,
                **_cells_by_verdict(r for r in line.if_setting if r.setting == setting),
            }
            for setting in dict.fromkeys(r.setting for r in line.if_setting)
        ],
        "text": [f"Overall: {line.overall.value.upper()}", *line.lines],
    }


def screening_document(screening: Screening) -> dict[str, Any]:
    """The screening as the JSON document `massage-screen/screening/2` (see README and
    massage_screen/schemas/screening-2.schema.json): each finding (a rule that fired, for
    one condition or for any patient) stated once in "findings", in the order of the
    report, and every cell referring to its findings by their index in that list."""
    return outline_document(outline(screening))


def outline_document(report: Outline) -> dict[str, Any]:
    """The JSON document of an outline already built (see `screening_document`)."""
    screening = report.screening
    record = screening.record
    found = [finding for section in report.sections for finding in section.findings]
    index = {_key(finding.reason): i for i, finding in enumerate(found)}
    return {
        "schema": SCHEMA,
        "record": record_document(record),
        "overall": screening.overall.value,
        "headline": headline_document(report.headline),
        "conditions": [
            {
                "id": c.entry.id,
                "label": c.entry.label,
                "given": c.given,
                "site": c.site.id if c.site else None,
                "site_limits": c.site_limits,
            }
            for c in screening.conditions
        ],
        "setting": screening.setting.id if screening.setting else None,
        "types": [_entry(t) for t in screening.types],
        "regions": [_entry(r) for r in screening.regions],
        "findings": [_finding_document(finding.reason) for finding in found],
        "cells": [
            {
                "type": cell.type.id,
                "region": cell.region.id,
                "verdict": cell.verdict.value,
                "reasons": [index[_key(r)] for r in cell.reasons],
                "support": [index[_key(r)] for r in cell.support],
                "notes": [index[_key(r)] for r in cell.notes],
            }
            for cell in screening.results
        ],
        "conflicts": [
            {
                "id": conflict.id,
                "condition": conflict.condition.id if conflict.condition else None,
                "summary": conflict.summary,
                "rules": [rule.id for rule in conflict.rules],
            }
            for conflict in screening.conflicts
        ],
        "disclaimer": DISCLAIMER,
    }
