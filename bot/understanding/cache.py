"""What the understanding builds from the intents file, kept between starts.

Reading ``dialogs/intents.yaml`` (about 4,000 lines, with positions for staff's errors) takes
about 0.4 s and indexing its examples for the matcher about 0.7 s: most of a cold start. Both
depend only on the file's bytes and on the bot's code, so they are kept in the cache
folder (``classifier.cache_dir``, beside the trained classifier) under a digest of the two, and
read back in a few milliseconds while neither changes; a changed file or an upgraded bot
simply misses the cache and builds again.

The files are pickles, read back with an unpickler that accepts only the classes these
objects are made of (the package's own, ``Pos``, a few containers), so a file planted in the
cache folder cannot run code. A cache that cannot be read or written costs only the time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from functools import cache
from pathlib import Path
from typing import Any

from bot.base.problems import Problem, Problems
from bot.base.yamlpos import read_staff_text
from bot.understanding.classifier import KEEP, cache_dir
from bot.understanding.intents import THRESHOLD, IntentSet, Matcher, load_intents

log = logging.getLogger(__name__)

FORMAT = 1  # the layout of the cache files
_PACKAGES = ("bot.understanding", "bot.base")  # whose code the cached objects depend on
_ALLOWED_BUILTINS = frozenset(
    {"set", "frozenset", "tuple", "list", "dict", "str", "int", "float", "bool", "bytes"}
)
_ALLOWED = {
    ("collections", "defaultdict"),
    ("collections", "OrderedDict"),
    ("collections", "Counter"),
}


@cache
def code_digest() -> str:
    """A digest of the bot's source (every module of the ``bot`` package): a bot upgraded in
    place never reads an object, or a check's result, its new code did not make."""
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class _Unpickler(pickle.Unpickler):
    """Rebuilds only the package's own classes and plain containers."""

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith(_PACKAGES) or (module, name) in _ALLOWED:
            return super().find_class(module, name)
        if module == "builtins" and name in _ALLOWED_BUILTINS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


def read_cached(path: Path) -> Any:
    """The object kept at ``path`` (None: none, or unreadable: logged), rebuilt with only the
    allowed classes."""
    try:
        with path.open("rb") as f:
            return _Unpickler(f).load()
    except FileNotFoundError:
        return None
    except Exception as err:  # damaged or foreign: built again and written over
        log.warning("cache %s unreadable (%s): building again", path.name, type(err).__name__)
        return None


def write_cached(path: Path, value: Any, pattern: str) -> None:
    """Keep ``value`` at ``path`` (private to the user), and only the newest ``KEEP`` of the
    files matching ``pattern`` beside it; a folder that cannot be written is logged."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(f".tmp{os.getpid()}")
        with temp.open("wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(temp, 0o600)
        temp.replace(path)  # whole or not at all: another bot starting reads either
        older = sorted(path.parent.glob(pattern), key=lambda p: p.stat().st_mtime)[:-KEEP]
        for old in older:
            old.unlink(missing_ok=True)
    except OSError as err:
        log.warning("could not keep %s in the cache (%s)", path.name, err)


def cached_intents(
    path: Path, problems: Problems, directory: Path | None = None
) -> IntentSet | None:
    """``load_intents(path, problems)``, read from the cache when the file's bytes and the
    code are those it was made from; its warnings are added to ``problems`` as if read now.
    A file with errors is never cached (read again each time, so its errors are reported)."""
    try:  # safely (an ordinary file, not too big, a drive that answers): ``read_staff_text``
        raw = read_staff_text(path, keep_line_ends=True).encode()
    except Exception:  # unreadable: the reader says why, located
        return load_intents(path, problems)
    key = hashlib.sha256(raw + str(path).encode() + code_digest().encode()).hexdigest()[:24]
    where = (directory or cache_dir()) / f"intentset-{key}.pickle"
    found = read_cached(where)
    if (
        isinstance(found, tuple)
        and len(found) == 2
        and isinstance(found[0], IntentSet)
        and all(isinstance(p, Problem) for p in found[1])
    ):
        problems.extend(found[1])
        return found[0]
    fresh = Problems()
    intents = load_intents(path, fresh)
    problems.extend(fresh)
    if intents is not None and not fresh.errors:
        write_cached(where, (intents, list(fresh.items)), "intentset-*.pickle")
    return intents


def cached_matcher(
    intents: IntentSet, threshold: float = THRESHOLD, directory: Path | None = None
) -> Matcher:
    """``Matcher(intents, threshold)``, read from the cache when it was built from the same
    intents (their pickled form) with the same code."""
    key = hashlib.sha256(
        pickle.dumps(intents, protocol=pickle.HIGHEST_PROTOCOL)
        + repr(threshold).encode()
        + code_digest().encode()
    ).hexdigest()[:24]
    where = (directory or cache_dir()) / f"matcher-{key}.pickle"
    found = read_cached(where)
    if isinstance(found, Matcher):
        return found
    matcher = Matcher(intents, threshold)
    write_cached(where, matcher, "matcher-*.pickle")
    return matcher
