"""The evaluator: most restrictive wins, scopes and sites limit rules, notes stay notes,
conflicts are reported, and the result is deterministic and monotone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from massage_screen.evaluate import screen
from massage_screen.model import GivenCondition, Patient, RuleBase, Verdict
from massage_screen.report import screening_document


def verdicts(rule_base: RuleBase, *conditions: str, **scope: object) -> dict[str, str]:
    patient = Patient(tuple(_given(c) for c in conditions), **scope)  # type: ignore[arg-type]
    return {c.key: c.verdict.value for c in screen(rule_base, patient).results}


def _given(text: str) -> GivenCondition:
    condition_id, _, site = text.partition("@")
    return GivenCondition(condition_id, text, site or None)


class TestVerdicts:
    def test_no_conditions_leaves_only_type_and_region_restrictions(self, minimal) -> None:  # type: ignore[no-untyped-def]
        assert verdicts(minimal) == {
            "classical/cervical": "allowed",
            "classical/lumbar": "allowed",
            "vacuum/cervical": "excluded",
            "vacuum/lumbar": "allowed",
        }

    def test_the_most_restrictive_rule_wins(self, minimal) -> None:  # type: ignore[no-untyped-def]
        # pregnancy: cautioned everywhere, excluded on the lower back
        result = verdicts(minimal, "pregnancy", types=("classical",))
        assert result == {"classical/cervical": "cautioned", "classical/lumbar": "excluded"}

    def test_every_requested_cell_and_only_those(self, minimal) -> None:  # type: ignore[no-untyped-def]
        result = verdicts(minimal, types=("vacuum",), regions=("lumbar",))
        assert result == {"vacuum/lumbar": "allowed"}


class TestLocalConditions:
    def test_a_site_limits_the_condition_to_its_region(self, minimal) -> None:  # type: ignore[no-untyped-def]
        result = verdicts(minimal, "skin-wound@lumbar", types=("classical",))
        assert result == {"classical/cervical": "allowed", "classical/lumbar": "excluded"}

    def test_without_a_site_it_applies_everywhere(self, minimal) -> None:  # type: ignore[no-untyped-def]
        result = verdicts(minimal, "skin-wound", types=("classical",))
        assert set(result.values()) == {"excluded"}


class TestSettings:
    def test_a_setting_rule_applies_in_its_setting(self, minimal) -> None:  # type: ignore[no-untyped-def]
        result = verdicts(minimal, types=("vacuum",), regions=("lumbar",), setting="home")
        assert result == {"vacuum/lumbar": "excluded"}

    def test_it_does_not_apply_elsewhere(self, minimal) -> None:  # type: ignore[no-untyped-def]
        patient = Patient(types=("vacuum",), regions=("lumbar",), setting="clinic")
        cell = screen(minimal, patient).results[0]
        assert cell.verdict is Verdict.ALLOWED
        assert [n.rule.id for n in cell.notes] == []

    def test_without_a_setting_it_is_a_note_not_a_verdict(self, minimal) -> None:  # type: ignore[no-untyped-def]
        cell = screen(minimal, Patient(types=("vacuum",), regions=("lumbar",))).results[0]
        assert cell.verdict is Verdict.ALLOWED
        assert [(n.rule.id, n.setting_dependent) for n in cell.notes] == [
            ("vacuum-not-at-home", True)
        ]


class TestNotesAndSupport:
    def test_general_notes_never_change_a_verdict(self, minimal) -> None:  # type: ignore[no-untyped-def]
        cell = screen(minimal, Patient(types=("classical",), regions=("cervical",))).results[0]
        assert cell.verdict is Verdict.ALLOWED
        assert [n.rule.id for n in cell.notes] == ["cervical-carefully"]

    def test_an_indication_supports_but_never_lifts_a_contraindication(self, minimal) -> None:  # type: ignore[no-untyped-def]
        patient = Patient((_given("arterial-hypertension"),), ("classical",), ("lumbar",))
        cell = screen(minimal, patient).results[0]
        assert cell.verdict is Verdict.EXCLUDED
        assert [s.rule.id for s in cell.support] == ["classical-universal"]


class TestReasons:
    def test_temporary_exclusions_say_what_must_pass(self, minimal) -> None:  # type: ignore[no-untyped-def]
        cell = screen(minimal, Patient((_given("fever"),), ("classical",), ("lumbar",))).results[0]
        assert [(r.rule.id, r.kind.value, r.until) for r in cell.reasons] == [
            ("fever-excludes", "temporary", "the fever has passed")
        ]

    def test_reasons_are_most_restrictive_first(self, minimal) -> None:  # type: ignore[no-untyped-def]
        patient = Patient((_given("pregnancy"), _given("fever")), ("classical",), ("lumbar",))
        cell = screen(minimal, patient).results[0]
        assert [r.rule.id for r in cell.reasons] == [
            "fever-excludes",
            "pregnancy-excludes-lumbar",
            "pregnancy-with-permission",
        ]

    def test_a_condition_given_twice_gives_one_reason(self, minimal) -> None:  # type: ignore[no-untyped-def]
        patient = Patient(
            (_given("skin-wound"), _given("skin-wound@lumbar")), ("classical",), ("lumbar",)
        )
        reasons = screen(minimal, patient).results[0].reasons
        assert [r.rule.id for r in reasons] == ["wound-excludes"]


class TestConflicts:
    def test_reported_when_all_its_rules_fire(self, minimal) -> None:  # type: ignore[no-untyped-def]
        conflicts = screen(minimal, Patient((_given("pregnancy"),))).conflicts
        assert [(c.id, tuple(r.id for r in c.rules)) for c in conflicts] == [
            ("pregnancy", ("pregnancy-excludes-lumbar", "pregnancy-with-permission"))
        ]

    def test_not_reported_when_one_rule_is_out_of_scope(self, minimal) -> None:  # type: ignore[no-untyped-def]
        patient = Patient((_given("pregnancy"),), regions=("cervical",))
        assert screen(minimal, patient).conflicts == ()


# --- properties, on the real rule base ----------------------------------------------------


def _patients(rule_base: RuleBase) -> st.SearchStrategy[Patient]:
    condition_ids = [c.id for c in rule_base.conditions]
    region_ids = [r.id for r in rule_base.regions]
    given_condition = st.builds(
        lambda cid, site: GivenCondition(
            cid, cid, site if rule_base.condition(cid).local else None
        ),
        st.sampled_from(condition_ids),
        st.none() | st.sampled_from(region_ids),
    )
    return st.builds(
        Patient,
        st.lists(given_condition, max_size=4).map(tuple),
        st.lists(
            st.sampled_from([t.id for t in rule_base.massage_types]), max_size=3, unique=True
        ).map(tuple),
        st.lists(st.sampled_from(region_ids), max_size=2, unique=True).map(tuple),
        st.none() | st.sampled_from([s.id for s in rule_base.settings]),
    )


def test_adding_a_condition_never_makes_a_verdict_less_strict(rule_base: RuleBase) -> None:
    @settings(max_examples=300, deadline=None)
    @given(
        _patients(rule_base),
        st.sampled_from([c.id for c in rule_base.conditions]),
        st.none() | st.sampled_from([r.id for r in rule_base.regions]),
    )
    def check(patient: Patient, extra: str, site: str | None) -> None:
        site = site if rule_base.condition(extra).local else None
        more = Patient(
            (*patient.conditions, GivenCondition(extra, extra, site)),
            patient.types,
            patient.regions,
            patient.setting,
        )
        before = screen(rule_base, patient)
        after = screen(rule_base, more)
        for old, new in zip(before.results, after.results, strict=True):
            assert new.verdict.severity >= old.verdict.severity
        assert {c.id for c in before.conflicts} <= {c.id for c in after.conflicts}

    check()


def test_the_same_input_gives_the_same_output(rule_base: RuleBase) -> None:
    @settings(max_examples=100, deadline=None)
    @given(_patients(rule_base))
    def check(patient: Patient) -> None:
        first = screening_document(screen(rule_base, patient))
        second = screening_document(screen(rule_base, patient))
        assert first == second

    check()
