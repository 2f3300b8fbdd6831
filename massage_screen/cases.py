"""Run the example cases that sit beside the rules: each names a screening, its verdicts, the
rules that must fire and those that must stay silent (semgrep's `ruleid:` / `ok:` habit)."""

from __future__ import annotations

from collections import defaultdict

from massage_screen.evaluate import screen
from massage_screen.model import Case, CellResult, RuleBase, Screening
from massage_screen.names import InputError, Names

TODO_PASSES = "todo case passes; remove todo"


def check_case(rule_base: RuleBase, case: Case, names: Names | None = None) -> list[str]:
    """What is wrong with `case` as declared: an empty list when it holds.

    A case without `todo` must pass (its problems are returned). A `todo` case records a
    known gap and must fail: it gives no problem while it fails, and `TODO_PASSES` once it
    passes. `validate`, the compiled loader and pytest all read a case this one way.
    """
    problems = case_problems(rule_base, case, names)
    if case.todo:
        return [] if problems else [TODO_PASSES]
    return problems


def case_problems(rule_base: RuleBase, case: Case, names: Names | None = None) -> list[str]:
    """How the screening of `case` differs from what it expects, ignoring `todo`.

    A selector is "all", a massage type id, a region id, or "type/region"; every cell it
    selects must have the expected verdict. Every rule in `fires` must fire in some cell
    (as a reason, support or note), no rule in `silent` in any, every conflict must be
    reported. Mismatching cells are summarised per selector, not listed one by one.
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
            continue
        wrong: dict[str, list[CellResult]] = defaultdict(list)
        for cell in cells:
            if cell.verdict is not expected:
                wrong[cell.verdict.value].append(cell)
        for got, bad in wrong.items():
            example = bad[0]
            fired = ", ".join(r.rule.id for r in example.reasons) or "no rule"
            problems.append(
                f'"{selector}" expected {expected.value}, got {got} in {len(bad)} of '
                f"{len(cells)} cells (e.g. {example.key}: {fired})"
            )
    fired_in = fired_rules(screening)
    for rule_id in dict.fromkeys(case.fires):
        if rule_id not in fired_in:
            problems.append(f'rule "{rule_id}" did not fire')
    for rule_id in dict.fromkeys(case.silent):
        if rule_id in fired_in:
            problems.append(f'rule "{rule_id}" fired but must stay silent ({fired_in[rule_id]})')
    reported = {c.id for c in screening.conflicts}
    for conflict_id in case.conflicts:
        if conflict_id not in reported:
            problems.append(f'conflict "{conflict_id}" was not reported')
    return problems


def fired_rules(screening: Screening) -> dict[str, str]:
    """Every rule that fired anywhere in `screening` (reason, support or note), with the first
    cell it fired in as "type/region"."""
    fired: dict[str, str] = {}
    for cell in screening.results:
        for reason in (*cell.reasons, *cell.support, *cell.notes):
            fired.setdefault(reason.rule.id, cell.key)
    return fired


def failure_line(case: Case, problems: list[str]) -> str:
    """One located line for a failing case, like a linter's:
    `rules/groups/x.yaml:12:5: error: case "name": <what failed> [case-failed]`."""
    return (
        f'{case.file}:{case.line}:{case.column}: error: case "{case.name}": '
        f"{'; '.join(problems)} [case-failed]"
    )


def rules_without_case(rule_base: RuleBase) -> list[str]:
    """Ids of the rules no case (other than a todo case) names in `fires`, in rule order."""
    named = {rule_id for case in rule_base.cases if not case.todo for rule_id in case.fires}
    return [rule.id for rule in rule_base.rules if rule.id not in named]


def select(screening: Screening, selector: str) -> list[CellResult]:
    """The cells of `screening` a case selector names."""
    if selector == "all":
        return list(screening.results)
    type_id, _, region_id = selector.partition("/")
    if region_id:
        return [c for c in screening.results if (c.type.id, c.region.id) == (type_id, region_id)]
    return [c for c in screening.results if selector in (c.type.id, c.region.id)]
