"""Make user text safe to echo: control characters shown escaped, long names cut."""

from __future__ import annotations

import codecs
import unicodedata

NAME_LIMIT = 80
"""How many characters of a name an error message shows before cutting it with "…"."""

MESSAGE_LIMIT = 1000
"""How many characters of a whole one-line message are shown before cutting it."""

# Control (Cc), format (Cf: bidi overrides, zero-width), surrogate (Cs: undecodable bytes),
# private-use (Co), unassigned (Cn) and line/paragraph separators (Zl, Zp).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not valid UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escaped(text: str) -> str:
    """`text` with every control, format or separator character written as an escape
    (ESC becomes `\\x1b`, a newline `\\x0a`), so it prints on one line and cannot steer a
    terminal. Printable text, including non-ASCII letters, is unchanged."""
    if text.isprintable():
        return text
    return "".join(
        _escape(char) if unicodedata.category(char) in _UNSAFE_CATEGORIES else char for char in text
    )


def shown(name: str, limit: int = NAME_LIMIT) -> str:
    """A name as an error message shows it: cut after `limit` characters (with "…"),
    then escaped. The result is at most about 10 × `limit` characters long."""
    cut = name if len(name) <= limit else name[:limit] + "…"
    return escaped(cut)


def one_line(message: str, limit: int = MESSAGE_LIMIT) -> str:
    """A whole message fit for one line on stderr: escaped, then cut after `limit`
    characters (with "…"), so it is at most `limit` + 1 characters however many control
    characters it held."""
    text = escaped(message)
    return text if len(text) <= limit else text[:limit] + "…"


def clean_name(name: str) -> str:
    """A name typed on the command line as the tool keeps it: every run of whitespace
    (newlines and tabs included) becomes one space, other control characters are escaped.
    Nothing a renderer shows can then start a new line or steer a terminal."""
    return escaped(" ".join(name.split()))


# Degrading output to a terminal or pipe that cannot show Unicode ---------------------------

_ASCII_FOR = {
    "\u2014": "-",  # em dash
    "\u2013": "-",  # en dash
    "\u2012": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",  # minus sign
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2026": "...",
    "\u2022": "*",  # bullet
    "\u00b7": "*",
    "\u00a0": " ",
    "\u2192": "->",
    "\u2190": "<-",
    "\u00d7": "x",
    "\u2264": "<=",
    "\u2265": ">=",
}

ASCII_FALLBACK = "massage-screen-ascii"
"""Name of the codec error handler that writes what an encoding cannot show as ASCII."""


def ascii_for(char: str) -> str:
    """The closest ASCII for one character: typographic punctuation as its plain form,
    accented letters without their accents, anything else as "?"."""
    if char in _ASCII_FOR:
        return _ASCII_FOR[char]
    if "\u2500" <= char <= "\u257f":  # box drawing: lines and their corners
        name = unicodedata.name(char, "")
        if "HORIZONTAL" in name and "VERTICAL" not in name:
            return "-"
        if "VERTICAL" in name and "HORIZONTAL" not in name:
            return "|"
        return "+"
    plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if plain and plain.isascii() and plain.isprintable():
        return plain
    return "?"


def _ascii_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    part = error.object[error.start : error.end]
    return "".join(ascii_for(char) for char in part), error.end


codecs.register_error(ASCII_FALLBACK, _ascii_fallback)


def can_show_unicode(encoding: str | None) -> bool:
    """True when `encoding` can encode every character (UTF-8, UTF-16, UTF-32, GB 18030)."""
    if not encoding:
        return False
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith(("utf-8", "utf-16", "utf-32", "gb18030"))


def ascii_json(text: str) -> str:
    """JSON text with every non-ASCII character written as a JSON escape (`\\u2014`), as
    `json.dumps(..., ensure_ascii=True)` would: the same document, in plain ASCII. Only
    valid for JSON, where non-ASCII characters can only occur inside strings."""
    if text.isascii():
        return text
    out: list[str] = []
    for char in text:
        code = ord(char)
        if code < 0x80:
            out.append(char)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
    return "".join(out)
