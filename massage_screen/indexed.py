"""A rule base indexed for screening many patients fast: same verdicts as `evaluate.screen`.

`evaluate.screen` walks every rule for every cell, which is clear and fast enough for one
patient. For batches, `RuleIndex` precomputes once per rule base which rules can fire in each
massage type x region, splitting the rules that need no condition (computed once per cell and
setting) from those indexed by condition id; a patient then costs a few dictionary look-ups
per cell. The tests check it against `evaluate.screen` rule for rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from massage_screen.model import Effect, Rule, RuleBase, Verdict

#: Where a fired rule is listed in a cell, as in `evaluate.screen`.
REASON, SUPPORT, NOTE = 0, 1, 2
VERDICTS = {verdict.severity: verdict for verdict in Verdict}

#: A cell as rule positions: (severity, reasons, support, notes).
Positions = tuple[int, tuple[int, ...], tuple[int, ...], tuple[int, ...]]


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

    def positions(
        self,
        type_id: str,
        region_id: str,
        condition_ids: Iterable[str],
        setting: str | None,
    ) -> Positions:
        """The cell for conditions that apply in it (sites already checked): its severity
        and the positions of the rules listed as reasons (most severe first), support and
        notes (rule-base order)."""
        placed = self.part(type_id, region_id, setting, None)
        extra = [p for c in condition_ids if (p := self.part(type_id, region_id, setting, c))]
        if extra:
            placed = tuple(sorted(set(placed).union(*extra)))
        reasons = sorted((-severity, p) for p, where, severity in placed if where == REASON)
        return (
            -reasons[0][0] if reasons else 0,
            tuple(p for _, p in reasons),
            tuple(p for p, where, _ in placed if where == SUPPORT),
            tuple(p for p, where, _ in placed if where == NOTE),
        )

    def cell(
        self,
        type_id: str,
        region_id: str,
        conditions: Iterable[tuple[str, str | None]],
        setting: str | None,
    ) -> CellOutcome:
        """One massage type on one region for resolved conditions (id, site or None)."""
        severity, reasons, support, notes = self.positions(
            type_id,
            region_id,
            dict.fromkeys(c for c, site in conditions if site is None or site == region_id),
            setting,
        )
        rules = self.rules
        return CellOutcome(
            type_id,
            region_id,
            VERDICTS[severity],
            tuple(rules[p].id for p in reasons),
            tuple(rules[p].id for p in support),
            tuple(rules[p].id for p in notes),
        )

    def conflicts(self, fired: AbstractSet[str]) -> tuple[str, ...]:
        """The declared conflicts all of whose rules are among `fired` (reasons and support)."""
        return tuple(cid for cid, needed in self._conflicts if needed <= fired)

    @property
    def conflict_rules(self) -> frozenset[str]:
        """Every rule some conflict names."""
        return frozenset(r for _, needed in self._conflicts for r in needed)

    def screen(
        self,
        conditions: Sequence[tuple[str, str | None]],
        types: Sequence[str],
        regions: Sequence[str],
        setting: str | None,
    ) -> Outcome:
        """Screen resolved ids: `conditions` as (id, site or None); empty types or regions
        mean all of them. Ids must come from the rule base (resolve names first)."""
        cells = tuple(
            self.cell(type_id, region_id, conditions, setting)
            for type_id in tuple(dict.fromkeys(types)) or self.type_ids
            for region_id in tuple(dict.fromkeys(regions)) or self.region_ids
        )
        fired = {r for c in cells for r in (*c.reasons, *c.support)}
        return Outcome(cells, self.conflicts(fired))
