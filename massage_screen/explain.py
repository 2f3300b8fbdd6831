"""What the articles say about a name: every rule about a condition, one rule, or the rules
that single out a massage type, region or setting, each quote shown in its paragraph."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from massage_screen.model import Citation, Conflict, Effect, Entry, Rule, RuleBase
from massage_screen.names import InputError, Names, UnknownNameError, normalise
from massage_screen.sanitise import shown
from massage_screen.source import Article, Passage, passage, plain_text

SCHEMA = "massage-screen/explanation/1"
DISCLAIMER = (
    "Not medical advice. These are the rules distilled from five articles on massage for "
    "osteochondrosis and back pain, with the passages they cite; they cannot examine anyone."
)
_EFFECT_ORDER = {Effect.EXCLUDED: 0, Effect.CAUTIONED: 1, Effect.SUPPORTS: 2, Effect.NOTE: 3}


@dataclass(frozen=True)
class Quoted:
    """A citation and the seed paragraph around it (None if the seed is not at hand)."""

    citation: Citation
    passage: Passage | None


@dataclass(frozen=True)
class RuleView:
    """One rule with its catalogue entries resolved: empty types/regions/settings = every."""

    rule: Rule
    conditions: tuple[Entry, ...]
    types: tuple[Entry, ...]
    regions: tuple[Entry, ...]
    settings: tuple[Entry, ...]
    conflicts: tuple[Conflict, ...]
    quotes: tuple[Quoted, ...]


@dataclass(frozen=True)
class Explanation:
    """Everything the rule base says about one subject."""

    kind: str  # "condition", "rule", "massage type", "region" or "setting"
    id: str
    label: str
    aliases: tuple[str, ...]
    rules: tuple[RuleView, ...]
    summary: str


def explain(
    rule_base: RuleBase, articles: Mapping[str, Article], name: str
) -> tuple[Explanation, ...]:
    """Every subject `name` names (a rule id, a condition, massage type, region or setting),
    explained. Raises InputError (an ambiguous or unknown name, as `check` does)."""
    names = Names.of(rule_base)
    text = name.strip()
    if not text:
        raise InputError("explain needs a name: a condition, rule id, massage type or region")
    rules_by_id = {rule.id: rule for rule in rule_base.rules}
    if text in rules_by_id:
        return (_explain_rule(rule_base, articles, rules_by_id[text]),)
    found: list[Explanation] = []
    condition_error: UnknownNameError | None = None
    try:
        condition_id = names.condition(text.partition("@")[0] or text, rule_base).id
    except UnknownNameError as error:
        condition_error = error
    else:
        found.append(_explain_condition(rule_base, articles, rule_base.condition(condition_id)))
    for noun, catalogue, attribute in (
        ("massage type", names.massage_types, "types"),
        ("region", names.regions, "regions"),
        ("setting", names.settings, "settings"),
    ):
        entry_id = catalogue.index.get(normalise(text))
        if entry_id is not None:
            entry = next(e for e in catalogue.entries if e.id == entry_id)
            found.append(_explain_scope(rule_base, articles, noun, attribute, entry))
    if found:
        return tuple(found)
    assert condition_error is not None
    raise _unknown(text, names, rule_base, condition_error)


def _unknown(
    text: str, names: Names, rule_base: RuleBase, condition_error: UnknownNameError
) -> InputError:
    """The error `check` gives, unless another kind of name is close: then name those too."""
    others: list[str] = []
    for noun, catalogue in (
        ("massage type", names.massage_types),
        ("region", names.regions),
        ("setting", names.settings),
    ):
        others += [f"{s} ({noun})" for s in catalogue.suggest(text, limit=3)]
    import difflib

    others += [
        f"{rule_id} (rule)"
        for rule_id in difflib.get_close_matches(text, [r.id for r in rule_base.rules], n=3)
    ]
    if not others:
        return condition_error
    suggestions = [f"{s} (condition)" for s in condition_error.suggestions] + others
    did_you_mean = "; ".join(suggestions[:6])
    return InputError(f'unknown name "{shown(text)}"; did you mean: {did_you_mean}?')


def _view(rule_base: RuleBase, articles: Mapping[str, Article], rule: Rule) -> RuleView:
    quotes = []
    for citation in rule.citations:
        article = articles.get(citation.source.removeprefix("seeds/"))
        shown = (
            passage(article, citation.line, citation.last_line or citation.line, citation.quote)
            if article is not None and citation.line <= len(article.lines)
            else None
        )
        quotes.append(Quoted(citation, shown))
    return RuleView(
        rule,
        tuple(rule_base.condition(c) for c in rule.conditions),
        tuple(rule_base.massage_type(t) for t in rule.scope.types),
        tuple(rule_base.region(r) for r in rule.scope.regions),
        tuple(rule_base.setting(s) for s in rule.scope.settings),
        tuple(c for c in rule_base.conflicts if rule.id in c.rules),
        tuple(quotes),
    )


def _ordered(views: list[RuleView]) -> tuple[RuleView, ...]:
    return tuple(sorted(views, key=lambda v: _EFFECT_ORDER[v.rule.effect]))


def _explain_rule(rule_base: RuleBase, articles: Mapping[str, Article], rule: Rule) -> Explanation:
    view = _view(rule_base, articles, rule)
    article = "An" if rule.kind.value[0] in "aeiou" else "A"
    about = ", ".join(e.label for e in view.conditions) or "any patient"
    return Explanation(
        "rule", rule.id, rule.id, (), (view,), f"{article} {rule.kind.value} rule about {about}."
    )


def _explain_condition(
    rule_base: RuleBase, articles: Mapping[str, Article], entry: Entry
) -> Explanation:
    views = [_view(rule_base, articles, r) for r in rule_base.rules if entry.id in r.conditions]
    counts = _counts(views)
    summary = (
        f"{_rules(len(views))} this condition"
        + (f" ({counts})" if counts else "")
        + "; the rules for every patient apply as well."
    )
    if entry.local:
        summary += (
            " It is local: give it with a site (CONDITION@REGION) to limit it to that region."
        )
    return Explanation("condition", entry.id, entry.label, entry.aliases, _ordered(views), summary)


def _explain_scope(
    rule_base: RuleBase,
    articles: Mapping[str, Article],
    noun: str,
    attribute: str,
    entry: Entry,
) -> Explanation:
    views = [
        _view(rule_base, articles, r)
        for r in rule_base.rules
        if entry.id in getattr(r.scope, attribute)
    ]
    counts = _counts(views)
    summary = (
        f"{_rules(len(views), 'single', 'singles')} out this {noun}"
        + (f" ({counts})" if counts else "")
        + f"; rules that name no {noun} apply to it as well."
    )
    return Explanation(noun, entry.id, entry.label, entry.aliases, _ordered(views), summary)


def _counts(views: list[RuleView]) -> str:
    counts: dict[str, int] = {}
    for view in sorted(views, key=lambda v: _EFFECT_ORDER[v.rule.effect]):
        counts[view.rule.effect.value] = counts.get(view.rule.effect.value, 0) + 1
    return ", ".join(f"{n} {effect}" for effect, n in counts.items())


# --- where a rule applies, in words ----------------------------------------------------------


def where(view: RuleView) -> str:
    """ "Vacuum (cupping) on Neck (cervical spine), at home" / "every type on every region"."""
    types = ", ".join(e.label for e in view.types) or "every massage type"
    regions = ", ".join(e.label for e in view.regions) or "every region"
    settings = (
        " or ".join(e.label.lower() for e in view.settings) if view.settings else "any setting"
    )
    return f"{types} on {regions}; {settings}"


def about(view: RuleView) -> str:
    return "; ".join(e.label for e in view.conditions) or "any patient"


# --- output formats --------------------------------------------------------------------------


def document(explanations: tuple[Explanation, ...]) -> dict[str, Any]:
    """The explanation as JSON (`massage-screen/explanation/1`)."""
    return {
        "schema": SCHEMA,
        "subjects": [
            {
                "kind": e.kind,
                "id": e.id,
                "label": e.label,
                "aliases": list(e.aliases),
                "summary": e.summary,
                "rules": [_rule_document(v) for v in e.rules],
            }
            for e in explanations
        ],
        "disclaimer": DISCLAIMER,
    }


def _rule_document(view: RuleView) -> dict[str, Any]:
    rule = view.rule
    return {
        "id": rule.id,
        "conditions": [{"id": e.id, "label": e.label} for e in view.conditions],
        "kind": rule.kind.value,
        "effect": rule.effect.value,
        "advice": rule.advice,
        "until": rule.until,
        "types": [e.id for e in view.types],
        "regions": [e.id for e in view.regions],
        "settings": [e.id for e in view.settings],
        "conflicts": [
            {"id": c.id, "summary": c.summary, "rules": list(c.rules)} for c in view.conflicts
        ],
        "citations": [
            {
                "source": q.citation.source,
                "line": q.citation.line,
                "quote": q.citation.quote,
                "paragraph": q.passage.document() if q.passage else None,
            }
            for q in view.quotes
        ],
    }


def render_json(explanations: tuple[Explanation, ...]) -> str:
    return json.dumps(document(explanations), indent=2, ensure_ascii=False) + "\n"


def render_markdown(explanations: tuple[Explanation, ...]) -> str:
    lines: list[str] = []
    for e in explanations:
        lines += [f"# {e.kind.capitalize()}: {e.label}", ""]
        if e.kind != "rule":
            lines.append(f"Id `{e.id}`" + (f"; also: {', '.join(e.aliases)}" if e.aliases else ""))
            lines.append("")
        lines += [e.summary, ""]
        for view in e.rules:
            rule = view.rule
            lines += [f"## {rule.effect.value.capitalize()}: `{rule.id}` ({rule.kind.value})", ""]
            lines.append(f"- About: {about(view)}")
            lines.append(f"- Where: {where(view)}")
            lines.append(f"- Advice: {rule.advice}")
            if rule.until:
                lines.append(f"- Until: {rule.until}")
            for conflict in view.conflicts:
                others = ", ".join(f"`{r}`" for r in conflict.rules if r != rule.id)
                lines.append(f"- Disagrees with {others}: {conflict.summary}")
            lines.append("")
            for q in view.quotes:
                lines += [
                    f"> {q.citation.quote}",
                    ">",
                    f"> — {q.citation.source}, line {q.citation.line}",
                    "",
                ]
                if q.passage is not None:
                    lines += ["```text", plain_text(q.passage, 100), "```", ""]
    lines += ["---", "", f"*{DISCLAIMER}*", ""]
    return "\n".join(lines)


_STYLES = {"excluded": "bold red", "cautioned": "yellow", "supports": "cyan", "note": "dim"}


def render_table(
    explanations: tuple[Explanation, ...], *, color: bool = False, width: int = 100
) -> str:
    """The explanation for a terminal (rich is imported only here)."""
    from rich.text import Text

    from massage_screen.render.table import recording_console

    console = recording_console(width=width, color=color)
    for e in explanations:
        console.print(Text(f"{e.kind.upper()}  {e.label}", style="bold"))
        if e.kind != "rule":
            console.print(
                Text(f"id: {e.id}" + (f"; also: {', '.join(e.aliases)}" if e.aliases else ""))
            )
        console.print(Text(e.summary))
        console.print()
        for view in e.rules:
            rule = view.rule
            head = Text()
            head.append(rule.effect.value.upper(), style=_STYLES[rule.effect.value])
            head.append(f"  {about(view)} — {rule.kind.value} [{rule.id}]")
            console.print(head)
            console.print(Text(f"  where: {where(view)}"))
            console.print(Text(f"  advice: {rule.advice}"))
            if rule.until:
                console.print(Text(f"  until: {rule.until}"))
            for conflict in view.conflicts:
                others = ", ".join(r for r in conflict.rules if r != rule.id)
                console.print(Text(f"  disagrees with {others}: {conflict.summary}", "magenta"))
            for q in view.quotes:
                console.print(Text(f"    “{q.citation.quote}”", style="italic"))
                console.print(Text(f"    {q.citation.source}:{q.citation.line}", style="dim"))
                if q.passage is not None:
                    for line in plain_text(q.passage, width - 6).splitlines():
                        marked = line.startswith(">")
                        console.print(
                            Text("      " + line, style="" if marked else "dim"),
                            overflow="ignore",
                            crop=False,
                        )
            console.print()
    console.print(Text(DISCLAIMER, style="bold"))
    exported = console.export_text(styles=color)
    return "\n".join(line.rstrip() for line in exported.splitlines()) + "\n"


def _rules(count: int, plural: str = "name", singular: str = "names") -> str:
    """ "1 rule names" / "3 rules name"."""
    return f"1 rule {singular}" if count == 1 else f"{count} rules {plural}"
