"""Why each cell got its verdict: the rules considered there, which fired, and why each of the
others did not (another type, region or setting; a site elsewhere), so that "allowed" can be
audited as well as "excluded"."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from massage_screen.model import Effect, Entry, Rule, RuleBase, Screening, Verdict


class Status(str, enum.Enum):
    """What became of a rule in one cell."""

    FIRED = "fired"
    NOTE_ONLY = "note-only"  # limited to a setting, and no setting was given
    OTHER_TYPE = "other-type"
    OTHER_REGION = "other-region"
    OTHER_SETTING = "other-setting"
    SITE_ELSEWHERE = "site-elsewhere"

    @property
    def fired(self) -> bool:
        return self in (Status.FIRED, Status.NOTE_ONLY)


@dataclass(frozen=True)
class Considered:
    """One rule in one cell: what became of it, and why (words that hold for any cell)."""

    rule: Rule
    status: Status
    because: tuple[str, ...] = ()  # why it did not fire (every reason), or why only a note
    conditions: tuple[Entry, ...] = ()  # the patient's conditions the rule is about


@dataclass(frozen=True)
class CellWhy:
    type: Entry
    region: Entry
    verdict: Verdict
    considered: tuple[Considered, ...]


@dataclass(frozen=True)
class Why:
    """Per cell, every rule about the patient's conditions and every rule for any patient;
    `not_given` holds the rules about conditions the patient does not have (in no cell)."""

    cells: tuple[CellWhy, ...]
    not_given: tuple[Rule, ...]


def why(rule_base: RuleBase, screening: Screening) -> Why:
    """Audit `screening` against every rule of `rule_base` (pure; mirrors the evaluator)."""
    given = {c.id for c in screening.conditions}
    relevant = [r for r in rule_base.rules if not r.conditions or given & set(r.conditions)]
    cells = tuple(
        CellWhy(
            cell.type,
            cell.region,
            cell.verdict,
            tuple(
                _consider(rule_base, rule, screening, cell.type, cell.region) for rule in relevant
            ),
        )
        for cell in screening.results
    )
    not_given = tuple(r for r in rule_base.rules if r.conditions and not given & set(r.conditions))
    return Why(cells, not_given)


def _consider(
    rule_base: RuleBase, rule: Rule, screening: Screening, type_: Entry, region: Entry
) -> Considered:
    scope = rule.scope
    about = [c for c in screening.conditions if c.id in rule.conditions]
    conditions = tuple(dict.fromkeys(c.entry for c in about))
    setting = screening.setting
    because: list[str] = []
    status: Status | None = None
    if scope.types and type_.id not in scope.types:
        status = Status.OTHER_TYPE
        labels = " or ".join(rule_base.massage_type(t).label for t in scope.types)
        because.append(f"only for {labels}")
    if scope.regions and region.id not in scope.regions:
        status = status or Status.OTHER_REGION
        labels = " or ".join(rule_base.region(r).label for r in scope.regions)
        because.append(f"only on {labels}")
    places = " or ".join(rule_base.setting(s).label.lower() for s in scope.settings)
    if scope.settings and setting is not None and setting.id not in scope.settings:
        status = status or Status.OTHER_SETTING
        because.append(f"only for {places}")
    if rule.conditions and not any(
        not c.site_limits or (c.site is not None and c.site.id == region.id) for c in about
    ):
        status = status or Status.SITE_ELSEWHERE
        sites = sorted({c.site.short_label.lower() for c in about if c.site and c.site_limits})
        because.append(f"the condition was given on the {' and '.join(sites)} only")
    if status is None and scope.settings and setting is None:
        status = Status.NOTE_ONLY
        would = "applies" if rule.effect is Effect.NOTE else rule.effect.value
        because.append(f"{would} {places} only; no setting given")
    return Considered(rule, status or Status.FIRED, tuple(because), conditions)


# --- grouping cells that read the same --------------------------------------------------------


def _signature(cell: CellWhy) -> tuple[object, ...]:
    return (
        cell.verdict,
        tuple((c.rule.id, c.status, c.because, c.conditions) for c in cell.considered),
    )


def groups(audit: Why) -> list[tuple[list[CellWhy], CellWhy]]:
    """Cells whose audit reads the same, together (first cell as the representative)."""
    grouped: dict[tuple[object, ...], list[CellWhy]] = {}
    for cell in audit.cells:
        grouped.setdefault(_signature(cell), []).append(cell)
    return [(cells, cells[0]) for cells in grouped.values()]


def describe(cells: list[CellWhy]) -> str:
    """ "Classical (Swedish), Vacuum (cupping) on Neck, Lower back" or a list of cells."""
    types = list(dict.fromkeys(c.type for c in cells))
    regions = list(dict.fromkeys(c.region for c in cells))
    if len(cells) == len(types) * len(regions):
        return (
            ", ".join(t.label for t in types) + " on " + ", ".join(r.short_label for r in regions)
        )
    return "; ".join(f"{c.type.label} on {c.region.short_label}" for c in cells)


def _line(considered: Considered) -> tuple[str, str]:
    """(status word, the rest) for one rule in a cell."""
    rule = considered.rule
    about = "; ".join(c.label for c in considered.conditions) or "any patient"
    if considered.status is Status.FIRED:
        return rule.effect.value, f"{rule.id} ({rule.kind.value}; {about})"
    if considered.status is Status.NOTE_ONLY:
        return "note", f"{rule.id} ({rule.kind.value}; {about}) — " + "; ".join(considered.because)
    return "silent", f"{rule.id} ({rule.kind.value}, {rule.effect.value}; {about}) — " + "; ".join(
        considered.because
    )


_ORDER = {Effect.EXCLUDED: 0, Effect.CAUTIONED: 1, Effect.SUPPORTS: 2, Effect.NOTE: 3}


def _sorted(considered: tuple[Considered, ...]) -> list[Considered]:
    """Fired rules first (most restrictive first), then the silent ones."""

    def shown_effect(c: Considered) -> Effect:
        return Effect.NOTE if c.status is Status.NOTE_ONLY else c.rule.effect

    return sorted(
        considered, key=lambda c: (not c.status.fired, _ORDER[shown_effect(c)], c.rule.id)
    )


def text_lines(audit: Why) -> list[tuple[str, str]]:
    """The audit as (style key, line) pairs, shared by the terminal and Markdown output."""
    out: list[tuple[str, str]] = []
    for cells, first in groups(audit):
        out.append(("heading", f"{describe(cells)}: {first.verdict.value}"))
        shown = _sorted(first.considered)
        if not shown:
            out.append(("", "no rule applies here"))
        for considered in shown:
            word, rest = _line(considered)
            out.append((word, f"{word:<9} {rest}"))
        out.append(("", ""))
    count = len(audit.not_given)
    if count:
        out.append(
            (
                "",
                f"Not considered anywhere: {count} rule{'s' if count != 1 else ''} about "
                "conditions that were not given (`massage-screen list rules` shows them all).",
            )
        )
    return out


# --- output formats --------------------------------------------------------------------------


def document(audit: Why) -> dict[str, Any]:
    """The audit for JSON: per cell, every rule considered, its status and why."""
    return {
        "cells": [
            {
                "type": cell.type.id,
                "region": cell.region.id,
                "verdict": cell.verdict.value,
                "rules": [
                    {
                        "rule": c.rule.id,
                        "status": c.status.value,
                        "fired": c.status.fired,
                        "effect": c.rule.effect.value,
                        "conditions": [entry.id for entry in c.conditions],
                        "because": list(c.because),
                    }
                    for c in _sorted(cell.considered)
                ],
            }
            for cell in audit.cells
        ],
        "not_given": [r.id for r in audit.not_given],
    }


HEADING = "Why each cell has its verdict"
LEGEND = (
    "Every rule about the given conditions and every rule for any patient, per cell: "
    "fired ones by effect; silent ones did not fire there, and why."
)


def render_markdown(audit: Why) -> str:
    lines = [f"## {HEADING}", "", LEGEND, ""]
    for style, text in text_lines(audit):
        if style == "heading":
            lines += [f"### {text}", ""]
        elif text and style:
            word, _, rest = text.partition(" ")
            lines.append(f"- **{word}** {rest.strip()}")
        else:
            lines.append(text)
    return "\n".join(lines).rstrip("\n") + "\n\n"


_STYLES = {
    "heading": "bold",
    "excluded": "bold red",
    "cautioned": "yellow",
    "supports": "cyan",
    "note": "dim",
    "silent": "green",
}


def render_table(audit: Why, *, color: bool = False, width: int = 100, disclaimer: str = "") -> str:
    """The audit for a terminal, then `disclaimer` (the report's last words)."""
    from rich.table import Table
    from rich.text import Text

    from massage_screen.render.table import recording_console

    console = recording_console(width=width, color=color)
    console.print(Text(HEADING, style="bold underline"))
    console.print(Text(LEGEND))
    grid: Table | None = None
    for style, text in text_lines(audit):
        if style == "heading":
            console.print()
            console.print(Text(text, style="bold"))
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True)
            grid.add_column()
        elif style and grid is not None:
            word, _, rest = text.partition(" ")
            grid.add_row(Text("  " + word, style=_STYLES.get(style, "")), Text(rest.strip()))
        else:
            if grid is not None and grid.row_count:
                console.print(grid)
                grid = None
            if text:
                console.print()
                console.print(Text(text))
    if grid is not None and grid.row_count:
        console.print(grid)
    if disclaimer:
        console.print()
        console.print(Text(disclaimer, style="bold"))
    exported = console.export_text(styles=color)
    return "\n".join(line.rstrip() for line in exported.splitlines()) + "\n"
