"""Load the YAML rule base into the model, validating everything and reporting every problem."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

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

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: Whether a rule that no case (other than a todo case) names in `fires` is a rule-base
#: error (`rule-without-case`), or only counted by `validate` while cases are being written.
RULE_WITHOUT_CASE_IS_ERROR = False

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


def load_rule_base(rules_dir: Path | None = None, seeds_dir: Path | None = None) -> RuleBase:
    """Load and validate the rule base in `rules_dir` (default: the bundled one).

    Quotes are looked up in `seeds_dir` (default: `seeds/` beside `rules_dir`, or the
    bundled seeds when there is none).
    Raises RuleBaseError listing every problem found.
    """
    rules_dir = rules_dir or default_rules_dir()
    if seeds_dir is None:
        seeds_dir = rules_dir.parent / "seeds"
        if not seeds_dir.is_dir():
            seeds_dir = default_rules_dir().parent / "seeds"
    return _Loader(rules_dir, seeds_dir).load()


# --- YAML with line numbers and duplicate-key detection -------------------------------------


class _Map(dict[str, Any]):
    """A YAML mapping that remembers where it and each of its values start."""

    line: int = 0
    column: int = 0
    marks: dict[str, tuple[int, int]]


class _List(list[Any]):
    line: int = 0
    column: int = 0


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int, column: int) -> None:
        self.key, self.line, self.column = key, line, column


class _MarkedLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader (libyaml's when available) that keeps marks and rejects duplicate keys."""


def _construct_map(loader: _MarkedLoader, node: yaml.MappingNode) -> _Map:
    result = _Map()
    result.line, result.column = node.start_mark.line + 1, node.start_mark.column + 1
    result.marks = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise _DuplicateKey(
                str(key), key_node.start_mark.line + 1, key_node.start_mark.column + 1
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.marks[str(key)] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
    return result


def _construct_list(loader: _MarkedLoader, node: yaml.SequenceNode) -> _List:
    result = _List(loader.construct_object(child, deep=True) for child in node.value)
    result.line, result.column = node.start_mark.line + 1, node.start_mark.column + 1
    return result


_MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)


# --- seeds: verbatim quotes, whitespace aside -----------------------------------------------


class Seed:
    """A seed article, searchable with whitespace normalised."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self._words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        self._normalised = " ".join(text[start:end] for start, end in self._words)
        self._starts: list[int] = []  # where each word starts in the normalised text
        position = 0
        for start, end in self._words:
            self._starts.append(position)
            position += end - start + 1

    def _original(self, normalised_index: int) -> int:
        word = bisect.bisect_right(self._starts, normalised_index) - 1
        return self._words[word][0] + normalised_index - self._starts[word]

    def find(self, quote: str) -> tuple[int, int] | None:
        """The first and last line (1-based) of `quote` in the seed, or None if absent.

        Any run of whitespace in the quote matches any run in the seed; nothing else is
        forgiven.
        """
        needle = " ".join(quote.split())
        at = self._normalised.find(needle) if needle else -1
        if at < 0:
            return None
        start, end = self._original(at), self._original(at + len(needle) - 1)
        return self.text.count("\n", 0, start) + 1, self.text.count("\n", 0, end) + 1


def load_seeds(seeds_dir: Path) -> dict[str, Seed]:
    return {
        path.name: Seed(path.name, path.read_text(encoding="utf-8"))
        for path in sorted(seeds_dir.glob("*.txt"))
    }


# --- the loader ------------------------------------------------------------------------------


class _Loader:
    def __init__(self, rules_dir: Path, seeds_dir: Path) -> None:
        self.rules_dir = rules_dir
        self.seeds_dir = seeds_dir
        self.problems: list[Problem] = []
        self.seeds: dict[str, Seed] = {}
        self.display_root = rules_dir.parent
        self.rule_ids: dict[str, str] = {}  # rule id -> file that defines it
        self.region_word_nodes: tuple[str, list[Any]] = ("", [])
        self.rule_nodes: dict[str, tuple[str, _Map]] = {}
        self.words: dict[str, RegionWord] = {}
        self.unreadable_rules = False  # a rule file failed to parse: skip rule references

    # problems ---------------------------------------------------------------------------

    def _display(self, path: Path) -> str:
        try:
            return path.relative_to(self.display_root).as_posix()
        except ValueError:
            return path.as_posix()

    def problem(self, file: str, at: Any, message: str, code: str, key: str | None = None) -> None:
        line, column = getattr(at, "line", 1), getattr(at, "column", 1)
        if key is not None and isinstance(at, _Map) and key in at.marks:
            line, column = at.marks[key]
        self.problems.append(Problem(file, line, column, message, code))

    def read(self, path: Path) -> _Map | None:
        file = self._display(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problems.append(Problem(file, 1, 1, "file is missing", "missing-file"))
            return None
        except (OSError, UnicodeDecodeError) as error:
            self.problems.append(Problem(file, 1, 1, f"cannot read file: {error}", "unreadable"))
            return None
        try:
            data = yaml.load(text, Loader=_MarkedLoader)
        except _DuplicateKey as error:
            self.problems.append(
                Problem(
                    file, error.line, error.column, f'duplicate key "{error.key}"', "duplicate-key"
                )
            )
            return None
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            self.problems.append(
                Problem(file, line, column, f"invalid YAML: {error.problem}", "yaml-syntax")
            )
            return None
        if not isinstance(data, _Map):
            self.problems.append(
                Problem(file, 1, 1, "expected a mapping at the top level", "bad-type")
            )
            return None
        return data

    # typed field access ---------------------------------------------------------------------

    def fields(
        self, file: str, what: str, node: Any, required: set[str], optional: set[str]
    ) -> _Map | None:
        if not isinstance(node, _Map):
            self.problem(file, node, f"{what}: expected a mapping", "bad-type")
            return None
        for key in sorted(required - node.keys()):
            self.problem(file, node, f'{what}: missing field "{key}"', "missing-field")
        for key in sorted(node.keys() - required - optional):
            self.problem(file, node, f'{what}: unknown field "{key}"', "unknown-field", key)
        return node

    def text(
        self,
        file: str,
        what: str,
        node: _Map,
        key: str,
        *,
        required: bool = True,
    ) -> str | None:
        value = node.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(
                file, node, f'{what}: field "{key}" must be a non-empty string', "bad-type", key
            )
            return None
        return value.strip()

    def strings(self, file: str, what: str, node: _Map, key: str) -> tuple[str, ...]:
        value = node.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(
                file, node, f'{what}: field "{key}" must be a list of strings', "bad-type", key
            )
            return ()
        return tuple(v.strip() for v in value)

    def items(self, file: str, data: _Map, key: str) -> list[Any]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(file, data, f'"{key}" must be a list', "bad-type", key)
            return []
        return value

    # loading ----------------------------------------------------------------------------------

    def load(self) -> RuleBase:
        if not self.rules_dir.is_dir():
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
        self.seeds = load_seeds(self.seeds_dir) if self.seeds_dir.is_dir() else {}
        if not self.seeds:
            self.problems.append(
                Problem(
                    self._display(self.seeds_dir), 1, 1, "no seed articles found", "missing-file"
                )
            )

        catalogues = [self.load_catalogue(*spec) for spec in CATALOGUES]
        conditions, types, regions, settings = catalogues
        known = {
            "condition": {e.id for e in conditions},
            "massage type": {e.id for e in types},
            "region": {e.id for e in regions},
            "setting": {e.id for e in settings},
        }
        region_words = self.load_region_words(known["region"])

        rules: list[Rule] = []
        cases: list[Case] = []
        case_nodes: list[tuple[str, _Map, Case]] = []
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
            data = self.read(path)
            if data is None:
                self.unreadable_rules = True
                continue
            file = self._display(path)
            self.fields(file, "rule file", data, set(), {"rules", "cases"})
            for node in self.items(file, data, "rules"):
                rule = self.load_rule(file, node, known)
                if rule is not None:
                    rules.append(rule)
            for node in self.items(file, data, "cases"):
                case = self.load_case(file, node)
                if case is not None:
                    cases.append(case)
                    case_nodes.append((file, node, case))
        if not self.unreadable_rules:
            for file, node, case in case_nodes:
                self.check_case_rules(file, node, case)
            if RULE_WITHOUT_CASE_IS_ERROR:
                self.check_rules_have_cases(cases)

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
            cases=tuple(cases),
            gates=gates,
            ambiguities=ambiguities,
            region_words=region_words,
        )

    def load_catalogue(self, filename: str, key: str, noun: str) -> tuple[Entry, ...]:
        path = self.rules_dir / filename
        data = self.read(path)
        if data is None:
            return ()
        file = self._display(path)
        self.fields(file, "catalogue", data, {key}, {"words"} if key == "regions" else set())
        if key == "regions":
            self.region_word_nodes = (file, self.items(file, data, "words"))
        entries: list[Entry] = []
        claimed: dict[str, str] = {}  # normalised name -> entry id
        for node in self.items(file, data, key):
            optional = {"aliases", "local"} if key == "conditions" else {"aliases"}
            if self.fields(file, noun, node, {"id", "label"}, optional) is None:
                continue
            entry_id = self.text(file, noun, node, "id")
            label = self.text(file, noun, node, "label")
            if entry_id is None or label is None:
                continue
            what = f'{noun} "{entry_id}"'
            if not ID_PATTERN.match(entry_id):
                self.problem(file, node, f"{what}: id must be kebab-case", "bad-id", "id")
            aliases = self.strings(file, what, node, "aliases")
            local = node.get("local", False)
            if not isinstance(local, bool):
                self.problem(
                    file, node, f'{what}: field "local" must be true or false', "bad-type", "local"
                )
                local = False
            if any(e.id == entry_id for e in entries):
                self.problem(file, node, f"{what}: id already used", "duplicate-id", "id")
                continue
            for name in dict.fromkeys((entry_id, label, *aliases)):
                normal = normalise(name)
                owner = claimed.get(normal)
                if owner is not None and owner != entry_id:
                    self.problem(
                        file,
                        node,
                        f'{what}: name "{name}" is already claimed by {noun} "{owner}"',
                        "duplicate-alias",
                        "aliases" if name in aliases else "label",
                    )
                claimed.setdefault(normal, entry_id)
            entries.append(Entry(entry_id, label, aliases, local))
        return tuple(entries)

    def citations(
        self,
        file: str,
        what: str,
        node: _Map,
        key: str = "citations",
    ) -> tuple[Citation, ...]:
        found: list[Citation] = []
        value = node.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            self.problem(file, node, f'{what}: "{key}" must be a non-empty list', "bad-type", key)
            return ()
        for cite in value:
            citation = self.citation(file, what, cite)
            if citation is not None:
                found.append(citation)
        return tuple(found)

    def citation(
        self,
        file: str,
        what: str,
        cite: Any,
        also: frozenset[str] = frozenset(),
    ) -> Citation | None:
        if (
            self.fields(
                file,
                f"{what}: citation" if not also else what,
                cite,
                {"source", "quote", *also},
                set(),
            )
            is None
        ):
            return None
        source = self.text(file, f"{what}: citation", cite, "source")
        quote = self.text(file, f"{what}: citation", cite, "quote")
        if source is None or quote is None:
            return None
        source = source.removeprefix("seeds/")
        seed = self.seeds.get(source)
        if seed is None:
            self.problem(
                file,
                cite,
                f'{what}: unknown source "{source}" (not in seeds/)',
                "unknown-source",
                "source",
            )
            return None
        lines = seed.find(quote)
        if lines is None:
            self.problem(
                file, cite, f"{what}: quote not found in seeds/{source}", "bad-citation", "quote"
            )
            return None
        return Citation(f"seeds/{source}", lines[0], " ".join(quote.split()), lines[1])

    def load_rule(self, file: str, node: Any, known: dict[str, set[str]]) -> Rule | None:
        required = {"id", "kind", "effect", "advice", "citations"}
        rule_id = self.text(file, "rule", node, "id") if isinstance(node, _Map) else None
        what = f'rule "{rule_id}"' if rule_id else "rule"
        if self.fields(file, what, node, required, {"conditions", "scope", "until"}) is None:
            return None
        if rule_id is None:
            return None
        if rule_id in self.rule_ids:
            self.problem(
                file,
                node,
                f"{what}: id already used in {self.rule_ids[rule_id]}",
                "duplicate-id",
                "id",
            )
        self.rule_ids.setdefault(rule_id, file)
        self.rule_nodes.setdefault(rule_id, (file, node))
        if not ID_PATTERN.match(rule_id):
            self.problem(file, node, f"{what}: id must be kebab-case", "bad-id", "id")

        conditions = self.strings(file, what, node, "conditions")
        self.check_refs(file, what, node, "conditions", conditions, known["condition"], "condition")
        kind = self.enum(file, what, node, "kind", Kind)
        effect = self.enum(file, what, node, "effect", Effect)
        if kind is not None and effect is not None and effect not in ALLOWED_EFFECTS[kind]:
            allowed = " or ".join(sorted(e.value for e in ALLOWED_EFFECTS[kind]))
            self.problem(
                file,
                node,
                f"{what}: a {kind.value} rule must have effect {allowed}",
                "bad-effect",
                "effect",
            )
        until = self.text(file, what, node, "until")
        if kind is Kind.TEMPORARY and until is None:
            self.problem(
                file,
                node,
                f'{what}: a temporary rule needs "until" (what must pass first)',
                "missing-until",
            )
        scope, words = self.scope(file, what, node, known)
        advice = self.text(file, what, node, "advice")
        citations = self.citations(file, what, node)
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
            tuple(dict.fromkeys(w.id for w in words)),
        )

    def enum(
        self, file: str, what: str, node: _Map, key: str, enum_type: Callable[[str], Any]
    ) -> Any:
        value = node.get(key)
        if value is None:
            return None
        try:
            return enum_type(value)
        except ValueError:
            choices = ", ".join(m.value for m in enum_type)  # type: ignore[attr-defined]
            self.problem(
                file, node, f'{what}: {key} "{value}" is not one of {choices}', f"bad-{key}", key
            )
            return None

    def check_refs(
        self,
        file: str,
        what: str,
        node: _Map,
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
        self, file: str, what: str, node: _Map, known: dict[str, set[str]]
    ) -> tuple[Scope, tuple[RegionWord, ...]]:
        """The rule's scope with region words expanded, and the words it named."""
        value = node.get("scope")
        if value is None:
            return Scope(), ()
        if (
            self.fields(file, f"{what}: scope", value, set(), {"regions", "types", "settings"})
            is None
        ):
            return Scope(), ()
        named = self.strings(file, what, value, "regions")
        types = self.strings(file, what, value, "types")
        settings = self.strings(file, what, value, "settings")
        regions: list[str] = []
        words: list[RegionWord] = []
        for name in named:
            word = self.words.get(name)
            if word is not None:
                words.append(word)
                regions += word.regions
            else:
                regions.append(name)
        self.check_refs(
            file,
            what,
            value,
            "regions",
            tuple(r for r in named if r not in self.words),
            known["region"],
            "region",
        )
        self.check_refs(file, what, value, "types", types, known["massage type"], "massage type")
        self.check_refs(file, what, value, "settings", settings, known["setting"], "setting")
        return Scope(tuple(dict.fromkeys(regions)), types, settings), tuple(words)

    def load_region_words(self, regions: set[str]) -> tuple[RegionWord, ...]:
        file, nodes = self.region_word_nodes
        found: list[RegionWord] = []
        for node in nodes:
            word_id = self.text(file, "region word", node, "id") if isinstance(node, _Map) else None
            what = f'region word "{word_id}"' if word_id else "region word"
            if (
                self.fields(
                    file, what, node, {"id", "word", "source", "regions", "citations"}, set()
                )
                is None
                or word_id is None
            ):
                continue
            if not ID_PATTERN.match(word_id):
                self.problem(file, node, f"{what}: id must be kebab-case", "bad-id", "id")
            if word_id in self.words or word_id in regions:
                self.problem(file, node, f"{what}: id already used", "duplicate-id", "id")
                continue
            word = self.text(file, what, node, "word")
            source = self.text(file, what, node, "source")
            word_regions = self.strings(file, what, node, "regions")
            if not word_regions and "regions" in node:
                self.problem(
                    file, node, f'{what}: "regions" must be a non-empty list', "bad-type", "regions"
                )
            self.check_refs(file, what, node, "regions", word_regions, regions, "region")
            if source is not None:
                source = source.removeprefix("seeds/")
                if source not in self.seeds:
                    self.problem(
                        file,
                        node,
                        f'{what}: unknown source "{source}" (not in seeds/)',
                        "unknown-source",
                        "source",
                    )
            citations = self.citations(file, what, node)
            for cite, citation in zip(node.get("citations") or (), citations, strict=False):
                if source is not None and citation.source != f"seeds/{source}":
                    self.problem(
                        file,
                        cite,
                        f"{what}: a defining passage must come from its source {source}",
                        "region-word-source",
                        "source",
                    )
            if word is None or source is None or not word_regions or not citations:
                continue
            region_word = RegionWord(word_id, word, source, word_regions, citations)
            self.words[word_id] = region_word
            found.append(region_word)
        return tuple(found)

    def load_case(self, file: str, node: Any) -> Case | None:
        if (
            self.fields(
                file,
                "case",
                node,
                {"name"},
                {
                    "conditions",
                    "types",
                    "regions",
                    "setting",
                    "expect",
                    "conflicts",
                    "todo",
                    "fires",
                    "silent",
                },
            )
            is None
        ):
            return None
        name = self.text(file, "case", node, "name")
        if name is None:
            return None
        what = f'case "{name}"'
        expect: list[tuple[str, Verdict]] = []
        raw = node.get("expect")
        if raw is not None and not isinstance(raw, _Map):
            self.problem(
                file, node, f"{what}: expect must map selectors to verdicts", "bad-type", "expect"
            )
        elif raw is not None:
            for selector, verdict in raw.items():
                try:
                    expect.append((str(selector), Verdict(verdict)))
                except ValueError:
                    self.problem(
                        file,
                        raw,
                        f'{what}: "{verdict}" is not a verdict',
                        "bad-verdict",
                        str(selector),
                    )
        todo = self.text(file, what, node, "todo")
        if raw is None and todo is None:
            self.problem(file, node, f"{what}: needs expect (or todo)", "missing-field")
        return Case(
            name=name,
            file=file,
            conditions=self.strings(file, what, node, "conditions"),
            types=self.strings(file, what, node, "types"),
            regions=self.strings(file, what, node, "regions"),
            setting=self.text(file, what, node, "setting"),
            expect=tuple(expect),
            conflicts=self.strings(file, what, node, "conflicts"),
            todo=todo,
            fires=self.strings(file, what, node, "fires"),
            silent=self.strings(file, what, node, "silent"),
            line=node.line,
            column=node.column,
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

    def check_case_rules(self, file: str, node: _Map, case: Case) -> None:
        """The rules a case names in fires/silent exist, and none is in both."""
        what = f'case "{case.name}"'
        for key, rule_ids in (("fires", case.fires), ("silent", case.silent)):
            for rule_id in rule_ids:
                if rule_id not in self.rule_ids:
                    self.problem(
                        file,
                        node,
                        f'{what}: unknown rule "{rule_id}" in {key}',
                        "unknown-rule",
                        key,
                    )
        silent = set(case.silent)
        for rule_id in dict.fromkeys(case.fires):
            if rule_id in silent:
                self.problem(
                    file,
                    node,
                    f'{what}: rule "{rule_id}" cannot both fire and stay silent',
                    "case-contradiction",
                    "silent",
                )

    def load_conflicts(
        self,
        rules: dict[str, Rule],
        conditions: set[str],
    ) -> tuple[Conflict, ...]:
        path = self.rules_dir / "conflicts.yaml"
        data = self.read(path)
        if data is None:
            return ()
        file = self._display(path)
        found: list[Conflict] = []
        for node in self.items(file, data, "conflicts"):
            if (
                self.fields(file, "conflict", node, {"id", "rules", "summary"}, {"condition"})
                is None
            ):
                continue
            conflict_id = self.text(file, "conflict", node, "id")
            summary = self.text(file, "conflict", node, "summary")
            if conflict_id is None or summary is None:
                continue
            what = f'conflict "{conflict_id}"'
            condition = self.text(file, what, node, "condition")
            if condition is not None and condition not in conditions:
                self.problem(
                    file,
                    node,
                    f'{what}: unknown condition "{condition}"',
                    "unknown-condition",
                    "condition",
                )
            rule_ids = self.strings(file, what, node, "rules")
            if len(rule_ids) < 2:
                self.problem(file, node, f"{what}: needs at least two rules", "bad-type", "rules")
            for rule_id in rule_ids:
                rule = rules.get(rule_id)
                if rule is None and self.unreadable_rules:
                    continue
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
            if any(c.id == conflict_id for c in found):
                self.problem(file, node, f"{what}: id already used", "duplicate-id", "id")
            found.append(Conflict(conflict_id, condition, rule_ids, summary))
        return tuple(found)

    def load_left_out(self) -> tuple[LeftOut, ...]:
        path = self.rules_dir / "left-out.yaml"
        data = self.read(path)
        if data is None:
            return ()
        file = self._display(path)
        found: list[LeftOut] = []
        for node in self.items(file, data, "left_out"):
            reason = (
                self.text(file, "left-out passage", node, "reason")
                if isinstance(node, _Map)
                else None
            )
            citation = self.citation(file, "left-out passage", node, frozenset({"reason"}))
            if citation is not None and reason is not None:
                found.append(LeftOut(citation, reason))
        return tuple(found)

    def load_ambiguities(self, conditions: tuple[Entry, ...]) -> tuple[Ambiguity, ...]:
        """rules/ambiguous.yaml: everyday terms that must be asked about (optional file)."""
        path = self.rules_dir / "ambiguous.yaml"
        if not path.exists():
            return ()
        data = self.read(path)
        if data is None:
            return ()
        file = self._display(path)
        self.fields(file, "ambiguous terms", data, set(), {"ambiguous"})
        condition_names = {
            normalise(name): entry.id
            for entry in conditions
            for name in (entry.id, entry.label, *entry.aliases)
        }
        known = {entry.id for entry in conditions}
        claimed: dict[str, str] = {}  # normalised name -> term
        found: list[Ambiguity] = []
        for node in self.items(file, data, "ambiguous"):
            term = (
                self.text(file, "ambiguous term", node, "term") if isinstance(node, _Map) else None
            )
            what = f'ambiguous term "{term}"' if term else "ambiguous term"
            if (
                self.fields(file, what, node, {"term", "question", "choices"}, {"aliases"}) is None
                or term is None
            ):
                continue
            aliases = self.strings(file, what, node, "aliases")
            question = self.text(file, what, node, "question")
            for name in dict.fromkeys((term, *aliases)):
                key = "aliases" if name in aliases else "term"
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
            choices: list[Choice] = []
            for choice in self.items(file, node, "choices"):
                if (
                    self.fields(file, f"{what}: choice", choice, {"condition", "means"}, set())
                    is None
                ):
                    continue
                condition = self.text(file, f"{what}: choice", choice, "condition")
                means = self.text(file, f"{what}: choice", choice, "means")
                if condition is None or means is None:
                    continue
                if condition not in known:
                    self.problem(
                        file,
                        choice,
                        f'{what}: unknown condition "{condition}"',
                        "unknown-condition",
                        "condition",
                    )
                elif any(c.condition == condition for c in choices):
                    self.problem(
                        file,
                        choice,
                        f'{what}: condition "{condition}" is a choice twice',
                        "duplicate-choice",
                        "condition",
                    )
                    continue
                choices.append(Choice(condition, means))
            if "choices" in node and len(choices) < 2 and isinstance(node["choices"], list):
                self.problem(
                    file, node, f"{what}: needs at least two choices", "too-few-choices", "choices"
                )
            if question is None or len(choices) < 2:
                continue
            found.append(Ambiguity(term, aliases, question, tuple(choices)))
        return tuple(found)

    def load_questionnaire(self, conditions: set[str], terms: set[str]) -> tuple[Gate, ...]:
        path = self.rules_dir / "questionnaire.yaml"
        data = self.read(path)
        if data is None:
            return ()
        file = self._display(path)
        gates: list[Gate] = []
        for node in self.items(file, data, "gates"):
            if self.fields(file, "gate", node, {"id", "question", "items"}, set()) is None:
                continue
            gate_id = self.text(file, "gate", node, "id")
            question = self.text(file, "gate", node, "question")
            if gate_id is None or question is None:
                continue
            what = f'gate "{gate_id}"'
            items: list[QuestionItem] = []
            for item in self.items(file, node, "items"):
                if (
                    self.fields(file, f"{what}: item", item, {"text"}, {"condition", "term"})
                    is None
                ):
                    continue
                text = self.text(file, f"{what}: item", item, "text")
                condition = self.text(file, f"{what}: item", item, "condition")
                term = self.text(file, f"{what}: item", item, "term")
                if ("condition" in item) == ("term" in item):
                    self.problem(
                        file,
                        item,
                        f'{what}: an item names either a "condition" or a "term"',
                        "bad-item",
                    )
                    continue
                if text is None or (condition is None and term is None):
                    continue
                if condition is not None and condition not in conditions:
                    self.problem(
                        file,
                        item,
                        f'{what}: unknown condition "{condition}"',
                        "unknown-condition",
                        "condition",
                    )
                if term is not None and term not in terms:
                    self.problem(
                        file,
                        item,
                        f'{what}: unknown ambiguous term "{term}"',
                        "unknown-term",
                        "term",
                    )
                items.append(QuestionItem(text, condition, term))
            if not items:
                self.problem(
                    file, node, f"{what}: needs at least one item", "missing-field", "items"
                )
            if any(g.id == gate_id for g in gates):
                self.problem(file, node, f"{what}: id already used", "duplicate-id", "id")
            gates.append(Gate(gate_id, question, tuple(items)))
        return tuple(gates)


def iter_citations(rule_base: RuleBase) -> Iterator[tuple[str, Citation]]:
    """Every citation in the rule base with what cites it (a rule id or "left-out")."""
    for rule in rule_base.rules:
        for citation in rule.citations:
            yield rule.id, citation
    for left in rule_base.left_out:
        yield "left-out", left.citation
