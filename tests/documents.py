"""Checks for the JSON screening document: the shipped schema, then what a schema cannot say
(references that point at findings, conflicts whose rules are findings, counts that add up)."""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema

from massage_screen.report import json_schema


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator: jsonschema.protocols.Validator = jsonschema.Draft202012Validator(schema)
    return validator


def problems(document: Any) -> list[str]:
    """Everything wrong with `document` as a `massage-screen/screening/2` document."""
    found = [
        f"{'/'.join(map(str, e.absolute_path)) or '(document)'}: {e.message}"
        for e in sorted(_validator().iter_errors(document), key=str)
    ]
    if found:
        return found
    findings = document["findings"]
    for cell in document["cells"]:
        for part in ("reasons", "support", "notes"):
            for index in cell[part]:
                if index >= len(findings):
                    found.append(f"cell {cell['type']}/{cell['region']}: no finding {index}")
    rules = {f["rule"] for f in findings}
    for conflict in document["conflicts"]:
        found += [
            f"conflict {conflict['id']}: rule {r} is no finding"
            for r in conflict["rules"]
            if r not in rules
        ]
    counts = document["headline"]["counts"]
    if sum(counts.values()) != len(document["cells"]):
        found.append("headline counts do not add up to the cells")
    return found


def assert_valid_document(document: Any) -> None:
    wrong = problems(document)
    assert not wrong, "\n".join(wrong)
