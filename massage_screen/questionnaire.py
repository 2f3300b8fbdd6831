"""The interactive screening: scope questions, gated questions from the rule base, a summary.

It talks only through the injected `ask` and `say` callables, so tests need no terminal.
`ask` may raise KeyboardInterrupt or EOFError; they pass through untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from massage_screen.model import Entry, Gate, GivenCondition, Patient, RuleBase
from massage_screen.names import InputError, Names

ANSWERS_SCHEMA = "massage-screen/answers/1"
BACK_WORDS = frozenset({"back", "b", "<"})
YES_WORDS = frozenset({"y", "yes"})
NO_WORDS = frozenset({"n", "no"})
EVERYWHERE_WORDS = frozenset({"", "everywhere", "all", "whole back", "not sure"})


class _Back(Exception):
    """The user asked to return to the previous question."""


@dataclass
class Answers:
    """Everything a screening needs, as answered; saved and replayed as YAML or JSON."""

    regions: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    setting: str | None = None
    gates: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def patient(self) -> Patient:
        """The Patient these answers describe (conditions in gate order, each once)."""
        conditions: dict[str, GivenCondition] = {}
        for reported in self.gates.values():
            for given in reported:
                condition_id, _, site = given.partition("@")
                conditions.setdefault(given, GivenCondition(condition_id, given, site or None))
        return Patient(tuple(conditions.values()), self.types, self.regions, self.setting)

    def to_document(self) -> dict[str, Any]:
        return {
            "schema": ANSWERS_SCHEMA,
            "regions": list(self.regions) or "all",
            "types": list(self.types) or "all",
            "setting": self.setting,
            "gates": {
                gate: (list(reported) if reported else "no")
                for gate, reported in self.gates.items()
            },
        }


def answers_from_document(document: Any, rule_base: RuleBase) -> Answers:
    """Validate a saved answers document (fail closed: every gate must be answered).

    Names may be ids, labels or aliases; raises InputError naming the first problem.
    """
    if not isinstance(document, Mapping):
        raise InputError("answers file: expected a mapping at the top level")
    if document.get("schema", ANSWERS_SCHEMA) != ANSWERS_SCHEMA:
        raise InputError(f'answers file: schema must be "{ANSWERS_SCHEMA}"')
    # "record" says who and what saved the answers (see report.record_document); not replayed
    unknown = set(document) - {"schema", "regions", "types", "setting", "gates", "record"}
    if unknown:
        raise InputError(f'answers file: unknown field "{sorted(unknown)[0]}"')
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
    setting = names.settings.resolve(setting_value) if setting_value else None

    raw_gates = document.get("gates")
    if not isinstance(raw_gates, Mapping):
        raise InputError('answers file: "gates" must map every question id to "no" or a list')
    known = {gate.id for gate in rule_base.gates}
    for gate_id in raw_gates:
        if gate_id not in known:
            raise InputError(
                f'answers file: unknown question "{gate_id}"; known: '
                + ", ".join(g.id for g in rule_base.gates)
            )
    gates: dict[str, tuple[str, ...]] = {}
    for gate in rule_base.gates:
        if gate.id not in raw_gates:
            raise InputError(
                f'answers file: question "{gate.id}" is not answered '
                '(give "no" or a list of conditions)'
            )
        value = raw_gates[gate.id]
        if value in ("no", False, None, []):
            gates[gate.id] = ()
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f'answers file: question "{gate.id}" must be "no" or a list')
        reported = []
        for name in value:
            given = names.condition(name, rule_base)
            reported.append(f"{given.id}@{given.site}" if given.site else given.id)
        gates[gate.id] = tuple(dict.fromkeys(reported))
    return Answers(regions, types, setting, gates)


class Questionnaire:
    """Walks a person through a screening; `run()` returns their confirmed Answers."""

    def __init__(
        self, rule_base: RuleBase, ask: Callable[[str], str], say: Callable[[str], None]
    ) -> None:
        self.rule_base = rule_base
        self.names = Names.of(rule_base)
        self.ask_raw = ask
        self.say = say
        self.answers = Answers()
        self.steps: list[tuple[str, Callable[[], None]]] = [
            ("Regions to massage", self.ask_regions),
            ("Massage types planned", self.ask_types),
            ("Setting", self.ask_setting),
            *((gate.question, self._gate_step(gate)) for gate in rule_base.gates),
        ]

    # prompting ------------------------------------------------------------------------------

    def ask(self, prompt: str) -> str:
        answer = self.ask_raw(prompt).strip()
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
        """Numbers or names, comma-separated; Enter gives `empty_means` (returned as ())."""
        for number, entry in enumerate(entries, 1):
            self.say(f"  {number}. {describe(entry)}")
        while True:
            answer = self.ask(
                f"{prompt} (numbers or names, separated by commas; Enter for {empty_means}) "
            )
            if not answer:
                return ()
            try:
                chosen = [
                    self._pick(part.strip(), entries, resolve)
                    for part in answer.split(",")
                    if part.strip()
                ]
            except InputError as error:
                self.say(f"  {error}. Try again.")
                continue
            return tuple(dict.fromkeys(chosen))

    @staticmethod
    def _pick(part: str, entries: tuple[Entry, ...], resolve: Callable[[str], str]) -> str:
        if part.isdigit():
            if 1 <= int(part) <= len(entries):
                return entries[int(part) - 1].id
            raise InputError(f"there is no number {part}")
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
            self.answers.gates[gate.id] = self.ask_gate(gate)

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
            answer = self.ask("Numbers separated by commas (or none if none of these) ")
            if answer.casefold() in ("none", "0"):
                self.say(
                    "  Nothing recorded for this question. If you have a condition that "
                    "is not listed, ask a doctor before massage."
                )
                return ()
            parts = [p.strip() for p in answer.split(",") if p.strip()]
            if parts and all(p.isdigit() and 1 <= int(p) <= len(gate.items) for p in parts):
                break
            self.say(
                f"  Please type one or more numbers from 1 to {len(gate.items)}, "
                "separated by commas, or none."
            )
        reported: list[str] = []
        for number in dict.fromkeys(int(p) for p in parts):
            item = gate.items[number - 1]
            condition_id = self.ask_term(item.term) if item.term else item.condition or ""
            if self.rule_base.condition(condition_id).local:
                reported += self.ask_sites(item.text, condition_id)
            else:
                reported.append(condition_id)
        return tuple(dict.fromkeys(reported))

    def ask_term(self, term: str) -> str:
        """Ask an ambiguous term's own question; the condition of the choice picked."""
        ambiguity = self.rule_base.ambiguity(term)
        self.say(ambiguity.question)
        for number, choice in enumerate(ambiguity.choices, 1):
            self.say(f"  {number}. {choice.means}")
        count = len(ambiguity.choices)
        while True:
            answer = self.ask(f"Number from 1 to {count} ")
            if answer.isascii() and answer.isdigit() and 1 <= int(answer) <= count:
                return ambiguity.choices[int(answer) - 1].condition
            self.say(f"  Please type a number from 1 to {count}.")

    def ask_sites(self, text: str, condition_id: str) -> list[str]:
        regions = self.rule_base.regions
        choices = ", ".join(f"{n}. {r.short_label}" for n, r in enumerate(regions, 1))
        while True:
            answer = self.ask(
                f'Where is it ("{text}")? {choices}; Enter if elsewhere on the back or not sure '
            )
            if answer.casefold() in EVERYWHERE_WORDS:
                return [condition_id]
            try:
                sites = [
                    self._pick(p.strip(), regions, self.names.regions.resolve)
                    for p in answer.split(",")
                    if p.strip()
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
            if answer.isdigit() and 1 <= int(answer) <= len(self.steps):
                self._revise(int(answer) - 1)
                continue
            self.say(f"  Please type yes, or a number from 1 to {len(self.steps)}.")

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
            parts.append(
                f"{label} ({rule_base.region(site).short_label.lower()})" if site else label
            )
        return "yes: " + "; ".join(parts)


def _describe(entry: Entry) -> str:
    aliases = [a for a in entry.aliases[:2] if a.casefold() != entry.label.casefold()]
    return entry.label + (f" ({', '.join(aliases)})" if aliases else "")


__all__ = ["ANSWERS_SCHEMA", "Answers", "Questionnaire", "answers_from_document"]
