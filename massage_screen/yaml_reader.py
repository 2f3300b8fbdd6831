"""Read a YAML file into plain data that remembers where every mapping, list and value starts.

Built from the parser's events, without recursion, it refuses what a rule file never needs
and what makes a YAML file hostile: duplicate keys (PyYAML would keep the last), complex
keys, merge keys (`<<`), anchors and aliases (and so alias bombs), explicit tags, more than
one document, nesting deeper than a cap, control characters, text that is not UTF-8, and
files over a size cap. Each refusal is one YamlError with the line and column it is about.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 1 << 20  # 1 MiB: the largest rule file today is a few dozen KB
MAX_DEPTH = 64  # rule files nest five or six levels

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


class YamlError(Exception):
    """Why a YAML file cannot be read, and where (1-based line and column)."""

    def __init__(self, line: int, column: int, message: str, code: str) -> None:
        self.line, self.column, self.message, self.code = line, column, message, code
        super().__init__(f"{line}:{column}: {message}")


class MarkedMap(dict[str, Any]):
    """A YAML mapping (keys are always the key's text) that remembers where it and each of
    its values start."""

    line: int = 1
    column: int = 1
    marks: dict[str, tuple[int, int]]

    def __init__(self, line: int = 1, column: int = 1) -> None:
        super().__init__()
        self.line, self.column, self.marks = line, column, {}


class MarkedList(list[Any]):
    """A YAML sequence that remembers where it starts."""

    line: int = 1
    column: int = 1

    def __init__(self, line: int = 1, column: int = 1) -> None:
        super().__init__()
        self.line, self.column = line, column


def read_yaml_file(path: Path, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """The data in the YAML file at `path` (MarkedMap, MarkedList, or a plain scalar).

    Raises FileNotFoundError when there is no file, YamlError for anything else wrong.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise
    except OSError as error:
        raise YamlError(
            1, 1, f"cannot read file: {error.strerror or error}", "unreadable"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise YamlError(1, 1, "not a regular file", "unreadable")
    if info.st_size > max_bytes:
        raise YamlError(1, 1, f"file is larger than {_size(max_bytes)}", "too-large")
    try:
        with open(path, "rb", opener=_no_block) as stream:
            data = stream.read(max_bytes + 1)
    except OSError as error:
        raise YamlError(
            1, 1, f"cannot read file: {error.strerror or error}", "unreadable"
        ) from None
    if len(data) > max_bytes:
        raise YamlError(1, 1, f"file is larger than {_size(max_bytes)}", "too-large")
    return read_yaml(decode_utf8(data), max_depth=max_depth)


def decode_utf8(data: bytes) -> str:
    """`data` as text; raises YamlError at the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8", "replace")) + 1
        raise YamlError(
            line, column, f"not UTF-8 text (byte 0x{data[error.start]:02x})", "not-utf8"
        ) from None


def read_yaml(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """The data of one YAML document in `text`; raises YamlError for anything refused."""
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        column = control.start() - (text.rfind("\n", 0, control.start()) + 1) + 1
        raise YamlError(
            line,
            column,
            f"control character U+{ord(control.group()):04X} is not allowed",
            "control-character",
        )
    try:
        return _Builder(max_depth).build(yaml.parse(text, Loader=_Parser))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError(line, column, f"invalid YAML: {error.problem}", "yaml-syntax") from None
    except yaml.YAMLError as error:
        raise YamlError(1, 1, f"invalid YAML: {error}", "yaml-syntax") from None


class _Builder:
    """Turns parser events into Marked data with an explicit stack (no recursion)."""

    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self.constructor = yaml.constructor.SafeConstructor()
        self.resolver = yaml.resolver.Resolver()

    def build(self, events: Any) -> Any:
        # Each frame: [container, the key waiting for its value (maps only), is it a map].
        stack: list[list[Any]] = []
        root: Any = None
        documents = 0
        scalar, mapping, sequence = (
            yaml.ScalarEvent,
            yaml.MappingStartEvent,
            yaml.SequenceStartEvent,
        )
        ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        for event in events:
            kind = type(event)
            if kind is scalar or kind is mapping or kind is sequence:
                if event.anchor is not None:
                    raise _error(event, "anchors and aliases are not allowed", "yaml-alias")
                if event.tag is not None and event.tag != "!":  # only an explicit tag sets it
                    raise _error(event, f"tags are not allowed ({event.tag})", "yaml-tag")
                frame = stack[-1] if stack else None
                awaiting_key = frame is not None and frame[2] and frame[1] is None
                if kind is scalar:
                    if awaiting_key:
                        assert frame is not None
                        if event.value == "<<" and event.implicit[0]:
                            raise _error(event, "merge keys (<<) are not allowed", "yaml-merge-key")
                        if event.value in frame[0]:
                            raise _error(event, f'duplicate key "{event.value}"', "duplicate-key")
                        frame[1] = event.value
                    elif frame is None:
                        root = self._scalar(event)
                    elif frame[2]:
                        frame[0][frame[1]] = self._scalar(event)
                        frame[0].marks[frame[1]] = _position(event)
                        frame[1] = None
                    else:
                        frame[0].append(self._scalar(event))
                    continue
                if awaiting_key:
                    raise _error(event, "complex (non-scalar) keys are not allowed", "yaml-key")
                if len(stack) >= self.max_depth:
                    raise _error(
                        event, f"nested more than {self.max_depth} levels deep", "yaml-depth"
                    )
                line, column = _position(event)
                if kind is mapping:
                    stack.append([MarkedMap(line, column), None, True])
                else:
                    stack.append([MarkedList(line, column), None, False])
            elif kind in ends:
                value = stack.pop()[0]
                if not stack:
                    root = value
                elif stack[-1][2]:
                    frame = stack[-1]
                    frame[0][frame[1]] = value
                    frame[0].marks[frame[1]] = (value.line, value.column)
                    frame[1] = None
                else:
                    stack[-1][0].append(value)
            elif kind is yaml.AliasEvent:
                raise _error(event, "anchors and aliases are not allowed", "yaml-alias")
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _error(event, "more than one YAML document", "yaml-syntax")
        return root

    def _scalar(self, event: Any) -> Any:
        if not event.implicit[0]:  # quoted: always a string
            return event.value
        tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
        construct = self.constructor.yaml_constructors.get(tag)
        if tag == _STR or construct is None:  # "<<" as a value resolves to merge: text
            return event.value
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:  # the safe constructor's function for the tag, without its object cache
            return construct(self.constructor, node)
        except (yaml.YAMLError, ValueError, OverflowError) as error:
            raise _error(event, f"cannot read value: {error}", "yaml-syntax") from None


def _position(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _error(event: Any, message: str, code: str) -> YamlError:
    return YamlError(*_position(event), message, code)


def _size(limit: int) -> str:
    return f"{limit // (1 << 20)} MiB" if limit % (1 << 20) == 0 else f"{limit} bytes"


def _no_block(path: str, flags: int) -> int:
    """Open without blocking on a FIFO that has appeared since the check (then read fails)."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))
