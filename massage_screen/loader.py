"""Load the YAML rule base into the model, validating everything and reporting every problem.

Three parts: `yaml_reader` reads each file into data that keeps line marks, `seeds` finds
quotes in the articles, and this module validates records against one declarative field
spec per record type (`SPECS`), then checks what the records mean together.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from massage_screen.model import (
    ALLOWED_EFFECTS,
    Ambiguity,
    Case,
    Choice,
    Citation,
    Conflict,
    Effect,
    Entry,
    Gate,
    Kind,
    LeftOut,
    QuestionItem,
    RegionWord,
    Rule,
    RuleBase,
    Scope,
    Verdict,
)
from massage_screen.names import normalise
from massage_screen.seeds import Seed, load_seeds
from massage_screen.yaml_reader import MarkedList, MarkedMap, YamlError, read_yaml_file

__all__ = [
    "Problem",
    "RuleBaseError",
    "Seed",
    "default_rules_dir",
    "iter_citations",
    "load_rule_base",
]

#: Whether a rule that no case (other than a todo case) names in `fires` is a rule-base
#: error (`rule-without-case`), or only counted by `validate` (while cases are being written).
RULE_WITHOUT_CASE_IS_ERROR = True

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CATALOGUES = (
    ("conditions.yaml", "conditions", "condition"),
    ("massage-types.yaml", "massage_types", "massage type"),
    ("regions.yaml", "regions", "region"),
    ("settings.yaml", "settings", "setting"),
)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the rule base, located like a linter's message."""

    file: str
    line: int
    column: int
    message: str
    code: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: error: {self.message} [{self.code}]"


class RuleBaseError(Exception):
    """The rule base is invalid; `problems` lists everything found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def default_rules_dir() -> Path:
    """The bundled rule base: inside the installed package, or the repository's `rules/`."""
    packaged = Path(__file__).parent / "data" / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def is_directory(path: Path) -> bool:
    """True when `path` is a directory; False also when it cannot be looked at at all (a name
    too long for the file system, a permission denied on the way), where `Path.is_dir`
    raises."""
    try:
        return path.is_dir()
    except OSError:
        return False


def load_rule_base(rules_dir: Path | None = None, seeds_dir: Path | None = None) -> RuleBase:
    """Load and validate the rule base in `rules_dir` (default: the bundled one).

    Quotes are looked up in `seeds_dir` (default: `seeds/` beside `rules_dir`, or the
    bundled seeds when there is none).
    Raises RuleBaseError listing every problem found.
    """
    rules_dir = rules_dir or default_rules_dir()
    if seeds_dir is None:
        seeds_dir = rules_dir.parent / "seeds"
        if not is_directory(seeds_dir):
            seeds_dir = default_rules_dir().parent / "seeds"
    rule_base = _Loader(rules_dir, seeds_dir).load()
    if not rule_base.digest:
        rule_base = dataclasses.replace(rule_base, digest=content_digest(rules_dir, seeds_dir))
    return rule_base


def content_digest(rules_dir: Path, seeds_dir: Path) -> str:
    """ "sha256:<hex>" over the names and bytes of every rule file and seed, in name order:
    the same files give the same digest wherever they are installed."""
    digest = hashlib.sha256()
    for label, root, pattern in ((b"rules", rules_dir, "*.y*ml"), (b"seeds", seeds_dir, "*.txt")):
        for path in sorted(p for p in root.rglob(pattern) if p.is_file()):
            name = label + b"/" + path.relative_to(root).as_posix().encode()
            data = path.read_bytes()
            digest.update(b"%s\0%d\0%s\0" % (name, len(data), data))
    return "sha256:" + digest.hexdigest()


def iter_citations(rule_base: RuleBase) -> Iterator[tuple[str, Citation]]:
    """Every citation in the rule base with what cites it (a rule id or "left-out")."""
    for rule in rule_base.rules:
        for citation in rule.citations:
            yield rule.id, citation
    for left in rule_base.left_out:
        yield "left-out", left.citation


# --- the declarative field spec ----------------------------------------------------------------


class Field(enum.Enum):
    """What a field's value must be."""

    TEXT = "a non-empty string"
    TEXTS = "a list of strings"  # a single string counts as a list of one
    FLAG = "true or false"
    MAPPING = "a mapping"
    LIST = "a list"


@dataclass(frozen=True)
class Spec:
    """One record type: its noun in messages, the field naming it, and every field allowed
    (with its type); `required` lists the fields that must be there."""

    noun: str
    fields: Mapping[str, Field | type[enum.Enum]]
    required: frozenset[str] = frozenset()
    named_by: str | None = "id"


def _spec(
    noun: str,
    required: dict[str, Field | type[enum.Enum]],
    optional: dict[str, Field | type[enum.Enum]] | None = None,
    named_by: str | None = "id",
) -> Spec:
    return Spec(noun, {**required, **(optional or {})}, frozenset(required), named_by)


T, TS, L = Field.TEXT, Field.TEXTS, Field.LIST
SPECS: dict[str, Spec] = {
    **{
        f"{key} catalogue": _spec("catalogue", {key: L}, named_by=None)
        for _, key, _ in CATALOGUES
        if key != "regions"
    },
    "regions catalogue": _spec("catalogue", {"regions": L}, {"words": L}, named_by=None),
    "condition": _spec("condition", {"id": T, "label": T}, {"aliases": TS, "local": Field.FLAG}),
    "massage type": _spec("massage type", {"id": T, "label": T}, {"aliases": TS}),
    "region": _spec("region", {"id": T, "label": T}, {"aliases": TS}),
    "setting": _spec("setting", {"id": T, "label": T}, {"aliases": TS}),
    "region word": _spec(
        "region word", {"id": T, "word": T, "source": T, "regions": TS, "citations": L}
    ),
    "citation": _spec("citation", {"source": T, "quote": T}, named_by=None),
    "rule file": _spec("rule file", {}, {"rules": L, "cases": L}, named_by=None),
    "rule": _spec(
        "rule",
        {"id": T, "kind": Kind, "effect": Effect, "advice": T, "citations": L},
        {"conditions": TS, "scope": Field.MAPPING, "until": T},
    ),
    "scope": _spec("scope", {}, {"regions": TS, "types": TS, "settings": TS}, named_by=None),
    "case": _spec(
        "case",
        {"name": T},
        {
            "conditions": TS,
            "types": TS,
            "regions": TS,
            "setting": T,
            "expect": Field.MAPPING,
            "conflicts": TS,
            "todo": T,
            "fires": TS,
            "silent": TS,
        },
        named_by="name",
    ),
    "conflicts file": _spec("conflicts file", {}, {"conflicts": L}, named_by=None),
    "conflict": _spec("conflict", {"id": T, "rules": TS, "summary": T}, {"condition": T}),
    "left-out file": _spec("left-out file", {}, {"left_out": L}, named_by=None),
    "left-out passage": _spec(
        "left-out passage", {"source": T, "quote": T, "reason": T}, named_by=None
    ),
    "questionnaire": _spec("questionnaire", {}, {"gates": L}, named_by=None),
    "gate": _spec("gate", {"id": T, "question": T, "items": L}),
    "item": _spec("item", {"text": T}, {"condition": T, "term": T}, named_by=None),
    "ambiguous terms": _spec("ambiguous terms", {}, {"ambiguous": L}, named_by=None),
    "ambiguous term": _spec(
        "ambiguous term", {"term": T, "question": T, "choices": L}, {"aliases": TS}, "term"
    ),
    "choice": _spec("choice", {"condition": T, "means": T}, named_by=None),
}


@dataclass
class Record:
    """A validated record: `values` holds each field present with a value of the right type
    (strings stripped, enums converted); `node` keeps the marks for later messages."""

    what: str  # how messages name it: 'rule "x"', or the noun when it has no name
    node: MarkedMap
    values: dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


# --- the loader --------------------------------------------------------------------------------


def _same_dir(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except (OSError, RuntimeError):
        return False


def display_path(path: Path) -> str:
    """`path` as it opens from the current directory: relative to it when below it,
    otherwise absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):
        return absolute.as_posix()


class _Loader:
    def __init__(self, rules_dir: Path, seeds_dir: Path) -> None:
        self.rules_dir = rules_dir
        self.seeds_dir = seeds_dir
        self.problems: list[Problem] = []
        self.seeds: dict[str, Seed] = {}
        self.broken_seeds: set[str] = set()  # seeds that exist but could not be read
        # the bundled rule base's files are shown as "rules/..."; any other as a path that
        # opens from the current directory (relative to it when below it, else absolute)
        self.display_root: Path | None = (
            rules_dir.parent if _same_dir(rules_dir, default_rules_dir()) else None
        )
        self.rule_nodes: dict[str, tuple[str, MarkedMap]] = {}  # rule id -> where it is
        self.words: dict[str, RegionWord] = {}
        self.broken_words: set[str] = set()  # region words already reported as invalid
        self.unreadable_rules = False  # a rule file failed to parse: skip rule references

    # problems -------------------------------------------------------------------------------

    def _display(self, path: Path) -> str:
        if self.display_root is not None:
            try:
                return path.relative_to(self.display_root).as_posix()
            except ValueError:
                pass
        return display_path(path)

    def problem(self, file: str, at: Any, message: str, code: str, key: str | None = None) -> None:
        line, column = getattr(at, "line", 1), getattr(at, "column", 1)
        if key is not None and isinstance(at, MarkedMap) and key in at.marks:
            line, column = at.marks[key]
        self.problems.append(Problem(file, line, column, message, code))

    def read(self, path: Path, *, optional: bool = False) -> MarkedMap | None:
        """The top-level mapping of the YAML file at `path`, or None (with a problem)."""
        file = self._display(path)
        try:
            data = read_yaml_file(path)
        except FileNotFoundError:
            if not optional:
                self.problems.append(Problem(file, 1, 1, "file is missing", "missing-file"))
            return None
        except YamlError as error:
            self.problems.append(Problem(file, error.line, error.column, error.message, error.code))
            return None
        if not isinstance(data, MarkedMap):
            self.problems.append(
                Problem(file, 1, 1, "expected a mapping at the top level", "bad-type")
            )
            return None
        return data

    # records, by their spec -----------------------------------------------------------------

    def record(self, file: str, kind: str, node: Any, prefix: str = "") -> Record | None:
        """Check `node` against the spec of `kind`: a mapping, no field missing or unknown,
        every value of its type. None when it is not a mapping; otherwise the valid values."""
        spec = SPECS[kind]
        name = node.get(spec.named_by) if spec.named_by and isinstance(node, MarkedMap) else None
        named = isinstance(name, str) and name.strip()
        what = f'{spec.noun} "{name.strip()}"' if named else spec.noun  # type: ignore[union-attr]
        what = f"{prefix}{what}"
        if not isinstance(node, MarkedMap):
            self.problem(file, node, f"{what}: expected a mapping", "bad-type")
            return None
        for key in sorted(spec.required - node.keys()):
            self.problem(file, node, f'{what}: missing field "{key}"', "missing-field")
        values: dict[str, Any] = {}
        for key, value in node.items():
            field = spec.fields.get(key)
            if field is None:
                self.problem(file, node, f'{what}: unknown field "{key}"', "unknown-field", key)
                continue
            if value is None:
                continue
            checked = self.check_value(file, what, node, key, value, field)
            if checked is not None:
                values[key] = checked
        return Record(what, node, values)

    def check_value(
        self, file: str, what: str, node: MarkedMap, key: str, value: Any, field: Any
    ) -> Any:
        if isinstance(field, enum.EnumMeta):
            try:
                return field(value)
            except ValueError:
                members: list[enum.Enum] = list(field)
                choices = ", ".join(str(m.value) for m in members)
                self.problem(
                    file,
                    node,
                    f'{what}: {key} "{value}" is not one of {choices}',
                    f"bad-{key}",
                    key,
                )
                return None
        if field is Field.TEXT and isinstance(value, str) and value.strip():
            return value.strip()
        if field is Field.TEXTS:
            items = [value] if isinstance(value, str) else value
            if isinstance(items, list) and all(isinstance(v, str) for v in items):
                return tuple(v.strip() for v in items)
        if field is Field.FLAG and isinstance(value, bool):
            return value
        if field is Field.MAPPING and isinstance(value, MarkedMap):
            return value
        if field is Field.LIST and isinstance(value, MarkedList):
            return value
        message = {
            Field.TEXT: f'{what}: field "{key}" must be a non-empty string',
            Field.TEXTS: f'{what}: field "{key}" must be a list of strings',
            Field.FLAG: f'{what}: field "{key}" must be true or false',
            Field.MAPPING: f'{what}: field "{key}" must be a mapping',
            Field.LIST: f'{what}: "{key}" must be a list',
        }[field]
        self.problem(file, node, message, "bad-type", key)
        return None

    def document(self, path: Path, kind: str, *, optional: bool = False) -> Record | None:
        """A whole file as a record of `kind` (its top-level fields)."""
        data = self.read(path, optional=optional)
        if data is None:
            return None
        return self.record(self._display(path), kind, data)

    # loading --------------------------------------------------------------------------------

    def load(self) -> RuleBase:
        if not is_directory(self.rules_dir):
            raise RuleBaseError(
                [
                    Problem(
                        self._display(self.rules_dir),
                        1,
                        1,
                        "rule base directory is missing",
                        "missing-file",
                    )
                ]
            )
        self.load_seed_index()

        catalogues = [self.load_catalogue(*spec) for spec in CATALOGUES]
        conditions, types, regions, settings = catalogues
        known = {
            "condition": {e.id for e in conditions},
            "massage type": {e.id for e in types},
            "region": {e.id for e in regions},
            "setting": {e.id for e in settings},
        }
        region_words = tuple(self.words.values())

        rules: list[Rule] = []
        cases: list[tuple[str, Record, Case]] = []
        groups = sorted((self.rules_dir / "groups").glob("*.yaml"))
        if not groups:
            self.problems.append(
                Problem(
                    self._display(self.rules_dir / "groups"),
                    1,
                    1,
                    "no rule files found",
                    "missing-file",
                )
            )
        for path in groups:
            document = self.document(path, "rule file")
            if document is None:
                self.unreadable_rules = True
                continue
            file = self._display(path)
            for node in document.get("rules", ()):
                rule = self.load_rule(file, node, known)
                if rule is not None:
                    rules.append(rule)
            for node in document.get("cases", ()):
                loaded = self.load_case(file, node)
                if loaded is not None:
                    cases.append((file, *loaded))
        if not self.unreadable_rules:
            for file, record, case in cases:
                self.check_case_rules(file, record, case)
            if RULE_WITHOUT_CASE_IS_ERROR:
                self.check_rules_have_cases([case for _, _, case in cases])

        conflicts = self.load_conflicts({r.id: r for r in rules}, known["condition"])
        left_out = self.load_left_out()
        ambiguities = self.load_ambiguities(conditions)
        gates = self.load_questionnaire(known["condition"], {a.term for a in ambiguities})

        if self.problems:
            raise RuleBaseError(self.problems)
        return RuleBase(
            conditions=conditions,
            massage_types=types,
            regions=regions,
            settings=settings,
            rules=tuple(rules),
            conflicts=conflicts,
            left_out=left_out,
            cases=tuple(case for _, _, case in cases),
            gates=gates,
            ambiguities=ambiguities,
            region_words=region_words,
        )

    def load_seed_index(self) -> None:
        if is_directory(self.seeds_dir):
            self.seeds, errors = load_seeds(self.seeds_dir)
            for error in errors:
                self.broken_seeds.add(error.path.name)
                self.problems.append(
                    Problem(
                        self._display(error.path),
                        error.line,
                        error.column,
                        error.message,
                        "bad-seed",
                    )
                )
        if not self.seeds and not self.broken_seeds:
            self.problems.append(
                Problem(
                    self._display(self.seeds_dir), 1, 1, "no seed articles found", "missing-file"
                )
            )

    # catalogues -----------------------------------------------------------------------------

    def load_catalogue(self, filename: str, key: str, noun: str) -> tuple[Entry, ...]:
        path = self.rules_dir / filename
        data = self.read(path)
        if data is None:
            return ()
        file = self._display(path)
        document = self.record(file, f"{key} catalogue", data)
        assert document is not None  # data is a mapping
        entries: dict[str, Entry] = {}
        claimed: dict[str, tuple[str, str]] = {}  # normalised name -> (entry id, name)
        for node in document.get(key, ()):
            record = self.record(file, noun, node)
            if record is None:
                continue
            entry_id, label = record.get("id"), record.get("label")
            if entry_id is None or label is None:
                continue
            what = record.what
            if not ID_PATTERN.match(entry_id):
                self.problem(file, node, f"{what}: id must be kebab-case", "bad-id", "id")
            aliases: tuple[str, ...] = record.get("aliases", ())
            if entry_id in entries:
                self.problem(file, node, f"{what}: id already used", "duplicate-id", "id")
                continue
            for name in dict.fromkeys((entry_id, label, *aliases)):
                normal = normalise(name)
                owner, spelled = claimed.get(normal, (entry_id, name))
                if owner != entry_id:
                    spelling = f' (as "{spelled}")' if _plain(spelled) != _plain(name) else ""
                    self.problem(
                        file,
                        node,
                        f'{what}: name "{name}" is already claimed by {noun} "{owner}"' + spelling,
                        "duplicate-alias",
                        "aliases" if name in aliases else "label",
                    )
                claimed.setdefault(normal, (entry_id, name))
            entries[entry_id] = Entry(entry_id, label, aliases, record.get("local", False))
        if key == "regions":
            self.load_region_words(file, document.get("words", ()), set(entries))
        return tuple(entries.values())

    def load_region_words(self, file: str, nodes: list[Any], regions: set[str]) -> None:
        for node in nodes:
            record = self.record(file, "region word", node)
            if record is None or record.get("id") is None:
                continue
            word_id, what = record.get("id"), record.what
            if not ID_PATTERN.match(word_id):
                self.problem(file, node, f"{what}: id must be kebab-case", "bad-id", "id")
            if word_id in self.words or word_id in regions:
                self.problem(file, node, f"{what}: id already used", "duplicate-id", "id")
                continue
            word_regions: tuple[str, ...] = record.get("regions", ())
            if "regions" in record.values and not word_regions:
                self.problem(
                    file, node, f'{what}: "regions" must be a non-empty list', "bad-type", "regions"
                )
            self.check_refs(file, what, node, "regions", word_regions, regions, "region")
            source = record.get("source")
            if source is not None:
                source = self.seed_name(file, node, what, source)
            citations = self.citations(file, record)
            for cite, citation in zip(record.get("citations", ()), citations, strict=False):
                if source is not None and citation.source != f"seeds/{source}":
                    self.problem(
                        file,
                        cite,
                        f"{what}: a defining passage must come from its source {source}",
                        "region-word-source",
                        "source",
                    )
            word = record.get("word")
            if word is None or source is None or not word_regions or not citations:
                self.broken_words.add(word_id)
                continue
            self.words[word_id] = RegionWord(word_id, word, source, word_regions, citations)

    # citations ------------------------------------------------------------------------------

    def seed_name(self, file: str, node: Any, what: str, source: str) -> str | None:
        """The seed file a `source` field names ("seeds/" optional), or None after reporting
        it unknown (a seed that could not be read was reported already)."""
        name = source.removeprefix("seeds/")
        if name in self.seeds:
            return name
        if name not in self.broken_seeds:
            self.problem(
                file,
                node,
                f'{what}: unknown source "{name}" (not in seeds/)',
                "unknown-source",
                "source",
            )
        return None

    def citations(self, file: str, record: Record) -> tuple[Citation, ...]:
        value = record.get("citations")
        if value is None:
            return ()
        if not value:
            self.problem(
                file,
                record.node,
                f'{record.what}: "citations" must be a non-empty list',
                "bad-type",
                "citations",
            )
            return ()
        found = (self.citation(file, record.what, cite) for cite in value)
        return tuple(c for c in found if c is not None)

    def citation(self, file: str, what: str, node: Any, kind: str = "citation") -> Citation | None:
        record = self.record(file, kind, node, f"{what}: " if kind == "citation" else "")
        if record is None:
            return None
        source, quote = record.get("source"), record.get("quote")
        if source is None or quote is None:
            return None
        source = self.seed_name(file, node, what, source)
        if source is None:
            return None
        seed = self.seeds[source]
        lines = seed.find(quote)
        if lines is None:
            self.problem(
                file, node, f"{what}: quote not found in seeds/{source}", "bad-citation", "quote"
            )
            return None
        return Citation(f"seeds/{source}", lines[0], " ".join(quote.split()), lines[1])

    # rules ----------------------------------------------------------------------------------

    def load_rule(self, file: str, node: Any, known: dict[str, set[str]]) -> Rule | None:
        record = self.record(file, "rule", node)
        if record is None or record.get("id") is None:
            return None
        rule_id, what = record.get("id"), record.what
        if rule_id in self.rule_nodes:
            self.problem(
                file,
                node,
                f"{what}: id already used in {self.rule_nodes[rule_id][0]}",
                "duplicate-id",
                "id",
            )
        self.rule_nodes.setdefault(rule_id, (file, node))
        if not ID_PATTERN.match(rule_id):
            self.problem(file, node, f"{what}: id must be kebab-case", "bad-id", "id")

        conditions: tuple[str, ...] = record.get("conditions", ())
        self.check_refs(file, what, node, "conditions", conditions, known["condition"], "condition")
        kind, effect = record.get("kind"), record.get("effect")
        if kind is not None and effect is not None and effect not in ALLOWED_EFFECTS[kind]:
            allowed = " or ".join(sorted(e.value for e in ALLOWED_EFFECTS[kind]))
            self.problem(
                file,
                node,
                f"{what}: a {kind.value} rule must have effect {allowed}",
                "bad-effect",
                "effect",
            )
        until = record.get("until")
        if kind is Kind.TEMPORARY and until is None:
            self.problem(
                file,
                node,
                f'{what}: a temporary rule needs "until" (what must pass first)',
                "missing-until",
            )
        scope, words = self.scope(file, record, known)
        citations = self.citations(file, record)
        cited = {c.source for c in citations}
        for word in words:
            if citations and f"seeds/{word.source}" not in cited:
                self.problem(
                    file,
                    node["scope"],
                    f'{what}: region word "{word.id}" is from {word.source}, which the rule '
                    "does not cite",
                    "region-word-source",
                    "regions",
                )
        advice = record.get("advice")
        if kind is None or effect is None or advice is None or not citations:
            return None
        return Rule(
            rule_id,
            conditions,
            kind,
            effect,
            scope,
            advice,
            citations,
            until,
            tuple(w.id for w in words),
        )

    def check_refs(
        self,
        file: str,
        what: str,
        node: MarkedMap,
        key: str,
        values: tuple[str, ...],
        known: set[str],
        noun: str,
    ) -> None:
        for value in values:
            if value not in known:
                self.problem(
                    file,
                    node,
                    f'{what}: unknown {noun} "{value}"',
                    f"unknown-{noun.replace(' ', '-')}",
                    key,
                )

    def scope(
        self, file: str, rule: Record, known: dict[str, set[str]]
    ) -> tuple[Scope, tuple[RegionWord, ...]]:
        """The rule's scope with region words expanded, and the words it named."""
        node = rule.get("scope")
        if node is None:
            return Scope(), ()
        record = self.record(file, "scope", node, f"{rule.what}: ")
        if record is None:
            return Scope(), ()
        named: tuple[str, ...] = record.get("regions", ())
        types: tuple[str, ...] = record.get("types", ())
        settings: tuple[str, ...] = record.get("settings", ())
        regions: list[str] = []
        words: list[RegionWord] = []
        for name in named:
            word = self.words.get(name)
            if word is None:
                regions.append(name)
            elif word not in words:
                words.append(word)
                regions += word.regions
        plain = tuple(r for r in named if r not in self.words and r not in self.broken_words)
        self.check_refs(file, rule.what, node, "regions", plain, known["region"], "region")
        self.check_refs(
            file, rule.what, node, "types", types, known["massage type"], "massage type"
        )
        self.check_refs(file, rule.what, node, "settings", settings, known["setting"], "setting")
        return Scope(tuple(dict.fromkeys(regions)), types, settings), tuple(words)

    # cases ----------------------------------------------------------------------------------

    def load_case(self, file: str, node: Any) -> tuple[Record, Case] | None:
        record = self.record(file, "case", node)
        if record is None or record.get("name") is None:
            return None
        what = record.what
        expect: list[tuple[str, Verdict]] = []
        raw = record.get("expect")
        if raw is not None:  # (a value that is not a mapping is already reported)
            for selector, verdict in raw.items():
                try:
                    expect.append((selector, Verdict(verdict)))
                except ValueError:
                    self.problem(
                        file, raw, f'{what}: "{verdict}" is not a verdict', "bad-verdict", selector
                    )
        todo = record.get("todo")
        if "expect" not in node and todo is None:
            self.problem(file, node, f"{what}: needs expect (or todo)", "missing-field")
        case = Case(
            name=record.get("name"),
            file=file,
            conditions=record.get("conditions", ()),
            types=record.get("types", ()),
            regions=record.get("regions", ()),
            setting=record.get("setting"),
            expect=tuple(expect),
            conflicts=record.get("conflicts", ()),
            todo=todo,
            fires=record.get("fires", ()),
            silent=record.get("silent", ()),
            line=node.line,
            column=node.column,
        )
        return record, case

    def check_case_rules(self, file: str, record: Record, case: Case) -> None:
        """The rules a case names in fires/silent exist, and none is in both."""
        for key, rule_ids in (("fires", case.fires), ("silent", case.silent)):
            for rule_id in rule_ids:
                if rule_id not in self.rule_nodes:
                    self.problem(
                        file,
                        record.node,
                        f'{record.what}: unknown rule "{rule_id}" in {key}',
                        "unknown-rule",
                        key,
                    )
        silent = set(case.silent)
        for rule_id in dict.fromkeys(case.fires):
            if rule_id in silent:
                self.problem(
                    file,
                    record.node,
                    f'{record.what}: rule "{rule_id}" cannot both fire and stay silent',
                    "case-contradiction",
                    "silent",
                )

    def check_rules_have_cases(self, cases: list[Case]) -> None:
        named = {rule_id for case in cases if not case.todo for rule_id in case.fires}
        for rule_id, (file, node) in self.rule_nodes.items():
            if rule_id not in named:
                self.problem(
                    file,
                    node,
                    f'rule "{rule_id}": no example case names it in "fires"',
                    "rule-without-case",
                    "id",
                )

    # conflicts, left-out passages -----------------------------------------------------------

    def load_conflicts(self, rules: dict[str, Rule], conditions: set[str]) -> tuple[Conflict, ...]:
        path = self.rules_dir / "conflicts.yaml"
        document = self.document(path, "conflicts file")
        if document is None:
            return ()
        file = self._display(path)
        found: dict[str, Conflict] = {}
        for node in document.get("conflicts", ()):
            record = self.record(file, "conflict", node)
            if record is None:
                continue
            conflict_id, summary, what = record.get("id"), record.get("summary"), record.what
            if conflict_id is None or summary is None:
                continue
            condition = record.get("condition")
            if condition is not None and condition not in conditions:
                self.problem(
                    file,
                    node,
                    f'{what}: unknown condition "{condition}"',
                    "unknown-condition",
                    "condition",
                )
            rule_ids: tuple[str, ...] = record.get("rules", ())
            if len(set(rule_ids)) < 2:
                self.problem(file, node, f"{what}: needs at least two rules", "bad-type", "rules")
            seen: set[str] = set()
            for rule_id in rule_ids:
                if rule_id in seen:
                    self.problem(
                        file,
                        node,
                        f'{what}: rule "{rule_id}" is named twice',
                        "duplicate-rule",
                        "rules",
                    )
                    continue
                seen.add(rule_id)
                rule = rules.get(rule_id)
                if rule is None and (self.unreadable_rules or rule_id in self.rule_nodes):
                    continue  # its file, or the rule itself, is already reported
                if rule is None:
                    self.problem(
                        file, node, f'{what}: unknown rule "{rule_id}"', "unknown-rule", "rules"
                    )
                elif condition is not None and condition not in rule.conditions:
                    self.problem(
                        file,
                        node,
                        f'{what}: rule "{rule_id}" does not name condition "{condition}"',
                        "conflict-condition",
                        "rules",
                    )
            if conflict_id in found:
                self.problem(file, node, f"{what}: id already used", "duplicate-id", "id")
                continue
            found[conflict_id] = Conflict(
                conflict_id, condition, tuple(dict.fromkeys(rule_ids)), summary
            )
        return tuple(found.values())

    def load_left_out(self) -> tuple[LeftOut, ...]:
        path = self.rules_dir / "left-out.yaml"
        document = self.document(path, "left-out file")
        if document is None:
            return ()
        file = self._display(path)
        found: list[LeftOut] = []
        for node in document.get("left_out", ()):
            reason = node.get("reason") if isinstance(node, MarkedMap) else None
            citation = self.citation(file, "left-out passage", node, "left-out passage")
            if citation is not None and isinstance(reason, str) and reason.strip():
                found.append(LeftOut(citation, reason.strip()))
        return tuple(found)

    # ambiguous terms and the questionnaire --------------------------------------------------

    def load_ambiguities(self, conditions: tuple[Entry, ...]) -> tuple[Ambiguity, ...]:
        """rules/ambiguous.yaml: everyday terms that must be asked about (optional file)."""
        path = self.rules_dir / "ambiguous.yaml"
        document = self.document(path, "ambiguous terms", optional=True)
        if document is None:
            return ()
        file = self._display(path)
        condition_names = {
            normalise(name): entry.id
            for entry in conditions
            for name in (entry.id, entry.label, *entry.aliases)
        }
        known = {entry.id for entry in conditions}
        claimed: dict[str, str] = {}  # normalised name -> term
        found: list[Ambiguity] = []
        for node in document.get("ambiguous", ()):
            record = self.record(file, "ambiguous term", node)
            if record is None or record.get("term") is None:
                continue
            term, what = record.get("term"), record.what
            aliases: tuple[str, ...] = record.get("aliases", ())
            for name in dict.fromkeys((term, *aliases)):
                key = "term" if name == term else "aliases"
                normal = normalise(name)
                owner = condition_names.get(normal)
                if owner is not None:
                    self.problem(
                        file,
                        node,
                        f'{what}: "{name}" is also a name of condition "{owner}"',
                        "ambiguous-name",
                        key,
                    )
                elif claimed.get(normal, term) != term:
                    self.problem(
                        file,
                        node,
                        f'{what}: name "{name}" is already claimed by ambiguous term '
                        f'"{claimed[normal]}"',
                        "duplicate-alias",
                        key,
                    )
                claimed.setdefault(normal, term)
            choices: dict[str, Choice] = {}
            for choice_node in record.get("choices", ()):
                choice = self.record(file, "choice", choice_node, f"{what}: ")
                if choice is None:
                    continue
                condition, means = choice.get("condition"), choice.get("means")
                if condition is None or means is None:
                    continue
                if condition not in known:
                    self.problem(
                        file,
                        choice_node,
                        f'{what}: unknown condition "{condition}"',
                        "unknown-condition",
                        "condition",
                    )
                elif condition in choices:
                    self.problem(
                        file,
                        choice_node,
                        f'{what}: condition "{condition}" is a choice twice',
                        "duplicate-choice",
                        "condition",
                    )
                    continue
                choices[condition] = Choice(condition, means)
            if "choices" in record.values and len(record.get("choices")) < 2:
                self.problem(
                    file, node, f"{what}: needs at least two choices", "too-few-choices", "choices"
                )
            question = record.get("question")
            if question is None or len(choices) < 2:
                continue
            found.append(Ambiguity(term, aliases, question, tuple(choices.values())))
        return tuple(found)

    def load_questionnaire(self, conditions: set[str], terms: set[str]) -> tuple[Gate, ...]:
        path = self.rules_dir / "questionnaire.yaml"
        document = self.document(path, "questionnaire")
        if document is None:
            return ()
        file = self._display(path)
        gates: dict[str, Gate] = {}
        for node in document.get("gates", ()):
            record = self.record(file, "gate", node)
            if record is None:
                continue
            gate_id, question, what = record.get("id"), record.get("question"), record.what
            if gate_id is None or question is None:
                continue
            items: list[QuestionItem] = []
            for item_node in record.get("items", ()):
                item = self.record(file, "item", item_node, f"{what}: ")
                if item is None:
                    continue
                if ("condition" in item_node) == ("term" in item_node):
                    self.problem(
                        file,
                        item_node,
                        f'{what}: an item names either a "condition" or a "term"',
                        "bad-item",
                    )
                    continue
                text, condition, term = item.get("text"), item.get("condition"), item.get("term")
                if text is None or (condition is None and term is None):
                    continue
                if condition is not None and condition not in conditions:
                    self.problem(
                        file,
                        item_node,
                        f'{what}: unknown condition "{condition}"',
                        "unknown-condition",
                        "condition",
                    )
                if term is not None and term not in terms:
                    self.problem(
                        file,
                        item_node,
                        f'{what}: unknown ambiguous term "{term}"',
                        "unknown-term",
                        "term",
                    )
                items.append(QuestionItem(text, condition, term))
            if not items:
                self.problem(
                    file, node, f"{what}: needs at least one item", "missing-field", "items"
                )
            if gate_id in gates:
                self.problem(file, node, f"{what}: id already used", "duplicate-id", "id")
                continue
            gates[gate_id] = Gate(gate_id, question, tuple(items))
        return tuple(gates.values())


def _plain(name: str) -> str:
    """A name compared as typed, without spelling folding (for messages)."""
    return re.sub(r"[\s\-_]+", "", name.casefold())
