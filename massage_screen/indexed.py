"""A rule base indexed for screening many patients fast: same verdicts as `evaluate.screen`.

`evaluate.screen` walks every rule for every cell, which is clear and fast enough for one
patient. For batches, `RuleIndex` precomputes once per rule base which rules can fire in each
massage type x region, splitting the rules that need no condition (computed once per cell and
setting) from those indexed by condition id; a patient then costs a few dictionary look-ups
per cell. The tests check it against `evaluate.screen` rule for rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from massage_screen.model import Effect, Rule, RuleBase, Verdict

#: Where a fired rule is listed in a cell, as in `evaluate.screen`.
REASON, SUPPORT, NOTE = 0, 1, 2


@dataclass(frozen=True)
class CellOutcome:
    """One massage type on one region: verdict and the ids of the rules that fired there."""

    type: str
    region: str
    verdict: Verdict
    reasons: tuple[str, ...]  # restricting rules, most severe first, then rule-base order
    support: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    """A whole screening in ids: cells in screening order, conflicts reported."""

    cells: tuple[CellOutcome, ...]
    conflicts: tuple[str, ...]

    @property
    def overall(self) -> Verdict:
        return max((c.verdict for c in self.cells), key=_severity, default=Verdict.ALLOWED)


def _severity(verdict: Verdict) -> int:
    return verdict.severity


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
        self._conflicts = tuple((c.id, frozenset(c.rules)) for c in rule_base.conflicts)
        self._base: dict[tuple[str, str, str | None], tuple[tuple[int, int, int], ...]] = {}

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

    def _unconditional(
        self, type_id: str, region_id: str, setting: str | None
    ) -> tuple[tuple[int, int, int], ...]:
        key = (type_id, region_id, setting)
        found = self._base.get(key)
        if found is None:
            found = tuple(
                (position, *placed)
                for position in self._always[type_id, region_id]
                if (placed := self._placed(position, setting)) is not None
            )
            self._base[key] = found
        return found

    def screen(
        self,
        conditions: Sequence[tuple[str, str | None]],
        types: Sequence[str],
        regions: Sequence[str],
        setting: str | None,
    ) -> Outcome:
        """Screen resolved ids: `conditions` as (id, site or None); empty types or regions
        mean all of them. Ids must come from the rule base (resolve names first)."""
        type_ids = tuple(dict.fromkeys(types)) or self.type_ids
        region_ids = tuple(dict.fromkeys(regions)) or self.region_ids
        rules = self.rules
        cells: list[CellOutcome] = []
        fired: set[str] = set()
        for type_id in type_ids:
            for region_id in region_ids:
                placed = list(self._unconditional(type_id, region_id, setting))
                index = self._by_condition[type_id, region_id]
                seen: set[int] = set()
                for condition_id, site in conditions:
                    if site is not None and site != region_id:
                        continue
                    for position in index.get(condition_id, ()):
                        if position in seen:
                            continue
                        seen.add(position)
                        where = self._placed(position, setting)
                        if where is not None:
                            placed.append((position, *where))
                placed.sort()
                reasons = [
                    (-severity, position) for position, where, severity in placed if where == REASON
                ]
                reasons.sort()
                verdict = (
                    Verdict.EXCLUDED
                    if reasons and reasons[0][0] == -2
                    else Verdict.CAUTIONED
                    if reasons
                    else Verdict.ALLOWED
                )
                reason_ids = tuple(rules[p].id for _, p in reasons)
                support_ids = tuple(rules[p].id for p, where, _ in placed if where == SUPPORT)
                note_ids = tuple(rules[p].id for p, where, _ in placed if where == NOTE)
                fired.update(reason_ids)
                fired.update(support_ids)
                cells.append(
                    CellOutcome(type_id, region_id, verdict, reason_ids, support_ids, note_ids)
                )
        conflicts = tuple(cid for cid, needed in self._conflicts if needed <= fired)
        return Outcome(tuple(cells), conflicts)
