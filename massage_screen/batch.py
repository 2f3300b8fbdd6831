"""Batch screening: patients in as JSON Lines or CSV, one JSON line out per patient, streaming.

Records are read one at a time with a cap on the line length, so memory stays flat however
long the input is. Each record is screened with `indexed.RuleIndex` (the same verdicts as
`evaluate.screen`), memoised per distinct patient in a bounded cache. A bad record becomes an
error line naming its input line; the caller decides whether to go on (`--strict` stops).
"""

from __future__ import annotations

import csv
import enum
import errno
import json
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from massage_screen.indexed import VERDICTS as _VERDICTS
from massage_screen.indexed import RuleIndex
from massage_screen.model import Citation, RuleBase, Verdict
from massage_screen.names import InputError, Names
from massage_screen.sanitise import clean_name, shown

#: A longer input line is a bad record (and is skipped without being held in memory).
MAX_LINE_BYTES = 256 * 1024
#: Distinct patients (after names are resolved) whose output is remembered (bounded).
MEMO_SIZE = 16384
#: Distinct cell texts (a cell and the rules that fire there) remembered.
CELL_CACHE_SIZE = 32768
#: Distinct spellings of names, and choices of types, regions and setting, remembered.
RESOLVED_CACHE_SIZE = 16384
LAYOUT_CACHE_SIZE = 2048
#: Cells remembered, over all conditions and layouts, of where each condition has rules.
TOUCHED_CACHE_CELLS = 200_000
SCHEMA = "massage-screen/batch/1"

FIELDS = ("id", "conditions", "types", "regions", "setting")
LIST_FIELDS = ("conditions", "types", "regions")


class InputFormat(str, enum.Enum):
    """How patients are given: JSON Lines or CSV."""

    JSONL = "jsonl"
    CSV = "csv"


SUFFIXES = {".jsonl": InputFormat.JSONL, ".ndjson": InputFormat.JSONL, ".csv": InputFormat.CSV}


def format_for(name: str) -> InputFormat | None:
    """The input format a file name implies (by extension), or None."""
    return SUFFIXES.get(os.path.splitext(name)[1].lower())


class BatchInputError(InputError):
    """The input as a whole cannot be read (for example a CSV file without its header);
    `line` is the input line it is about, when there is one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class OutputIsInputError(BatchInputError):
    """The output would overwrite the input file (`-o` names the file being read)."""


class Patient(NamedTuple):
    """One input record, names as given (a named tuple: a million of them are made)."""

    line: int
    id: str | int
    conditions: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    setting: str | None = None


@dataclass(frozen=True)
class BadRecord:
    """An input record that cannot be screened, and why (one line, fit for stderr)."""

    line: int
    message: str
    id: str | int | None = None

    def to_line(self) -> str:
        return json.dumps(
            {"line": self.line, "id": self.id, "error": self.message}, ensure_ascii=False
        )


# --- reading ---------------------------------------------------------------------------------


def bounded_lines(stream: IO[bytes]) -> Iterator[tuple[int, str, str | None]]:
    """(line number, text without the line break, problem) for each line of `stream`; the
    problem says why a line cannot be read (too long, not UTF-8). Holds one capped line."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while True:  # skip the rest of the overlong line
                rest = stream.readline(MAX_LINE_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, "", f"line is longer than {MAX_LINE_BYTES} bytes"
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield number, raw.decode("utf-8").rstrip("\r\n"), None
        except UnicodeDecodeError:
            yield number, "", "line is not UTF-8"


class _DuplicateKeyError(ValueError):
    """A JSON object names one key twice."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(f'duplicate key "{shown(key)}"')
            seen.add(key)
    return value


def read_jsonl(stream: IO[bytes]) -> Iterator[Patient | BadRecord]:
    """Patients from JSON Lines: one object per line; blank lines are skipped. A line that
    is not JSON, nests too deeply or names a key twice is a bad record."""
    decode = json.JSONDecoder(object_pairs_hook=_no_duplicates).decode
    for number, text, problem in bounded_lines(stream):
        if problem is not None:
            yield BadRecord(number, problem)
            continue
        if not text.strip():
            continue
        try:
            value = decode(text)
        except _DuplicateKeyError as error:
            yield BadRecord(number, str(error))
            continue
        except RecursionError:
            yield BadRecord(number, "not valid JSON: nested too deeply")
            continue
        except ValueError as error:
            yield BadRecord(number, f"not valid JSON: {getattr(error, 'msg', error)}")
            continue
        yield _patient(number, value)


_FIELD_SET = frozenset(FIELDS)


def _patient(number: int, value: Any) -> Patient | BadRecord:
    """A record from a decoded JSON line: only the documented fields, each of its type (a
    value of another type is refused, never read as "not given")."""
    if type(value) is not dict:
        return BadRecord(number, "expected a JSON object")
    record_id = value.get("id")
    if type(record_id) is not str and type(record_id) is not int:
        return BadRecord(number, '"id" must be a string or an integer')
    if type(record_id) is str and not record_id.strip():
        return BadRecord(number, '"id" must not be empty')
    if not _FIELD_SET.issuperset(value):
        unknown = next(k for k in value if k not in _FIELD_SET)
        return BadRecord(
            number,
            f'unknown field "{shown(unknown)}"; expected: {", ".join(FIELDS)}',
            record_id,
        )
    lists: list[tuple[str, ...]] = []
    for name in LIST_FIELDS:
        items = value.get(name)
        if items is None:
            lists.append(())
            continue
        if type(items) is not list or any(type(item) is not str for item in items):
            return BadRecord(
                number, f'"{name}" must be a list of strings (or left out, or null)', record_id
            )
        lists.append(tuple(items))
    setting = value.get("setting")
    if setting is not None:
        if type(setting) is not str:
            return BadRecord(number, '"setting" must be a string or null', record_id)
        if not setting.strip():
            return BadRecord(
                number, '"setting" must not be empty (leave it out or null)', record_id
            )
    return Patient(number, record_id, lists[0], lists[1], lists[2], setting)


def read_csv(stream: IO[bytes]) -> Iterator[Patient | BadRecord]:
    """Patients from CSV with a header: id, conditions, optional types, regions, setting;
    several conditions (types, regions) in one cell are separated by ";"."""
    pending: list[tuple[int, str | None]] = []  # (line number, problem) of the current record

    def lines() -> Iterator[str]:
        for number, text, problem in bounded_lines(stream):
            pending.append((number, problem))
            yield text

    reader = csv.reader(lines(), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as error:
        raise BatchInputError(f"the CSV header cannot be read: {error}", 1) from None
    if any(problem for _, problem in pending):
        raise BatchInputError(str(next(p for _, p in pending if p)), 1)
    columns = [name.strip().lower() for name in header]
    unknown = [c for c in columns if c not in FIELDS]
    if unknown:
        raise BatchInputError(
            f'unknown CSV column "{shown(unknown[0])}"; expected: {", ".join(FIELDS)}', 1
        )
    missing = [c for c in ("id", "conditions") if c not in columns]
    if missing:
        raise BatchInputError(f'the CSV header has no "{missing[0]}" column', 1)
    if len(set(columns)) != len(columns):
        raise BatchInputError("a CSV column is named twice", 1)
    pending.clear()
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            first = pending[0][0] if pending else reader.line_num
            pending.clear()
            yield BadRecord(first, f"not valid CSV: {error}")
            continue
        first = pending[0][0] if pending else reader.line_num
        problems = [problem for _, problem in pending if problem]
        pending.clear()
        if problems:
            yield BadRecord(first, problems[0])
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(columns):
            yield BadRecord(first, f"expected {len(columns)} fields, found {len(row)}")
            continue
        values = dict(zip(columns, row, strict=True))
        record_id = values["id"].strip()
        if not record_id:
            yield BadRecord(first, "the id is empty")
            continue
        setting = values.get("setting", "").strip() or None
        yield Patient(
            first,
            record_id,
            conditions=_split(values.get("conditions", "")),
            types=_split(values.get("types", "")),
            regions=_split(values.get("regions", "")),
            setting=setting,
        )


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def read_patients(stream: IO[bytes], input_format: InputFormat) -> Iterator[Patient | BadRecord]:
    """The records of `stream` in `input_format`, one at a time."""
    return read_jsonl(stream) if input_format is InputFormat.JSONL else read_csv(stream)


# --- screening -------------------------------------------------------------------------------


Bits = tuple[int, int, int]  # a cell's fired rules as masks: reasons, support, notes
Layout = tuple[tuple[tuple[str, str], ...], tuple[Bits, ...]]  # cells, rules firing regardless


def _ones(mask: int) -> Iterator[int]:
    """The positions of the set bits of `mask`, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


class Screener:
    """Screens input records into output lines, fast for long runs of patients.

    Names are resolved once per distinct spelling; the output for a distinct patient is
    remembered (a bounded cache). For each choice of types, regions and setting, the cells
    with no condition-specific rule are computed once; a patient's conditions then only
    touch the cells where they have rules, each such cell computed once per set of
    conditions. All caches are bounded, so memory stays flat.
    """

    def __init__(self, rule_base: RuleBase, *, detail: bool = False) -> None:
        self.rule_base = rule_base
        self.names = Names.of(rule_base)
        self.index = RuleIndex(rule_base)
        self.detail = detail
        self._memo: OrderedDict[tuple[Any, ...], tuple[str, Verdict]] = OrderedDict()
        self._resolved: dict[tuple[str, Any], Any] = {}
        self._layouts: dict[tuple[Any, ...], Layout] = {}
        self._touched: dict[tuple[Any, ...], tuple[tuple[int, int, int, int], ...]] = {}
        self._touched_cells = 0
        self._condition_cells: dict[tuple[Any, ...], dict[tuple[str, str], Bits]] = {}
        self._part_bits: dict[tuple[Any, ...], Bits] = {}  # bounded by the rule base
        self._texts: dict[tuple[Any, ...], str] = {}
        self._bases: dict[tuple[Any, ...], tuple[tuple[str, ...], int, int]] = {}
        self._rules: dict[int, str] = {}
        rules = self.index.rules
        self._quoted = [_dumps(rule.id) for rule in rules]
        self._excluding = sum(
            1 << p for p, rule in enumerate(rules) if rule.effect.verdict is Verdict.EXCLUDED
        )
        position = {rule.id: p for p, rule in enumerate(rules)}
        self._conflict_masks = [
            (c.id, sum(1 << position[r] for r in set(c.rules))) for c in rule_base.conflicts
        ]

    def screen(self, patient: Patient) -> tuple[str, Verdict | BadRecord]:
        """The output line for `patient` and its overall verdict, or why it is a bad record."""
        try:
            resolved = self.resolve(patient)
        except InputError as error:
            bad = BadRecord(patient.line, str(error), patient.id)
            return bad.to_line(), bad
        memo = self._memo
        found = memo.get(resolved)
        if found is None:
            found = self._compute(*resolved)
            memo[resolved] = found
            if len(memo) > MEMO_SIZE:
                memo.popitem(last=False)
        body, overall = found
        record_id = patient.id
        quoted = _quote(record_id) if type(record_id) is str else str(record_id)
        return '{"id": ' + quoted + ", " + body, overall

    # names ----------------------------------------------------------------------------------

    def _resolve(self, what: str, name: str) -> Any:
        """What `Names` makes of one name (a condition as (id, site that limits it or None)),
        or the InputError; remembered per spelling."""
        key = (what, name)
        cache = self._resolved
        if key in cache:
            return cache[key]
        names = self.names
        name = clean_name(name)  # as `check` cleans what it is given
        result: Any
        try:
            if what == "condition":
                given = names.condition(name, self.rule_base)
                result = (given.id, given.site if getattr(given, "site_limits", True) else None)
            elif what == "type":
                result = names.massage_types.resolve(name)
            elif what == "region":
                result = names.regions.resolve(name)
            else:
                result = names.settings.resolve(name)
        except InputError as error:
            result = error
        if len(cache) >= RESOLVED_CACHE_SIZE:
            cache.clear()
        cache[key] = result
        return result

    def _conditions(self, given: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
        """The conditions as (id, site that limits them or None); raises InputError.

        Each name is resolved once per spelling. A list that names a condition twice is
        resolved by `Names.patient` itself, which decides what a repetition means."""
        items = []
        for name in given:
            item = self._resolve("condition", name)
            if isinstance(item, InputError):
                raise item
            items.append(item)
        if len(set(items)) == len(items):
            return tuple(items)
        patient = self.names.patient(self.rule_base, [clean_name(n) for n in given], [], [], None)
        return tuple(
            (c.id, c.site if getattr(c, "site_limits", True) else None) for c in patient.conditions
        )

    def resolve(
        self, patient: Patient
    ) -> tuple[tuple[tuple[str, str | None], ...], tuple[str, ...], tuple[str, ...], str | None]:
        """The patient in ids, as `Names.patient` resolves it; raises its InputError."""
        conditions = self._conditions(patient.conditions)
        resolved: list[tuple[str, ...]] = []
        for what, given in (("type", patient.types), ("region", patient.regions)):
            items = []
            for name in given:
                item = self._resolve(what, name)
                if isinstance(item, InputError):
                    raise item
                items.append(item)
            resolved.append(tuple(dict.fromkeys(items)))
        setting = None
        if patient.setting:
            setting = self._resolve("setting", patient.setting)
            if isinstance(setting, InputError):
                raise setting
        return conditions, resolved[0], resolved[1], setting

    # screening ------------------------------------------------------------------------------
    #
    # A cell's fired rules are kept as bit masks over rule positions (reasons, support,
    # notes), so combining the rules of several conditions is an OR; the JSON text of a cell
    # is made once per distinct set of fired rules.

    def _bits(
        self, type_id: str, region_id: str, setting: str | None, condition: str | None
    ) -> Bits:
        key = (type_id, region_id, setting, condition)
        found = self._part_bits.get(key)
        if found is None:
            masks = [0, 0, 0]
            for position, where, _ in self.index.part(type_id, region_id, setting, condition):
                masks[where] |= 1 << position
            found = self._part_bits[key] = (masks[0], masks[1], masks[2])
        return found

    def _layout(
        self, types: tuple[str, ...], regions: tuple[str, ...], setting: str | None
    ) -> Layout:
        """The cells screened for these types, regions and setting, with the rules that
        fire there whatever the conditions."""
        key = (types, regions, setting)
        layout = self._layouts.get(key)
        if layout is None:
            index = self.index
            cells = tuple(
                (t, r) for t in types or index.type_ids for r in regions or index.region_ids
            )
            layout = (cells, tuple(self._bits(t, r, setting, None) for t, r in cells))
            if len(self._layouts) >= LAYOUT_CACHE_SIZE:
                self._layouts.clear()
            self._layouts[key] = layout
        return layout

    def _touches(
        self,
        layout_key: tuple[Any, ...],
        cells: tuple[tuple[str, str], ...],
        setting: str | None,
        condition: str,
        site: str | None,
    ) -> tuple[tuple[int, int, int, int], ...]:
        """(cell number, reason, support and note bits) for each of `cells` the condition
        (at its site) has rules in."""
        key = (layout_key, condition, site)
        found = self._touched.get(key)
        if found is None:
            everywhere = self._everywhere(condition, site, setting)
            found = tuple(
                (number, *bits)
                for number, cell in enumerate(cells)
                if (bits := everywhere.get(cell)) is not None
            )
            self._touched_cells += len(found) + 1
            if self._touched_cells > TOUCHED_CACHE_CELLS:
                self._touched.clear()
                self._touched_cells = len(found) + 1
            self._touched[key] = found
        return found

    def _everywhere(
        self, condition: str, site: str | None, setting: str | None
    ) -> dict[tuple[str, str], Bits]:
        """Every cell the condition (at its site) has rules in, with their bits; bounded by
        the rule base (conditions x sites x settings)."""
        key = (condition, site, setting)
        found = self._condition_cells.get(key)
        if found is None:
            index = self.index
            found = self._condition_cells[key] = {
                (t, r): self._bits(t, r, setting, condition)
                for t in index.type_ids
                for r in index.region_ids
                if condition in index.conditions_in(t, r) and (site is None or site == r)
            }
        return found

    def _text(self, cell: tuple[str, str], reasons: int, support: int, notes: int) -> str:
        """The JSON text of a cell with these rules (remembered)."""
        key = (cell, reasons, support, notes) if self.detail else (cell, reasons)
        text = self._texts.get(key)
        if text is None:
            text = self._cell_text(cell, reasons, support, notes)
            if len(self._texts) >= CELL_CACHE_SIZE:
                self._texts.clear()
            self._texts[key] = text
        return text

    def _compute(
        self,
        conditions: tuple[tuple[str, str | None], ...],
        types: tuple[str, ...],
        regions: tuple[str, ...],
        setting: str | None,
    ) -> tuple[str, Verdict]:
        """The output line after the id (from its first ", "), and the overall verdict."""
        layout_key = (types, regions, setting)
        cells, base = self._layout(types, regions, setting)
        touches = [self._touches(layout_key, cells, setting, c, site) for c, site in conditions]
        touched: Iterable[tuple[int, int, int, int]]
        if len(touches) == 1:
            touched = touches[0]
        else:
            merged: dict[int, list[int]] = {}
            for some in touches:
                for number, r, s, n in some:
                    bits = merged.get(number)
                    if bits is None:
                        merged[number] = [r, s, n]
                    else:
                        bits[0] |= r
                        bits[1] |= s
                        bits[2] |= n
            touched = [(number, b[0], b[1], b[2]) for number, b in merged.items()]
        base_texts, severity, fired = self._base_texts(layout_key, cells, base)
        texts: Sequence[str] = base_texts
        listed = 0
        if self.detail:
            for r, s, n in base:
                listed |= r | s | n
        if touched:
            texts = changed = list(base_texts)
            excluding = self._excluding
            cache = self._texts
            detail = self.detail
            for number, r, s, n in touched:
                r0, s0, n0 = base[number]
                r, s, n = r | r0, s | s0, n | n0
                cell = cells[number]
                text = cache.get((cell, r, s, n) if detail else (cell, r))
                changed[number] = text if text is not None else self._text(cell, r, s, n)
                fired |= r | s
                if r and severity < 2:
                    severity = 2 if r & excluding else 1
                listed |= r | s | n
        overall = _VERDICTS[severity]
        conflicts = [cid for cid, mask in self._conflict_masks if fired & mask == mask]
        line = (
            f'"overall": "{overall.value}", "conditions": '
            + _strings([c + (f"@{site}" if site else "") for c, site in conditions])
            + ', "setting": '
            + ("null" if setting is None else _quote(setting))
            + ', "cells": {'
            + ", ".join(texts)
            + '}, "conflicts": '
            + _strings(conflicts)
        )
        if self.detail:
            line += ', "rules": {' + ", ".join(self._rule_piece(p) for p in _ones(listed)) + "}"
        return line + "}", overall

    def _base_texts(
        self,
        layout_key: tuple[Any, ...],
        cells: tuple[tuple[str, str], ...],
        base: tuple[Bits, ...],
    ) -> tuple[tuple[str, ...], int, int]:
        """The cells' texts, overall severity and fired rules when no condition has rules in
        them (remembered per layout)."""
        found = self._bases.get(layout_key)
        if found is None:
            texts = tuple(self._text(cell, *bits) for cell, bits in zip(cells, base, strict=True))
            severity = 0
            fired = 0
            for r, s, _ in base:
                fired |= r | s
                if r:
                    severity = max(severity, 2 if r & self._excluding else 1)
            found = (texts, severity, fired)
            if len(self._bases) >= LAYOUT_CACHE_SIZE:
                self._bases.clear()
            self._bases[layout_key] = found
        return found

    def _cell_text(self, cell: tuple[str, str], reasons: int, support: int, notes: int) -> str:
        """A cell as JSON text: reasons most severe first, each list in rule-base order."""
        quoted = self._quoted
        ordered = [*_ones(reasons & self._excluding), *_ones(reasons & ~self._excluding)]
        verdict = "excluded" if reasons & self._excluding else "cautioned" if reasons else "allowed"
        text = (
            _dumps(f"{cell[0]}/{cell[1]}")
            + ': {"verdict": "'
            + verdict
            + '", "rules": ['
            + ", ".join(quoted[p] for p in ordered)
            + "]"
        )
        if self.detail:
            text += (
                ', "support": ['
                + ", ".join(quoted[p] for p in _ones(support))
                + '], "notes": ['
                + ", ".join(quoted[p] for p in _ones(notes))
                + "]"
            )
        return text + "}"

    def _rule_piece(self, position: int) -> str:
        piece = self._rules.get(position)
        if piece is None:
            rule_id = self.index.rules[position].id
            piece = self._rules[position] = (
                _dumps(rule_id) + ": " + _dumps(self._rule_document(rule_id))
            )
        return piece

    def _rule_document(self, rule_id: str) -> dict[str, Any]:
        rule = self.rule_base.rule(rule_id)
        return {
            "kind": rule.kind.value,
            "verdict": rule.effect.value,
            "conditions": list(rule.conditions),
            "advice": rule.advice,
            "until": rule.until,
            "settings": list(rule.scope.settings),
            "citations": [_citation(c) for c in rule.citations],
        }


_dumps = json.JSONEncoder(ensure_ascii=False).encode
_quote: Callable[[str], str] = json.encoder.encode_basestring


def _strings(items: Iterable[str]) -> str:
    return "[" + ", ".join(map(_quote, items)) + "]"


def _citation(citation: Citation) -> dict[str, Any]:
    return {"source": citation.source, "line": citation.line, "quote": citation.quote}


# --- running ---------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a batch run produced."""

    allowed: int = 0
    cautioned: int = 0
    excluded: int = 0
    errors: int = 0
    first_error: BadRecord | None = field(default=None)

    @property
    def screened(self) -> int:
        return self.allowed + self.cautioned + self.excluded

    def count(self, verdict: Verdict) -> None:
        if verdict is Verdict.EXCLUDED:
            self.excluded += 1
        elif verdict is Verdict.CAUTIONED:
            self.cautioned += 1
        else:
            self.allowed += 1

    @property
    def worst(self) -> Verdict:
        if self.excluded:
            return Verdict.EXCLUDED
        return Verdict.CAUTIONED if self.cautioned else Verdict.ALLOWED

    def describe(self) -> str:
        return (
            f"{self.screened + self.errors} records: {self.allowed} allowed, "
            f"{self.cautioned} cautioned, {self.excluded} excluded, {self.errors} "
            f"error{'s' if self.errors != 1 else ''}"
        )


def run(
    records: Iterable[Patient | BadRecord],
    write: Callable[[str], object],
    screener: Screener,
    *,
    strict: bool = False,
    on_error: Callable[[BadRecord], None] | None = None,
    on_record: Callable[[], None] | None = None,
) -> Summary:
    """Screen every record, writing one line (with its newline) per record; with `strict`,
    stop at the first bad record (its error line is still written)."""
    summary = Summary()
    for record in records:
        outcome: Verdict | BadRecord
        if isinstance(record, BadRecord):
            line, outcome = record.to_line(), record
        else:
            line, outcome = screener.screen(record)
        write(line + "\n")
        if on_record is not None:
            on_record()
        if isinstance(outcome, Verdict):
            summary.count(outcome)
            continue
        summary.errors += 1
        if summary.first_error is None:
            summary.first_error = outcome
        if on_error is not None:
            on_error(outcome)
        if strict:
            break
    return summary


# --- files -----------------------------------------------------------------------------------


def open_input(name: str) -> IO[bytes]:
    """The binary stream for FILE or "-" (stdin); a regular file or a pipe, never a device
    or a directory (which could block or never end). Raises BatchInputError."""
    import stat
    import sys

    if name == "-":
        return sys.stdin.buffer
    try:
        stream = open(name, "rb")  # noqa: SIM115 - the caller closes it
    except OSError as error:
        raise BatchInputError(f"cannot read {name}: {error.strerror or error}") from None
    mode = os.fstat(stream.fileno()).st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        stream.close()
        raise BatchInputError(f"cannot read {name}: not a regular file or a pipe")
    return stream


class OutputError(OSError):
    """The output cannot be written (as opposed to the input read)."""


class LineWriter:
    """Buffers output lines and writes them in blocks: to a text stream, or to a file as
    `files.write_output` writes one, only streaming.

    A new name or a regular file: a temporary file beside it, renamed over it at the end, so
    it appears complete or not at all (an existing file keeps its mode, a new one gets the
    umask's). A symbolic link is written through to its target; a file with several hard
    links is rewritten in place; a device, FIFO or /dev/stdout is written straight to; a
    directory is refused. Raises OutputError when the file cannot be opened.
    """

    BLOCK = 512  # lines per write

    def __init__(self, stream: IO[str] | None = None, path: str | None = None) -> None:
        import stat
        import tempfile

        from massage_screen.files import _resolve, _umask  # the policy of write_output

        self._lines: list[str] = []
        self._temporary: str | None = None
        self._target: str | None = None
        self._owned = path is not None  # a file we opened ourselves: close it at the end
        if path is None:
            assert stream is not None
            self._stream = stream
            return
        try:
            resolved, special = _resolve(Path(path))
            target = str(resolved)
            try:
                existing: os.stat_result | None = os.stat(target)
            except FileNotFoundError:
                existing = None
            if existing is not None and stat.S_ISDIR(existing.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
            if special or (existing is not None and not stat.S_ISREG(existing.st_mode)):
                flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOCTTY", 0)
                self._stream = os.fdopen(os.open(target, flags), "w", encoding="utf-8")
                return
            if existing is not None and existing.st_nlink > 1:
                self._stream = open(target, "w", encoding="utf-8", newline="")  # noqa: SIM115
                return
            folder = os.path.dirname(target) or "."
            handle, self._temporary = tempfile.mkstemp(prefix=".ms-", suffix=".tmp", dir=folder)
        except OSError as error:
            raise OutputError(error.errno, error.strerror or str(error)) from error
        mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
        os.chmod(handle, mode)
        self._owned = False
        self._target = target
        self._stream = os.fdopen(handle, "w", encoding="utf-8", newline="")

    def write(self, line: str) -> None:
        self._lines.append(line)
        if len(self._lines) >= self.BLOCK:
            self.flush()

    def flush(self) -> None:
        """Write the buffered lines; raises OutputError (a broken pipe stays itself)."""
        try:
            if self._lines:
                self._stream.write("".join(self._lines))
                self._lines.clear()
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(error.errno, error.strerror or str(error)) from error

    def commit(self) -> None:
        """Write what is buffered and, for a file, put it in place."""
        self.flush()
        if self._target is not None and self._temporary is not None:
            try:
                os.fsync(self._stream.fileno())
                self._stream.close()
                os.replace(self._temporary, self._target)
            except OSError as error:
                raise OutputError(error.errno, error.strerror or str(error)) from error
            self._temporary = None
        elif self._owned:
            self._stream.close()

    def discard(self) -> None:
        """After an error or an interruption: drop a temporary file, or else write the lines
        already buffered (to stdout, a device or a file rewritten in place)."""
        if self._temporary is None:
            import contextlib

            with contextlib.suppress(OSError, ValueError):  # ValueError: already closed
                self.flush()
            return
        if self._temporary is not None:
            import contextlib

            with contextlib.suppress(OSError):
                self._stream.close()
            with contextlib.suppress(OSError):
                os.unlink(self._temporary)
            self._temporary = None


def screen_file(
    rule_base: RuleBase,
    input_file: str,
    input_format: InputFormat,
    output: str | None,
    *,
    detail: bool = False,
    strict: bool = False,
    progress: bool = False,
    on_error: Callable[[BadRecord], None] | None = None,
) -> Summary:
    """Screen the records of `input_file` ("-": stdin) into `output` (None or "-": stdout),
    as `massage-screen batch` does. A file output is complete or absent, also after SIGTERM
    or SIGHUP (`files.Terminated` is raised) or Ctrl-C.

    Raises OutputIsInputError (before opening the output) when the output is the input file,
    BatchInputError when the input cannot be read, OutputError when the output cannot be
    written; a broken pipe on stdout stays a BrokenPipeError. When an error or an interruption
    ends the run, the lines already screened still reach stdout (or a device, or a file
    rewritten in place); a file written atomically is left as it was.
    """
    import sys

    from massage_screen.files import _cleanup_on_termination, is_stdout, same_file, status_of

    stream = open_input(input_file)
    try:
        if same_file(status_of(input_file, stream), output):
            raise OutputIsInputError("the output is the input file")
        writer = LineWriter(*((sys.stdout, None) if is_stdout(output) else (None, output)))
        try:
            with _cleanup_on_termination():
                records = read_patients(stream, input_format)
                screener = Screener(rule_base, detail=detail)
                if progress:
                    summary = run_with_progress(
                        records, writer.write, screener, stream, strict=strict, on_error=on_error
                    )
                else:
                    summary = run(records, writer.write, screener, strict=strict, on_error=on_error)
                writer.commit()
        except BaseException:
            writer.discard()
            raise
    except (OutputError, BrokenPipeError, BatchInputError):
        raise
    except OSError as error:
        raise BatchInputError(f"cannot read {input_file}: {error.strerror or error}") from error
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    return summary


def wants_progress(name: str, *, quiet: bool, stderr: IO[str]) -> bool:
    """A progress bar only for a file (not stdin), on a terminal, and not when asked quiet."""
    return not quiet and name != "-" and stderr.isatty()


def run_with_progress(
    records: Iterable[Patient | BadRecord],
    write: Callable[[str], object],
    screener: Screener,
    stream: IO[bytes],
    *,
    strict: bool = False,
    on_error: Callable[[BadRecord], None] | None = None,
    console: Any = None,
) -> Summary:
    """`run`, with a rich progress bar (on stderr unless `console` is given) that follows the
    bytes read from `stream`; it disappears when the run ends."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    total = os.fstat(stream.fileno()).st_size or None
    counter = 0
    with Progress(
        TextColumn("screening"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[records]} records"),
        console=console or Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("screening", total=total, records=0)

        def advance() -> None:
            nonlocal counter
            counter += 1
            if counter % 2048 == 0:
                progress.update(task, completed=stream.tell(), records=counter)

        summary = run(records, write, screener, strict=strict, on_error=on_error, on_record=advance)
        progress.update(task, completed=total, records=counter)
    return summary
