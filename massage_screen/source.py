"""The seed articles for people to read: a whole article, or the paragraph around a line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from massage_screen.names import InputError
from massage_screen.sanitise import shown

#: Lines shown at most for one paragraph; a longer block (a long bulleted list) is cut to a
#: window around the lines asked for.
MAX_PARAGRAPH_LINES = 12
_BULLET = re.compile(r"^\s*(?:[•\-*]|\d+[.)])\s")


class SourceError(InputError):
    """A SEED[:LINE] that names no seed article or no line of it."""


@dataclass(frozen=True)
class Article:
    """A seed article: its file name, title (first line) and lines (1-based via `line()`)."""

    name: str
    lines: tuple[str, ...]

    @property
    def source(self) -> str:
        """How citations name it: "seeds/<file>"."""
        return f"seeds/{self.name}"

    @property
    def title(self) -> str:
        return next((line.strip() for line in self.lines if line.strip()), self.name)

    @property
    def prefix(self) -> str:
        """The numeric prefix people can type: "000" for 000_063ec8d0cbbd0d34.txt."""
        return self.name.split("_", 1)[0]

    def line(self, number: int) -> str:
        return self.lines[number - 1]


@dataclass(frozen=True)
class Passage:
    """Lines `first`..`last` of an article, with the lines that hold the quote marked."""

    article: Article
    first: int
    last: int
    marked: tuple[int, ...]
    quote: str | None = None

    @property
    def numbered(self) -> tuple[tuple[int, str], ...]:
        return tuple((n, self.article.line(n)) for n in range(self.first, self.last + 1))

    def document(self) -> dict[str, object]:
        """The passage for JSON output."""
        return {
            "source": self.article.source,
            "first_line": self.first,
            "last_line": self.last,
            "marked": list(self.marked),
            "lines": [{"line": n, "text": text} for n, text in self.numbered],
        }


def read_articles(seeds_dir: Path) -> dict[str, Article]:
    """Every seed article in `seeds_dir`, by file name, in name order."""
    articles: dict[str, Article] = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            articles[path.name] = Article(path.name, tuple(text.splitlines()))
    return articles


def seeds_dir_for(rules_dir: Path | None) -> Path:
    """Where the loader looks for seeds: beside `rules_dir`, else the bundled seeds."""
    from massage_screen.loader import default_rules_dir

    bundled = default_rules_dir().parent / "seeds"
    if rules_dir is None:
        return bundled
    beside = rules_dir.parent / "seeds"
    return beside if beside.is_dir() else bundled


def find_article(articles: Mapping[str, Article], seed: str) -> Article:
    """The article `seed` names: its file name (with or without .txt, or as a path such as
    seeds/000_....txt) or its numeric prefix ("000", or "0"). Raises SourceError with the
    list of seeds otherwise."""
    wanted = seed.strip().replace("\\", "/").rsplit("/", 1)[-1]
    for article in articles.values():
        if wanted in (article.name, article.name.removesuffix(".txt"), article.prefix):
            return article
    if wanted.isascii() and wanted.isdigit():
        for article in articles.values():
            if article.prefix.isdigit() and int(article.prefix) == int(wanted):
                return article
    close = difflib.get_close_matches(wanted, [a.name for a in articles.values()], n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}? " if close else ""
    available = ", ".join(f"{a.prefix} ({a.title})" for a in articles.values())
    raise SourceError(f'unknown seed "{shown(seed)}"; {hint}the seeds are: {available}')


def parse_location(articles: Mapping[str, Article], text: str) -> tuple[Article, int | None]:
    """Parse SEED or SEED:LINE into the article and the line (None for the whole article)."""
    seed, colon, line_text = text.rpartition(":") if ":" in text else (text, "", "")
    if not seed.strip():
        raise SourceError(f'bad location "{shown(text)}": expected SEED or SEED:LINE')
    article = find_article(articles, seed)
    if not colon:
        return article, None
    count = len(article.lines)
    line_text = line_text.strip()
    if not (line_text.isascii() and line_text.isdigit()):
        raise SourceError(
            f'bad line "{line_text}" in "{text}": give a line number from 1 to {count}'
        )
    line = int(line_text)
    if not 1 <= line <= count:
        raise SourceError(f"{article.source} has {count} lines; give a line from 1 to {count}")
    return article, line


def paragraph(article: Article, first: int, last: int | None = None) -> tuple[int, int]:
    """The blank-line-delimited paragraph around lines `first`..`last`.

    A bulleted item brings the sentence that introduces its list; a block longer than
    MAX_PARAGRAPH_LINES is cut to a window around the lines asked for. A blank line gives
    the paragraph after it (or before it, at the end of the article).
    """
    last = max(first, last or first)
    lines = article.lines

    def blank(n: int) -> bool:
        return not lines[n - 1].strip()

    if all(blank(n) for n in range(first, last + 1)):
        after = next((n for n in range(last, len(lines) + 1) if not blank(n)), None)
        before = next((n for n in range(first, 0, -1) if not blank(n)), None)
        target = after or before
        if target is None:
            return first, last
        first = last = target
    start = first
    while start > 1 and not blank(start - 1):
        start -= 1
    end = last
    while end < len(lines) and not blank(end + 1):
        end += 1
    if _BULLET.match(lines[start - 1]):
        # the list's lead-in ("Massage is not done:") is the paragraph just above
        lead = start - 1
        while lead > 1 and blank(lead):
            lead -= 1
        if lead >= 1 and not blank(lead) and not _BULLET.match(lines[lead - 1]):
            start = lead
    if end - start + 1 > MAX_PARAGRAPH_LINES:
        spare = max(MAX_PARAGRAPH_LINES - (last - first + 1), 0)
        start = max(start, first - spare // 2)
        end = min(end, max(last, start + MAX_PARAGRAPH_LINES - 1))
    return start, end


def passage(
    article: Article, line: int, last_line: int | None = None, quote: str | None = None
) -> Passage:
    """The paragraph around `line`..`last_line`, those lines marked."""
    last_line = max(line, last_line or line)
    first, last = paragraph(article, line, last_line)
    return Passage(article, first, last, tuple(range(line, last_line + 1)), quote)


def plain_text(passage_: Passage, width: int = 100, *, gutter_marks: bool = True) -> str:
    """The passage as text: "> 27 │ ..." for marked lines, wrapped to `width`."""
    import textwrap

    digits = len(str(passage_.last))
    out: list[str] = []
    for number, text in passage_.numbered:
        mark = ">" if gutter_marks and number in passage_.marked else " "
        prefix = f"{mark} {number:>{digits}} │ "
        indent = " " * (digits + 2) + " │ "
        body = text.rstrip()
        if not body:
            out.append(prefix.rstrip())
            continue
        wrapped = textwrap.wrap(
            body,
            width=max(width - len(prefix), 20),
            break_long_words=False,
            break_on_hyphens=False,
        )
        out.append(prefix + wrapped[0])
        out += [indent + part for part in wrapped[1:]]
    return "\n".join(out)


def render_article(article: Article, line: int | None, width: int = 100) -> str:
    """`massage-screen source` output: title, then the article or the paragraph around `line`."""
    if line is None:
        body = Passage(article, 1, len(article.lines), ())
        where = f"{len(article.lines)} lines"
    else:
        body = passage(article, line)
        where = f"lines {body.first}-{body.last} of {len(article.lines)}; > marks line {line}"
    return f"{article.source}: {article.title}\n{where}\n\n{plain_text(body, width)}\n"
