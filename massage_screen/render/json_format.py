"""JSON output: the `massage-screen/screening/1` document scripts rely on."""

from __future__ import annotations

import json

from massage_screen.model import RuleBase, Screening
from massage_screen.report import screening_document


def render(
    screening: Screening, rule_base: RuleBase, *, color: bool = False, width: int = 100
) -> str:
    return json.dumps(screening_document(screening, rule_base), indent=2, ensure_ascii=False) + "\n"
