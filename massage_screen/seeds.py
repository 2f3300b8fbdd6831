"""The seed articles and the index that finds a verbatim quote in them, whitespace aside."""

from __future__ import annotations

import bisect
import re
import stat
from pathlib import Path

from massage_screen.yaml_reader import YamlError, decode_utf8

MAX_SEED_BYTES = 4 << 20  # the articles are tens of KB each


class SeedError(Exception):
    """A seed file that cannot be read, and where (1-based line and column)."""

    def __init__(self, path: Path, line: int, column: int, message: str) -> None:
        self.path, self.line, self.column, self.message = path, line, column, message
        super().__init__(f"{path}:{line}:{column}: {message}")


class Seed:
    """A seed article, searchable with whitespace normalised."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self._words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        self._normalised = " ".join(text[start:end] for start, end in self._words)
        self._starts: list[int] = []  # where each word starts in the normalised text
        position = 0
        for start, end in self._words:
            self._starts.append(position)
            position += end - start + 1

    def _original(self, normalised_index: int) -> int:
        word = bisect.bisect_right(self._starts, normalised_index) - 1
        return self._words[word][0] + normalised_index - self._starts[word]

    def find(self, quote: str) -> tuple[int, int] | None:
        """The first and last line (1-based) of `quote` in the seed, or None if absent.

        Any run of whitespace in the quote matches any run in the seed; nothing else is
        forgiven.
        """
        needle = " ".join(quote.split())
        at = self._normalised.find(needle) if needle else -1
        if at < 0:
            return None
        start, end = self._original(at), self._original(at + len(needle) - 1)
        return self.text.count("\n", 0, start) + 1, self.text.count("\n", 0, end) + 1


def read_seed(path: Path) -> Seed:
    """The seed at `path`; raises SeedError if it is not a regular UTF-8 file of sane size."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SeedError(path, 1, 1, "a seed must be a regular file")
        if info.st_size > MAX_SEED_BYTES:
            raise SeedError(path, 1, 1, f"seed is larger than {MAX_SEED_BYTES >> 20} MiB")
        data = path.read_bytes()
    except OSError as error:
        raise SeedError(path, 1, 1, f"cannot read seed: {error.strerror or error}") from None
    try:
        text = decode_utf8(data)
    except YamlError as error:
        raise SeedError(path, error.line, error.column, f"seed is {error.message}") from None
    return Seed(path.name, text)


def load_seeds(seeds_dir: Path) -> tuple[dict[str, Seed], list[SeedError]]:
    """Every `*.txt` seed in `seeds_dir` by file name, and the ones that could not be read."""
    seeds: dict[str, Seed] = {}
    errors: list[SeedError] = []
    for path in sorted(seeds_dir.glob("*.txt")):
        try:
            seeds[path.name] = read_seed(path)
        except SeedError as error:
            errors.append(error)
    return seeds, errors
