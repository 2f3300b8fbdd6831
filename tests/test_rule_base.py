"""The bundled rule base is faithful to its seeds: every quote verbatim, every contraindication
item cited or deliberately left out, every catalogue entry used and reachable, every example
case holding."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from massage_screen.cases import check_case, failure_line, fired_rules
from massage_screen.evaluate import screen
from massage_screen.loader import default_rules_dir, iter_citations, load_rule_base
from massage_screen.model import Case, Effect, GivenCondition, Kind, Patient, RuleBase, Verdict
from massage_screen.names import Names, normalise

from .conftest import ROOT, SEEDS

SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
BULLET = re.compile(r"^\s*(•|\d+\.)\s")
CONTRAINDICATION_CUE = re.compile(
    r"contraindicat|not done|not performed|not permissible|cannot undergo|by permanent we mean",
    re.IGNORECASE,
)


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_the_bundled_rule_base_loads(rule_base: RuleBase) -> None:
    assert len(rule_base.conditions) > 50
    assert len(rule_base.rules) > 50


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="../shared/seeds is not beside the repo")
def test_seeds_are_byte_identical_copies_of_the_shared_articles() -> None:
    shared = sorted(p.name for p in SHARED_SEEDS.glob("*.txt"))
    assert sorted(p.name for p in SEEDS.glob("*.txt")) == shared
    for name in shared:
        assert (SEEDS / name).read_bytes() == (SHARED_SEEDS / name).read_bytes(), name


class TestCitations:
    def test_every_quote_is_verbatim_in_its_seed_at_the_computed_line(
        self, rule_base: RuleBase
    ) -> None:
        for cited_by, citation in iter_citations(rule_base):
            seed = (ROOT / citation.source).read_text(encoding="utf-8")
            assert _squash(citation.quote) in _squash(seed), (cited_by, citation.quote)
            first_word = citation.quote.split()[0]
            assert first_word in seed.splitlines()[citation.line - 1], (cited_by, citation)

    def test_every_rule_cites_something_and_says_what_to_do(self, rule_base: RuleBase) -> None:
        for rule in rule_base.rules:
            assert rule.citations and rule.advice.strip(), rule.id
            if rule.kind is Kind.TEMPORARY:
                assert rule.until, rule.id


def contraindication_items() -> list[tuple[str, int, str]]:
    """Every bullet item whose nearest preceding prose line speaks of contraindications."""
    items = []
    for path in sorted(SEEDS.glob("*.txt")):
        heading = ""
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            if BULLET.match(line):
                if CONTRAINDICATION_CUE.search(heading):
                    items.append((path.name, number, line.strip()))
            else:
                heading = line
    return items


def test_the_coverage_scan_finds_the_contraindication_lists() -> None:
    found = contraindication_items()
    assert len(found) >= 60
    assert ("000_063ec8d0cbbd0d34.txt", 27, "• Patients with arterial hypertension.") in found
    assert ("004_7702078080ac25a1.txt", 660, "• pregnancy.") in found


@pytest.mark.parametrize("source, line, text", contraindication_items())
def test_every_contraindication_item_is_cited_or_deliberately_left_out(
    rule_base: RuleBase, source: str, line: int, text: str
) -> None:
    covering = [
        cited_by
        for cited_by, citation in iter_citations(rule_base)
        if citation.source == f"seeds/{source}" and line in citation.lines
    ]
    assert covering, f"{source}:{line} {text!r} is neither cited nor in rules/left-out.yaml"


class TestCatalogues:
    def test_every_condition_is_used_by_a_rule(self, rule_base: RuleBase) -> None:
        used = {c for rule in rule_base.rules for c in rule.conditions}
        assert [c.id for c in rule_base.conditions if c.id not in used] == []

    def test_every_type_region_and_setting_is_named_by_a_rule_or_a_case(
        self, rule_base: RuleBase
    ) -> None:
        scoped = {
            x
            for r in rule_base.rules
            for x in (*r.scope.types, *r.scope.regions, *r.scope.settings)
        }
        selected = {
            part
            for case in rule_base.cases
            for selector, _ in case.expect
            for part in selector.split("/")
        }
        named = scoped | selected | {case.setting for case in rule_base.cases}
        entries = (*rule_base.massage_types, *rule_base.regions, *rule_base.settings)
        assert [e.id for e in entries if e.id not in named] == []

    @pytest.mark.parametrize(
        "catalogue, typed, expected",
        [
            ("conditions", "high blood pressure", "arterial-hypertension"),
            ("massage_types", "cupping", "vacuum"),
            ("massage_types", "Swedish", "classical"),
            ("regions", "neck", "cervical"),
            ("regions", "lower back", "lumbar"),
            ("settings", "home", "home"),
        ],
    )
    def test_plain_words_resolve(
        self,
        names,
        catalogue: str,
        typed: str,  # type: ignore[no-untyped-def]
        expected: str,
    ) -> None:
        assert getattr(names, catalogue).resolve(typed) == expected


class TestQuestionnaire:
    def test_every_condition_is_reachable(self, rule_base: RuleBase) -> None:
        reachable = {item.condition for gate in rule_base.gates for item in gate.items}
        reachable |= {
            choice.condition
            for gate in rule_base.gates
            for item in gate.items
            if item.term
            for choice in rule_base.ambiguity(item.term).choices
        }
        assert [c.id for c in rule_base.conditions if c.id not in reachable] == []

    def test_there_are_at_most_six_gates(self, rule_base: RuleBase) -> None:
        assert 1 <= len(rule_base.gates) <= 6


class TestAmbiguousTerms:
    def test_the_choices_of_every_term_screen_differently(self, rule_base: RuleBase) -> None:
        """Asking is only worth it when the answer changes the screening: a verdict somewhere,
        or the passages it rests on (tuberculosis: excluded either way, by different rules)."""
        same = []
        for ambiguity in rule_base.ambiguities:
            screenings = set()
            for choice in ambiguity.choices:
                given = GivenCondition(choice.condition, choice.condition)
                screening = screen(rule_base, Patient((given,)))
                screenings.add(
                    (
                        tuple(c.verdict for c in screening.results),
                        frozenset(fired_rules(screening)),
                    )
                )
            if len(screenings) < 2:
                same.append(ambiguity.term)
        assert same == []

    def test_no_term_is_also_a_name_of_a_type_region_or_setting(
        self, rule_base: RuleBase, names: Names
    ) -> None:
        clashes = [
            name
            for ambiguity in rule_base.ambiguities
            for name in (ambiguity.term, *ambiguity.aliases)
            for catalogue in (names.massage_types, names.regions, names.settings)
            if normalise(name) in catalogue.index
        ]
        assert clashes == []


class TestConflicts:
    def test_the_known_disagreements_are_declared(self, rule_base: RuleBase) -> None:
        declared = {c.condition for c in rule_base.conflicts}
        assert {"pregnancy", "intervertebral-hernia"} <= declared

    def test_each_conflict_pits_a_restriction_against_a_softer_rule(
        self, rule_base: RuleBase
    ) -> None:
        """Softer: another effect, or the same exclusion held permanent by one passage and
        temporary by another (003's bleeding; tuberculosis active-only vs any)."""
        for conflict in rule_base.conflicts:
            rules = [rule_base.rule(r) for r in conflict.rules]
            effects = {rule.effect for rule in rules}
            kinds = {rule.kind for rule in rules}
            assert len(effects) > 1 or len(kinds) > 1, conflict.id
            assert Effect.NOTE not in effects, conflict.id


def _cases() -> list[pytest.param]:  # type: ignore[type-arg]
    rule_base = load_rule_base(default_rules_dir())
    return [
        pytest.param(case, id=f"{Path(case.file).stem}: {case.name}") for case in rule_base.cases
    ]


@pytest.mark.parametrize("case", _cases())
def test_example_case(rule_base: RuleBase, case: Case) -> None:
    """A case holds as declared: a todo case must still fail (check_case says when it passes).
    A failure reads as validate prints it: one located line for the case."""
    problems = check_case(rule_base, case)
    assert not problems, failure_line(case, problems)


def rules_no_case_catches(rule_base: RuleBase) -> list[str]:
    """The rules that can be removed (with the conflicts naming them) while every case holds.

    Removing a rule changes only the screenings it fired in, so only those cases run again.
    """
    names = Names.of(rule_base)
    fired_in: dict[str, list[Case]] = {}
    for case in rule_base.cases:
        if case.todo:
            continue
        patient = names.patient(
            rule_base, list(case.conditions), list(case.types), list(case.regions), case.setting
        )
        for rule_id in fired_rules(screen(rule_base, patient)):
            fired_in.setdefault(rule_id, []).append(case)
    uncaught = []
    for rule in rule_base.rules:
        without = replace(
            rule_base,
            rules=tuple(r for r in rule_base.rules if r.id != rule.id),
            conflicts=tuple(c for c in rule_base.conflicts if rule.id not in c.rules),
        )
        if not any(check_case(without, case) for case in fired_in.get(rule.id, [])):
            uncaught.append(rule.id)
    return uncaught


class TestCasesCatchEveryRule:
    def test_removing_any_rule_fails_some_case(self, rule_base: RuleBase) -> None:
        assert rules_no_case_catches(rule_base) == []

    def test_the_check_finds_rules_no_case_catches(self, minimal: RuleBase) -> None:
        verdicts_only = tuple(replace(c, fires=(), silent=()) for c in minimal.cases)
        # a note and an indication never change a verdict: only `fires` can catch them
        assert rules_no_case_catches(replace(minimal, cases=verdicts_only)) == [
            "cervical-carefully",
            "classical-universal",
        ]

    def test_a_todo_case_that_passes_is_an_error(self, minimal: RuleBase) -> None:
        case = replace(minimal.cases[0], todo="a known gap")
        assert check_case(minimal, case) == ["todo case passes; remove todo"]

    def test_a_todo_case_that_fails_is_fine(self, minimal: RuleBase) -> None:
        case = replace(minimal.cases[0], todo="a known gap", expect=(("all", Verdict.ALLOWED),))
        assert check_case(minimal, case) == []

    def test_a_case_reports_rules_that_did_not_fire_or_fired(self, minimal: RuleBase) -> None:
        case = replace(
            minimal.cases[0], fires=("fever-excludes",), silent=("hypertension-excludes",)
        )
        assert check_case(minimal, case) == [
            'rule "fever-excludes" did not fire',
            'rule "hypertension-excludes" fired but must stay silent (classical/cervical)',
        ]


def test_rules_for_a_patient_are_the_unconditional_ones_and_theirs_in_order(
    minimal: RuleBase,
) -> None:
    assert [r.id for r in minimal.rules_for(["pregnancy", "unknown"])] == [
        "pregnancy-excludes-lumbar",
        "pregnancy-with-permission",
        "vacuum-not-at-home",
        "vacuum-not-cervical",
        "cervical-carefully",
        "classical-universal",
    ]
    assert [r.id for r in minimal.rules_for([])] == [
        r.id for r in minimal.rules if not r.conditions
    ]
