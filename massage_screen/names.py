"""Resolve the names people type (ids, labels, aliases) to catalogue ids; suggest, never guess."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from massage_screen.model import Ambiguity, Entry, GivenCondition, Patient, RuleBase

_IGNORED = re.compile(r"[\s\-_]+")


def normalise(name: str) -> str:
    """Case-folded, without spaces, hyphens or underscores: "Lower-back" -> "lowerback"."""
    return _IGNORED.sub("", name.casefold())


class InputError(ValueError):
    """The user's input cannot be understood; the message is one line, fit for stderr."""


class UnknownNameError(InputError):
    def __init__(self, noun: str, name: str, suggestions: tuple[str, ...]) -> None:
        self.noun, self.name, self.suggestions = noun, name, suggestions
        message = f'unknown {noun} "{name}"'
        if suggestions:
            message += "; did you mean: " + "; ".join(suggestions) + "?"
        else:
            message += f"; run `massage-screen list {_LIST_NAME.get(noun, noun)}` to see them all"
        super().__init__(message)


class AmbiguousNameError(InputError):
    """An everyday term that may mean several conditions: the user must pick one."""

    def __init__(self, name: str, ambiguity: Ambiguity) -> None:
        self.name, self.ambiguity = name, ambiguity
        choices = ", ".join(f"{c.condition} ({c.means})" for c in ambiguity.choices)
        super().__init__(f'"{name}" is ambiguous; give one of: {choices}')


_LIST_NAME = {
    "condition": "conditions",
    "massage type": "types",
    "region": "regions",
    "setting": "settings",
}


@dataclass(frozen=True)
class Catalogue:
    """One catalogue's names, indexed for exact (normalised) lookup and suggestions."""

    noun: str
    entries: tuple[Entry, ...]

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for entry in self.entries:
            for name in (entry.id, entry.label, *entry.aliases):
                index.setdefault(normalise(name), entry.id)
        object.__setattr__(self, "_index", index)

    @property
    def index(self) -> dict[str, str]:
        return self._index  # type: ignore[attr-defined, no-any-return]

    def resolve(self, name: str) -> str:
        """The id `name` names exactly (after normalising); raises UnknownNameError otherwise."""
        found = self.index.get(normalise(name))
        if found is None:
            raise UnknownNameError(self.noun, name, self.suggest(name))
        return found

    def suggest(self, name: str, limit: int = 5) -> tuple[str, ...]:
        """Close matches as "id [label]": names containing the input first, then similar ones."""
        wanted = normalise(name)
        ids: list[str] = []
        if len(wanted) >= 3:
            ids += [
                i for n, i in self.index.items() if wanted in n or (len(n) >= 4 and n in wanted)
            ]
        ids += [
            self.index[n]
            for n in difflib.get_close_matches(wanted, self.index, n=limit, cutoff=0.75)
        ]
        labels = {e.id: e.label for e in self.entries}
        unique = list(dict.fromkeys(ids))[:limit]
        return tuple(
            f"{i} [{labels[i]}]" if normalise(labels[i]) != normalise(i) else i for i in unique
        )


@dataclass(frozen=True)
class Names:
    """Name resolution for every catalogue of a rule base."""

    conditions: Catalogue
    massage_types: Catalogue
    regions: Catalogue
    settings: Catalogue
    ambiguities: tuple[Ambiguity, ...] = ()

    def __post_init__(self) -> None:
        index: dict[str, Ambiguity] = {}
        for ambiguity in self.ambiguities:
            for name in (ambiguity.term, *ambiguity.aliases):
                index.setdefault(normalise(name), ambiguity)
        object.__setattr__(self, "_ambiguous", index)

    @classmethod
    def of(cls, rule_base: RuleBase) -> Names:
        return cls(
            Catalogue("condition", rule_base.conditions),
            Catalogue("massage type", rule_base.massage_types),
            Catalogue("region", rule_base.regions),
            Catalogue("setting", rule_base.settings),
            rule_base.ambiguities,
        )

    def ambiguity(self, name: str) -> Ambiguity | None:
        """The ambiguous everyday term `name` names (term or alias), if any."""
        found: Ambiguity | None = self._ambiguous.get(normalise(name))  # type: ignore[attr-defined]
        return found

    def resolve_condition(self, name: str) -> str:
        """The condition id `name` names; raises AmbiguousNameError for an everyday term
        with several meanings, UnknownNameError for anything else unknown."""
        ambiguity = self.ambiguity(name)
        if ambiguity is not None:
            raise AmbiguousNameError(name, ambiguity)
        return self.conditions.resolve(name)

    def condition(self, given: str, rule_base: RuleBase) -> GivenCondition:
        """Parse "name" or "name@region". A site limits the verdict only for a local
        condition; on a condition of the whole body it is recorded (`whole_body`).
        Raises InputError (AmbiguousNameError, UnknownNameError) for what cannot be read."""
        text = given.strip()
        name, at, site_name = text.rpartition("@") if "@" in text else (text, "", "")
        name = name.strip()
        if not name:
            raise InputError(f'bad condition "{given}": expected NAME or NAME@REGION')
        condition_id = self.resolve_condition(name)
        if not at:
            return GivenCondition(condition_id, text)
        if not site_name.strip():
            raise InputError(f'bad condition "{given}": a region must follow "@"')
        site = self.regions.resolve(site_name.strip())
        whole_body = not rule_base.condition(condition_id).local
        return GivenCondition(condition_id, text, site, whole_body)

    def patient(
        self,
        rule_base: RuleBase,
        conditions: list[str],
        types: list[str],
        regions: list[str],
        setting: str | None,
    ) -> Patient:
        """Resolve everything the user typed into a Patient; raises InputError on the first
        unknown or ambiguous name (fail closed: nothing is guessed). A condition given twice
        (same id and site, in any words) is kept once, as first given."""
        given: dict[tuple[str, str | None], GivenCondition] = {}
        for typed in conditions:
            condition = self.condition(typed, rule_base)
            given.setdefault((condition.id, condition.site), condition)
        return Patient(
            conditions=tuple(given.values()),
            types=tuple(dict.fromkeys(self.massage_types.resolve(t) for t in types)),
            regions=tuple(dict.fromkeys(self.regions.resolve(r) for r in regions)),
            setting=self.settings.resolve(setting) if setting else None,
        )
