"""Run the example cases that sit beside the rules: each names a screening and its verdicts."""

from __future__ import annotations

from massage_screen.evaluate import screen
from massage_screen.model import Case, CellResult, RuleBase, Screening
from massage_screen.names import InputError, Names


def check_case(rule_base: RuleBase, case: Case, names: Names | None = None) -> list[str]:
    """What is wrong with `case` against `rule_base`: an empty list when it holds.

    A selector is "all", a massage type id, a region id, or "type/region"; every cell it
    selects must have the expected verdict.
    """
    names = names or Names.of(rule_base)
    try:
        patient = names.patient(
            rule_base, list(case.conditions), list(case.types), list(case.regions), case.setting
        )
    except InputError as error:
        return [str(error)]
    screening = screen(rule_base, patient)
    problems: list[str] = []
    for selector, expected in case.expect:
        cells = select(screening, selector)
        if not cells:
            problems.append(f'selector "{selector}" matches no screened cell')
        for cell in cells:
            if cell.verdict is not expected:
                fired = ", ".join(r.rule for r in cell.reasons) or "no rule"
                problems.append(
                    f"{cell.type}/{cell.region}: expected {expected.value}, "
                    f"got {cell.verdict.value} ({fired})"
                )
    reported = {c.id for c in screening.conflicts}
    for conflict_id in case.conflicts:
        if conflict_id not in reported:
            problems.append(f'conflict "{conflict_id}" was not reported')
    return problems


def select(screening: Screening, selector: str) -> list[CellResult]:
    """The cells of `screening` a case selector names."""
    if selector == "all":
        return list(screening.results)
    type_id, _, region_id = selector.partition("/")
    if region_id:
        return [c for c in screening.results if c.type == type_id and c.region == region_id]
    return [c for c in screening.results if selector in (c.type, c.region)]
