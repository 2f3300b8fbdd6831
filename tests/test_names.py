"""Names resolve by id, label or alias, ignoring case, spaces, hyphens and underscores; unknown
names are errors with suggestions, never silent substitutions."""

from __future__ import annotations

import pytest

from massage_screen.model import GivenCondition, RuleBase
from massage_screen.names import InputError, Names, UnknownNameError, normalise


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
