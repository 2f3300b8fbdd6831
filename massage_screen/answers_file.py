"""Read an answers file with limits: regular files only, a size cap, a depth cap, no
duplicate or non-text keys, no YAML anchors, aliases or merge keys; `.json` by a JSON parser."""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from massage_screen.names import InputError
from massage_screen.sanitise import shown

MAX_BYTES = 64 * 1024
"""An answers file is a few hundred bytes; anything over 64 KiB is refused unread."""

MAX_DEPTH = 16
"""Nesting deeper than this (mappings and lists) is refused; an answers file needs 3."""

STDIN = "-"


TOO_DEEP = f"the document nests deeper than {MAX_DEPTH} levels"


class AnswersFileError(InputError):
    """The answers file cannot be read or parsed; the message starts with its name."""


def read_answers(path: Path | str, stdin: BinaryIO | None = None) -> Any:
    """The document in the answers file `path` (`-` reads standard input, or `stdin`).

    `.json` files (and standard input starting with `{`) are parsed as JSON, everything
    else as YAML (with YAML 1.2 booleans: an unquoted `no` is the text "no").
    Raises AnswersFileError (an InputError) for anything that is not a regular file of at
    most MAX_BYTES of UTF-8 holding one document within the limits above.
    """
    name = str(path)
    shown_name = "standard input" if name == STDIN else shown(name)  # "answers.yaml: ..."
    if name == STDIN:
        data = _read_stream(stdin if stdin is not None else sys.stdin.buffer, shown_name)
    else:
        data = _read_regular_file(name, shown_name)
    if len(data) > MAX_BYTES:
        raise AnswersFileError(f"{shown_name}: the file is larger than {MAX_BYTES // 1024} KiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise AnswersFileError(
            f"{shown_name}:{line}: not UTF-8 text (byte 0x{data[error.start]:02x})"
        ) from None
    as_json = (
        Path(name).suffix.lower() == ".json" if name != STDIN else text.lstrip().startswith("{")
    )
    document = _parse_json(text, shown_name) if as_json else _parse_yaml(text, shown_name)
    _check_depth(document, shown_name)
    return document


# reading ----------------------------------------------------------------------------------


def _read_regular_file(name: str, shown_name: str) -> bytes:
    # O_NONBLOCK: opening a FIFO without a writer must not wait; fstat then refuses it.
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(name, flags)
    except OSError as error:
        raise AnswersFileError(f"{shown_name}: cannot read it: {error.strerror or error}") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise AnswersFileError(f"{shown_name}: this is not a regular file ({_kind(mode)})")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_BYTES:
            chunk = os.read(descriptor, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise AnswersFileError(f"{shown_name}: cannot read it: {error.strerror or error}") from None
    finally:
        os.close(descriptor)


def _read_stream(stream: BinaryIO, shown_name: str) -> bytes:
    try:
        return stream.read(MAX_BYTES + 1) or b""
    except (OSError, ValueError) as error:
        raise AnswersFileError(f"{shown_name}: cannot read it: {error}") from None


def _kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "not a plain file"


def _check_depth(document: Any, shown_name: str) -> None:
    stack = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        for child in children if isinstance(node, (dict, list)) else ():
            if isinstance(child, (dict, list)):
                if depth + 1 > MAX_DEPTH:
                    raise AnswersFileError(f"{shown_name}: {TOO_DEEP}")
                stack.append((child, depth + 1))


# JSON -------------------------------------------------------------------------------------


def _no_duplicates(shown_name: str) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise AnswersFileError(f'{shown_name}: duplicate key "{shown(key)}"')
            result[key] = value
        return result

    return pairs


def _parse_json(text: str, shown_name: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates(shown_name))
    except AnswersFileError:
        raise
    except json.JSONDecodeError as error:
        raise AnswersFileError(
            f"{shown_name}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}"
        ) from None
    except RecursionError:
        raise AnswersFileError(f"{shown_name}: {TOO_DEEP}") from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise AnswersFileError(f"{shown_name}: not valid JSON: {shown(str(error))}") from None


# YAML -------------------------------------------------------------------------------------

_STR_TAG = "tag:yaml.org,2002:str"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _AnswersLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing what an answers file never needs: anchors, aliases,
    merge keys, keys that are not text, duplicate keys, and nesting beyond MAX_DEPTH.
    Booleans are YAML 1.2's (true/false), so `no` and `yes` stay text."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        mark: Any = event.start_mark
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases are not allowed", mark
            )
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if self.depth >= MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nests deeper than {MAX_DEPTH} levels", mark
                )
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1
        return super().compose_node(parent, index)

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                raise yaml.constructor.ConstructorError(
                    None, None, "merge keys (<<) are not allowed", key_node.start_mark
                )
            if key_node.tag != _STR_TAG or not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "keys must be text", key_node.start_mark
                )
            if key_node.value in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f'duplicate key "{shown(key_node.value)}"', key_node.start_mark
                )
            seen.add(key_node.value)


_AnswersLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_AnswersLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _parse_yaml(text: str, shown_name: str) -> Any:
    loader: _AnswersLoader | None = None
    try:
        loader = _AnswersLoader(text)  # the reader refuses control characters here
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = shown(error.problem or error.context or "unreadable", 200)
        if isinstance(error, (yaml.scanner.ScannerError, yaml.parser.ParserError)):
            problem = f"not valid YAML: {problem}"
        raise AnswersFileError(f"{shown_name}{where}: {problem}") from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        character = shown(chr(error.character)) if isinstance(error.character, int) else "?"
        raise AnswersFileError(
            f"{shown_name}:{line}: the control character {character} is not allowed"
        ) from None
    except yaml.YAMLError as error:
        raise AnswersFileError(f"{shown_name}: not valid YAML: {shown(str(error))}") from None
    except (ValueError, RecursionError) as error:  # an integer too long to convert
        raise AnswersFileError(f"{shown_name}: not valid YAML: {shown(str(error))}") from None
    finally:
        if loader is not None:
            loader.dispose()
