"""A rule base indexed for screening many patients fast, with `evaluate.screen`'s semantics.

`evaluate.screen` is clear and fast enough for one patient. For batches, `RuleIndex` works
out once per rule base which rules can fire in each massage type x region, splitting the rules
that need no condition from those indexed by condition id, and where each fired rule is listed
(reason with its severity, support, note) for a given setting. `batch.Screener` builds its
cells from these parts; the tests check its lines against `evaluate.screen` rule for rule.
"""

from __future__ import annotations

from massage_screen.model import Effect, Rule, RuleBase, Verdict

#: Where a fired rule is listed in a cell, as in `evaluate.screen`.
REASON, SUPPORT, NOTE = 0, 1, 2
VERDICTS = {verdict.severity: verdict for verdict in Verdict}


class RuleIndex:
    """Which rules can fire where, computed once per rule base."""

    def __init__(self, rule_base: RuleBase) -> None:
        self.rule_base = rule_base
        self.rules: tuple[Rule, ...] = rule_base.rules
        self.type_ids = tuple(t.id for t in rule_base.massage_types)
        self.region_ids = tuple(r.id for r in rule_base.regions)
        # per (type, region): unconditional rule positions, and condition id -> positions
        self._always: dict[tuple[str, str], tuple[int, ...]] = {}
        self._by_condition: dict[tuple[str, str], dict[str, tuple[int, ...]]] = {}
        for type_id in self.type_ids:
            for region_id in self.region_ids:
                always: list[int] = []
                by_condition: dict[str, list[int]] = {}
                for position, rule in enumerate(self.rules):
                    scope = rule.scope
                    if scope.types and type_id not in scope.types:
                        continue
                    if scope.regions and region_id not in scope.regions:
                        continue
                    if not rule.conditions:
                        always.append(position)
                    for condition_id in dict.fromkeys(rule.conditions):
                        by_condition.setdefault(condition_id, []).append(position)
                self._always[type_id, region_id] = tuple(always)
                self._by_condition[type_id, region_id] = {
                    c: tuple(p) for c, p in by_condition.items()
                }
        self._parts: dict[
            tuple[str, str, str | None, str | None], tuple[tuple[int, int, int], ...]
        ] = {}

    def _placed(self, position: int, setting: str | None) -> tuple[int, int] | None:
        """(list, severity) for a rule that matched, given the setting; None if it is skipped."""
        rule = self.rules[position]
        settings = rule.scope.settings
        if settings and setting is not None and setting not in settings:
            return None
        if (settings and setting is None) or rule.effect is Effect.NOTE:
            return (NOTE, 0)
        if rule.effect is Effect.SUPPORTS:
            return (SUPPORT, 0)
        verdict = rule.effect.verdict
        return (REASON, verdict.severity if verdict is not None else 0)

    def part(
        self, type_id: str, region_id: str, setting: str | None, condition_id: str | None
    ) -> tuple[tuple[int, int, int], ...]:
        """(position, list, severity) of the rules that `condition_id` (None: no condition
        needed) fires in this cell with this setting, in rule-base order; computed once."""
        key = (type_id, region_id, setting, condition_id)
        found = self._parts.get(key)
        if found is None:
            positions = (
                self._always[type_id, region_id]
                if condition_id is None
                else self._by_condition[type_id, region_id].get(condition_id, ())
            )
            found = tuple(
                (position, *placed)
                for position in positions
                if (placed := self._placed(position, setting)) is not None
            )
            self._parts[key] = found
        return found

    def conditions_in(self, type_id: str, region_id: str) -> dict[str, tuple[int, ...]]:
        """Condition id -> the rules it can fire in this cell (conditions not listed fire
        nothing here)."""
        return self._by_condition[type_id, region_id]
