"""JSON output: the `massage-screen/screening/2` document scripts rely on."""

from __future__ import annotations

import json

from massage_screen.report import Outline, outline_document


def render(report: Outline, *, color: bool = False, width: int = 100) -> str:
    return json.dumps(outline_document(report), indent=2, ensure_ascii=False) + "\n"
