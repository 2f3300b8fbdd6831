"""Markdown output: a report a clinician can paste into a patient record."""

from __future__ import annotations

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

_OVERALL = {
    "allowed": "every requested massage is allowed",
    "cautioned": "some requested massage needs caution; none is excluded",
    "excluded": "some requested massage is excluded",
}


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def render(
    screening: Screening, rule_base: RuleBase, *, color: bool = False, width: int = 100
) -> str:
    lines: list[str] = ["# Massage screening", ""]
    overall = screening.overall.value
    lines += [f"**Overall: {overall}** ({_OVERALL[overall]}).", ""]
    lines += [
        f"- Conditions: {describe_conditions(screening, rule_base, as_given=True)}",
        f"- Setting: {describe_setting(screening, rule_base)}",
        "",
    ]

    regions = list(dict.fromkeys(c.region for c in screening.results))
    types = list(dict.fromkeys(c.type for c in screening.results))
    verdicts = {(c.type, c.region): c.verdict.value for c in screening.results}
    lines += ["## Verdicts", ""]
    lines.append(
        "| Massage type | " + " | ".join(rule_base.region(r).label for r in regions) + " |"
    )
    lines.append("|---" * (len(regions) + 1) + "|")
    for type_id in types:
        cells = " | ".join(verdicts[(type_id, r)] for r in regions)
        lines.append(f"| {_escape(rule_base.massage_type(type_id).label)} | {cells} |")
    lines.append("")

    reasons = findings(screening.results, "reasons")
    if reasons:
        lines += ["## Reasons", ""]
        for finding in reasons:
            lines += _finding(
                finding, screening, rule_base, finding.reason.effect.value.capitalize()
            )
    if screening.conflicts:
        lines += ["## Passages that disagree", ""]
        for conflict in screening.conflicts:
            about = (
                rule_base.condition(conflict.condition).label
                if conflict.condition
                else "massage type and region"
            )
            lines += [f"### {about}", "", conflict.summary, ""]
            for rule_id in conflict.rules:
                rule = rule_base.rule(rule_id)
                lines.append(f"- `{rule_id}` ({rule.kind.value}, {rule.effect.value}):")
                for citation in rule.citations:
                    lines.append(f"  > {citation.quote}")
                    lines.append(f"  > — {citation.source}, line {citation.line}")
            lines.append("")
    support = findings(screening.results, "support")
    if support:
        lines += ["## Supporting indications", ""]
        for finding in support:
            lines += _finding(finding, screening, rule_base, "Supports")
    notes = findings(screening.results, "notes")
    if notes:
        lines += ["## Notes", ""]
        for finding in notes:
            lines += _finding(
                finding, screening, rule_base, note_heading(finding.reason, rule_base)
            )
    lines += ["---", "", f"*{DISCLAIMER}*", ""]
    return "\n".join(lines)


def _finding(
    finding: Finding, screening: Screening, rule_base: RuleBase, heading: str
) -> list[str]:
    reason = finding.reason
    about = rule_base.condition(reason.condition).label if reason.condition else "Any patient"
    lines = [
        f"### {heading}: {about}",
        "",
        f"- Rule: `{reason.rule}` ({reason.kind.value})",
        f"- Applies to: {describe_cells(finding.cells, screening, rule_base)}",
        f"- Advice: {reason.advice}",
    ]
    if reason.until:
        lines.append(f"- Until: {reason.until}")
    lines.append("")
    for citation in reason.citations:
        lines += [f"> {citation.quote}", ">", f"> — {citation.source}, line {citation.line}", ""]
    return lines
