"""Names resolve by id, label or alias, ignoring case, spaces, hyphens and underscores; unknown
names are errors with suggestions, never silent substitutions."""

from __future__ import annotations

import pytest

from massage_screen.model import GivenCondition, RuleBase
from massage_screen.names import (
    AmbiguousNameError,
    InputError,
    Names,
    UnknownNameError,
    crosses_opposite,
    normalise,
)


def test_normalise_ignores_case_spaces_hyphens_and_underscores() -> None:
    assert normalise("Lower-Back") == normalise("lower_back") == normalise(" lower  back ")


class TestResolution:
    @pytest.mark.parametrize(
        "typed",
        [
            "arterial-hypertension",
            "Arterial hypertension",
            "HIGH BLOOD PRESSURE",
            "high-blood_pressure",
            "hypertension",
        ],
    )
    def test_id_label_and_aliases_resolve(self, minimal: RuleBase, typed: str) -> None:
        assert Names.of(minimal).conditions.resolve(typed) == "arterial-hypertension"

    def test_a_near_miss_is_an_error_with_suggestions(self, minimal: RuleBase) -> None:
        with pytest.raises(UnknownNameError) as raised:
            Names.of(minimal).conditions.resolve("hypertensoin")
        assert str(raised.value) == (
            'unknown condition "hypertensoin"; did you mean: arterial-hypertension?'
        )

    def test_hypotension_is_never_taken_for_hypertension(self, minimal: RuleBase) -> None:
        assert Names.of(minimal).conditions.resolve("low blood pressure") == "arterial-hypotension"
        with pytest.raises(UnknownNameError):
            Names.of(minimal).conditions.resolve("hypotension")

    def test_a_name_with_nothing_close_points_to_the_list(self, minimal: RuleBase) -> None:
        with pytest.raises(UnknownNameError) as raised:
            Names.of(minimal).massage_types.resolve("zzz")
        assert str(raised.value) == (
            'unknown massage type "zzz"; run `massage-screen list types` to see them all'
        )


class TestSites:
    def test_a_local_condition_takes_a_region(self, minimal: RuleBase) -> None:
        given = Names.of(minimal).condition("cut @ lower back", minimal)
        assert given == GivenCondition("skin-wound", "cut @ lower back", "lumbar")

    def test_a_site_on_a_whole_body_condition_is_recorded_but_limits_nothing(
        self, minimal: RuleBase
    ) -> None:
        given = Names.of(minimal).condition("fever@neck", minimal)
        assert given == GivenCondition("fever", "fever@neck", "cervical", whole_body=True)
        assert not given.site_limits
        assert Names.of(minimal).condition("cut@neck", minimal).site_limits

    @pytest.mark.parametrize("typed", ["@neck", "cut@", "cut@elbow"])
    def test_malformed_sites_are_errors(self, minimal: RuleBase, typed: str) -> None:
        with pytest.raises(InputError):
            Names.of(minimal).condition(typed, minimal)


class TestSpellings:
    @pytest.mark.parametrize(
        "british, american",
        [
            ("slipped disc", "slipped disk"),
            ("tumour", "tumor"),
            ("haemorrhage", "hemorrhage"),
            ("haemangioma", "hemangioma"),
            ("ischaemic stroke", "ischemic stroke"),
            ("oedema", "edema"),
            ("anaemia", "anemia"),
            ("leukaemia", "leukemia"),
            ("Haematoma", "hematoma"),
            ("intervertebral discs", "intervertebral disks"),
            ("hypoglycaemia", "hypoglycemia"),
            ("orthopaedic", "orthopedic"),
            ("diarrhoea", "diarrhea"),
        ],
    )
    def test_british_and_american_spellings_normalise_alike(
        self, british: str, american: str
    ) -> None:
        assert normalise(british) == normalise(american)

    @pytest.mark.parametrize(
        "one, other",
        [
            ("discomfort", "diskomfort"),  # "disc" folds only as a word of its own
            ("disco", "disko"),
            ("shoe", "she"),  # "oe" folds only in the medical stems listed
            ("haemorrhage", "hemorrhoids"),
            ("paedo", "pedo-x"),
        ],
    )
    def test_folding_is_word_aware_and_creates_no_false_match(self, one: str, other: str) -> None:
        assert normalise(one) != normalise(other)

    def test_a_catalogue_spelling_resolves_in_either_spelling(self, minimal: RuleBase) -> None:
        names = Names.of(minimal)
        assert names.conditions.resolve("high temperature") == "fever"
        # the minimal catalogue spells nothing British; the folded lookup is symmetric
        assert normalise("Broken skin (haematoma)") == normalise("broken skin (hematoma)")


class TestOpposites:
    @pytest.mark.parametrize(
        "typed, suggestion",
        [
            ("hypotension", "hypertension"),
            ("low blood pressure", "high blood pressure"),
            ("benign", "cancer"),
            ("benign", "malignant tumour"),
            ("non-malignant tumour", "malignant tumour"),
            ("acute pain", "chronic pain"),
            ("subacute stage", "acute stage"),
            ("inactive tuberculosis", "active tuberculosis"),
            ("in remission", "flare-up"),
            ("calm period", "exacerbation"),
            ("remission", "relapse of allergies"),
            ("upper back pain", "lower back pain"),
            ("after surgery", "before surgery"),
            ("hypoglycaemia", "hyperglycemia"),
            ("small hernia", "large hernia"),
            ("mild scoliosis", "severe scoliosis"),
            ("early stage", "advanced stage"),
            ("recent surgery", "healed surgery"),
            ("fresh fracture", "old fracture"),
        ],
    )
    def test_a_suggestion_across_an_opposite_is_recognised(
        self, typed: str, suggestion: str
    ) -> None:
        assert crosses_opposite(typed, suggestion)
        assert crosses_opposite(suggestion, typed)

    @pytest.mark.parametrize(
        "typed, suggestion",
        [
            ("tumour", "benign tumour"),
            ("benign", "Benign (non-cancerous) tumour"),
            ("non-malignant", "benign tumour"),
            ("blood pressure", "high blood pressure"),
            ("low blood pressure", "blood pressure, high or low"),
            ("hypertensoin", "hypertension"),
        ],
    )
    def test_a_suggestion_on_the_same_side_is_kept(self, typed: str, suggestion: str) -> None:
        assert not crosses_opposite(typed, suggestion)

    def test_hypotension_is_never_suggested_hypertension(self, minimal: RuleBase) -> None:
        with pytest.raises(UnknownNameError) as raised:
            Names.of(minimal).conditions.resolve("hypotension")
        assert "hypertension" not in str(raised.value)

    def test_a_typo_still_gets_its_suggestion(self, minimal: RuleBase) -> None:
        assert Names.of(minimal).conditions.suggest("arterial hypotensoin") == (
            "arterial-hypotension",
        )


class TestAmbiguousTerms:
    def test_an_ambiguous_term_is_an_error_listing_its_choices(self, minimal: RuleBase) -> None:
        with pytest.raises(AmbiguousNameError) as raised:
            Names.of(minimal).condition("Blood-Pressure", minimal)
        assert str(raised.value) == (
            '"Blood-Pressure" is ambiguous; give one of: arterial-hypertension (it is high), '
            "arterial-hypotension (it is low)"
        )
        assert raised.value.name == "Blood-Pressure"
        assert raised.value.ambiguity is minimal.ambiguities[0]

    def test_an_alias_of_the_term_is_ambiguous_too(self, minimal: RuleBase) -> None:
        with pytest.raises(AmbiguousNameError):
            Names.of(minimal).condition("blood pressure problem@neck", minimal)

    def test_a_near_miss_of_a_term_suggests_the_term(self, minimal: RuleBase) -> None:
        with pytest.raises(UnknownNameError) as raised:
            Names.of(minimal).resolve_condition("blood presure problem")
        assert str(raised.value) == (
            'unknown condition "blood presure problem"; did you mean: '
            '"blood pressure problem" (ambiguous)?'
        )

    def test_each_choice_resolves(self, minimal: RuleBase) -> None:
        names = Names.of(minimal)
        assert [names.resolve_condition(c.condition) for c in minimal.ambiguities[0].choices] == [
            "arterial-hypertension",
            "arterial-hypotension",
        ]


class TestPatient:
    def test_a_condition_given_twice_is_screened_once(self, minimal: RuleBase) -> None:
        patient = Names.of(minimal).patient(
            minimal,
            ["fever", "high temperature", "cut@neck", "wound@cervical", "cut@lumbar", "fever@neck"],
            [],
            [],
            None,
        )
        assert [(c.id, c.site, c.given) for c in patient.conditions] == [
            ("fever", None, "fever"),
            ("skin-wound", "cervical", "cut@neck"),
            ("skin-wound", "lumbar", "cut@lumbar"),
        ]
