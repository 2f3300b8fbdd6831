"""Output formats: each member of OutputFormat maps to one renderer module."""

from __future__ import annotations

import enum
import importlib

from massage_screen.model import RuleBase, Screening


class OutputFormat(str, enum.Enum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


_MODULES = {
    OutputFormat.TABLE: "massage_screen.render.table",
    OutputFormat.JSON: "massage_screen.render.json_format",
    OutputFormat.MARKDOWN: "massage_screen.render.markdown",
}


def render(
    screening: Screening,
    rule_base: RuleBase,
    output_format: OutputFormat,
    *,
    color: bool = False,
    width: int = 100,
) -> str:
    """The screening as text in `output_format`; only that format's module is imported."""
    module = importlib.import_module(_MODULES[output_format])
    text: str = module.render(screening, rule_base, color=color, width=width)
    return text
