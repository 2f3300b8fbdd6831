"""Output formats: each member of OutputFormat maps to one renderer module, which only
formats the report's outline (`report.outline`)."""

from __future__ import annotations

import enum
import importlib

from massage_screen.model import Screening


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
    output_format: OutputFormat,
    *,
    color: bool = False,
    width: int = 100,
) -> str:
    """The screening as text in `output_format`; only that format's module is imported.

    `color` and `width` matter to the table only (colour repeats what the words say)."""
    from massage_screen.report import outline

    module = importlib.import_module(_MODULES[output_format])
    text: str = module.render(outline(screening), color=color, width=width)
    return text
