"""Resolve the names people type (ids, labels, aliases) to catalogue ids; suggest, never guess."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from massage_screen.model import Ambiguity, Entry, GivenCondition, Patient, RuleBase
from massage_screen.sanitise import one_line, shown

_IGNORED = re.compile(r"[\s\-_]+")

#: British spellings folded to American ones, each at the start of a word only (a letter
#: before it blocks the match), so that "tumour" meets "tumor" but nothing meets "discomfort".
#: Each stem is a spelling only a medical word has; both sides of every lookup are folded.
_SPELLINGS: dict[str, str] = {
    "haem": "hem",  # haematoma, haemorrhage, haemangioma, haemorrhoids
    "anaem": "anem",
    "ischaem": "ischem",
    "leukaem": "leukem",
    "septicaem": "septicem",
    "hyperaem": "hyperem",
    "hypoglycaem": "hypoglycem",
    "hyperglycaem": "hyperglycem",
    "oedem": "edem",
    "oesophag": "esophag",
    "oestr": "estr",
    "foet": "fet",
    "coeliac": "celiac",
    "diarrhoe": "diarrhe",
    "dyspnoe": "dyspne",
    "apnoe": "apne",
    "paediatr": "pediatr",
    "orthopaed": "orthoped",
    "gynaecolog": "gynecolog",
    "anaesth": "anesth",
    "aetiolog": "etiolog",
    "tumour": "tumor",
    "manoeuvr": "maneuver",
    "fibre": "fiber",
    "centre": "center",
    "behaviour": "behavior",
    "ageing": "aging",
}
#: "disc" only as a word of its own or in the spine's own compounds, never in "discomfort".
_DISC = re.compile(r"(?<![a-z])disc(?=s?(?![a-z])|ogenic|opathy|ectomy|itis)")
_STEMS = re.compile(r"(?<![a-z])(" + "|".join(sorted(_SPELLINGS, key=len, reverse=True)) + ")")


def fold_spelling(text: str) -> str:
    """`text` (case-folded) with British spellings of medical words made American:
    "haematoma of the disc" -> "hematoma of the disk"."""
    text = _STEMS.sub(lambda m: _SPELLINGS[m.group(1)], text)
    return _DISC.sub("disk", text)


def normalise(name: str) -> str:
    """Case-folded, spelling-folded, without spaces, hyphens or underscores:
    "Lower-back" -> "lowerback", "Haematoma" -> "hematoma"."""
    return _IGNORED.sub("", fold_spelling(name.casefold()))


# --- opposites: a suggestion never crosses one ------------------------------------------------

#: Axes of meaning whose poles are opposites (or distinct stages). Each pole is a pattern for
#: whole words. A suggestion whose words take a pole of an axis the input takes, but none of
#: the input's poles there, says the opposite of what was typed and is not offered.
_AXES: dict[str, dict[str, str]] = {
    "level": {
        "low": r"low|lowered|decreased|reduced|hypo[a-z]*",
        "high": r"high|raised|elevated|increased|hyper[a-z]*",
    },
    "nature": {
        "benign": r"benign|noncancerous|nonmalignant",
        "malignant": r"malignant|malignancy|cancer[a-z]*|carcinoma[a-z]*|sarcoma[a-z]*"
        r"|oncolog[a-z]*|metasta[a-z]*|melanoma",
    },
    "course": {"acute": r"acute", "subacute": r"subacute", "chronic": r"chronic|longstanding"},
    "activity": {"active": r"active", "inactive": r"inactive|latent|dormant"},
    "stage": {
        "remission": r"remission|remitting|calm",
        "flare": r"flare|flares|flareup|flareups|exacerbation[a-z]*|exacerbated|relapse[a-z]*"
        r"|aggravation|aggravated",
    },
    "position": {"upper": r"upper|top", "lower": r"lower|low|bottom", "middle": r"mid|middle"},
    "severity": {
        "mild": r"mild|slight|minor|small",
        "severe": r"severe|serious|major|large|big|heavy",
    },
    "onset": {"early": r"early|initial|beginning", "late": r"late|later|advanced"},
    "healing": {
        "recent": r"recent|fresh|new|unhealed",
        "healed": r"healed|recovered|old|past|former",
    },
    "time": {
        "before": r"before|pre|preoperative|prenatal",
        "after": r"after|post|postoperative|postnatal|postpartum",
    },
}
_POLE_WORDS = [
    (axis, pole, re.compile(f"(?:{pattern})"))
    for axis, poles in _AXES.items()
    for pole, pattern in poles.items()
]
_NEGATIONS = frozenset({"non", "not", "no", "un"})
_WORD = re.compile(r"[a-z]+")


def poles(name: str) -> frozenset[tuple[str, str]]:
    """The (axis, pole) pairs the words of `name` take: "low blood pressure" ->
    {("level", "low"), ("position", "lower")}. A negation ("non", "not") before a word of a
    two-pole axis takes the other pole: "non-malignant" is benign."""
    found: set[tuple[str, str]] = set()
    negate = False
    for word in _WORD.findall(fold_spelling(name.casefold())):
        if word in _NEGATIONS:
            negate = True
            continue
        if word.startswith("non") and not any(p.fullmatch(word) for _, _, p in _POLE_WORDS):
            word, negate = word[3:], True
        for axis, pole, pattern in _POLE_WORDS:
            if pattern.fullmatch(word):
                others = [p for p in _AXES[axis] if p != pole]
                found.add((axis, others[0]) if negate and len(others) == 1 else (axis, pole))
        negate = False
    return frozenset(found)


def crosses_opposite(typed: str, suggestion: str) -> bool:
    """Whether `suggestion` takes a pole of some axis `typed` takes, and none of typed's:
    "hypotension" -> "hypertension" crosses; "tumour" -> "benign tumour" does not."""
    mine, theirs = poles(typed), poles(suggestion)
    for axis in {a for a, _ in mine}:
        here = {p for a, p in mine if a == axis}
        there = {p for a, p in theirs if a == axis}
        if there and not here & there:
            return True
    return False


# --- negations and the disease word: a suggestion keeps both -----------------------------------

#: Words and phrases that say the person does not have (or no longer has) what follows:
#: "no fever", "not pregnant", "after pregnancy", "free of cancer", "history of stroke".
_NEGATION = re.compile(
    r"(?<![a-z])(?:no|not|non|without|never|none|free\s+of|no\s+longer|after|post|past"
    r"|former|formerly|ex|history\s+of|recovered|cured|gone|denies|negative)(?![a-z])"
    r"|(?<![a-z])post(?=partum|natal|pregnan|operat|op(?![a-z])|surg|infect|stroke)"
)

#: Words that say what kind of thing or which stage, not which disease: a suggestion similar
#: only in these ("kidney disease" -> "skin disease") names another disease.
_GENERIC = frozenset(
    re.split(
        r"\s+",
        """disease diseases disorder disorders condition conditions problem problems syndrome
        illness illnesses pathology pathologies pain pains ache aches stage stages period phase
        state in of the a an and or with on at my his her from for to by its type form
        remission exacerbation flare flareup attack calm acute chronic subacute active inactive
        high low raised severe mild""".strip(),
    )
)

_GLUED = sorted((w for w in _GENERIC if len(w) >= 4), key=len, reverse=True)

#: Endings that name different kinds of disease: "arthritis" (inflammation) is not
#: "arthrosis" (wear), however few letters differ.
_KIND_ENDINGS = ("itis", "osis", "oma", "emia", "algia", "pathy", "plasia", "ectomy")


def negated(name: str) -> bool:
    """Whether `name` says the condition is absent or over: "no fever", "not pregnant",
    "no longer pregnant", "after pregnancy", "post-op", "history of cancer"."""
    return bool(_NEGATION.search(fold_spelling(name.casefold())))


def drops_negation(typed: str, suggestion: str) -> bool:
    """Whether `suggestion` would drop a negation `typed` has: "no fever" -> "fever"."""
    return negated(typed) and not negated(suggestion)


def disease_words(name: str) -> frozenset[str]:
    """The words of `name` that say which disease or which part of the body, without
    negations, stages, kinds and the like: "kidney disease in remission" -> {"kidney"}."""
    text = _NEGATION.sub(" ", fold_spelling(name.casefold()))
    words = set()
    for word in _WORD.findall(text):
        for generic in _GLUED:  # "kidneydisease": the generic word glued on is still generic
            if word.endswith(generic) and len(word) - len(generic) >= 3:
                word = word[: -len(generic)]
        if len(word) >= 3 and word not in _GENERIC and not _is_pole(word):
            words.add(word)
    return frozenset(words)


def _is_pole(word: str) -> bool:
    return any(pattern.fullmatch(word) for _, _, pattern in _POLE_WORDS)


def _ending(word: str) -> str | None:
    return next((e for e in _KIND_ENDINGS if word.endswith(e)), None)


def _same_word(typed: str, other: str) -> bool:
    """A typo of the same word, or one containing the other; never two kinds of disease."""
    if typed == other:
        return True
    mine, theirs = _ending(typed), _ending(other)
    if mine and theirs and mine != theirs:
        return False
    if len(typed) >= 4 and other.startswith(typed):
        return True  # typing cut short: "pregnan"
    if len(typed) >= 4 and typed in other:
        return False  # a narrower disease: "arthritis" is not "osteoarthritis"
    # a typo changes a letter or two: longer words must be closer ("highbloodpresure" is
    # not "highbloodsugar", 0.8)
    cutoff = 0.75 if max(len(typed), len(other)) < 10 else 0.85
    return difflib.SequenceMatcher(None, typed, other).ratio() >= cutoff


def swaps_disease(typed: str, suggestion: str) -> bool:
    """Whether `suggestion` names another disease than `typed`: typed names a disease word
    (see `disease_words`) and the suggestion shares none of them, even as a typo.
    "kidney disease" -> "skin disease" and "leukaemia in remission" -> "osteochondrosis in
    remission" swap; "hypertensoin" -> "hypertension" does not. Glued words ("kidneydisease")
    are compared whole."""
    mine = disease_words(typed)
    if not mine:
        return False
    theirs = disease_words(suggestion) | {normalise(suggestion)}
    return not any(_same_word(m, t) for m in mine for t in theirs)


def plausible(typed: str, names: tuple[str, ...]) -> bool:
    """Whether a suggestion known by `names` (the name that matched, then its id and label)
    may be offered for `typed`: it crosses no opposite, drops no negation, and names the
    same disease as the name that matched."""
    matched = names[0]
    if any(crosses_opposite(typed, other) for other in names):
        return False
    if drops_negation(typed, matched):
        return False
    return not swaps_disease(typed, matched)


class InputError(ValueError):
    """The user's input cannot be understood; the message is one line, fit for stderr.

    Whatever the message holds, it is made one line and bounded here (see
    `sanitise.one_line`): control characters escaped, cut after MESSAGE_LIMIT characters."""

    def __init__(self, message: str = "") -> None:
        super().__init__(one_line(str(message)))


class UnknownNameError(InputError):
    def __init__(self, noun: str, name: str, suggestions: tuple[str, ...]) -> None:
        self.noun, self.name, self.suggestions = noun, name, suggestions
        message = f'unknown {noun} "{shown(name)}"'
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
        super().__init__(f'"{shown(name)}" is ambiguous; give one of: {choices}')


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
        spelled: dict[str, str] = {}  # normalised name -> the name as the catalogue spells it
        for entry in self.entries:
            for name in (entry.id, entry.label, *entry.aliases):
                normal = normalise(name)
                index.setdefault(normal, entry.id)
                spelled.setdefault(normal, name)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_spelled", spelled)
        object.__setattr__(self, "_labels", {e.id: e.label for e in self.entries})

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
        """Close matches as "id [label]": names containing the input first, then similar ones.

        Never one that crosses an opposite of the input (low/high, hypo/hyper,
        benign/malignant, acute/chronic, active/inactive, remission/flare-up, ...), judged on
        the name that matched and on the entry's id and label; never one that drops a
        negation ("no fever" -> fever) or names another disease ("kidney disease" -> skin
        disease); see `plausible`.
        """
        wanted = normalise(name)
        matched: list[str] = []  # normalised names, best first
        if len(wanted) >= 3:
            matched += [n for n in self.index if wanted in n or (len(n) >= 4 and n in wanted)]
        matched += difflib.get_close_matches(wanted, self.index, n=limit * 3, cutoff=0.75)
        spelled: dict[str, str] = self._spelled  # type: ignore[attr-defined]
        labels: dict[str, str] = self._labels  # type: ignore[attr-defined]
        ids: list[str] = []
        for normal in matched:
            entry_id = self.index[normal]
            if entry_id in ids or not plausible(
                name, (spelled[normal], entry_id, labels[entry_id])
            ):
                continue
            ids.append(entry_id)
        return tuple(
            f"{i} [{labels[i]}]" if normalise(labels[i]) != normalise(i) else i for i in ids[:limit]
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
        spelled: dict[str, str] = {}
        for ambiguity in self.ambiguities:
            for name in (ambiguity.term, *ambiguity.aliases):
                index.setdefault(normalise(name), ambiguity)
                spelled.setdefault(normalise(name), name)
        object.__setattr__(self, "_ambiguous", index)
        object.__setattr__(self, "_ambiguous_spelled", spelled)

    @classmethod
    def of(cls, rule_base: RuleBase) -> Names:
        """The names of `rule_base`, built once per rule base and kept on it (so the compiled
        cache, which pickles the rule base after its cases ran, stores them too)."""
        names = rule_base.__dict__.get("_names")
        if isinstance(names, cls):
            return names
        names = cls(
            Catalogue("condition", rule_base.conditions),
            Catalogue("massage type", rule_base.massage_types),
            Catalogue("region", rule_base.regions),
            Catalogue("setting", rule_base.settings),
            rule_base.ambiguities,
        )
        object.__setattr__(rule_base, "_names", names)
        return names

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
        try:
            return self.conditions.resolve(name)
        except UnknownNameError as error:
            terms = self.suggest_terms(name)
            if not terms:
                raise
            suggestions = (*terms, *error.suggestions)[:5]
            raise UnknownNameError("condition", name, suggestions) from None

    def suggest_terms(self, name: str, limit: int = 2) -> tuple[str, ...]:
        """Ambiguous terms close to `name`, as '"term" (ambiguous)', never across an opposite."""
        index: dict[str, Ambiguity] = self._ambiguous  # type: ignore[attr-defined]
        wanted = normalise(name)
        close = difflib.get_close_matches(wanted, index, n=limit * 3, cutoff=0.75)
        if len(wanted) >= 3:
            close = [n for n in index if wanted in n] + close
        spelled: dict[str, str] = self._ambiguous_spelled  # type: ignore[attr-defined]
        found: dict[str, str] = {}  # term -> the closest of its names
        for normal in close:
            term = index[normal].term
            if term not in found and plausible(name, (spelled[normal], term)):
                found[term] = spelled[normal]
        return tuple(f'"{term}" (ambiguous)' for term in list(found.values())[:limit])

    def condition(self, given: str, rule_base: RuleBase) -> GivenCondition:
        """Parse "name" or "name@region". A site limits the verdict only for a local
        condition; on a condition of the whole body it is recorded (`whole_body`).
        Raises InputError (AmbiguousNameError, UnknownNameError) for what cannot be read."""
        text = given.strip()
        name, at, site_name = text.rpartition("@") if "@" in text else (text, "", "")
        name = name.strip()
        if not name:
            raise InputError(f'bad condition "{shown(given)}": expected NAME or NAME@REGION')
        condition_id = self.resolve_condition(name)
        if not at:
            return GivenCondition(condition_id, text)
        if not site_name.strip():
            raise InputError(f'bad condition "{shown(given)}": a region must follow "@"')
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
        (same id and, for a local one, same site, in any words) is kept once, as first given."""
        given: dict[tuple[str, str | None], GivenCondition] = {}
        for typed in conditions:
            condition = self.condition(typed, rule_base)
            site = condition.site if condition.site_limits else None
            given.setdefault((condition.id, site), condition)
        return Patient(
            conditions=tuple(given.values()),
            types=tuple(dict.fromkeys(self.massage_types.resolve(t) for t in types)),
            regions=tuple(dict.fromkeys(self.regions.resolve(r) for r in regions)),
            setting=self.settings.resolve(setting) if setting is not None else None,
        )
