"""The loader refuses an invalid rule base, naming file, line, rule and field.

One broken fixture per error message, checked word for word."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from massage_screen import loader
from massage_screen.cases import rules_without_case
from massage_screen.cli import app
from massage_screen.loader import RuleBaseError, load_rule_base
from massage_screen.model import RuleBase
from massage_screen.names import Names, UnknownNameError
from massage_screen.seeds import Seed
from massage_screen.yaml_reader import read_yaml

from .conftest import SEEDS

# (file, text to replace, replacement, the exact problem reported)
BROKEN = {
    "quote not in its seed": (
        "groups/all.yaml",
        '"Patients with arterial hypertension."',
        '"Patients with arterial hypotension."',
        'rules/groups/all.yaml:9:16: error: rule "hypertension-excludes": quote not found in '
        "seeds/000_063ec8d0cbbd0d34.txt [bad-citation]",
    ),
    "unknown seed": (
        "groups/all.yaml",
        'source: 000_063ec8d0cbbd0d34.txt\n        quote: "Patients',
        'source: 999_missing.txt\n        quote: "Patients',
        'rules/groups/all.yaml:8:17: error: rule "hypertension-excludes": unknown source '
        '"999_missing.txt" (not in seeds/) [unknown-source]',
    ),
    "unknown condition in a rule": (
        "groups/all.yaml",
        "conditions: [arterial-hypertension]",
        "conditions: [hypertensoin]",
        'rules/groups/all.yaml:3:17: error: rule "hypertension-excludes": unknown condition '
        '"hypertensoin" [unknown-condition]',
    ),
    "unknown kind": (
        "groups/all.yaml",
        "kind: absolute\n    effect: excluded\n    advice: Do not",
        "kind: permanent\n    effect: excluded\n    advice: Do not",
        'rules/groups/all.yaml:4:11: error: rule "hypertension-excludes": kind "permanent" is '
        "not one of absolute, relative, temporary, caution, indication, note [bad-kind]",
    ),
    "kind and effect disagree": (
        "groups/all.yaml",
        "kind: absolute\n    effect: excluded\n    advice: Do not",
        "kind: absolute\n    effect: cautioned\n    advice: Do not",
        'rules/groups/all.yaml:5:13: error: rule "hypertension-excludes": a absolute rule must '
        "have effect excluded [bad-effect]",
    ),
    "temporary without until": (
        "groups/all.yaml",
        "    until: the fever has passed\n",
        "",
        'rules/groups/all.yaml:10:5: error: rule "fever-excludes": a temporary rule needs '
        '"until" (what must pass first) [missing-until]',
    ),
    "missing field": (
        "groups/all.yaml",
        "    advice: Do not massage.\n",
        "",
        'rules/groups/all.yaml:2:5: error: rule "hypertension-excludes": missing field "advice"'
        " [missing-field]",
    ),
    "unknown field": (
        "groups/all.yaml",
        "    advice: Do not massage.\n",
        "    advice: Do not massage.\n    severity: high\n",
        'rules/groups/all.yaml:7:15: error: rule "hypertension-excludes": unknown field '
        '"severity" [unknown-field]',
    ),
    "unknown region in a scope": (
        "groups/all.yaml",
        "scope: {types: [vacuum], regions: [cervical]}",
        "scope: {types: [vacuum], regions: [lower-back]}",
        'rules/groups/all.yaml:55:39: error: rule "vacuum-not-cervical": unknown region '
        '"lower-back" [unknown-region]',
    ),
    "duplicate key": (
        "groups/all.yaml",
        "    kind: absolute\n    effect: excluded\n    advice: Do not",
        "    kind: absolute\n    kind: relative\n    effect: excluded\n    advice: Do not",
        'rules/groups/all.yaml:5:5: error: duplicate key "kind" [duplicate-key]',
    ),
    "invalid YAML": (
        "groups/all.yaml",
        "  - id: hypertension-excludes",
        "  - id: [hypertension-excludes",
        "rules/groups/all.yaml:3:15: error: invalid YAML: did not find expected ',' or ']' "
        "[yaml-syntax]",
    ),
    "duplicate rule id": (
        "groups/all.yaml",
        "  - id: fever-excludes",
        "  - id: hypertension-excludes",
        'rules/groups/all.yaml:10:9: error: rule "hypertension-excludes": id already used in '
        "rules/groups/all.yaml [duplicate-id]",
        "fires: [fever-excludes]",
        "fires: [hypertension-excludes]",
    ),
    "id not kebab-case": (
        "groups/all.yaml",
        "  - id: fever-excludes",
        "  - id: Fever_Excludes",
        'rules/groups/all.yaml:10:9: error: rule "Fever_Excludes": id must be kebab-case [bad-id]',
        "fires: [fever-excludes]",
        "fires: [Fever_Excludes]",
    ),
    "alias claimed twice": (
        "conditions.yaml",
        "aliases: [low blood pressure]",
        "aliases: [High-Blood pressure]",
        'rules/conditions.yaml:7:14: error: condition "arterial-hypotension": name '
        '"High-Blood pressure" is already claimed by condition "arterial-hypertension" '
        "[duplicate-alias]",
    ),
    "bad local flag": (
        "conditions.yaml",
        "local: true",
        "local: yes please",
        'rules/conditions.yaml:11:12: error: condition "skin-wound": field "local" must be true '
        "or false [bad-type]",
    ),
    "conflict names an unknown rule": (
        "conflicts.yaml",
        "pregnancy-with-permission]",
        "pregnancy-gentle]",
        'rules/conflicts.yaml:4:12: error: conflict "pregnancy": unknown rule "pregnancy-gentle"'
        " [unknown-rule]",
    ),
    "conflict rule without its condition": (
        "conflicts.yaml",
        "pregnancy-with-permission]",
        "hypertension-excludes]",
        'rules/conflicts.yaml:4:12: error: conflict "pregnancy": rule "hypertension-excludes" '
        'does not name condition "pregnancy" [conflict-condition]',
    ),
    "left-out quote not in its seed": (
        "left-out.yaml",
        'quote: "cyst;"',
        'quote: "cysts;"',
        "rules/left-out.yaml:3:12: error: left-out passage: quote not found in "
        "seeds/003_b66a69254c4c6a61.txt [bad-citation]",
    ),
    "questionnaire names an unknown condition": (
        "questionnaire.yaml",
        "condition: fever",
        "condition: feverish",
        'rules/questionnaire.yaml:6:20: error: gate "acute": unknown condition "feverish" '
        "[unknown-condition]",
    ),
    "alias claimed twice in another spelling": (
        "conditions.yaml",
        "aliases: [wound, cut]",
        "aliases: [wound, cut, haematoma]",
        'rules/conditions.yaml:17:14: error: condition "fever": name "hematoma" is already '
        'claimed by condition "skin-wound" (as "haematoma") [duplicate-alias]',
        "aliases: [high temperature]",
        "aliases: [high temperature, hematoma]",
    ),
    "a region word naming an unknown region": (
        "regions.yaml",
        "regions: [lumbar]",
        "regions: [sacral]",
        'rules/regions.yaml:12:14: error: region word "waist-004": unknown region "sacral" '
        "[unknown-region]",
    ),
    "a region word from an unknown source": (
        "regions.yaml",
        "    source: 004_7702078080ac25a1.txt\n    regions",
        "    source: 005_missing.txt\n    regions",
        'rules/regions.yaml:11:13: error: region word "waist-004": unknown source '
        '"005_missing.txt" (not in seeds/) [unknown-source]',
    ),
    "a region word defined by another article": (
        "regions.yaml",
        '      - source: 004_7702078080ac25a1.txt\n        quote: "We pass',
        '      - source: 000_063ec8d0cbbd0d34.txt\n        quote: "Vacuum massage is not '
        'recommended at home."\n      - source: 004_7702078080ac25a1.txt\n        quote: "We pass',
        'rules/regions.yaml:14:17: error: region word "waist-004": a defining passage must come '
        "from its source 004_7702078080ac25a1.txt [region-word-source]",
    ),
    "a region word id that is a region": (
        "regions.yaml",
        "words:\n",
        "words:\n  - id: lumbar\n    word: loin\n    source: 004_7702078080ac25a1.txt\n"
        "    regions: [lumbar]\n    citations:\n      - source: 004_7702078080ac25a1.txt\n"
        '        quote: "We pass to a deep stroking of the waist."\n',
        'rules/regions.yaml:9:9: error: region word "lumbar": id already used [duplicate-id]',
    ),
    "a rule using a region word without citing its article": (
        "groups/all.yaml",
        "scope: {types: [vacuum], regions: [cervical]}",
        "scope: {types: [vacuum], regions: [waist-004]}",
        'rules/groups/all.yaml:55:39: error: rule "vacuum-not-cervical": region word "waist-004" '
        "is from 004_7702078080ac25a1.txt, which the rule does not cite [region-word-source]",
    ),
    "a case naming an unknown rule": (
        "groups/all.yaml",
        "fires: [hypertension-excludes]",
        "fires: [hypertension-excludes, hypertension-exclude]",
        'rules/groups/all.yaml:80:12: error: case "hypertension excludes everything": unknown '
        'rule "hypertension-exclude" in fires [unknown-rule]',
    ),
    "a case where a rule must fire and stay silent": (
        "groups/all.yaml",
        "silent: [wound-excludes]",
        "silent: [hypertension-excludes]",
        'rules/groups/all.yaml:81:13: error: case "hypertension excludes everything": rule '
        '"hypertension-excludes" cannot both fire and stay silent [case-contradiction]',
    ),
    "a conflict naming a rule twice": (
        "conflicts.yaml",
        "pregnancy-with-permission]",
        "pregnancy-with-permission, pregnancy-excludes-lumbar]",
        'rules/conflicts.yaml:4:12: error: conflict "pregnancy": rule "pregnancy-excludes-lumbar" '
        "is named twice [duplicate-rule]",
    ),
    "an ambiguous term that is a condition name": (
        "ambiguous.yaml",
        "aliases: [blood pressure problem]",
        "aliases: [blood pressure problem, Hypertension]",
        'rules/ambiguous.yaml:3:14: error: ambiguous term "blood pressure": "Hypertension" is '
        'also a name of condition "arterial-hypertension" [ambiguous-name]',
    ),
    "an ambiguous term claimed twice": (
        "ambiguous.yaml",
        "    choices:",
        "    choices:\n      - condition: fever\n        means: a fever\n"
        "      - condition: pregnancy\n        means: pregnant\n"
        "  - term: Blood-pressure problem\n    question: Which?\n    choices:",
        'rules/ambiguous.yaml:10:11: error: ambiguous term "Blood-pressure problem": name '
        '"Blood-pressure problem" is already claimed by ambiguous term "blood pressure" '
        "[duplicate-alias]",
    ),
    "an ambiguous term choosing an unknown condition": (
        "ambiguous.yaml",
        "condition: arterial-hypotension",
        "condition: hypotension-low",
        'rules/ambiguous.yaml:8:20: error: ambiguous term "blood pressure": unknown condition '
        '"hypotension-low" [unknown-condition]',
    ),
    "an ambiguous term with the same choice twice": (
        "ambiguous.yaml",
        "condition: arterial-hypotension",
        "condition: arterial-hypertension",
        'rules/ambiguous.yaml:8:20: error: ambiguous term "blood pressure": condition '
        '"arterial-hypertension" is a choice twice [duplicate-choice]',
    ),
    "an ambiguous term with one choice": (
        "ambiguous.yaml",
        "      - condition: arterial-hypotension\n        means: it is low\n",
        "",
        'rules/ambiguous.yaml:6:7: error: ambiguous term "blood pressure": needs at least two '
        "choices [too-few-choices]",
    ),
    "an ambiguous term without its question": (
        "ambiguous.yaml",
        "    question: Is your blood pressure too high or too low?\n",
        "",
        'rules/ambiguous.yaml:2:5: error: ambiguous term "blood pressure": missing field '
        '"question" [missing-field]',
    ),
    "a gate item naming an unknown term": (
        "questionnaire.yaml",
        "      - text: Low blood pressure\n        condition: arterial-hypotension",
        "      - text: Low blood pressure\n        term: blood pressures",
        'rules/questionnaire.yaml:13:15: error: gate "heart": unknown ambiguous term '
        '"blood pressures" [unknown-term]',
    ),
    "a gate item naming a condition and a term": (
        "questionnaire.yaml",
        "        condition: arterial-hypotension",
        "        condition: arterial-hypotension\n        term: blood pressure",
        'rules/questionnaire.yaml:12:9: error: gate "heart": an item names either a "condition" '
        'or a "term" [bad-item]',
    ),
    "case with a bad verdict": (
        "groups/all.yaml",
        "expect: {all: excluded}",
        "expect: {all: forbidden}",
        'rules/groups/all.yaml:79:19: error: case "hypertension excludes everything": '
        '"forbidden" is not a verdict [bad-verdict]',
    ),
}


@pytest.mark.parametrize("name", BROKEN)
def test_an_invalid_rule_base_names_file_line_rule_and_field(rules_copy: Path, name: str) -> None:
    file, old, new, expected, *more = BROKEN[name]
    path = rules_copy / file
    text = path.read_text(encoding="utf-8")
    for before, after in [(old, new), *zip(more[::2], more[1::2], strict=True)]:
        assert before in text, f"fixture text to break is missing: {before!r}"
        text = text.replace(before, after, 1)
    path.write_text(text, encoding="utf-8")

    with pytest.raises(RuleBaseError) as raised:
        load_rule_base(rules_copy)

    assert [str(p) for p in raised.value.problems] == [expected]


def test_every_problem_is_reported_at_once(rules_copy: Path) -> None:
    path = rules_copy / "groups" / "all.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("conditions: [arterial-hypertension]", "conditions: [nope]")
    text = text.replace("kind: temporary", "kind: sometimes")
    path.write_text(text, encoding="utf-8")

    with pytest.raises(RuleBaseError) as raised:
        load_rule_base(rules_copy)

    codes = [p.code for p in raised.value.problems]
    assert codes == ["unknown-condition", "bad-kind"]


def test_a_missing_catalogue_is_an_error(rules_copy: Path) -> None:
    (rules_copy / "regions.yaml").unlink()

    with pytest.raises(RuleBaseError) as raised:
        load_rule_base(rules_copy)

    assert "rules/regions.yaml:1:1: error: file is missing [missing-file]" in str(raised.value)


def test_a_missing_rule_base_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuleBaseError, match=r"rule base directory is missing \[missing-file\]"):
        load_rule_base(tmp_path / "nowhere")


class TestCitations:
    def test_line_numbers_are_computed_from_the_seed(self, minimal) -> None:  # type: ignore[no-untyped-def]
        citation = minimal.rule("hypertension-excludes").citations[0]
        seed_lines = (SEEDS / "000_063ec8d0cbbd0d34.txt").read_text(encoding="utf-8").splitlines()
        assert citation.source == "seeds/000_063ec8d0cbbd0d34.txt"
        assert "Patients with arterial hypertension." in seed_lines[citation.line - 1]

    def test_whitespace_is_forgiven_and_nothing_else(self) -> None:
        seed = Seed("s.txt", "first line\n\n  Massage is   not\n done:\n")
        assert seed.find("Massage is not done:") == (3, 4)
        assert seed.find("massage is not done:") is None
        assert seed.find("Massage is not done;") is None
        assert seed.find("   ") is None


# Files a careless or hostile hand may leave in a rule base: each is one located problem.
HOSTILE = {
    "a control byte": (
        b"rules:\n  - id: x\x01y\n",
        "rules/groups/all.yaml:2:10: error: control character U+0001 is not allowed "
        "[control-character]",
    ),
    "a complex key": (
        b"? [a, b]\n: 1\n",
        "rules/groups/all.yaml:1:3: error: complex (non-scalar) keys are not allowed [yaml-key]",
    ),
    "deep nesting": (
        b"rules: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
        "rules/groups/all.yaml:1:71: error: nested more than 64 levels deep [yaml-depth]",
    ),
    "a merge key": (
        b"base: {kind: absolute}\nrules:\n  - <<: {id: x}\n",
        "rules/groups/all.yaml:3:5: error: merge keys (<<) are not allowed [yaml-merge-key]",
    ),
    "an alias bomb": (
        b'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n'
        b"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
        "rules/groups/all.yaml:1:4: error: anchors and aliases are not allowed [yaml-alias]",
    ),
    "a tag": (
        b"rules: !!python/object:os.system x\n",
        "rules/groups/all.yaml:1:8: error: tags are not allowed "
        "(tag:yaml.org,2002:python/object:os.system) [yaml-tag]",
    ),
    "two documents": (
        b"rules: []\n---\nrules: []\n",
        "rules/groups/all.yaml:2:1: error: more than one YAML document [yaml-syntax]",
    ),
    "bytes that are not UTF-8": (
        b"rules: []\n# caf\xe9\n",
        "rules/groups/all.yaml:2:6: error: not UTF-8 text (byte 0xe9) [not-utf8]",
    ),
    "a number too long to read": (
        b"rules: " + b"1" * 5000 + b"\n",
        "rules/groups/all.yaml:1:8: error: cannot read value: Exceeds the limit (4300 digits) "
        "for integer string conversion: value has 5000 digits; use "
        "sys.set_int_max_str_digits() to increase the limit [yaml-syntax]",
    ),
    "a file over the size cap": (
        b"rules: []\n" + b"#" * (1 << 20) + b"\n",
        "rules/groups/all.yaml:1:1: error: file is larger than 1 MiB [too-large]",
    ),
    "a key that is not text": (
        b"rules:\n  - 1: x\n",
        'rules/groups/all.yaml:2:8: error: rule: unknown field "1" [unknown-field]',
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_rule_file_is_one_located_problem(rules_copy: Path, name: str) -> None:
    content, expected = HOSTILE[name]
    (rules_copy / "groups" / "all.yaml").write_bytes(content)

    with pytest.raises(RuleBaseError) as raised:
        load_rule_base(rules_copy)

    problems = [str(p) for p in raised.value.problems]
    assert expected in problems
    assert all(p.startswith("rules/") for p in problems)


def test_a_rule_file_that_is_not_a_regular_file_is_refused(rules_copy: Path) -> None:
    path = rules_copy / "groups" / "fifo.yaml"
    os.mkfifo(path)  # inside tmp_path only: reading it would block forever

    with pytest.raises(RuleBaseError) as raised:
        load_rule_base(rules_copy)

    assert "rules/groups/fifo.yaml:1:1: error: not a regular file [unreadable]" in str(raised.value)


def test_a_directory_named_like_a_rule_file_is_refused(rules_copy: Path) -> None:
    (rules_copy / "groups" / "dir.yaml").mkdir()

    with pytest.raises(RuleBaseError) as raised:
        load_rule_base(rules_copy)

    assert "rules/groups/dir.yaml:1:1: error: not a regular file [unreadable]" in str(raised.value)


class TestSeeds:
    def test_a_seed_that_is_not_utf8_is_a_located_problem(self, rules_copy: Path) -> None:
        seed = rules_copy.parent / "seeds" / "000_063ec8d0cbbd0d34.txt"
        seed.write_bytes(
            seed.read_bytes().replace(b"arterial hypertension", b"arterial\xffhyper", 1)
        )

        with pytest.raises(RuleBaseError) as raised:
            load_rule_base(rules_copy)

        assert [str(p) for p in raised.value.problems] == [
            "seeds/000_063ec8d0cbbd0d34.txt:27:27: error: seed is not UTF-8 text (byte 0xff) "
            "[bad-seed]"
        ]

    def test_a_directory_named_like_a_seed_is_a_located_problem(self, rules_copy: Path) -> None:
        (rules_copy.parent / "seeds" / "999_directory.txt").mkdir()

        with pytest.raises(RuleBaseError) as raised:
            load_rule_base(rules_copy)

        assert [str(p) for p in raised.value.problems] == [
            "seeds/999_directory.txt:1:1: error: a seed must be a regular file [bad-seed]"
        ]


class TestCliExitCodes:
    @pytest.mark.parametrize("name", ["a control byte", "deep nesting", "an alias bomb"])
    def test_a_hostile_rule_file_is_exit_3_with_the_problem(
        self, rules_copy: Path, name: str
    ) -> None:
        content, expected = HOSTILE[name]
        (rules_copy / "groups" / "all.yaml").write_bytes(content)

        result = CliRunner().invoke(app, ["validate", "--rules", str(rules_copy)])

        assert result.exit_code == 3
        assert result.stdout == ""
        assert expected in result.stderr.splitlines()
        assert "Traceback" not in result.stderr

    def test_the_installed_script_gives_3_for_a_non_utf8_seed(self, rules_copy: Path) -> None:
        script = Path(sys.executable).parent / "massage-screen"
        seed = rules_copy.parent / "seeds" / "000_063ec8d0cbbd0d34.txt"
        seed.write_bytes(b"\xff" + seed.read_bytes())

        result = subprocess.run(
            [str(script), "check", "-c", "fever", "--rules", str(rules_copy)],
            capture_output=True,
            text=True,
            check=False,
            cwd=rules_copy.parent,
        )

        assert result.returncode == 3
        assert result.stdout == ""
        assert (
            "seeds/000_063ec8d0cbbd0d34.txt:1:1: error: seed is not UTF-8 text (byte 0xff) "
            "[bad-seed]" in result.stderr
        )


class TestRegionWords:
    def test_a_word_in_a_scope_expands_to_its_regions_and_is_recorded(
        self, minimal: RuleBase
    ) -> None:
        rule = minimal.rule("pregnancy-excludes-lumbar")
        assert rule.scope.regions == ("lumbar",)
        assert rule.region_words == ("waist-004",)
        assert [w.id for w in minimal.region_words] == ["waist-004"]
        assert minimal.region_words[0].citations[0].source == "seeds/004_7702078080ac25a1.txt"

    def test_a_region_word_is_not_a_name_people_type(self, minimal: RuleBase) -> None:
        names = Names.of(minimal)
        assert names.regions.resolve("lower back") == "lumbar"
        with pytest.raises(UnknownNameError):
            names.regions.resolve("waist-004")


class TestAmbiguousTerms:
    def test_they_load_with_their_choices(self, minimal: RuleBase) -> None:
        ambiguity = minimal.ambiguity("blood pressure")
        assert ambiguity.aliases == ("blood pressure problem",)
        assert [c.condition for c in ambiguity.choices] == [
            "arterial-hypertension",
            "arterial-hypotension",
        ]

    def test_the_file_is_optional(self, rules_copy: Path) -> None:
        (rules_copy / "ambiguous.yaml").unlink()
        assert load_rule_base(rules_copy).ambiguities == ()


class TestEveryRuleNamedByACase:
    def test_a_rule_no_case_names_is_an_error(self, rules_copy: Path) -> None:
        path = rules_copy / "groups" / "all.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("    fires: [fever-excludes]\n", ""), encoding="utf-8")

        with pytest.raises(RuleBaseError) as raised:
            load_rule_base(rules_copy)

        assert [str(p) for p in raised.value.problems] == [
            'rules/groups/all.yaml:10:9: error: rule "fever-excludes": no example case names it '
            'in "fires" [rule-without-case]',
        ]

    def test_a_todo_case_does_not_count(
        self, rules_copy: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(loader, "RULE_WITHOUT_CASE_IS_ERROR", False)
        path = rules_copy / "groups" / "all.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace(
                "    fires: [hypertension-excludes]\n",
                "    fires: [hypertension-excludes]\n    todo: a gap\n",
            ),
            encoding="utf-8",
        )
        assert rules_without_case(load_rule_base(rules_copy)) == ["hypertension-excludes"]


class TestYamlReader:
    def test_keys_are_their_text_and_values_keep_their_marks(self) -> None:
        data = read_yaml("1: one\nyes: [a, {b: c}]\nnull: <<\n")
        assert data == {"1": "one", "yes": ["a", {"b": "c"}], "null": "<<"}
        assert data.marks == {"1": (1, 4), "yes": (2, 6), "null": (3, 7)}
        assert (data["yes"][1].line, data["yes"][1].column) == (2, 10)

    def test_scalars_are_read_as_safe_yaml_reads_them(self) -> None:
        assert read_yaml("[1, 1.5, true, null, '1', x]") == [1, 1.5, True, None, "1", "x"]
