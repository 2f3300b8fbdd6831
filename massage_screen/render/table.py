"""Terminal output: a rich grid of massage types by regions, then the reasons with quotes.

Verdicts are words, so colour only repeats what the text already says (NO_COLOR and
screen readers lose nothing).
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from massage_screen.model import RuleBase, Screening
from massage_screen.report import (
    DISCLAIMER,
    Finding,
    describe_cells,
    describe_conditions,
    describe_setting,
    findings,
    note_heading,
)

STYLES = {
    "allowed": "green",
    "cautioned": "yellow",
    "excluded": "bold red",
    "supports": "cyan",
    "note": "dim",
}


def render(
    screening: Screening, rule_base: RuleBase, *, color: bool = False, width: int = 100
) -> str:
    console = Console(
        record=True,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
        file=io.StringIO(),
    )
    print_screening(console, screening, rule_base)
    return console.export_text(styles=color)


def print_screening(console: Console, screening: Screening, rule_base: RuleBase) -> None:
    """Print the screening to `console` (the questionnaire uses this directly)."""
    overall = screening.overall.value
    heading = Text("Overall: ")
    heading.append(overall.upper(), style=STYLES[overall])
    console.print(heading)
    console.print(Text(f"Conditions: {describe_conditions(screening, rule_base, as_given=False)}"))
    console.print(Text(f"Setting: {describe_setting(screening, rule_base)}"))
    console.print()

    regions = list(dict.fromkeys(c.region for c in screening.results))
    types = list(dict.fromkeys(c.type for c in screening.results))
    verdicts = {(c.type, c.region): c.verdict.value for c in screening.results}
    grid = Table(title=None, show_lines=False, header_style="bold")
    grid.add_column("Massage type")
    for region_id in regions:
        grid.add_column(rule_base.region(region_id).short_label, no_wrap=True)
    for type_id in types:
        row = [Text(rule_base.massage_type(type_id).label)]
        row += [Text(verdicts[(type_id, r)], style=STYLES[verdicts[(type_id, r)]]) for r in regions]
        grid.add_row(*row)
    console.print(grid)

    reasons = findings(screening.results, "reasons")
    if reasons:
        console.print(Text("Reasons", style="bold underline"))
        for finding in reasons:
            _print_finding(
                console,
                finding,
                screening,
                rule_base,
                finding.reason.effect.value.upper(),
                finding.reason.effect.value,
            )
    if screening.conflicts:
        console.print(Text("Passages that disagree", style="bold underline"))
        for conflict in screening.conflicts:
            about = (
                rule_base.condition(conflict.condition).label
                if conflict.condition
                else "Massage type and region"
            )
            console.print(Text(f"CONFLICT  {about}: {conflict.summary}", style="magenta"))
            for rule_id in conflict.rules:
                rule = rule_base.rule(rule_id)
                console.print(Text(f"  {rule_id} ({rule.kind.value}, {rule.effect.value})"))
                for citation in rule.citations:
                    console.print(Text(f"    “{citation.quote}”", style="italic"))
                    console.print(Text(f"    {citation.source}:{citation.line}", style="dim"))
            console.print()
    support = findings(screening.results, "support")
    if support:
        console.print(Text("Supporting indications", style="bold underline"))
        for finding in support:
            _print_finding(
                console, finding, screening, rule_base, "SUPPORTS", "supports", quotes=False
            )
    notes = findings(screening.results, "notes")
    if notes:
        console.print(Text("Notes", style="bold underline"))
        for finding in notes:
            label = "NOTE" + note_heading(finding.reason, rule_base).removeprefix("Note")
            _print_finding(console, finding, screening, rule_base, label, "note", quotes=False)
    console.print(Text(DISCLAIMER, style="bold"))


def _print_finding(
    console: Console,
    finding: Finding,
    screening: Screening,
    rule_base: RuleBase,
    label: str,
    style: str,
    *,
    quotes: bool = True,
) -> None:
    """One finding; with quotes=False only the sources (supporting evidence and notes)."""
    reason = finding.reason
    about = rule_base.condition(reason.condition).label if reason.condition else "Any patient"
    line = Text()
    line.append(label, style=STYLES.get(style, ""))
    line.append(f"  {about} — {reason.kind.value} [{reason.rule}]")
    console.print(line)
    console.print(Text(f"  where: {describe_cells(finding.cells, screening, rule_base)}"))
    console.print(Text(f"  advice: {reason.advice}"))
    if reason.until:
        console.print(Text(f"  until: {reason.until}"))
    if not quotes:
        sources = ", ".join(dict.fromkeys(f"{c.source}:{c.line}" for c in reason.citations))
        console.print(Text(f"  sources: {sources}", style="dim"))
    for citation in reason.citations if quotes else ():
        console.print(Text(f"    “{citation.quote}”", style="italic"))
        console.print(Text(f"    {citation.source}:{citation.line}", style="dim"))
    console.print()
