"""`explain NAME`, `source SEED[:LINE]` and `check --why`: the library functions, the
commands through CliRunner, and the installed console script."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from massage_screen.cli import app
from massage_screen.evaluate import screen
from massage_screen.explain import explain
from massage_screen.model import RuleBase
from massage_screen.names import InputError, Names
from massage_screen.source import (
    SourceError,
    parse_location,
    passage,
    plain_text,
    read_articles,
)
from massage_screen.why import Status, why

from .conftest import MINIMAL, SEEDS
from .test_cli import console_script

runner = CliRunner()
ARTICLES = read_articles(SEEDS)


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


# --- source -----------------------------------------------------------------------------------


class TestSource:
    @pytest.mark.parametrize(
        "seed", ["000", "0", "000_063ec8d0cbbd0d34.txt", "seeds/000_063ec8d0cbbd0d34.txt"]
    )
    def test_a_seed_by_number_name_or_path(self, seed: str) -> None:
        article, line = parse_location(ARTICLES, f"{seed}:27")
        assert (article.name, line) == ("000_063ec8d0cbbd0d34.txt", 27)

    def test_a_bulleted_line_comes_with_its_list_and_lead_in(self) -> None:
        article = ARTICLES["000_063ec8d0cbbd0d34.txt"]
        shown = passage(article, 27)
        assert (shown.first, shown.last, shown.marked) == (20, 28, (27,))
        text = plain_text(shown)
        assert "> 27 │   • Patients with arterial hypertension." in text
        assert "  20 │ Let’s pay special attention to contraindications." in text

    def test_a_long_list_is_cut_to_a_window(self) -> None:
        article = ARTICLES["004_7702078080ac25a1.txt"]
        shown = passage(article, 94)
        assert shown.last - shown.first + 1 <= 12
        assert shown.first <= 94 <= shown.last

    @pytest.mark.parametrize(
        "location, message",
        [
            ("7", 'unknown seed "7"; the seeds are: 000 (Massage for osteochondrosis'),
            ("000:x", 'bad line "x" in "000:x": give a line number from 1 to 109'),
            ("000:²", 'bad line "²" in "000:²": give a line number from 1 to 109'),
            ("000:0", "seeds/000_063ec8d0cbbd0d34.txt has 109 lines; give a line from 1 to 109"),
            ("000:500", "seeds/000_063ec8d0cbbd0d34.txt has 109 lines"),
            ("000_063ec8d0cbbd0d3.txt", "did you mean 000_063ec8d0cbbd0d34.txt?"),
        ],
    )
    def test_a_bad_location_suggests(self, location: str, message: str) -> None:
        with pytest.raises(SourceError) as caught:
            parse_location(ARTICLES, location)
        assert str(caught.value).startswith(message) or message in str(caught.value)

    def test_the_command_prints_the_paragraph_with_title_and_line_numbers(self) -> None:
        result = run("source", "000:27")
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        assert lines[:2] == [
            "seeds/000_063ec8d0cbbd0d34.txt: Massage for osteochondrosis – indications, "
            "techniques, varieties",
            "lines 20-28 of 109; > marks line 27",
        ]
        assert "> 27 │   • Patients with arterial hypertension." in lines

    def test_the_command_prints_a_whole_article(self) -> None:
        result = run("source", "001")
        assert result.exit_code == 0
        assert result.stdout.count("│") >= 90
        assert "   1 │ Massage for osteochondrosis of the lumbar spine" in result.stdout

    def test_a_bad_seed_is_exit_2_with_one_line(self) -> None:
        result = run("source", "009:3")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.startswith('massage-screen: error: unknown seed "009"')
        assert len(result.stderr.splitlines()) == 1


# --- explain ----------------------------------------------------------------------------------


class TestExplain:
    def test_a_condition_by_plain_words_gives_every_rule_about_it(
        self, rule_base: RuleBase
    ) -> None:
        (found,) = explain(rule_base, ARTICLES, "high blood pressure")
        assert (found.kind, found.id) == ("condition", "arterial-hypertension")
        expected = {r.id for r in rule_base.rules if "arterial-hypertension" in r.conditions}
        assert {v.rule.id for v in found.rules} == expected
        assert found.rules[0].rule.effect.value == "excluded"

    def test_every_quote_comes_with_its_paragraph(self, rule_base: RuleBase) -> None:
        (found,) = explain(rule_base, ARTICLES, "arterial-hypertension")
        for view in found.rules:
            for quoted in view.quotes:
                assert quoted.passage is not None
                assert quoted.citation.line in quoted.passage.marked
                shown = " ".join(text for _, text in quoted.passage.numbered)
                assert quoted.citation.quote.split()[0] in shown

    def test_a_conflict_is_named(self, rule_base: RuleBase) -> None:
        (found,) = explain(rule_base, ARTICLES, "hypertension-excludes-massage")
        assert found.kind == "rule"
        assert [c.id for c in found.rules[0].conflicts]

    def test_a_massage_type_gives_the_rules_that_single_it_out(self, rule_base: RuleBase) -> None:
        (found,) = explain(rule_base, ARTICLES, "honey")
        assert found.kind == "massage type"
        assert "honey-massage-not-with-diabetes" in {v.rule.id for v in found.rules}
        assert all("honey" in v.rule.scope.types for v in found.rules)

    def test_a_region_gives_the_rules_that_single_it_out(self, rule_base: RuleBase) -> None:
        (found,) = explain(rule_base, ARTICLES, "neck")
        assert found.kind == "region"
        assert "vacuum-not-for-neck" in {v.rule.id for v in found.rules}

    def test_an_unknown_name_is_the_error_check_gives(self, rule_base: RuleBase) -> None:
        with pytest.raises(InputError) as from_explain:
            explain(rule_base, ARTICLES, "hypotensio")
        with pytest.raises(InputError) as from_check:
            Names.of(rule_base).condition("hypotensio", rule_base)
        assert str(from_explain.value) == str(from_check.value)

    def test_a_misspelt_region_is_suggested_as_a_region(self, rule_base: RuleBase) -> None:
        with pytest.raises(InputError, match=r'unknown name "nekc".*cervical.*\(region\)'):
            explain(rule_base, ARTICLES, "nekc")

    @pytest.mark.parametrize("output_format", ["table", "json", "markdown"])
    def test_every_format(self, output_format: str) -> None:
        result = run("explain", "diabetes", "--format", output_format)
        assert result.exit_code == 0, result.stderr
        assert "honey-massage-not-with-diabetes" in result.stdout
        assert "Not medical advice" in result.stdout
        if output_format == "json":
            document = json.loads(result.stdout)
            (subject,) = document["subjects"]
            citation = subject["rules"][0]["citations"][0]
            assert citation["paragraph"]["marked"] == [citation["line"]]
        if output_format == "markdown":
            assert result.stdout.startswith("# Condition: Diabetes\n")
            assert "```text\n> 76 │ The combination" in result.stdout

    def test_an_unknown_name_is_exit_2_with_one_line(self) -> None:
        result = run("explain", "diabetis")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            'massage-screen: error: unknown condition "diabetis"; did you mean: diabetes?\n'
        )

    @pytest.mark.parametrize("name", ["back pain", "sciatica", "diabetis", "hypotensio"])
    def test_unknown_and_ambiguous_names_give_the_errors_check_gives(self, name: str) -> None:
        explained = run("explain", name)
        checked = run("check", "-c", name)
        assert explained.exit_code == checked.exit_code == 2
        assert explained.stderr == checked.stderr


# --- check --why ------------------------------------------------------------------------------


class TestWhy:
    def test_the_fired_rules_are_exactly_the_screening_s(self, rule_base: RuleBase) -> None:
        names = Names.of(rule_base)
        for conditions in (
            [],
            ["diabetes"],
            ["skin wound@neck", "pregnancy"],
            ["fever@neck"],  # a site on a whole-body condition is no limit
        ):
            for setting in (None, "home"):
                patient = names.patient(rule_base, conditions, [], [], setting)
                screening = screen(rule_base, patient)
                audit = why(rule_base, screening)
                for cell, checked in zip(screening.results, audit.cells, strict=True):
                    fired = {r.rule.id for r in (*cell.reasons, *cell.support, *cell.notes)}
                    assert {c.rule.id for c in checked.considered if c.status.fired} == fired

    def test_an_allowed_cell_says_why_the_diabetes_rule_is_silent(
        self, rule_base: RuleBase
    ) -> None:
        patient = Names.of(rule_base).patient(
            rule_base, ["diabetes"], ["classical"], ["lumbar"], None
        )
        audit = why(rule_base, screen(rule_base, patient))
        (cell,) = audit.cells
        honey = next(c for c in cell.considered if c.rule.id == "honey-massage-not-with-diabetes")
        assert (honey.status, honey.because) == (Status.OTHER_TYPE, ("only for Honey massage",))
        assert cell.verdict.value == "allowed"

    def test_a_local_condition_at_another_site(self, minimal: RuleBase) -> None:
        patient = Names.of(minimal).patient(
            minimal, ["wound@neck"], ["classical"], ["lumbar"], None
        )
        (cell,) = why(minimal, screen(minimal, patient)).cells
        wound = next(c for c in cell.considered if c.rule.id == "wound-excludes")
        assert wound.status is Status.SITE_ELSEWHERE
        assert wound.because == ("the condition was given on the cervical only",)

    def test_another_setting(self, minimal: RuleBase) -> None:
        patient = Names.of(minimal).patient(minimal, [], ["vacuum"], ["lumbar"], "clinic")
        (cell,) = why(minimal, screen(minimal, patient)).cells
        home = next(c for c in cell.considered if c.rule.id == "vacuum-not-at-home")
        assert home.status is Status.OTHER_SETTING

    def test_rules_about_conditions_not_given_are_counted_once(self, minimal: RuleBase) -> None:
        patient = Names.of(minimal).patient(minimal, ["fever"], [], [], None)
        audit = why(minimal, screen(minimal, patient))
        assert "hypertension-excludes" in {r.id for r in audit.not_given}
        assert "fever-excludes" not in {r.id for r in audit.not_given}

    @pytest.mark.parametrize("output_format", ["table", "json", "markdown"])
    def test_every_format(self, output_format: str) -> None:
        result = run(
            "check", "-c", "diabetes", "-t", "classical", "-r", "lower back", "--why",
            "--format", output_format,
        )  # fmt: skip
        assert result.exit_code == 0
        if output_format == "json":
            document = json.loads(result.stdout)
            (cell,) = document["why"]["cells"]
            honey = next(r for r in cell["rules"] if r["rule"] == "honey-massage-not-with-diabetes")
            assert honey == {
                "rule": "honey-massage-not-with-diabetes",
                "status": "other-type",
                "fired": False,
                "effect": "excluded",
                "conditions": ["diabetes"],
                "because": ["only for Honey massage"],
            }
        else:
            assert "Why each cell has its verdict" in result.stdout
            assert "honey-massage-not-with-diabetes" in result.stdout
            assert "only for Honey massage" in result.stdout
            # the disclaimer stays the report's last words
            assert result.stdout.index("Why each cell") < result.stdout.index("Not medical advice")
            assert result.stdout.count("Not medical advice") == 1

    def test_without_why_nothing_changes(self) -> None:
        plain = run("check", "-c", "fever", "-f", "json", "--rules", str(MINIMAL))
        assert "why" not in json.loads(plain.stdout)


# --- the installed console script ----------------------------------------------------------


@pytest.mark.parametrize(
    "args, code, expected",
    [
        (["explain", "diabetes", "-f", "json"], 0, '"honey-massage-not-with-diabetes"'),
        (["source", "000:27"], 0, "> 27 │"),
        (["check", "-c", "diabetes", "-t", "classical", "-r", "lumbar", "--why", "-f", "markdown"],
         0, "## Why each cell has its verdict"),
        (["explain", "no-such-name-at-all"], 2, ""),
    ],
)  # fmt: skip
def test_the_installed_script(tmp_path: Path, args: list[str], code: int, expected: str) -> None:
    done = subprocess.run(
        [console_script(), *args], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == code, done.stderr
    assert expected in done.stdout
    assert "Traceback" not in done.stderr


def test_the_why_document_follows_the_shipped_schema() -> None:
    from .documents import assert_valid_document

    for args in (["-c", "diabetes", "-t", "classical"], ["-c", "cut@neck", "--setting", "home"]):
        result = run("check", *args, "--why", "-f", "json")
        document = json.loads(result.stdout)
        assert document["why"]["cells"]
        assert list(document)[-2:] == ["why", "disclaimer"]
        assert_valid_document(document)
