"""Every output format renders one outline: Markdown matches its golden file, the table its exact
text at every width, JSON its schema and contract; the headline says what is restricted, where
and for whom; the record says what produced the report; the words people give stay words."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner

from massage_screen.cli import app
from massage_screen.evaluate import screen
from massage_screen.loader import load_rule_base
from massage_screen.model import GivenCondition, Patient, RuleBase, Screening
from massage_screen.names import Names
from massage_screen.render import OutputFormat, render
from massage_screen.render.table import grid_fits, print_screening
from massage_screen.report import (
    describe_cells,
    headline,
    name_cells,
    outline,
    screening_document,
    screening_time,
    shown,
    stamp,
)

from .conftest import MINIMAL, SEEDS
from .documents import problems

GOLDEN = Path(__file__).parent / "golden"
DIGEST = "sha256:" + "0" * 64  # a fixed rule-base digest, so the golden file outlives fixture edits


def pregnant_with_a_wound(minimal: RuleBase) -> Screening:
    patient = Patient(
        (
            GivenCondition("pregnancy", "pregnant"),
            GivenCondition("skin-wound", "cut@neck", "cervical"),
        ),
        setting=None,
    )
    screening = stamp(screen(minimal, patient), patient="Room 4, 10:30", screener="A. Therapist")
    return dataclasses.replace(
        screening, record=dataclasses.replace(screening.record, rule_base=DIGEST)
    )


def table(screening: Screening, width: int = 100) -> str:
    console = Console(record=True, width=width, no_color=True)
    print_screening(console, screening)
    return console.export_text()


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_every_format_renders_the_disclaimer(
    minimal: RuleBase, output_format: OutputFormat
) -> None:
    text = render(pregnant_with_a_wound(minimal), output_format)
    assert "Not medical advice" in text


def test_markdown_matches_the_golden_report(minimal: RuleBase) -> None:
    text = render(pregnant_with_a_wound(minimal), OutputFormat.MARKDOWN)
    golden = GOLDEN / "pregnant-with-a-wound.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_the_table_is_exact_at_100_columns(minimal: RuleBase) -> None:
    patient = Patient((GivenCondition("fever", "fever"),), ("vacuum",), ("cervical",))
    text = table(stamp(screen(minimal, patient), patient="P-7"))
    assert text == (
        "Overall: EXCLUDED\n"
        "1 massage type and region pair screened: 0 allowed, 0 cautioned, 1 excluded.\n"
        "Excluded for everyone, whatever their conditions: Vacuum (cupping) on the cervical\n"
        "Excluded because of Fever: Vacuum (cupping) on the cervical\n"
        "Conditions: Fever\n"
        "Setting: not given (rules for a particular setting are listed as notes)\n"
        "Patient: P-7\n"
        "\n"
        "┏━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┓\n"
        "┃ Massage type     ┃ Cervical  ┃\n"
        "┡━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━┩\n"
        "│ Vacuum (cupping) │ excluded  │\n"
        "└──────────────────┴───────────┘\n"
        "Reasons\n"
        "EXCLUDED  Fever — temporary [fever-excludes]\n"
        "  where: Vacuum (cupping) on Cervical\n"
        "  advice: Wait.\n"
        "  until: the fever has passed\n"
        "    “fever, flu, sore throat;”\n"
        "    seeds/003_b66a69254c4c6a61.txt:76\n"
        "\n"
        "EXCLUDED  Any patient — relative [vacuum-not-cervical]\n"
        "  where: Vacuum (cupping) on Cervical\n"
        "  advice: Not on the neck.\n"
        "    “For exposure to the cervical spine, it is not recommended.”\n"
        "    seeds/000_063ec8d0cbbd0d34.txt:68\n"
        "\n"
        "Notes\n"
        "NOTE (excluded if the setting is home)  Any patient — relative [vacuum-not-at-home]\n"
        "  where: Vacuum (cupping) on Cervical\n"
        "  advice: Have it in a massage room.\n"
        "  sources: seeds/000_063ec8d0cbbd0d34.txt:68\n"
        "\n"
        "NOTE  Any patient — note [cervical-carefully]\n"
        "  where: Vacuum (cupping) on Cervical\n"
        "  advice: Work carefully on the neck.\n"
        "  sources: seeds/000_063ec8d0cbbd0d34.txt:30\n"
        "\n"
        "Not medical advice. This screening restates what five articles on massage for "
        "osteochondrosis and \n"
        "back pain say; it cannot examine anyone. The articles ask you to consult a doctor "
        "before a course of\n"
        "massage, to find the cause of back pain first, and to see a doctor if pain grows "
        "worse after a \n"
        "session.\n"
    )


def test_the_table_shows_the_grid_and_the_conflicts(minimal: RuleBase) -> None:
    text = table(pregnant_with_a_wound(minimal))
    assert "│ Classical (Swedish) │ excluded  │ excluded  │" in text
    assert "│ Vacuum (cupping)    │ excluded  │ excluded  │" in text
    assert "EXCLUDED  Skin wound — absolute [wound-excludes]" in text
    assert "  where: every type on Cervical" in text
    assert "CONFLICT  Pregnancy:" in text
    assert "Screened:" not in text  # the record is for saved reports


def test_colour_never_carries_meaning_alone(minimal: RuleBase) -> None:
    plain = render(pregnant_with_a_wound(minimal), OutputFormat.TABLE, color=False)
    coloured = render(pregnant_with_a_wound(minimal), OutputFormat.TABLE, color=True)
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured
    assert "excluded" in plain and "cautioned" in plain


class TestNarrowTerminals:
    @pytest.mark.parametrize("width", [20, 30, 40, 50, 60, 70, 80, 90, 100, 140])
    def test_no_line_is_wider_than_the_terminal(self, rule_base: RuleBase, width: int) -> None:
        screening = screen(rule_base, Patient((GivenCondition("flu", "flu"),)))
        text = table(screening, width)
        assert max(len(line) for line in text.splitlines()) <= width
        if grid_fits(outline(screening), width):  # type labels may wrap at spaces
            assert "┃ Massage type" in text or "┃ Massage" in text
        else:  # one block per type, its label on a line of its own where it fits
            assert "┃" not in text
            lines = text.splitlines()
            for type_entry in rule_base.massage_types:
                assert type_entry.label in lines or len(type_entry.label) > width

    def test_too_narrow_for_the_grid_gives_one_block_per_type(self, minimal: RuleBase) -> None:
        text = table(screen(minimal, Patient((GivenCondition("pregnancy", "pregnant"),))), 30)
        assert "┃" not in text
        assert (
            "Classical (Swedish)\n"
            "  Cervical: cautioned\n"
            "  Lumbar: excluded\n"
            "Vacuum (cupping)\n"
            "  Cervical: excluded\n"
            "  Lumbar: excluded\n"
        ) in text

    def test_the_grid_is_used_while_it_fits(self, rule_base: RuleBase) -> None:
        report = outline(screen(rule_base, Patient()))
        # the widest word of a type label ("Connective-tissue", "Hydromassage"...) sets the
        # narrowest type column; the region columns never wrap
        assert grid_fits(report, 80)
        assert not grid_fits(report, 60)
        assert "┃ Massage type" in table(screen(rule_base, Patient()), 80)
        assert "Massage type" not in table(screen(rule_base, Patient()), 60)


class TestHeadline:
    def test_a_healthy_person_learns_why_some_massage_is_excluded(
        self, rule_base: RuleBase
    ) -> None:
        line = headline(screen(rule_base, Patient()))
        assert line.overall.value == "excluded"
        counts, excluded, *_, remark = line.lines
        assert counts.startswith("52 massage type and region pairs screened: ")
        # the rules without conditions that exclude vacuum massage of the neck and
        # self-massage of the lower back hold for everyone, and the headline says so
        assert excluded.startswith(
            "Excluded for everyone, whatever their conditions: Vacuum (cupping) on the neck; "
            "Self-massage on the lower back"
        )
        assert remark == "Nothing is restricted because of this person's conditions."
        assert all(r.condition is None for r in line.restrictions)

    def test_cells_are_named_the_shorter_way(self, rule_base: RuleBase) -> None:
        screening = screen(rule_base, Patient())
        neck, _, lower, sacrum = screening.regions
        vacuum, self_massage = rule_base.massage_type("vacuum"), rule_base.massage_type(
            "self-massage"
        )
        every_but_vacuum = [c for c in screening.results if c.region == neck and c.type != vacuum]
        assert name_cells(every_but_vacuum, screening) == (
            "every type except Vacuum (cupping) on the neck"
        )
        self_low = [c for c in screening.results if c.type == self_massage and c.region != neck]
        assert name_cells(self_low, screening) == (
            "Self-massage on every region except the neck"
        )
        two = [c for c in screening.results if c.type == vacuum and c.region in (lower, sacrum)]
        assert name_cells(two, screening) == "Vacuum (cupping) on the lower back and the sacrum"
        assert describe_cells([(c.type, c.region) for c in two], screening) == (
            "Vacuum (cupping) on Lower back (lumbar spine), Sacrum (sacral spine)"
        )

    def test_restrictions_for_everyone_and_for_a_condition_are_told_apart(
        self, minimal: RuleBase
    ) -> None:
        line = headline(screen(minimal, Patient((GivenCondition("pregnancy", "pregnant"),))))
        assert line.lines == (
            "4 massage type and region pairs screened: 0 allowed, 1 cautioned, 3 excluded.",
            "Excluded for everyone, whatever their conditions: Vacuum (cupping) on the cervical",
            "Excluded because of Pregnancy: every type on the lumbar",
            "Cautioned because of Pregnancy: Classical (Swedish) on the cervical",
        )

    def test_scripts_read_the_same_headline(self, minimal: RuleBase) -> None:
        document = screening_document(
            screen(minimal, Patient((GivenCondition("pregnancy", "pregnant"),)))
        )
        assert document["headline"] == {
            "counts": {"allowed": 0, "cautioned": 1, "excluded": 3},
            "for_everyone": {"excluded": ["vacuum/cervical"], "cautioned": []},
            "for_conditions": [
                {
                    "condition": "pregnancy",
                    "excluded": ["classical/lumbar", "vacuum/lumbar"],
                    "cautioned": ["classical/cervical"],
                }
            ],
            "if_setting": [],
            "text": [
                "Overall: EXCLUDED",
                *headline(
                    screen(minimal, Patient((GivenCondition("pregnancy", "pregnant"),)))
                ).lines,
            ],
        }

    def test_all_allowed_names_no_cells(self, minimal: RuleBase) -> None:
        line = headline(screen(minimal, Patient(types=("classical",))))
        assert line.lines == (
            "2 massage type and region pairs screened: 2 allowed, 0 cautioned, 0 excluded.",
        )

    def test_the_markdown_headline(self, minimal: RuleBase) -> None:
        text = render(
            screen(minimal, Patient(types=("vacuum",), regions=("cervical",))),
            OutputFormat.MARKDOWN,
        )
        assert text.startswith(
            "# Massage screening\n\n"
            "**Overall: excluded** (some requested massage is excluded).\n\n"
            "1 massage type and region pair screened: 0 allowed, 0 cautioned, 1 excluded.\n\n"
            "- Excluded for everyone, whatever their conditions: Vacuum (cupping) on the "
            "cervical\n\n"
            "Nothing is restricted because of this person's conditions.\n\n"
            "## About this screening\n\n"
            "- Conditions: none reported\n"
        )


class TestJson:
    def test_the_document_states_each_finding_once(self, minimal: RuleBase) -> None:
        document = json.loads(render(pregnant_with_a_wound(minimal), OutputFormat.JSON))
        assert problems(document) == []
        assert list(document) == [
            "schema",
            "record",
            "overall",
            "headline",
            "conditions",
            "setting",
            "types",
            "regions",
            "findings",
            "cells",
            "conflicts",
            "disclaimer",
        ]
        assert document["schema"] == "massage-screen/screening/2"
        assert document["record"] == {
            "tool": "massage-screen",
            "version": document["record"]["version"],
            "rule_base": DIGEST,
            "time": "2023-11-14T22:13:20Z",
            "patient": "Room 4, 10:30",
            "screener": "A. Therapist",
        }
        assert document["conditions"] == [
            {
                "id": "pregnancy",
                "label": "Pregnancy",
                "given": "pregnant",
                "site": None,
                "site_limits": False,
            },
            {
                "id": "skin-wound",
                "label": "Skin wound",
                "given": "cut@neck",
                "site": "cervical",
                "site_limits": True,
            },
        ]
        assert document["types"] == [
            {"id": "classical", "label": "Classical (Swedish)"},
            {"id": "vacuum", "label": "Vacuum (cupping)"},
        ]
        findings = document["findings"]
        assert [(f["rule"], f["condition"]) for f in findings] == [
            ("wound-excludes", "skin-wound"),
            ("pregnancy-excludes-lumbar", "pregnancy"),
            ("vacuum-not-cervical", None),
            ("pregnancy-with-permission", "pregnancy"),
            ("classical-universal", None),
            ("vacuum-not-at-home", None),
            ("cervical-carefully", None),
        ]
        assert findings[1] == {
            "rule": "pregnancy-excludes-lumbar",
            "condition": "pregnancy",
            "kind": "absolute",
            "effect": "excluded",
            "advice": "Not on the lower back.",
            "until": None,
            "settings": [],
            "setting_dependent": False,
            "citations": [
                {"source": "seeds/004_7702078080ac25a1.txt", "line": 96, "quote": "pregnancy, etc."}
            ],
        }
        assert (findings[5]["settings"], findings[5]["setting_dependent"]) == (["home"], True)
        cell = next(
            c for c in document["cells"] if (c["type"], c["region"]) == ("classical", "lumbar")
        )
        assert cell == {
            "type": "classical",
            "region": "lumbar",
            "verdict": "excluded",
            "reasons": [1, 3],
            "support": [4],
            "notes": [],
        }
        assert document["conflicts"] == [
            {
                "id": "pregnancy",
                "condition": "pregnancy",
                "summary": document["conflicts"][0]["summary"],
                "rules": ["pregnancy-excludes-lumbar", "pregnancy-with-permission"],
            }
        ]

    def test_the_python_object_converts_to_the_same_document(self, minimal: RuleBase) -> None:
        screening = pregnant_with_a_wound(minimal)
        assert screening.to_document() == json.loads(render(screening, OutputFormat.JSON))

    def test_one_condition_over_every_cell_stays_small(self, rule_base: RuleBase) -> None:
        names = Names.of(rule_base)
        for condition in rule_base.conditions:
            patient = names.patient(rule_base, [condition.id], [], [], None)
            text = render(screen(rule_base, patient), OutputFormat.JSON)
            assert len(text.encode()) < 60_000, condition.id

    def test_the_schema_rejects_a_document_that_breaks_it(self, minimal: RuleBase) -> None:
        document = screening_document(pregnant_with_a_wound(minimal))
        document["cells"][0]["verdict"] = "maybe"
        document["cells"][1]["reasons"] = [99]
        assert problems(document) == [
            "cells/0/verdict: 'maybe' is not one of ['allowed', 'cautioned', 'excluded']"
        ]
        document["cells"][0]["verdict"] = "allowed"
        assert problems(document) == ["cell classical/lumbar: no finding 99"]


class TestRecord:
    def test_source_date_epoch_fixes_the_time(self) -> None:
        assert screening_time({"SOURCE_DATE_EPOCH": "0"}) == "1970-01-01T00:00:00Z"
        assert screening_time({}).endswith("Z")

    @pytest.mark.parametrize("value", ["soon", "-1", "1.5", "١٢", "9" * 12, "9" * 40])
    def test_a_bad_source_date_epoch_is_refused(self, value: str) -> None:
        with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH must be whole seconds"):
            screening_time({"SOURCE_DATE_EPOCH": value})

    def test_the_evaluator_leaves_the_time_to_the_caller(self, minimal: RuleBase) -> None:
        record = screen(minimal, Patient()).record
        assert (record.tool, record.time, record.patient) == ("massage-screen", None, None)
        assert record.rule_base == minimal.digest

    def test_the_digest_follows_the_content_of_rules_and_seeds(self, rules_copy: Path) -> None:
        original = load_rule_base(MINIMAL, SEEDS).digest
        assert original.startswith("sha256:") and len(original) == 7 + 64
        assert load_rule_base(rules_copy).digest == original  # same files, another place
        seed = next((rules_copy.parent / "seeds").glob("*.txt"))
        seed.write_text(seed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert load_rule_base(rules_copy).digest != original

    def test_check_records_patient_screener_and_time(self) -> None:
        args = ["check", "-c", "fever", "-t", "classical", "-r", "lumbar", "--rules", str(MINIMAL)]
        labels = ["--patient", "P-7", "--screener", "A. Therapist"]
        document = json.loads(
            CliRunner().invoke(app, [*args, *labels, "-f", "json"]).stdout
        )
        assert {k: document["record"][k] for k in ("time", "patient", "screener")} == {
            "time": "2023-11-14T22:13:20Z",
            "patient": "P-7",
            "screener": "A. Therapist",
        }
        markdown = CliRunner().invoke(app, [*args, *labels, "-f", "markdown"]).stdout
        assert "- Patient: P-7\n- Screener: A. Therapist\n- Screened: 2023-11-14T22:13:20Z by " in (
            markdown
        )

    def test_saved_answers_carry_the_record_and_still_replay(self, tmp_path: Path) -> None:
        answers = tmp_path / "answers.yaml"
        typed = ["", "", "", "no", "yes", "1", "no", "yes", str(answers)]
        command = ["questionnaire", "--rules", str(MINIMAL), "--screener", "A. Therapist"]
        asked = CliRunner().invoke(app, command, input="\n".join(typed) + "\n")
        assert asked.exit_code == 20
        saved = yaml.safe_load(answers.read_text(encoding="utf-8"))
        assert saved["record"] == {
            "tool": "massage-screen",
            "version": saved["record"]["version"],
            "rule_base": load_rule_base(MINIMAL, SEEDS).digest,
            "time": "2023-11-14T22:13:20Z",
            "patient": None,
            "screener": "A. Therapist",
        }
        replayed = CliRunner().invoke(
            app, ["questionnaire", "--rules", str(MINIMAL), "--answers", str(answers)]
        )
        assert replayed.exit_code == 20

    def test_a_bad_source_date_epoch_is_bad_input(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
        result = CliRunner().invoke(app, ["check", "-c", "fever", "--rules", str(MINIMAL)])
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            "massage-screen: error: SOURCE_DATE_EPOCH must be whole seconds since 1970, "
            "not 'yesterday'\n"
        )


class TestGivenWords:
    """The words a person typed are shown, never obeyed, whatever the CLI lets through."""

    HOSTILE = "cut\n# Overall: allowed\n\x1b[2J*[x](javascript:y)* <b>|</b>"

    def screening(self, minimal: RuleBase) -> Screening:
        patient = Patient((GivenCondition("skin-wound", self.HOSTILE, "lumbar"),), ("classical",))
        return stamp(screen(minimal, patient), patient="Ann\n## Verdicts", screener="\x1b[31mX")

    def test_markdown_keeps_them_on_their_line_and_literal(self, minimal: RuleBase) -> None:
        text = render(self.screening(minimal), OutputFormat.MARKDOWN)
        assert "\x1b" not in text
        assert [line for line in text.splitlines() if line.startswith("#")] == [
            "# Massage screening",
            "## About this screening",
            "## Verdicts",
            "## Reasons",
            "### Excluded: Skin wound",
            "## Supporting indications",
            "### Supports: Any patient",
            "## Notes",
            "### Note: Any patient",
        ]
        assert (
            '- Conditions: Skin wound on the lumbar (given as "cut\\\\n\\# Overall: allowed'
            '\\\\n\\\\x1b\\[2J\\*\\[x\\](javascript:y)\\* \\<b\\>\\|\\</b\\>")\n'
            "- Setting: not given (rules for a particular setting are listed as notes)\n"
            "- Patient: Ann\\\\n\\#\\# Verdicts\n"
            "- Screener: \\\\x1b\\[31mX\n"
        ) in text

    def test_the_table_shows_control_characters_as_escapes(self, minimal: RuleBase) -> None:
        text = render(self.screening(minimal), OutputFormat.TABLE, color=True)
        assert "\x1b[2J" not in text and "\x1b[31mX" not in text
        assert "Patient: Ann\\n## Verdicts\n" in table(self.screening(minimal))

    def test_bidirectional_overrides_are_shown_too(self) -> None:
        assert shown("evil\u202etxt.exe\u2066") == "evil\\u202etxt.exe\\u2066"
        assert shown("Ann-Marie O'Brien, 3 ½") == "Ann-Marie O'Brien, 3 ½"

    def test_json_keeps_them_exactly(self, minimal: RuleBase) -> None:
        document = json.loads(render(self.screening(minimal), OutputFormat.JSON))
        assert document["conditions"][0]["given"] == self.HOSTILE
        assert document["record"]["patient"] == "Ann\n## Verdicts"
