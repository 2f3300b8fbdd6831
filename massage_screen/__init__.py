"""massage-screen: contraindication screening for massage of the spine, cited from its sources.

The public Python API::

    from massage_screen import screen
    screening = screen(conditions=["high blood pressure"], types=["classical"], regions=["neck"])
    screening.overall.value      # "excluded"
    screening.to_document()      # the JSON document `massage-screen check --format json` prints

`screen` takes keyword arguments only, with the same plain names as the command line, and
raises `InputError` (its subclasses `UnknownNameError` for an unknown name and
`AmbiguousNameError` for an everyday term with several meanings) or `RuleBaseError`.
The validated rule base is loaded once per process (`load_validated`); `load_rule_base` is
the plain loader, and `Names` resolves names for the lower-level `evaluate.screen`.

Attributes are imported on first use, so `import massage_screen` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from massage_screen.api import screen
    from massage_screen.compiled import load_validated
    from massage_screen.loader import RuleBaseError, load_rule_base
    from massage_screen.names import AmbiguousNameError, InputError, Names, UnknownNameError

_LAZY = {
    "screen": "massage_screen.api",
    "load_validated": "massage_screen.compiled",
    "RuleBaseError": "massage_screen.loader",
    "load_rule_base": "massage_screen.loader",
    "InputError": "massage_screen.names",
    "Names": "massage_screen.names",
    "UnknownNameError": "massage_screen.names",
    "AmbiguousNameError": "massage_screen.names",
}

__all__ = [
    "AmbiguousNameError",
    "InputError",
    "Names",
    "RuleBaseError",
    "UnknownNameError",
    "__version__",
    "load_rule_base",
    "load_validated",
    "screen",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'massage_screen' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
