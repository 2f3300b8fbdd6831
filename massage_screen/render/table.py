"""Terminal output: the headline, a rich grid of massage types by regions (one block per type
when the terminal is too narrow for a grid), then the findings with their quotes.

Verdicts are words, so colour only repeats what the text already says (NO_COLOR and
screen readers lose nothing).
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from massage_screen.model import Screening
from massage_screen.report import Finding, Outline, Section, outline

STYLES = {
    "allowed": "green",
    "cautioned": "yellow",
    "excluded": "bold red",
    "supports": "cyan",
    "note": "dim",
}

#: The widest verdict word: a region column is never narrower.
_VERDICT_WIDTH = max(len(v) for v in ("allowed", "cautioned", "excluded"))


def recording_console(*, width: int, color: bool) -> Console:
    """A console that records what is printed, for export as plain or ANSI-coloured text;
    every table-like output (screenings, explanations, listings, audits) is printed on one.

    The height is fixed: nothing printed here depends on it, and without it rich asks the
    terminal for its size at every print."""
    return Console(
        record=True,
        width=width,
        height=25,
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
        file=io.StringIO(),
    )


def render(report: Outline, *, color: bool = False, width: int = 100) -> str:
    console = recording_console(width=width, color=color)
    print_outline(console, report)
    return console.export_text(styles=color)


def print_screening(console: Console, screening: Screening) -> None:
    """Print the screening to `console` (the questionnaire uses this directly)."""
    print_outline(console, outline(screening))


def print_outline(console: Console, report: Outline) -> None:
    """Print a report's outline to `console`, fitted to its width."""
    line = report.headline
    overall = line.overall.value
    heading = Text("Overall: ")
    heading.append(overall.upper(), style=STYLES[overall])
    console.print(heading)
    console.print(Text(line.count_text))
    for restriction in line.restrictions:
        console.print(Text(restriction.text, style=STYLES[restriction.verdict.value]))
    for if_setting in line.if_setting:
        console.print(Text(if_setting.text, style=STYLES[if_setting.verdict.value]))
    if line.remark:
        console.print(Text(line.remark))
    for fact in report.facts:
        if not fact.saved_only:
            console.print(Text(f"{fact.label}: {fact.text}"))
    console.print()
    if grid_fits(report, console.width):
        _print_grid(console, report)
    else:
        _print_stacked(console, report)

    for section in report.sections:
        console.print(Text(section.heading, style="bold underline"))
        if section.key == "conflicts":
            _print_conflicts(console, section)
        for finding in section.findings:
            _print_finding(console, finding, quotes=section.key == "reasons")
    console.print(Text(report.disclaimer, style="bold"))


def grid_fits(report: Outline, width: int) -> bool:
    """Whether the types-by-regions grid fits `width` columns with every type label wrapped
    at most to its longest word and every region heading and verdict whole."""
    words = [word for t in report.types for word in t.label.split()] or [""]
    type_column = max(len(w) for w in [*words, "Massage"])
    region_columns = [max(len(r.short_label), _VERDICT_WIDTH) for r in report.regions]
    # each column has one space of padding either side and one border on its left; plus
    # the border on the right
    needed = 1 + sum(column + 3 for column in (type_column, *region_columns))
    return needed <= width


def _print_grid(console: Console, report: Outline) -> None:
    grid = Table(title=None, show_lines=False, header_style="bold")
    grid.add_column("Massage type")
    for region in report.regions:
        grid.add_column(region.short_label, no_wrap=True, min_width=_VERDICT_WIDTH)
    for type_entry in report.types:
        verdicts = [report.verdicts[(type_entry.id, r.id)].value for r in report.regions]
        grid.add_row(Text(type_entry.label), *(Text(v, style=STYLES[v]) for v in verdicts))
    console.print(grid)


def _print_stacked(console: Console, report: Outline) -> None:
    """One block per massage type, one line per region: for terminals too narrow for a grid."""
    for type_entry in report.types:
        console.print(Text(type_entry.label, style="bold"))
        for region in report.regions:
            verdict = report.verdicts[(type_entry.id, region.id)].value
            row = Text(f"  {region.short_label}: ")
            row.append(verdict, style=STYLES[verdict])
            console.print(row)
    console.print()


def _print_conflicts(console: Console, section: Section) -> None:
    for conflict in section.conflicts:
        about = conflict.condition.label if conflict.condition else "Massage type and region"
        console.print(Text(f"CONFLICT  {about}: {conflict.summary}", style="magenta"))
        for rule in conflict.rules:
            console.print(Text(f"  {rule.id} ({rule.kind.value}, {rule.effect.value})"))
            for citation in rule.citations:
                console.print(Text(f"    “{citation.quote}”", style="italic"))
                console.print(Text(f"    {citation.source}:{citation.line}", style="dim"))
        console.print()


def _print_finding(console: Console, finding: Finding, *, quotes: bool) -> None:
    """One finding; with quotes=False only the sources (supporting evidence and notes)."""
    rule = finding.rule
    word, paren, rest = finding.label.partition(" (")  # "NOTE (excluded if the setting is ...)"
    line = Text()
    line.append(word.upper() + paren + rest, style=STYLES[finding.style])
    line.append(f"  {finding.about} — {rule.kind.value} [{rule.id}]")
    console.print(line)
    console.print(Text(f"  where: {finding.where}"))
    console.print(Text(f"  advice: {rule.advice}"))
    if rule.until:
        console.print(Text(f"  until: {rule.until}"))
    if not quotes:
        sources = ", ".join(dict.fromkeys(f"{c.source}:{c.line}" for c in rule.citations))
        console.print(Text(f"  sources: {sources}", style="dim"))
    for citation in rule.citations if quotes else ():
        console.print(Text(f"    “{citation.quote}”", style="italic"))
        console.print(Text(f"    {citation.source}:{citation.line}", style="dim"))
    console.print()
