"""massage-screen: contraindication screening for massage of the spine, cited from its sources.

The public Python API::

    from massage_screen import load_rule_base, screen, Names
    rule_base = load_rule_base()
    patient = Names.of(rule_base).patient(rule_base, ["high blood pressure"], [], [], None)
    screening = screen(rule_base, patient)
"""

from massage_screen.evaluate import screen
from massage_screen.loader import RuleBaseError, load_rule_base
from massage_screen.names import InputError, Names

__version__ = "0.1.0"

__all__ = ["InputError", "Names", "RuleBaseError", "__version__", "load_rule_base", "screen"]
