"""What every output format says: the JSON document, grouped findings and the disclaimer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from massage_screen.model import CellResult, Citation, Effect, Reason, RuleBase, Screening

SCHEMA = "massage-screen/screening/1"

DISCLAIMER = (
    "Not medical advice. This screening restates what five articles on massage for "
    "osteochondrosis and back pain say; it cannot examine anyone. The articles ask you to "
    "consult a doctor before a course of massage, to find the cause of back pain first, and "
    "to see a doctor if pain grows worse after a session."
)


def citation_document(citation: Citation) -> dict[str, Any]:
    return {"source": citation.source, "line": citation.line, "quote": citation.quote}


def reason_document(reason: Reason) -> dict[str, Any]:
    document: dict[str, Any] = {
        "rule": reason.rule,
        "condition": reason.condition,
        "kind": reason.kind.value,
        "verdict": reason.effect.value,
        "advice": reason.advice,
        "until": reason.until,
        "settings": list(reason.settings),
        "citations": [citation_document(c) for c in reason.citations],
    }
    return document


def screening_document(screening: Screening, rule_base: RuleBase) -> dict[str, Any]:
    """The screening as the JSON contract `massage-screen/screening/1` (see README)."""
    patient = screening.patient
    return {
        "schema": SCHEMA,
        "conditions": [
            {"id": c.id, "label": rule_base.condition(c.id).label, "given": c.given, "site": c.site}
            for c in patient.conditions
        ],
        "setting": patient.setting,
        "overall": screening.overall.value,
        "results": [
            {
                "type": cell.type,
                "region": cell.region,
                "verdict": cell.verdict.value,
                "reasons": [reason_document(r) for r in cell.reasons],
                "support": [reason_document(r) for r in cell.support],
                "notes": [reason_document(r) for r in cell.notes],
            }
            for cell in screening.results
        ],
        "conflicts": [
            {
                "id": conflict.id,
                "condition": conflict.condition,
                "rules": list(conflict.rules),
                "summary": conflict.summary,
                "citations": [
                    {"rule": rule_id, **citation_document(citation)}
                    for rule_id in conflict.rules
                    for citation in rule_base.rule(rule_id).citations
                ],
            }
            for conflict in screening.conflicts
        ],
        "disclaimer": DISCLAIMER,
    }


@dataclass(frozen=True)
class Finding:
    """One (rule, condition) pair and every cell it fired in, for people to read once."""

    reason: Reason
    cells: tuple[tuple[str, str], ...]


def findings(cells: Iterable[CellResult], attribute: str) -> tuple[Finding, ...]:
    """Group the reasons (or `support`, or `notes`) of `cells` by rule and condition,
    most restrictive first, in rule-base order otherwise."""
    grouped: dict[tuple[str, str | None], tuple[Reason, list[tuple[str, str]]]] = {}
    for cell in cells:
        for reason in getattr(cell, attribute):
            key = (reason.rule, reason.condition)
            grouped.setdefault(key, (reason, []))[1].append((cell.type, cell.region))
    ordered = sorted(
        grouped.values(),
        key=lambda item: -item[0].effect.verdict.severity if item[0].effect.verdict else 0,
    )
    return tuple(Finding(reason, tuple(where)) for reason, where in ordered)


def describe_cells(
    cells: tuple[tuple[str, str], ...], screening: Screening, rule_base: RuleBase
) -> str:
    """Where a finding applies, as compactly as the cells allow."""
    all_types = list(dict.fromkeys(c.type for c in screening.results))
    all_regions = list(dict.fromkeys(c.region for c in screening.results))
    types = [t for t in all_types if any(c[0] == t for c in cells)]
    regions = [r for r in all_regions if any(c[1] == r for c in cells)]
    type_label = {e.id: e.label for e in rule_base.massage_types}
    region_label = {e.id: e.label for e in rule_base.regions}
    if len(cells) == len(types) * len(regions):
        type_text = (
            "every type"
            if len(types) == len(all_types) and len(all_types) > 1
            else ", ".join(type_label[t] for t in types)
        )
        region_text = (
            "every region"
            if len(regions) == len(all_regions) and len(all_regions) > 1
            else ", ".join(region_label[r] for r in regions)
        )
        return f"{type_text} on {region_text}"
    return "; ".join(f"{type_label[t]} on {region_label[r]}" for t, r in cells)


def note_heading(reason: Reason, rule_base: RuleBase) -> str:
    """ "Note", or for a rule that waits on the setting what it would do there."""
    if not reason.setting_dependent:
        return "Note"
    places = " or ".join(rule_base.setting(s).label.lower() for s in reason.settings)
    if reason.effect is Effect.NOTE:
        return f"Note (applies {places})"
    return f"Note ({reason.effect.value} if the setting is {places})"


def describe_conditions(screening: Screening, rule_base: RuleBase, *, as_given: bool) -> str:
    """The patient's conditions for people: labels, sites, and optionally the words typed."""
    patient = screening.patient
    if not patient.conditions:
        return "none reported"
    return "; ".join(
        rule_base.condition(c.id).label
        + (
            f" on the {rule_base.region(c.site).short_label.lower()}"
            if c.site and c.site_limits
            else ""
        )
        + (
            f" (given on the {rule_base.region(c.site).short_label.lower()}: it concerns the "
            "whole body, so it is not limited to that region)"
            if c.site and not c.site_limits
            else ""
        )
        + (f' (given as "{c.given}")' if as_given else "")
        for c in patient.conditions
    )


def describe_setting(screening: Screening, rule_base: RuleBase) -> str:
    setting = screening.patient.setting
    return (
        rule_base.setting(setting).label
        if setting
        else "not given (rules for a particular setting are listed as notes)"
    )
