"""Every output format renders; Markdown matches its golden file, JSON its contract."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rich.console import Console

from massage_screen.evaluate import screen
from massage_screen.model import GivenCondition, Patient, RuleBase
from massage_screen.render import OutputFormat, render
from massage_screen.render.table import print_screening

GOLDEN = Path(__file__).parent / "golden"


def pregnant_with_a_wound(minimal: RuleBase):  # type: ignore[no-untyped-def]
    patient = Patient(
        (
            GivenCondition("pregnancy", "pregnant"),
            GivenCondition("skin-wound", "cut@neck", "cervical"),
        ),
        setting=None,
    )
    return screen(minimal, patient)


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_every_format_renders_the_disclaimer(
    minimal: RuleBase, output_format: OutputFormat
) -> None:
    text = render(pregnant_with_a_wound(minimal), minimal, output_format)
    assert "Not medical advice" in text


def test_markdown_matches_the_golden_report(minimal: RuleBase) -> None:
    text = render(pregnant_with_a_wound(minimal), minimal, OutputFormat.MARKDOWN)
    golden = GOLDEN / "pregnant-with-a-wound.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_json_follows_the_screening_contract(minimal: RuleBase) -> None:
    document = json.loads(render(pregnant_with_a_wound(minimal), minimal, OutputFormat.JSON))
    assert list(document) == [
        "schema",
        "conditions",
        "setting",
        "overall",
        "results",
        "conflicts",
        "disclaimer",
    ]
    assert document["schema"] == "massage-screen/screening/1"
    assert document["conditions"] == [
        {"id": "pregnancy", "label": "Pregnancy", "given": "pregnant", "site": None},
        {"id": "skin-wound", "label": "Skin wound", "given": "cut@neck", "site": "cervical"},
    ]
    assert document["overall"] == "excluded"
    cell = next(
        r for r in document["results"] if (r["type"], r["region"]) == ("classical", "lumbar")
    )
    assert cell["verdict"] == "excluded"
    assert cell["reasons"][0] == {
        "rule": "pregnancy-excludes-lumbar",
        "condition": "pregnancy",
        "kind": "absolute",
        "verdict": "excluded",
        "advice": "Not on the lower back.",
        "until": None,
        "settings": [],
        "citations": [
            {"source": "seeds/004_7702078080ac25a1.txt", "line": 96, "quote": "pregnancy, etc."}
        ],
    }
    assert [(c["condition"], c["rules"]) for c in document["conflicts"]] == [
        ("pregnancy", ["pregnancy-excludes-lumbar", "pregnancy-with-permission"])
    ]
    assert [c["rule"] for c in document["conflicts"][0]["citations"]] == [
        "pregnancy-excludes-lumbar",
        "pregnancy-with-permission",
    ]


def test_the_table_shows_the_grid_and_the_reasons(minimal: RuleBase) -> None:
    console = Console(record=True, width=100, no_color=True)
    print_screening(console, pregnant_with_a_wound(minimal), minimal)
    text = console.export_text()
    assert "│ Classical (Swedish) │ excluded │ excluded │" in text
    assert "│ Vacuum (cupping)    │ excluded │ excluded │" in text
    assert "EXCLUDED  Skin wound — absolute [wound-excludes]" in text
    assert "  where: every type on Cervical" in text
    assert "CONFLICT  Pregnancy:" in text
    assert (
        "NOTE (excluded if the setting is home)  Any patient — relative [vacuum-not-at-home]"
        in text
    )


def test_colour_never_carries_meaning_alone(minimal: RuleBase) -> None:
    plain = render(pregnant_with_a_wound(minimal), minimal, OutputFormat.TABLE, color=False)
    coloured = render(pregnant_with_a_wound(minimal), minimal, OutputFormat.TABLE, color=True)
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured
    assert "excluded" in plain and "cautioned" in plain
