"""Everyday phrasings people type, against the bundled catalogue.

Three lists, grown with the catalogue: phrasings that resolve to one condition, phrasings
that are ambiguous (the tool must ask which of its choices is meant), and phrasings the
articles do not cover, which must stay unknown without suggesting a wrong condition (above
all, never one across an opposite: low/high, benign/malignant, active/inactive, ...).
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from massage_screen.cli import app
from massage_screen.model import RuleBase
from massage_screen.names import AmbiguousNameError, Names, UnknownNameError

#: phrase -> the condition id it must resolve to
RESOLVES = {
    "slipped disk": "intervertebral-hernia",
    "slipped disc": "intervertebral-hernia",
    "herniated disk": "intervertebral-hernia",
    "herniated disc": "intervertebral-hernia",
    "bulging disc": "disc-protrusion",
    "bulging disk": "disc-protrusion",
    "protrusion": "disc-protrusion",
    "poor blood clotting": "bleeding-tendency",
    "irregular heartbeat": "arrhythmia",
    "compression fracture": "spinal-injury",
    "hemangioma": "hemangioma",
    "haemangioma": "hemangioma",
    "tumor": "neoplasm",
    "tumour": "neoplasm",
    "benign tumor": "benign-tumour",
    "benign tumour": "benign-tumour",
    "hemorrhage": "bleeding",
    "haemorrhage": "bleeding",
    "hematoma": "hematoma",
    "haematoma": "hematoma",
    "low mood": "depressive-state",
    "depressive state": "depressive-state",
    "predepressive state": "depressive-state",
    "inactive tuberculosis": "tuberculosis-inactive",
    "high blood pressure": "arterial-hypertension",
    "hypertension": "arterial-hypertension",
    "cancer": "malignant-tumour",
}

#: phrase -> the condition ids it may mean (all of them, in any order)
AMBIGUOUS = {
    "back pain": {"acute-pain", "aching-pain", "undiagnosed-back-pain"},
    "backache": {"acute-pain", "aching-pain", "undiagnosed-back-pain"},
    "neck pain": {"acute-pain", "aching-pain", "undiagnosed-back-pain"},
    "low back pain": {"acute-lower-back-pain", "aching-pain", "undiagnosed-back-pain"},
    "lower back pain": {"acute-lower-back-pain", "aching-pain", "undiagnosed-back-pain"},
    "sciatica": {"radiculitis-calm", "radiculitis-flare"},
    "radiculitis": {"radiculitis-calm", "radiculitis-flare"},
    "tuberculosis": {"tuberculosis-active", "tuberculosis-inactive"},
    "depression": {"depressive-state", "mental-disorder"},
    "allergy": {"allergy-relapse", "allergy-calm", "honey-allergy"},
    "allergies": {"allergy-relapse", "allergy-calm", "honey-allergy"},
    "hay fever": {"allergy-relapse", "allergy-calm", "honey-allergy"},
    "stroke": {"stroke-first-days", "stroke-recovery"},
    "ischaemic stroke": {"stroke-first-days", "stroke-recovery"},
}

#: phrase -> condition ids that must not be suggested for it
UNKNOWN_WITHOUT = {
    "low blood pressure": {"arterial-hypertension"},
    "hypotension": {"arterial-hypertension"},
    "benign": {"malignant-tumour"},
    "non-malignant": {"malignant-tumour"},
    "hypoglycaemia": {"diabetes"},
}

#: phrase -> its choices must include these (the term's full list may grow)
AMBIGUOUS_AT_LEAST = {
    "fracture": {"spinal-injury", "spinal-injury-recovered"},
    "injury": {"spinal-injury", "spinal-injury-recovered"},
    "surgery": {"recent-surgery", "healed-surgery"},
    "hernia": {"intervertebral-hernia", "disc-sequestration"},
}


@pytest.mark.parametrize("phrase", RESOLVES)
def test_phrasing_resolves(names: Names, phrase: str) -> None:
    assert names.resolve_condition(phrase) == RESOLVES[phrase]


@pytest.mark.parametrize("phrase", AMBIGUOUS)
def test_phrasing_is_ambiguous(names: Names, phrase: str) -> None:
    with pytest.raises(AmbiguousNameError) as raised:
        names.resolve_condition(phrase)
    assert {c.condition for c in raised.value.ambiguity.choices} == AMBIGUOUS[phrase]


@pytest.mark.parametrize("phrase", AMBIGUOUS_AT_LEAST)
def test_phrasing_is_ambiguous_with_at_least(names: Names, phrase: str) -> None:
    with pytest.raises(AmbiguousNameError) as raised:
        names.resolve_condition(phrase)
    assert AMBIGUOUS_AT_LEAST[phrase] <= {c.condition for c in raised.value.ambiguity.choices}


@pytest.mark.parametrize("phrase", UNKNOWN_WITHOUT)
def test_phrasing_is_unknown_without_a_wrong_suggestion(names: Names, phrase: str) -> None:
    with pytest.raises(UnknownNameError) as raised:
        names.resolve_condition(phrase)
    suggested = {s.split(" [", 1)[0] for s in raised.value.suggestions}
    assert suggested & UNKNOWN_WITHOUT[phrase] == set()


def test_the_lists_do_not_overlap() -> None:
    phrases = [*RESOLVES, *AMBIGUOUS, *AMBIGUOUS_AT_LEAST, *UNKNOWN_WITHOUT]
    assert len(phrases) == len(set(phrases))


def test_every_ambiguous_term_has_choices_that_resolve(rule_base: RuleBase, names: Names) -> None:
    for ambiguity in rule_base.ambiguities:
        for choice in ambiguity.choices:
            assert names.resolve_condition(choice.condition) == choice.condition


def test_check_asks_instead_of_guessing(rule_base: RuleBase, names: Names) -> None:
    ambiguity = names.ambiguity("back pain")
    assert ambiguity is not None
    choices = ", ".join(f"{c.condition} ({c.means})" for c in ambiguity.choices)

    result = CliRunner().invoke(app, ["check", "-c", "back pain"])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f'massage-screen: error: "back pain" is ambiguous; give one of: {choices}\n'
    )
