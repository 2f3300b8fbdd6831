"""The questionnaire, driven through injected prompt functions: gates, follow-ups, sites,
going back, the summary, replayed answers, and agreement with `check`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from massage_screen.cli import app
from massage_screen.evaluate import screen
from massage_screen.model import QuestionItem, RuleBase
from massage_screen.names import InputError, Names
from massage_screen.questionnaire import Answers, Questionnaire, answers_from_document, wrap
from massage_screen.report import screening_document

from .conftest import MINIMAL


class Script:
    """Answers prompts from a list, recording every prompt; runs out with EOFError."""

    def __init__(self, replies: Iterable[str]) -> None:
        self.replies = list(replies)
        self.prompts: list[str] = []
        self.said: list[str] = []

    def ask(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.replies:
            raise EOFError
        return self.replies.pop(0)

    def say(self, text: str) -> None:
        self.said.append(text)


def walk(rule_base: RuleBase, replies: Iterable[str]) -> tuple[Answers, Script]:
    script = Script(replies)
    return Questionnaire(rule_base, script.ask, script.say).run(), script


def healthy(rule_base: RuleBase) -> list[str]:
    return ["", "", "", *(["no"] * len(rule_base.gates)), "yes"]


class TestAHealthyPerson:
    def test_answers_at_most_ten_prompts(self, rule_base: RuleBase) -> None:
        answers, script = walk(rule_base, healthy(rule_base))
        assert len(script.prompts) <= 10
        assert answers.patient().conditions == ()

    def test_gets_the_same_result_as_check_without_conditions(self, rule_base: RuleBase) -> None:
        answers, _ = walk(rule_base, healthy(rule_base))
        assert screen(rule_base, answers.patient()) == screen(
            rule_base, Names.of(rule_base).patient(rule_base, [], [], [], None)
        )


class TestGates:
    def test_no_skips_the_follow_ups(self, minimal: RuleBase) -> None:
        _, script = walk(minimal, healthy(minimal))
        assert not any(p.startswith("Numbers separated") for p in script.prompts)

    def test_yes_opens_the_checklist(self, minimal: RuleBase) -> None:
        answers, script = walk(minimal, ["", "", "", "no", "yes", "1, 2", "no", "yes"])
        assert answers.gates["heart"] == ("arterial-hypertension", "arterial-hypotension")
        assert "  2. Low blood pressure" in script.said

    @pytest.mark.parametrize("order", [1, -1])
    def test_not_sure_of_an_ambiguous_term_screens_the_stricter_choice(
        self, minimal: RuleBase, order: int
    ) -> None:
        heart = replace(
            minimal.gates[1],
            items=(QuestionItem("Blood pressure problems", term="blood pressure"),),
        )
        (ambiguity,) = minimal.ambiguities
        choices = ambiguity.choices[::order]  # hypotension first, or second: no rule names it
        rule_base = replace(
            minimal,
            gates=(minimal.gates[0], heart, minimal.gates[2]),
            ambiguities=(replace(ambiguity, choices=choices),),
        )
        answers, script = walk(rule_base, ["", "", "", "no", "yes", "1", "don't know", "no", "yes"])
        assert answers.gates["heart"] == ("arterial-hypertension",)
        assert (
            '  Not sure, so this screens as "Arterial hypertension", the stricter possibility '
            "for the massage asked about. Change it in the summary if you find out."
        ) in script.said

    def test_an_ambiguous_term_asks_its_own_question(self, minimal: RuleBase) -> None:
        heart = replace(
            minimal.gates[1],
            items=(QuestionItem("Blood pressure problems", term="blood pressure"),),
        )
        rule_base = replace(minimal, gates=(minimal.gates[0], heart, minimal.gates[2]))
        answers, script = walk(rule_base, ["", "", "", "no", "yes", "1", "3", "2", "no", "yes"])
        assert answers.gates["heart"] == ("arterial-hypotension",)
        start = script.said.index("Is your blood pressure too high or too low?")
        assert script.said[start : start + 4] == [
            "Is your blood pressure too high or too low?",
            "  1. it is high",
            "  2. it is low",
            "  Please type a number from 1 to 2 (digits 0-9), or not sure.",
        ]

    def test_a_local_condition_asks_where(self, minimal: RuleBase) -> None:
        answers, _ = walk(minimal, ["", "", "", "no", "no", "yes", "1", "lower back", "yes"])
        assert answers.gates["skin"] == ("skin-wound@lumbar",)
        assert [(c.id, c.site) for c in answers.patient().conditions] == [("skin-wound", "lumbar")]

    def test_not_sure_where_means_everywhere(self, minimal: RuleBase) -> None:
        answers, _ = walk(minimal, ["", "", "", "no", "no", "yes", "1", "", "yes"])
        assert answers.gates["skin"] == ("skin-wound",)

    @pytest.mark.parametrize("bad", ["", "maybe", "nope", "1"])
    def test_an_invalid_answer_is_asked_again_never_taken_as_no(
        self, minimal: RuleBase, bad: str
    ) -> None:
        answers, script = walk(minimal, ["", "", "", bad, "yes", "1", "no", "no", "yes"])
        assert answers.gates["acute"] == ("fever",)
        assert (
            "  Please answer yes or no (or type back to return to the previous question)."
            in script.said
        )

    def test_an_invalid_checklist_answer_is_asked_again(self, minimal: RuleBase) -> None:
        answers, script = walk(minimal, ["", "", "", "yes", "", "7", "1", "no", "no", "yes"])
        assert answers.gates["acute"] == ("fever",)
        assert (
            script.said.count(
                "  Please type one or more numbers from 1 to 1 (digits 0-9), separated by commas "
                "or spaces, or none."
            )
            == 2
        )


class TestScope:
    def test_regions_and_types_by_number_or_name(self, minimal: RuleBase) -> None:
        answers, _ = walk(minimal, ["2, neck", "cupping", "clinic", "no", "no", "no", "yes"])
        assert (answers.regions, answers.types, answers.setting) == (
            ("lumbar", "cervical"),
            ("vacuum",),
            "clinic",
        )

    def test_an_unknown_name_is_asked_again_with_suggestions(self, minimal: RuleBase) -> None:
        answers, script = walk(minimal, ["nek", "neck", "", "", "no", "no", "no", "yes"])
        assert answers.regions == ("cervical",)
        assert any("did you mean" in line for line in script.said)


class TestGoingBack:
    def test_back_returns_to_the_previous_question(self, minimal: RuleBase) -> None:
        answers, _ = walk(minimal, ["", "", "", "yes", "1", "back", "no", "no", "no", "yes"])
        assert answers.gates["acute"] == ()

    def test_back_from_a_follow_up_returns_to_its_gate(self, minimal: RuleBase) -> None:
        answers, _ = walk(minimal, ["", "", "", "yes", "back", "no", "no", "no", "yes"])
        assert answers.gates["acute"] == ()

    def test_the_summary_lets_any_answer_be_changed(self, minimal: RuleBase) -> None:
        replies = [*healthy(minimal)[:-1], "5", "yes", "1", "yes"]
        answers, script = walk(minimal, replies)
        assert answers.gates["heart"] == ("arterial-hypertension",)
        assert script.said.count("Your answers:") == 2
        assert (
            "  5. Do you have any problem with your blood pressure? -> yes: Arterial "
            "hypertension" in script.said
        )


def test_end_of_input_passes_through(minimal: RuleBase) -> None:
    with pytest.raises(EOFError):
        walk(minimal, ["", ""])


class TestAnswersFiles:
    def test_saved_answers_replay_to_the_same_answers(self, minimal: RuleBase) -> None:
        answers, _ = walk(minimal, ["", "", "home", "no", "yes", "1", "yes", "1,2", "neck", "yes"])
        document = yaml.safe_load(yaml.safe_dump(answers.to_document()))
        assert answers_from_document(document, minimal) == answers

    def test_every_question_must_be_answered(self, minimal: RuleBase) -> None:
        with pytest.raises(InputError, match='question "skin" is not answered'):
            answers_from_document({"gates": {"acute": "no", "heart": "no"}}, minimal)

    def test_unknown_conditions_fail_closed(self, minimal: RuleBase) -> None:
        with pytest.raises(InputError, match='unknown condition "hypotensoin"'):
            answers_from_document(
                {"gates": {"acute": "no", "heart": ["hypotensoin"], "skin": "no"}}, minimal
            )


class TestCommand:
    def run(self, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(
            app, ["questionnaire", *args, "--rules", str(MINIMAL)], input=input
        )

    def test_replays_an_answers_file_like_check(self, tmp_path: Path) -> None:
        path = tmp_path / "answers.yaml"
        path.write_text("gates:\n  acute: no\n  heart: [high blood pressure]\n  skin: no\n")
        replayed = self.run("--answers", str(path), "--format", "json")
        checked = CliRunner().invoke(
            app, ["check", "-c", "arterial-hypertension", "-f", "json", "--rules", str(MINIMAL)]
        )
        assert replayed.exit_code == checked.exit_code == 20
        assert json.loads(replayed.stdout) == json.loads(checked.stdout)

    def test_a_broken_answers_file_is_bad_input(self, tmp_path: Path) -> None:
        path = tmp_path / "answers.yaml"
        path.write_text("gates: [\n")
        result = self.run("--answers", str(path))
        assert result.exit_code == 2
        assert (
            result.stderr == f"massage-screen: error: {path}:2:1: not valid YAML: "
            "expected the node content, but found '<stream end>'\n"
        )

    def test_end_of_input_exits_130_with_one_line(self) -> None:
        result = self.run(input="\n\n")
        assert result.exit_code == 130
        assert result.stderr == "\nmassage-screen: screening cancelled; nothing was saved.\n"

    def test_the_report_and_answers_can_be_saved(self, tmp_path: Path) -> None:
        report, answers = tmp_path / "report.md", tmp_path / "answers.yaml"
        typed = ["", "", "", "no", "yes", "1", "no", "yes", f"{report}, {answers}"]
        result = self.run(input="\n".join(typed) + "\n")
        assert result.exit_code == 20
        assert report.read_text().startswith("# Massage screening")
        replayed = self.run("--answers", str(answers), "--format", "markdown")
        assert replayed.stdout == report.read_text()

    def test_a_failed_save_asks_again_and_loses_nothing(self, tmp_path: Path) -> None:
        report = tmp_path / "report.json"
        typed = ["", "", "", "no", "no", "no", "yes", f"{tmp_path}/no/such/dir/r.json", str(report)]
        result = self.run(input="\n".join(typed) + "\n")
        assert "Could not write" in result.stdout
        assert json.loads(report.read_text())["overall"] == "excluded"


def _item_reporting(rule_base: RuleBase, condition_id: str) -> tuple[int, list[str]]:
    """The gate and the replies that report a condition: its item's number, or the number of
    a term item and then of the term's choice that names it."""
    for g, gate in enumerate(rule_base.gates):
        for n, item in enumerate(gate.items, 1):
            if item.condition == condition_id:
                return g, [str(n)]
    for g, gate in enumerate(rule_base.gates):
        for n, item in enumerate(gate.items, 1):
            if item.term:
                choices = [c.condition for c in rule_base.ambiguity(item.term).choices]
                if condition_id in choices:
                    return g, [str(n), str(choices.index(condition_id) + 1)]
    raise AssertionError(f"no questionnaire item reports {condition_id}")


def test_every_condition_reported_through_the_questionnaire_matches_check(
    rule_base: RuleBase,
) -> None:
    names = Names.of(rule_base)
    for condition in rule_base.conditions:
        gate_index, picks = _item_reporting(rule_base, condition.id)
        replies = ["", "", ""]
        for g in range(len(rule_base.gates)):
            if g == gate_index:
                replies += ["yes", *picks] + ([""] if condition.local else [])
            else:
                replies.append("no")
        answers, _ = walk(rule_base, [*replies, "yes"])
        asked = screening_document(screen(rule_base, answers.patient()))
        checked = screening_document(
            screen(rule_base, names.patient(rule_base, [condition.id], [], [], None))
        )
        assert asked == checked, condition.id


# --- input as people type it, and a terminal of any width ----------------------------------


class TestTypedInput:
    def test_numbers_may_be_separated_by_spaces(self, minimal: RuleBase) -> None:
        answers, _ = walk(minimal, ["1 2", "", "", "no", "yes", "1 2", "no", "yes"])
        assert answers.regions == ("cervical", "lumbar")
        assert answers.gates["heart"] == ("arterial-hypertension", "arterial-hypotension")

    def test_names_keep_their_spaces(self, minimal: RuleBase) -> None:
        answers, _ = walk(minimal, ["lower back, 1", "", "", "no", "no", "no", "yes"])
        assert answers.regions == ("lumbar", "cervical")

    @pytest.mark.parametrize(
        "replies",
        [
            ["²", "", "", "", "no", "no", "no", "yes"],  # regions
            ["", "²", "", "", "no", "no", "no", "yes"],  # types
            ["", "", "²", "", "no", "no", "no", "yes"],  # setting
            ["", "", "", "yes", "²", "1", "no", "no", "yes"],  # a checklist
            ["", "", "", "yes", "1 ٣", "1", "no", "no", "yes"],  # Arabic-Indic three
            ["", "", "", "no", "no", "yes", "1", "²", "", "yes"],  # a site
            ["", "", "", "no", "no", "no", "²", "yes"],  # the summary
        ],
    )
    def test_unicode_digits_are_refused_politely_at_every_numbered_prompt(
        self, minimal: RuleBase, replies: list[str]
    ) -> None:
        _, script = walk(minimal, replies)
        assert any("digits 0-9" in line for line in script.said)
        assert not script.replies  # every reply was used: the walk went on to the end

    @pytest.mark.parametrize("words", ["not sure", "Don't know", "don’t know", "unsure"])
    def test_not_sure_where_means_everywhere(self, minimal: RuleBase, words: str) -> None:
        answers, _ = walk(minimal, ["", "", "", "no", "no", "yes", "1", words, "yes"])
        assert answers.gates["skin"] == ("skin-wound",)

    def test_not_sure_of_the_setting_leaves_it_undecided_and_says_so(
        self, minimal: RuleBase
    ) -> None:
        answers, script = walk(minimal, ["", "", "not sure", "no", "no", "no", "yes"])
        assert answers.setting is None
        assert any(line.startswith("  Not decided:") for line in script.said)

    def test_the_stricter_of_two_conditions(self, minimal: RuleBase) -> None:
        questionnaire = Questionnaire(minimal, Script([]).ask, Script([]).say)
        questionnaire.answers.regions = ("lumbar",)
        assert questionnaire.stricter(("arterial-hypotension", "pregnancy")) == "pregnancy"
        assert questionnaire.stricter(("pregnancy", "arterial-hypertension")) == "pregnancy"
        questionnaire.answers.regions = ("cervical",)
        assert questionnaire.stricter(("pregnancy", "arterial-hypertension")) == (
            "arterial-hypertension"
        )


class TestWidth:
    @pytest.mark.parametrize("width", [80, 60, 40])
    def test_nothing_said_or_asked_is_wider_than_the_terminal(
        self, rule_base: RuleBase, width: int
    ) -> None:
        script = Script(["1 3", "", "", "yes", "1", "no", "no", "yes", "2", "", "no", "no", "yes"])
        Questionnaire(rule_base, script.ask, script.say, width=width).run()
        assert max(len(line) for line in script.said) <= width
        assert max(len(prompt) for prompt in script.prompts) <= width - 10

    def test_lines_break_at_word_boundaries_with_a_hanging_indent(self) -> None:
        text = "  12. " + "word " * 30
        lines = wrap(text.rstrip(), 40)
        assert all(len(line) <= 40 for line in lines)
        assert all(line.startswith("      word") for line in lines[1:])
        assert " ".join(line.strip() for line in lines) == text.strip()


class TestSaving:
    def run(self, typed: list[str], cwd: Path):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(
            app,
            ["questionnaire", "--rules", str(MINIMAL)],
            input="\n".join(typed) + "\n",
        )

    def test_an_existing_file_is_kept_unless_the_person_says_yes(self, tmp_path: Path) -> None:
        report = tmp_path / "report.md"
        report.write_text("keep me")
        answers = ["", "", "", "no", "no", "no", "yes"]
        result = self.run([*answers, str(report), "no", ""], tmp_path)
        assert report.read_text() == "keep me"
        assert f"{report} exists. Overwrite it? [yes/no]" in " ".join(result.stdout.split())
        result = self.run([*answers, str(report), "yes"], tmp_path)
        assert report.read_text().startswith("# Massage screening")
        assert f"Saved {report}" in result.stdout

    def test_a_text_report_is_a_plain_table(self, tmp_path: Path) -> None:
        report = tmp_path / "report.txt"
        self.run(["", "", "", "no", "no", "no", "yes", str(report)], tmp_path)
        assert report.read_text().startswith("Overall: EXCLUDED")
