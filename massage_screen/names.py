"""Resolve the names people type (ids, labels, aliases) to catalogue ids; suggest, never guess."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from massage_screen.model import Entry, GivenCondition, Patient, RuleBase

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

    @classmethod
    def of(cls, rule_base: RuleBase) -> Names:
        return cls(
            Catalogue("condition", rule_base.conditions),
            Catalogue("massage type", rule_base.massage_types),
            Catalogue("region", rule_base.regions),
            Catalogue("setting", rule_base.settings),
        )

    def condition(self, given: str, rule_base: RuleBase) -> GivenCondition:
        """Parse "name" or "name@region"; a site is only valid for a local condition."""
        text = given.strip()
        name, at, site_name = text.rpartition("@") if "@" in text else (text, "", "")
        name = name.strip()
        if not name:
            raise InputError(f'bad condition "{given}": expected NAME or NAME@REGION')
        condition_id = self.conditions.resolve(name)
        if not at:
            return GivenCondition(condition_id, text)
        if not site_name.strip():
            raise InputError(f'bad condition "{given}": a region must follow "@"')
        site = self.regions.resolve(site_name.strip())
        if not rule_base.condition(condition_id).local:
            raise InputError(
                f'condition "{name}" is not local, so it cannot be limited to a region '
                f'("@{site_name.strip()}"); give it without a site'
            )
        return GivenCondition(condition_id, text, site)

    def patient(
        self,
        rule_base: RuleBase,
        conditions: list[str],
        types: list[str],
        regions: list[str],
        setting: str | None,
    ) -> Patient:
        """Resolve everything the user typed into a Patient; raises InputError on the first
        unknown name (fail closed: nothing is guessed)."""
        return Patient(
            conditions=tuple(self.condition(c, rule_base) for c in conditions),
            types=tuple(dict.fromkeys(self.massage_types.resolve(t) for t in types)),
            regions=tuple(dict.fromkeys(self.regions.resolve(r) for r in regions)),
            setting=self.settings.resolve(setting) if setting else None,
        )
