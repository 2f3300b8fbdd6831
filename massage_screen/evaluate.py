"""The evaluator: a rule base and a patient in, a verdict per massage type and region out."""

from __future__ import annotations

from dataclasses import replace

from massage_screen.model import (
    CellResult,
    Effect,
    Entry,
    Patient,
    Reason,
    Record,
    ReportedConflict,
    Rule,
    RuleBase,
    ScreenedCondition,
    Screening,
    Verdict,
)


def screen(rule_base: RuleBase, patient: Patient) -> Screening:
    """Screen `patient` against `rule_base`.

    Every requested massage type x region (all of them when none is requested) gets the
    most restrictive verdict of the rules that fire there, with the reasons, supporting
    indications and notes; conflicts are reported when all their rules fire. The result
    carries the catalogue entries and rules it found, so it needs no rule base to read.
    Pure and deterministic: cells follow catalogue (or requested) order, reasons rule-base
    order, and the record is not stamped with a time (see `report.stamp`).
    Raises KeyError for an id the rule base does not know (names are resolved before this).
    """
    patient = replace(  # a site limits only a local condition
        patient,
        conditions=tuple(
            replace(c, whole_body=True) if c.site and not rule_base.condition(c.id).local else c
            for c in patient.conditions
        ),
    )
    types = tuple(rule_base.massage_type(t) for t in patient.types) or rule_base.massage_types
    regions = tuple(rule_base.region(r) for r in patient.regions) or rule_base.regions
    conditions = tuple(
        ScreenedCondition(
            rule_base.condition(c.id),
            c.given,
            rule_base.region(c.site) if c.site else None,
            c.site_limits,
            c.unsure_of,
        )
        for c in patient.conditions
    )
    rules = rule_base.rules_for([c.id for c in patient.conditions])
    rule_settings = {
        rule.id: tuple(rule_base.setting(s) for s in rule.scope.settings)
        for rule in rules
        if rule.scope.settings
    }
    results = tuple(
        _screen_cell(rules, rule_settings, patient, conditions, type_entry, region)
        for type_entry in types
        for region in regions
    )
    fired = {reason.rule.id for cell in results for reason in (*cell.reasons, *cell.support)}
    conflicts = tuple(
        ReportedConflict(
            c.id,
            rule_base.condition(c.condition) if c.condition else None,
            tuple(rule_base.rule(rule_id) for rule_id in c.rules),
            c.summary,
        )
        for c in rule_base.conflicts
        if all(rule_id in fired for rule_id in c.rules)
    )
    return Screening(
        patient=patient,
        conditions=conditions,
        setting=rule_base.setting(patient.setting) if patient.setting else None,
        types=types,
        regions=regions,
        results=results,
        conflicts=conflicts,
        record=Record(version=_version(), rule_base=rule_base.digest),
    )


def _version() -> str:
    from massage_screen import __version__

    return __version__


def _screen_cell(
    rules: tuple[Rule, ...],
    rule_settings: dict[str, tuple[Entry, ...]],
    patient: Patient,
    conditions: tuple[ScreenedCondition, ...],
    type_entry: Entry,
    region: Entry,
) -> CellResult:
    reasons: list[Reason] = []
    support: list[Reason] = []
    notes: list[Reason] = []
    type_id, region_id = type_entry.id, region.id
    for rule in rules:
        scope = rule.scope
        if scope.types and type_id not in scope.types:
            continue
        if scope.regions and region_id not in scope.regions:
            continue
        setting_dependent = bool(scope.settings) and patient.setting is None
        if scope.settings and patient.setting is not None and patient.setting not in scope.settings:
            continue
        for condition in _matching_conditions(rule, conditions, region_id):
            reason = Reason(rule, condition, rule_settings.get(rule.id, ()), setting_dependent)
            if setting_dependent or rule.effect is Effect.NOTE:
                notes.append(reason)
            elif rule.effect is Effect.SUPPORTS:
                support.append(reason)
            else:
                reasons.append(reason)
    verdict = max(
        (r.effect.verdict for r in reasons if r.effect.verdict is not None),
        key=lambda v: v.severity,
        default=Verdict.ALLOWED,
    )
    reasons.sort(key=lambda r: -r.effect.verdict.severity if r.effect.verdict else 0)
    return CellResult(type_entry, region, verdict, tuple(reasons), tuple(support), tuple(notes))


def _matching_conditions(
    rule: Rule, conditions: tuple[ScreenedCondition, ...], region_id: str
) -> list[Entry | None]:
    """The patient's conditions that fire `rule` in `region_id`, once each, in the order given.

    A rule without conditions always matches (as the single condition None); a condition
    given with a site (a local condition) only counts in that region.
    """
    if not rule.conditions:
        return [None]
    matched: list[Entry | None] = []
    for given in conditions:
        if (
            given.entry.id in rule.conditions
            and (not given.site_limits or (given.site is not None and given.site.id == region_id))
            and given.entry not in matched
        ):
            matched.append(given.entry)
    return matched
