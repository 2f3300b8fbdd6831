"""`massage-screen list`: the names the tool understands, searchable, as a table, TSV or JSON.

A condition's family is the questionnaire question (gate) that asks about it: every condition
is reachable from exactly one gate, and the gate's question is what a person answers; rule
groups are not a partition (one condition may be named by rules in several groups).
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass

from massage_screen.model import RuleBase
from massage_screen.names import normalise


class Listing(str, enum.Enum):
    """What `massage-screen list` can show."""

    CONDITIONS = "conditions"
    TYPES = "types"
    REGIONS = "regions"
    SETTINGS = "settings"
    RULES = "rules"
    AMBIGUOUS = "ambiguous"


class ListFormat(str, enum.Enum):
    TABLE = "table"
    TSV = "tsv"
    JSON = "json"


@dataclass(frozen=True)
class Row:
    """One line of a listing. For an ambiguous term: id is the term, label the condition it
    may mean, family what tells that meaning apart (one row per choice)."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()
    family: str = ""
    local: bool | None = None


def rows(rule_base: RuleBase, what: Listing) -> list[Row]:
    """Every entry of a catalogue (conditions grouped by family, in questionnaire order), or
    every rule (label: kind and effect; aliases: the conditions it names), or every choice
    of every ambiguous everyday term."""
    if what is Listing.AMBIGUOUS:
        return [
            Row(a.term, choice.condition, a.aliases, choice.means)
            for a in rule_base.ambiguities
            for choice in a.choices
        ]
    if what is Listing.RULES:
        return [
            Row(r.id, f"{r.kind.value}\t{r.effect.value}", r.conditions) for r in rule_base.rules
        ]
    if what is Listing.CONDITIONS:
        family: dict[str, str] = {}
        for gate in rule_base.gates:
            for item in gate.items:
                reached = (
                    [c.condition for c in rule_base.ambiguity(item.term).choices]
                    if item.term
                    else [item.condition]
                )
                for condition_id in reached:
                    if condition_id:
                        family.setdefault(condition_id, gate.id)
        order = {gate.id: n for n, gate in enumerate(rule_base.gates)}
        found = [
            Row(e.id, e.label, e.aliases, family.get(e.id, ""), e.local)
            for e in rule_base.conditions
        ]
        return sorted(found, key=lambda row: order.get(row.family, len(order)))
    entries = {
        Listing.TYPES: rule_base.massage_types,
        Listing.REGIONS: rule_base.regions,
        Listing.SETTINGS: rule_base.settings,
    }[what]
    return [Row(e.id, e.label, e.aliases) for e in entries]


def search(found: list[Row], query: str) -> list[Row]:
    """Rows where every word of `query` occurs in the id, label or an alias (ignoring case;
    "highblood" finds "high blood pressure" too)."""
    words = query.casefold().split()
    if not words:
        return found

    def hit(row: Row) -> bool:
        texts = [row.id, row.label, *row.aliases]
        folded = " ".join(texts).casefold()
        squeezed = " ".join(normalise(t) for t in texts)
        return all(w in folded or normalise(w) in squeezed for w in words)

    return [row for row in found if hit(row)]


def families(rule_base: RuleBase) -> dict[str, str]:
    """Family id -> the question that defines it."""
    return {gate.id: gate.question for gate in rule_base.gates}


def _header(what: Listing) -> list[str]:
    if what is Listing.CONDITIONS:
        return ["id", "label", "family", "local", "aliases"]
    if what is Listing.RULES:
        return ["id", "kind", "effect", "conditions"]
    if what is Listing.AMBIGUOUS:
        return ["term", "condition", "means", "aliases"]
    return ["id", "label", "aliases"]


def _cells(row: Row, what: Listing) -> list[str]:
    aliases = ", ".join(row.aliases)
    if what is Listing.RULES:
        return [row.id, *row.label.split("\t"), aliases or "-"]
    if what is Listing.AMBIGUOUS:
        return [row.id, row.label, row.family, aliases]
    if what is Listing.CONDITIONS:
        return [row.id, row.label, row.family, "yes" if row.local else "no", aliases]
    return [row.id, row.label, aliases]


def render_tsv(found: list[Row], what: Listing) -> str:
    lines = ["\t".join(_header(what))]
    lines += ["\t".join(c.replace("\t", " ") for c in _cells(row, what)) for row in found]
    return "\n".join(lines) + "\n"


def render_json(found: list[Row], what: Listing, rule_base: RuleBase) -> str:
    items = []
    for row in found:
        item: dict[str, object] = {"id": row.id}
        if what is Listing.AMBIGUOUS:
            item = {"term": row.id, "condition": row.label, "means": row.family}
            item["aliases"] = list(row.aliases)
        elif what is Listing.RULES:
            rule = rule_base.rule(row.id)
            item |= {
                "kind": rule.kind.value,
                "effect": rule.effect.value,
                "conditions": list(rule.conditions),
            }
        else:
            item |= {"label": row.label, "aliases": list(row.aliases)}
        if what is Listing.CONDITIONS:
            item |= {"family": row.family, "local": bool(row.local)}
        items.append(item)
    document: dict[str, object] = {"schema": "massage-screen/list/1", "list": what.value}
    if what is Listing.CONDITIONS:
        document["families"] = families(rule_base)
    document["items"] = items
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_table(
    found: list[Row], what: Listing, rule_base: RuleBase, *, color: bool, width: int
) -> str:
    from rich.table import Table
    from rich.text import Text

    from massage_screen.render.table import recording_console

    console = recording_console(width=width, color=color)
    header = _header(what)
    if what is Listing.CONDITIONS:
        header = [h for h in header if h != "family"]
        questions = families(rule_base)
        grouped: dict[str, list[Row]] = {}
        for row in found:
            grouped.setdefault(row.family, []).append(row)
        for family, members in grouped.items():
            table = Table(
                title=Text(f"{family}: {questions.get(family, '')}", style="bold"),
                title_justify="left",
                header_style="bold",
            )
            for name in header:
                table.add_column(name, no_wrap=name == "id", overflow="fold")
            for row in members:
                cells = _cells(row, what)
                table.add_row(cells[0], cells[1], cells[3], cells[4])
            console.print(table)
    elif what is Listing.AMBIGUOUS:
        terms: dict[str, list[Row]] = {}
        for row in found:
            terms.setdefault(row.id, []).append(row)
        for term, choices in terms.items():
            also = ", ".join(choices[0].aliases)
            table = Table(
                title=Text(f'"{term}" may mean', style="bold"),
                title_justify="left",
                caption=Text(f"also written: {also}") if also else None,
                caption_justify="left",
                header_style="bold",
            )
            table.add_column("condition", no_wrap=True)
            table.add_column("when")
            for row in choices:
                table.add_row(row.label, row.family)
            console.print(table)
    else:
        table = Table(header_style="bold")
        for name in header:
            table.add_column(name, no_wrap=name == "id", overflow="fold")
        for row in found:
            table.add_row(*_cells(row, what))
        console.print(table)
    noun = what.value if len(found) != 1 else what.value.removesuffix("s")
    if what is Listing.AMBIGUOUS:
        terms_count = len({row.id for row in found})
        noun = f"meanings of {terms_count} ambiguous term{'s' if terms_count != 1 else ''}"
    console.print(
        Text(
            f"{len(found)} {noun}. Give a name to `massage-screen explain` for the rules "
            "and passages behind it.",
            style="dim",
        )
    )
    exported = console.export_text(styles=color)
    return "\n".join(line.rstrip() for line in exported.splitlines()) + "\n"
