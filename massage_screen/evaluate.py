"""The evaluator: a rule base and a patient in, a verdict per massage type and region out."""

from __future__ import annotations

from dataclasses import replace

from massage_screen.model import (
    CellResult,
    Effect,
    Patient,
    Reason,
    ReportedConflict,
    Rule,
    RuleBase,
    Screening,
    Verdict,
)


def screen(rule_base: RuleBase, patient: Patient) -> Screening:
    """Screen `patient` against `rule_base`.

    Every requested massage type x region (all of them when none is requested) gets the
    most restrictive verdict of the rules that fire there, with the reasons, supporting
    indications and notes; conflicts are reported when all their rules fire. Pure and
    deterministic: cells follow catalogue order, reasons rule-base order.
    """
    patient = replace(  # a site limits only a local condition
        patient,
        conditions=tuple(
            replace(c, whole_body=True) if c.site and not rule_base.condition(c.id).local else c
            for c in patient.conditions
        ),
    )
    types = patient.types or tuple(t.id for t in rule_base.massage_types)
    regions = patient.regions or tuple(r.id for r in rule_base.regions)
    rules = rule_base.rules_for([c.id for c in patient.conditions])
    results = tuple(
        _screen_cell(rules, patient, type_id, region_id)
        for type_id in types
        for region_id in regions
    )
    fired = {reason.rule for cell in results for reason in (*cell.reasons, *cell.support)}
    conflicts = tuple(
        ReportedConflict(c.id, c.condition, c.rules, c.summary)
        for c in rule_base.conflicts
        if all(rule_id in fired for rule_id in c.rules)
    )
    return Screening(patient, results, conflicts)


def _screen_cell(
    rules: tuple[Rule, ...], patient: Patient, type_id: str, region_id: str
) -> CellResult:
    reasons: list[Reason] = []
    support: list[Reason] = []
    notes: list[Reason] = []
    for rule in rules:
        scope = rule.scope
        if scope.types and type_id not in scope.types:
            continue
        if scope.regions and region_id not in scope.regions:
            continue
        setting_dependent = bool(scope.settings) and patient.setting is None
        if scope.settings and patient.setting is not None and patient.setting not in scope.settings:
            continue
        for condition_id in _matching_conditions(rule, patient, region_id):
            reason = Reason(
                rule.id,
                condition_id,
                rule.kind,
                rule.effect,
                rule.advice,
                rule.citations,
                rule.until,
                scope.settings,
                setting_dependent,
            )
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
    return CellResult(type_id, region_id, verdict, tuple(reasons), tuple(support), tuple(notes))


def _matching_conditions(rule: Rule, patient: Patient, region_id: str) -> list[str | None]:
    """The patient's conditions that fire `rule` in `region_id`, once each, in the order given.

    A rule without conditions always matches (as the single condition None); a condition
    given with a site (a local condition) only counts in that region.
    """
    if not rule.conditions:
        return [None]
    matched: list[str | None] = []
    for given in patient.conditions:
        if (
            given.id in rule.conditions
            and (not given.site_limits or given.site == region_id)
            and given.id not in matched
        ):
            matched.append(given.id)
    return matched
