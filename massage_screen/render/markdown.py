"""Markdown output: a report a clinician can paste into a patient record."""

from __future__ import annotations

import re

from massage_screen.report import OVERALL_MEANING, Finding, Outline, Section, shown

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&!])")


def escape(text: str) -> str:
    """`text` as literal Markdown on one line: control characters written out (see
    `report.shown`) and every character that could start emphasis, a link, HTML, code
    or a table cell backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", shown(text))


def render(report: Outline, *, color: bool = False, width: int = 100) -> str:
    line = report.headline
    lines: list[str] = [f"# {report.title}", ""]
    overall = line.overall
    lines += [f"**Overall: {overall.value}** ({OVERALL_MEANING[overall]}).", ""]
    lines += [line.count_text, ""]
    said = [r.text for r in line.restrictions] + [r.text for r in line.if_setting]
    if said:
        lines += [*(f"- {text}" for text in said), ""]
    if line.remark:
        lines += [line.remark, ""]
    lines += ["## About this screening", ""]
    lines += [f"- {fact.label}: {escape(fact.detail)}" for fact in report.facts]
    lines.append("")

    lines += ["## Verdicts", ""]
    lines.append("| Massage type | " + " | ".join(escape(r.label) for r in report.regions) + " |")
    lines.append("|---" * (len(report.regions) + 1) + "|")
    for type_entry in report.types:
        cells = " | ".join(report.verdicts[(type_entry.id, r.id)].value for r in report.regions)
        lines.append(f"| {escape(type_entry.label)} | {cells} |")
    lines.append("")

    for section in report.sections:
        lines += [f"## {section.heading}", ""]
        if section.key == "conflicts":
            lines += _conflicts(section)
        for finding in section.findings:
            lines += _finding(finding)
    lines += ["---", "", f"*{report.disclaimer}*", ""]
    return "\n".join(lines)


def _conflicts(section: Section) -> list[str]:
    lines: list[str] = []
    for conflict in section.conflicts:
        about = conflict.condition.label if conflict.condition else "massage type and region"
        lines += [f"### {about}", "", conflict.summary, ""]
        for rule in conflict.rules:
            lines.append(f"- `{rule.id}` ({rule.kind.value}, {rule.effect.value}):")
            for citation in rule.citations:
                lines.append(f"  > {citation.quote}")
                lines.append(f"  > — {citation.source}, line {citation.line}")
        lines.append("")
    return lines


def _finding(finding: Finding) -> list[str]:
    rule = finding.rule
    lines = [
        f"### {finding.label}: {finding.about}",
        "",
        f"- Rule: `{rule.id}` ({rule.kind.value})",
        f"- Applies to: {finding.where}",
        f"- Advice: {rule.advice}",
    ]
    if rule.until:
        lines.append(f"- Until: {rule.until}")
    lines.append("")
    for citation in rule.citations:
        lines += [f"> {citation.quote}", ">", f"> — {citation.source}, line {citation.line}", ""]
    return lines
