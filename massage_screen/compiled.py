"""The validated rule base, compiled once: a content-keyed cache of the checked rule base.

`load_validated()` is what every screening loads. On a cache miss it runs the full loader
(every field, every quote) and every example case; a failing case makes the rule base invalid
(`RuleBaseError`). The result is pickled into the user's cache directory under a key made of
the content of every rule and seed file, the tool's version and the Python version, so an
unchanged rule base costs one hash and one unpickle, and any change rebuilds it.

The cache is only an accelerator: a file whose stored key does not match, that is truncated,
corrupt, foreign, not owned by the user, or in a directory others may write to, is ignored and
rebuilt; a cache directory that cannot be written only costs speed.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from massage_screen import __version__
from massage_screen.model import Case, RuleBase

#: Bump when the pickled form changes in a way the tool's version would not show.
CACHE_FORMAT = 2
MAGIC = b"massage-screen rule-base cache\n"
CACHE_DIR_VARIABLE = "MASSAGE_SCREEN_CACHE_DIR"
#: A cache file is a few hundred KB; anything far larger is not ours.
MAX_CACHE_BYTES = 64 * 1024 * 1024
#: Rule and seed files are hashed whole; a tree larger than this is loaded without the cache.
MAX_HASHED_BYTES = 256 * 1024 * 1024

_memo: dict[tuple[Path, Path], tuple[str, RuleBase]] = {}


def _sha256_constructor() -> Callable[..., Any]:
    """SHA-256 from CPython's built-in module when there is one: `hashlib` loads OpenSSL,
    which alone costs more than reading the cache."""
    for name in ("_sha2", "_sha256"):
        try:
            return importlib.import_module(name).sha256  # type: ignore[no-any-return]
        except (ImportError, AttributeError):
            continue
    import hashlib

    return hashlib.sha256


_sha256 = _sha256_constructor()

try:  # the C unpickler alone: importing `pickle` costs more than reading the cache
    from _pickle import loads as _unpickle
except ImportError:  # pragma: no cover - not CPython
    from pickle import loads as _unpickle


def load_validated(rules_dir: Path | None = None) -> RuleBase:
    """The rule base in `rules_dir` (default: the bundled one), loaded, checked and cases run.

    Served from the cache when the rule and seed files, the tool's version and the Python
    version are exactly those it was built from; otherwise built with
    `loader.load_rule_base`, every non-todo example case run, and stored.
    Raises `loader.RuleBaseError` listing every problem (a failing example case included).
    """
    rules_dir, seeds_dir = rule_dirs(rules_dir)
    digest = content_digest(rules_dir, seeds_dir)
    if digest is not None:
        memo = _memo.get((rules_dir, seeds_dir))
        if memo is not None and memo[0] == digest:
            return memo[1]
    key = cache_key(rules_dir, seeds_dir, digest) if digest is not None else None
    path = cache_file(rules_dir, seeds_dir)
    if key is not None and path is not None:
        cached = read_cache(path, key)
        if cached is not None:
            _memo[rules_dir, seeds_dir] = (digest or "", cached)
            return cached
    rule_base = build(rules_dir, seeds_dir)
    if digest is not None:
        # Store only if nothing changed while it was being built.
        if key is not None and path is not None and content_digest(rules_dir, seeds_dir) == digest:
            write_cache(path, key, rule_base)
        _memo[rules_dir, seeds_dir] = (digest, rule_base)
    return rule_base


def build(rules_dir: Path, seeds_dir: Path) -> RuleBase:
    """Load with the full loader, then run every example case as `validate` does; raise
    RuleBaseError if any case does not hold (a failing case, or a todo case that passes),
    one problem per case, located and worded as `validate` prints it."""
    from massage_screen.loader import Problem, RuleBaseError, load_rule_base

    rule_base = load_rule_base(rules_dir, seeds_dir)
    problems = [
        Problem(case.file, case.line, case.column, f'case "{case.name}": {failure}', "case-failed")
        for case, failure in case_failures(rule_base)
    ]
    if problems:
        raise RuleBaseError(problems)
    return rule_base


def case_failures(rule_base: RuleBase) -> list[tuple[Case, str]]:
    """(case, what is wrong) for every example case that does not hold as declared."""
    from massage_screen.cases import check_case
    from massage_screen.names import Names

    names = Names.of(rule_base)
    failures: list[tuple[Case, str]] = []
    for case in rule_base.cases:
        problems = check_case(rule_base, case, names)
        if problems:
            failures.append((case, "; ".join(problems)))
    return failures


# --- where the rule base is, and what it is made of ----------------------------------------


def default_rules_dir() -> Path:
    """The bundled rule base (as `loader.default_rules_dir`, without importing the loader)."""
    packaged = Path(__file__).parent / "data" / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def _is_directory(path: Path) -> bool:
    """As `loader.is_directory` (without importing the loader): False when it cannot be
    looked at (a name too long, a permission denied)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def rule_dirs(rules_dir: Path | None) -> tuple[Path, Path]:
    """The rule and seed directories `loader.load_rule_base(rules_dir)` would read."""
    rules_dir = rules_dir or default_rules_dir()
    seeds_dir = rules_dir.parent / "seeds"
    if not _is_directory(seeds_dir):
        seeds_dir = default_rules_dir().parent / "seeds"
    return rules_dir, seeds_dir


def content_digest(rules_dir: Path, seeds_dir: Path) -> str | None:
    """SHA-256 over the names and bytes of every file under `rules_dir` and `seeds_dir`.

    None when the trees hold anything but plain directories and regular files (a FIFO, a
    device, a symbolic link to a directory...), cannot be read, or are implausibly large:
    such a rule base is loaded without the cache, and the loader reports what is wrong.
    """
    digest = _sha256()
    total = 0
    for label, root in (("rules", rules_dir), ("seeds", seeds_dir)):
        digest.update(f"\0tree\0{label}\0".encode())
        try:
            files = _regular_files(root)
        except OSError:
            return None
        if files is None:
            return None
        for relative, path in files:
            try:
                data = _read_regular(path)
            except OSError:
                return None
            if data is None:
                return None
            total += len(data)
            if total > MAX_HASHED_BYTES:
                return None
            digest.update(b"\0file\0" + relative.encode("utf-8", "surrogateescape") + b"\0")
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
    return "sha256:" + str(digest.hexdigest())


def _regular_files(root: Path) -> list[tuple[str, Path]] | None:
    """Every regular file under `root` as (relative posix name, path), sorted; None if the
    tree holds anything else."""
    found: list[tuple[str, Path]] = []
    pending = [(root, "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_symlink():
                    target = os.stat(entry.path)
                    if not stat.S_ISREG(target.st_mode):
                        return None
                    found.append((relative, Path(entry.path)))
                elif entry.is_dir(follow_symlinks=False):
                    pending.append((Path(entry.path), relative + "/"))
                elif entry.is_file(follow_symlinks=False):
                    found.append((relative, Path(entry.path)))
                else:
                    return None
    found.sort()
    return found


def _read_regular(path: Path) -> bytes | None:
    """The bytes of `path` if it is (still) a regular file; never blocks on a FIFO."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        chunks = []
        while chunk := os.read(descriptor, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def cache_key(rules_dir: Path, seeds_dir: Path, digest: str) -> bytes:
    """What a cache file must have been built from: content, tool, Python, place."""
    text = "\0".join(
        (
            str(CACHE_FORMAT),
            __version__,
            sys.implementation.cache_tag or sys.version,
            sys.version,
            str(rules_dir.absolute()),
            str(seeds_dir.absolute()),
            digest,
        )
    )
    return str(_sha256(text.encode("utf-8", "surrogateescape")).hexdigest()).encode("ascii")


# --- the cache directory and its files -----------------------------------------------------


def cache_dir() -> Path | None:
    """$MASSAGE_SCREEN_CACHE_DIR, else $XDG_CACHE_HOME/massage-screen, else
    ~/.cache/massage-screen; None when caching is off (the variable set to an empty value)."""
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:
            return None
    return Path(base) / "massage-screen"


def cache_file(rules_dir: Path, seeds_dir: Path) -> Path | None:
    """The one cache file for this rule base location (rebuilt in place when it changes)."""
    folder = cache_dir()
    if folder is None:
        return None
    place = f"{rules_dir.absolute()}\0{seeds_dir.absolute()}\0{sys.version}"
    name = str(_sha256(place.encode("utf-8", "surrogateescape")).hexdigest())[:24]
    return folder / f"rules-{name}.pickle"


def _trusted_folder(folder: Path) -> bool:
    """Ours alone: a real directory owned by this user that nobody else may write to."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def read_cache(path: Path, key: bytes) -> RuleBase | None:
    """The rule base stored in `path` under exactly `key`, or None (missing, foreign,
    stale, truncated, corrupt or untrusted files are all simply not used)."""
    if not _trusted_folder(path.parent):
        return None
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_uid != os.getuid()
            or info.st_size > MAX_CACHE_BYTES
        ):
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read(MAX_CACHE_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    header = MAGIC + key + b"\n"
    if not data.startswith(header):
        return None
    try:
        rule_base = _unpickle(data[len(header) :])  # our own file, key checked
    except Exception:
        return None
    return rule_base if isinstance(rule_base, RuleBase) else None


def write_cache(path: Path, key: bytes, rule_base: RuleBase) -> bool:
    """Store `rule_base` under `key` atomically (temporary file + rename) in a 0700 folder.

    Returns whether it was stored; failing to store is not an error.
    """
    import pickle

    folder = path.parent
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted_folder(folder):
            return False
        data = MAGIC + key + b"\n" + pickle.dumps(rule_base, protocol=pickle.HIGHEST_PROTOCOL)
        import tempfile

        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except (OSError, pickle.PicklingError, RecursionError):
        return False
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
    return True
