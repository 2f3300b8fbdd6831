"""The interactive screening: scope questions, gated questions from the rule base, a summary.

It talks only through the injected `ask` and `say` callables, so tests need no terminal.
`ask` may raise KeyboardInterrupt or EOFError; they pass through untouched.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from massage_screen.model import Entry, Gate, GivenCondition, Patient, RuleBase
from massage_screen.names import InputError, Names
from massage_screen.sanitise import one_line, shown

ANSWERS_SCHEMA = "massage-screen/answers/1"
BACK_WORDS = frozenset({"back", "b", "<"})
YES_WORDS = frozenset({"y", "yes"})
NO_WORDS = frozenset({"n", "no"})
NOT_SURE_WORDS = frozenset(
    {"not sure", "notsure", "unsure", "don't know", "dont know", "do not know", "?", "i don't know"}
)
NOT_SURE = "not sure"  # how an answers file records a "not sure" answer to a term's question
_UNSURE_ANSWER = re.compile(r"(?P<term>[^:@]+):(?P<answer>[^@]*)(?:@(?P<site>.*))?", re.DOTALL)
EVERYWHERE_WORDS = frozenset({"", "everywhere", "all", "whole back"} | NOT_SURE_WORDS)
_NUMBERS = re.compile(r"\S+(?:\s+\S+)*")
_LIST_ITEM = re.compile(r"^(\s*(?:\d+\.\s+|[-•]\s+)?)")


def is_number(text: str) -> bool:
    """Only the ASCII digits 0-9: "²" and "٣" pass str.isdigit() but not int(); and at
    most six of them (int() refuses more than 4300 digits, and no list is that long)."""
    return text.isascii() and text.isdigit() and len(text) <= 6


def split_answer(answer: str) -> list[str]:
    """Comma-separated parts; a part made only of numbers may separate them by spaces
    ("1 8" is "1,8"), while names keep their spaces ("lower back")."""
    parts: list[str] = []
    for part in answer.split(","):
        words = part.split()
        if words and all(w.isdigit() for w in words):
            parts += words
        elif part.strip():
            parts.append(part.strip())
    return parts


def normalise_answer(answer: str) -> str:
    """Lower case, curly apostrophes straightened, spaces squeezed: for matching words."""
    return " ".join(answer.casefold().replace("\u2019", "'").split())


def answer_room(width: int | None) -> int | None:
    """The width to wrap a prompt to, leaving room on its last line for a short answer."""
    return None if width is None else max(width - 12, 20)


def wrap(text: str, width: int | None) -> list[str]:
    """`text` as lines of at most `width` columns, broken at word boundaries; numbered or
    bulleted items keep a hanging indent. None leaves the text as one line."""
    if width is None or not text:
        return [text]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lead = _LIST_ITEM.match(paragraph)
        indent = " " * len(lead.group(1)) if lead else ""
        lines += textwrap.wrap(
            paragraph,
            width=max(width, 20),
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
    return lines


class _Back(Exception):
    """The user asked to return to the previous question."""


@dataclass
class Answers:
    """Everything a screening needs, as answered; saved and replayed as YAML or JSON."""

    regions: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    setting: str | None = None
    gates: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: reported condition ("id" or "id@site") -> the ambiguous term answered "not sure",
    #: screened as its stricter choice
    unsure: dict[str, str] = field(default_factory=dict)

    def given(self, reported: str) -> str:
        """The words a reported condition is shown with: the id (and site) as answered, or
        for a "not sure" answer the term and the choice it was screened as."""
        term = self.unsure.get(reported)
        if term is None:
            return reported
        condition_id, _, site = reported.partition("@")
        where = f"@{site}" if site else ""
        return f"{term}{where} (not sure which; screened as the stricter: {condition_id})"

    def patient(self) -> Patient:
        """The Patient these answers describe (conditions in gate order, each once)."""
        conditions: dict[str, GivenCondition] = {}
        for reported in self.gates.values():
            for given in reported:
                condition_id, _, site = given.partition("@")
                conditions.setdefault(
                    given,
                    GivenCondition(
                        condition_id,
                        self.given(given),
                        site or None,
                        unsure_of=self.unsure.get(given),
                    ),
                )
        return Patient(tuple(conditions.values()), self.types, self.regions, self.setting)

    def saved(self, reported: str) -> str:
        """A reported condition as the answers file keeps it: "osteochondrosis: not sure"
        (with "@site" for a site) for a "not sure" answer, so that it replays the same."""
        term = self.unsure.get(reported)
        if term is None:
            return reported
        _, at, site = reported.partition("@")
        return f"{term}: {NOT_SURE}{at}{site}"

    def to_document(self) -> dict[str, Any]:
        return {
            "schema": ANSWERS_SCHEMA,
            "regions": list(self.regions) or "all",
            "types": list(self.types) or "all",
            "setting": self.setting,
            "gates": {
                gate: ([self.saved(r) for r in reported] if reported else "no")
                for gate, reported in self.gates.items()
            },
        }


def answers_from_document(
    document: Any, rule_base: RuleBase, source: str = "answers file"
) -> Answers:
    """Validate a saved answers document (fail closed: every gate must be answered).

    Names may be ids, labels or aliases; raises InputError naming the first problem, its
    message starting with `source` (the file's name: "answers.yaml: unknown condition ...").
    """
    try:
        return _answers_from_document(document, rule_base)
    except InputError as error:
        message = str(error).removeprefix("answers file: ")
        raise InputError(f"{one_line(source, 200)}: {message}") from None


def _answers_from_document(document: Any, rule_base: RuleBase) -> Answers:
    if not isinstance(document, Mapping):
        raise InputError("answers file: expected a mapping at the top level")
    if document.get("schema", ANSWERS_SCHEMA) != ANSWERS_SCHEMA:
        raise InputError(f'answers file: schema must be "{ANSWERS_SCHEMA}"')
    # "record" says who and what saved the answers (see report.record_document); not replayed
    unknown = set(document) - {"schema", "regions", "types", "setting", "gates", "record"}
    if unknown:
        raise InputError(f'answers file: unknown field "{shown(str(sorted(unknown, key=str)[0]))}"')
    names = Names.of(rule_base)

    def many(key: str, resolve: Callable[[str], str]) -> tuple[str, ...]:
        value = document.get(key, "all")
        if value in ("all", None, []):
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f'answers file: "{key}" must be "all" or a list of names')
        return tuple(dict.fromkeys(resolve(v) for v in value))

    regions = many("regions", names.regions.resolve)
    types = many("types", names.massage_types.resolve)
    setting_value = document.get("setting")
    if setting_value is not None and not isinstance(setting_value, str):
        raise InputError('answers file: "setting" must be a name or null')
    if setting_value is not None and not setting_value.strip():
        raise InputError('answers file: "setting" is empty; give a name, or null if not decided')
    setting = names.settings.resolve(setting_value) if setting_value is not None else None

    raw_gates = document.get("gates")
    if not isinstance(raw_gates, Mapping):
        raise InputError('answers file: "gates" must map every question id to "no" or a list')
    known = {gate.id for gate in rule_base.gates}
    for gate_id in raw_gates:
        if gate_id not in known:
            raise InputError(
                f'answers file: unknown question "{shown(gate_id)}"; known: '
                + ", ".join(g.id for g in rule_base.gates)
            )
    gates: dict[str, tuple[str, ...]] = {}
    unsure_terms: dict[str, str] = {}
    for gate in rule_base.gates:
        if gate.id not in raw_gates:
            raise InputError(
                f'answers file: question "{gate.id}" is not answered '
                '(give "no" or a list of conditions)'
            )
        value = raw_gates[gate.id]
        if value == "no" or value == []:  # only the documented answers: not 0, false or null
            gates[gate.id] = ()
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f'answers file: question "{gate.id}" must be "no" or a list')
        reported = []
        for name in value:
            unsure = _UNSURE_ANSWER.fullmatch(name)
            if unsure and normalise_answer(unsure["answer"]) in NOT_SURE_WORDS:
                ambiguity = names.ambiguity(unsure["term"].strip())
                if ambiguity is None:
                    raise InputError(
                        f'answers file: "{shown(name)}": only an ambiguous term (see '
                        "`massage-screen list ambiguous`) can be answered not sure"
                    )
                condition_id = stricter_choice(
                    rule_base,
                    tuple(c.condition for c in ambiguity.choices),
                    Patient((), types, regions, setting),
                )
                site_name = unsure["site"]
                site = names.regions.resolve(site_name.strip()) if site_name else None
                entry = f"{condition_id}@{site}" if site else condition_id
                unsure_terms[entry] = ambiguity.term
                reported.append(entry)
                continue
            given = names.condition(name, rule_base)
            reported.append(f"{given.id}@{given.site}" if given.site else given.id)
        gates[gate.id] = tuple(dict.fromkeys(reported))
    return Answers(regions, types, setting, gates, unsure_terms)


def stricter_choice(rule_base: RuleBase, condition_ids: tuple[str, ...], scope: Patient) -> str:
    """The condition whose screening alone (over the types, regions and setting of `scope`)
    is strictest: the worst verdict, then the most excluded and cautioned cells; the first
    on a tie. This is what a "not sure" answer to an ambiguous term screens as."""
    from massage_screen.evaluate import screen
    from massage_screen.model import Verdict

    def strictness(condition_id: str) -> tuple[int, int, int]:
        patient = Patient(
            (GivenCondition(condition_id, condition_id),),
            scope.types,
            scope.regions,
            scope.setting,
        )
        verdicts = [cell.verdict for cell in screen(rule_base, patient).results]
        return (
            max((v.severity for v in verdicts), default=0),
            verdicts.count(Verdict.EXCLUDED),
            verdicts.count(Verdict.CAUTIONED),
        )

    return max(condition_ids, key=strictness)  # max keeps the first of equals


class Questionnaire:
    """Walks a person through a screening; `run()` returns their confirmed Answers."""

    def __init__(
        self,
        rule_base: RuleBase,
        ask: Callable[[str], str],
        say: Callable[[str], None],
        *,
        width: int | None = None,
    ) -> None:
        self.rule_base = rule_base
        self.names = Names.of(rule_base)
        self.ask_raw = ask
        self.say_raw = say
        self.width = width
        self.answers = Answers()
        self._unsure_here: dict[str, str] = {}  # this gate's "not sure" answers
        self._last_unsure = False  # the last term's question was answered "not sure"
        self.steps: list[tuple[str, Callable[[], None]]] = [
            ("Regions to massage", self.ask_regions),
            ("Massage types planned", self.ask_types),
            ("Setting", self.ask_setting),
            *((gate.question, self._gate_step(gate)) for gate in rule_base.gates),
        ]

    # prompting ------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        """Say `text`, wrapped to the terminal's width at word boundaries."""
        for line in wrap(text, self.width):
            self.say_raw(line)

    def ask(self, prompt: str) -> str:
        """Ask with `prompt` (wrapped: all but its last line are said first)."""
        lines = wrap(prompt.rstrip(), answer_room(self.width))
        for line in lines[:-1]:
            self.say_raw(line)
        answer = self.ask_raw(lines[-1] + " ").strip()
        if answer.casefold() in BACK_WORDS:
            raise _Back
        return answer

    def ask_yes_no(self, question: str) -> bool:
        while True:
            answer = self.ask(f"{question} [yes/no] ").casefold()
            if answer in YES_WORDS:
                return True
            if answer in NO_WORDS:
                return False
            self.say("  Please answer yes or no (or type back to return to the previous question).")

    def choose(
        self,
        prompt: str,
        entries: tuple[Entry, ...],
        describe: Callable[[Entry], str],
        resolve: Callable[[str], str],
        *,
        empty_means: str,
    ) -> tuple[str, ...]:
        """Numbers or names, separated by commas (numbers by spaces too); Enter gives
        `empty_means` (returned as ())."""
        for number, entry in enumerate(entries, 1):
            self.say(f"  {number}. {describe(entry)}")
        while True:
            answer = self.ask(
                f"{prompt} (numbers or names, separated by commas or spaces; Enter for "
                f"{empty_means}) "
            )
            if not answer:
                return ()
            try:
                chosen = [self._pick(part, entries, resolve) for part in split_answer(answer)]
            except InputError as error:
                self.say(f"  {error}. Try again.")
                continue
            return tuple(dict.fromkeys(chosen))

    @staticmethod
    def _pick(part: str, entries: tuple[Entry, ...], resolve: Callable[[str], str]) -> str:
        if part.isascii() and part.isdigit() and not is_number(part):
            raise InputError(f"there is no number {shown(part)}")
        if part.isdigit() and not is_number(part):
            raise InputError(f'"{shown(part)}" is not a number here: please type the digits 0-9')
        if is_number(part):
            if 1 <= int(part) <= len(entries):
                return entries[int(part) - 1].id
            raise InputError(f"there is no number {shown(part)}")
        return resolve(part)

    # the steps ------------------------------------------------------------------------------

    def ask_regions(self) -> None:
        self.say("Which parts of the spine will be massaged?")
        self.answers.regions = self.choose(
            "Regions",
            self.rule_base.regions,
            _describe,
            self.names.regions.resolve,
            empty_means="all",
        )

    def ask_types(self) -> None:
        self.say("Which kinds of massage are planned?")
        self.answers.types = self.choose(
            "Massage types",
            self.rule_base.massage_types,
            _describe,
            self.names.massage_types.resolve,
            empty_means="all",
        )

    def ask_setting(self) -> None:
        self.say("Where will the massage take place?")
        for number, entry in enumerate(self.rule_base.settings, 1):
            self.say(f"  {number}. {_describe(entry)}")
        while True:
            answer = self.ask("Setting (number or name; Enter if not decided) ")
            if normalise_answer(answer) in NOT_SURE_WORDS:
                self.say(
                    "  Not decided: rules that hold only at home or only in a clinic are "
                    "shown as notes."
                )
                answer = ""
            if not answer:
                self.answers.setting = None
                return
            try:
                self.answers.setting = self._pick(
                    answer, self.rule_base.settings, self.names.settings.resolve
                )
                return
            except InputError as error:
                self.say(f"  {error}. Try again.")

    def _gate_step(self, gate: Gate) -> Callable[[], None]:
        def step() -> None:
            self._unsure_here = {}
            reported = self.ask_gate(gate)
            self.answers.gates[gate.id] = reported
            unsure = {k: v for k, v in self.answers.unsure.items() if k not in reported}
            self.answers.unsure = {
                **unsure,
                **{k: v for k, v in self._unsure_here.items() if k in reported},
            }

        return step

    def ask_gate(self, gate: Gate) -> tuple[str, ...]:
        while True:
            if not self.ask_yes_no(gate.question):
                return ()
            try:
                return self._gate_details(gate)
            except _Back:
                continue  # back from a follow-up returns to this gate's yes/no question

    def _gate_details(self, gate: Gate) -> tuple[str, ...]:
        self.say("Which of these apply?")
        for number, item in enumerate(gate.items, 1):
            self.say(f"  {number}. {item.text}")
        while True:
            answer = self.ask("Numbers separated by commas or spaces (or none if none of these) ")
            if answer.casefold() in ("none", "0"):
                self.say(
                    "  Nothing recorded for this question. If you have a condition that "
                    "is not listed, ask a doctor before massage."
                )
                return ()
            parts = split_answer(answer)
            if parts and all(is_number(p) and 1 <= int(p) <= len(gate.items) for p in parts):
                break
            self.say(
                f"  Please type one or more numbers from 1 to {len(gate.items)} (digits 0-9), "
                "separated by commas or spaces, or none."
            )
        reported: list[str] = []
        for number in dict.fromkeys(int(p) for p in parts):
            item = gate.items[number - 1]
            condition_id = self.ask_term(item.term) if item.term else item.condition or ""
            if self.rule_base.condition(condition_id).local:
                entries = self.ask_sites(item.text, condition_id)
            else:
                entries = [condition_id]
            reported += entries
            for entry in entries:
                if item.term and self._last_unsure:
                    self._unsure_here[entry] = self.rule_base.ambiguity(item.term).term
                else:
                    self._unsure_here.pop(entry, None)
        return tuple(dict.fromkeys(reported))

    def ask_term(self, term: str) -> str:
        """Ask an ambiguous term's own question (rules/ambiguous.yaml); the condition of the
        choice picked. "Not sure" picks the stricter choice, and says so."""
        ambiguity = self.rule_base.ambiguity(term)
        choices = ambiguity.choices
        self.say(ambiguity.question)
        for number, choice in enumerate(choices, 1):
            self.say(f"  {number}. {choice.means}")
        self._last_unsure = False
        while True:
            answer = self.ask(f"Number from 1 to {len(choices)}, or not sure ")
            if normalise_answer(answer) in NOT_SURE_WORDS:
                self._last_unsure = True
                condition_id = self.stricter(tuple(c.condition for c in choices))
                self.say(
                    f'  Not sure, so this screens as "{self.label(condition_id)}", the '
                    "stricter possibility for the massage asked about. Change it in the "
                    "summary if you find out."
                )
                return condition_id
            if is_number(answer) and 1 <= int(answer) <= len(choices):
                return choices[int(answer) - 1].condition
            self.say(f"  Please type a number from 1 to {len(choices)} (digits 0-9), or not sure.")

    def label(self, condition_id: str) -> str:
        return self.rule_base.condition(condition_id).label

    def stricter(self, condition_ids: tuple[str, ...]) -> str:
        """The condition whose screening (alone, over the types, regions and setting
        answered so far) is strictest: the worst verdict, then the most excluded and
        cautioned cells; the first on a tie."""
        scope = Patient((), self.answers.types, self.answers.regions, self.answers.setting)
        return stricter_choice(self.rule_base, condition_ids, scope)

    def ask_sites(self, text: str, condition_id: str) -> list[str]:
        regions = self.rule_base.regions
        choices = ", ".join(f"{n}. {r.short_label}" for n, r in enumerate(regions, 1))
        while True:
            answer = self.ask(
                f'Where is it ("{text}")? {choices}; Enter if elsewhere on the back or not sure '
            )
            if normalise_answer(answer) in EVERYWHERE_WORDS:
                return [condition_id]
            try:
                sites = [
                    self._pick(p, regions, self.names.regions.resolve) for p in split_answer(answer)
                ]
            except InputError as error:
                self.say(f"  {error}. Try again.")
                continue
            return [f"{condition_id}@{site}" for site in dict.fromkeys(sites)]

    # the walk -------------------------------------------------------------------------------

    def run(self) -> Answers:
        """Ask every step in order (back returns one step), then confirm on a summary where
        any answer can be revised without starting over."""
        self.say("Type back at any question to return to the previous one.")
        index = 0
        while index < len(self.steps):
            try:
                self.steps[index][1]()
                index += 1
            except _Back:
                index = max(index - 1, 0)
        while True:
            self.say_summary()
            try:
                answer = self.ask(
                    "Is this right? Type yes to see the result, or the number of "
                    "an answer to change it "
                ).casefold()
            except _Back:
                self._revise(len(self.steps) - 1)
                continue
            if answer in YES_WORDS:
                return self.answers
            if is_number(answer) and 1 <= int(answer) <= len(self.steps):
                self._revise(int(answer) - 1)
                continue
            self.say(f"  Please type yes, or a number from 1 to {len(self.steps)} (digits 0-9).")

    def _revise(self, index: int) -> None:
        while True:
            try:
                self.steps[index][1]()
                return
            except _Back:
                return  # back from a revision keeps the earlier answer

    def say_summary(self) -> None:
        self.say("")
        self.say("Your answers:")
        for number, (title, _) in enumerate(self.steps, 1):
            self.say(f"  {number}. {title} -> {self.describe_answer(number - 1)}")

    def describe_answer(self, index: int) -> str:
        rule_base = self.rule_base
        if index == 0:
            return ", ".join(rule_base.region(r).label for r in self.answers.regions) or "all"
        if index == 1:
            return ", ".join(rule_base.massage_type(t).label for t in self.answers.types) or "all"
        if index == 2:
            return (
                rule_base.setting(self.answers.setting).label
                if self.answers.setting
                else "not decided"
            )
        gate = rule_base.gates[index - 3]
        reported = self.answers.gates.get(gate.id, ())
        if not reported:
            return "no"
        parts = []
        for given in reported:
            condition_id, _, site = given.partition("@")
            label = rule_base.condition(condition_id).label
            if given in self.answers.unsure:
                label += " (not sure which; the stricter)"
            parts.append(
                f"{label} ({rule_base.region(site).short_label.lower()})" if site else label
            )
        return "yes: " + "; ".join(parts)


def _describe(entry: Entry) -> str:
    aliases = [a for a in entry.aliases[:2] if a.casefold() != entry.label.casefold()]
    return entry.label + (f" ({', '.join(aliases)})" if aliases else "")


__all__ = ["ANSWERS_SCHEMA", "Answers", "Questionnaire", "answers_from_document"]
