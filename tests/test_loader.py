"""The loader refuses an invalid rule base, naming file, line, rule and field.

One broken fixture per error message, checked word for word."""

from __future__ import annotations

from pathlib import Path

import pytest

from massage_screen.loader import RuleBaseError, Seed, load_rule_base

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
        "scope: {regions: [lumbar]}",
        "scope: {regions: [lower-back]}",
        'rules/groups/all.yaml:31:22: error: rule "pregnancy-excludes-lumbar": unknown region '
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
    ),
    "id not kebab-case": (
        "groups/all.yaml",
        "  - id: fever-excludes",
        "  - id: Fever_Excludes",
        'rules/groups/all.yaml:10:9: error: rule "Fever_Excludes": id must be kebab-case [bad-id]',
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
    file, old, new, expected = BROKEN[name]
    path = rules_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text to break is missing: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")

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
