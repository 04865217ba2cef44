"""Reading YAML that staff wrote, keeping the line and column of every key and value.

ruamel.yaml's round-trip loader records positions (``.lc``) and rejects duplicate keys; it never
constructs Python objects from tags, so a file in ``dialogs/`` cannot run code.

Numbers written the Italian way are read by YAML as something else, silently, so every file is
checked for them as written (before any reader sees the values), each one a located error:

- thousands with dots: a plain ``1.000`` is the number 1, ``12.500`` is 12.5 and
  ``1.000.000`` is text. Any plain value that is exactly digits grouped by dots in threes
  (``[1-9]\\d{0,2}(\\.\\d{3})+``) is reported, even where a decimal is plausible (``cpf_eur``
  mid ``1.000`` could mean one euro): the fix names both readings, "write 1000 without the dot
  (or 1.0 if you mean one)", and quotes for a text. ``0.400``, ``1.5``, ``2.50``, ``30.4``,
  quoted values and numbers inside a text are never reported;
- a decimal comma in a flow block: in ``{low: 0.40, mid: 1,50, high: 2.50}`` the comma
  separates, so ``mid`` is 1 and ``50`` a setting of its own; in ``[1,5, 2]`` the list has three
  numbers. Reported where the number starts, "use a dot for decimals: 1.50". In a list only when
  its other commas are followed by a space (``[10,11,12]`` is a list of three written tightly).

Files are read safely (``read_staff_text``): only ordinary files (a named pipe, a socket or a
device under ``locales/`` is refused without being opened for reading, where it would wait for a
writer forever), at most ``MAX_FILE_BYTES``, within ``READ_SECONDS`` (a network drive that does
not answer leaves its read behind in a daemon thread: neither a reload nor the bot's stopping
waits for it). YAML anchors (``&name``) are refused where they are written: no file can grow,
through aliases (``*name``) of aliases, into millions of values while it is read.

What the readers would find afterwards in the same place (``unknown setting `50```, the key
``50`` twice, "must be a whole number, not 1.5") only follows from that mistake: the place is
covered (``Problems.explain``: the value; for a comma the whole ``{…}`` or ``[…]``), so only the
real problem shows, and readers skip values that ``Problems.covers``.
"""

from __future__ import annotations

import os
import re
import stat
import threading
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.base.problems import Pos, Problems, relpath
from bot.base.yaml_layout import LayoutProblem, layout_problem
from bot.base.yaml_quotes import quote_problem

_T = TypeVar("_T")

# -- reading a staff file safely ----------------------------------------------------------------

MAX_FILE_BYTES = 1_000_000  # the biggest shipped file, dialogs/intents.yaml, is 0.25 MB
READ_SECONDS = 3.0  # one file, from asking the drive to the last byte
MAX_HANGING_READS = 1  # reads left hanging; while there are this many, no other is started


class UnreadableFile(OSError):
    """A staff file the bot does not read: ``message`` says why and ``fix`` what to do, in
    plain words."""

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


class ReadTimeout(UnreadableFile):
    """A file (or its drive) that did not answer in time."""


_hanging = 0  # reads that timed out and have not come back yet
_hanging_lock = threading.Lock()


def hanging_reads() -> int:
    """How many reads of staff files timed out and are still waiting on their drive."""
    with _hanging_lock:
        return _hanging


def within(seconds: float, work: Callable[[], _T], what: str = "the file") -> _T:
    """``work()``, done in a daemon thread and waited for ``seconds`` at most.

    A thread is used because a read from a drive that does not answer cannot be interrupted;
    a daemon one because Python never waits for it on exit, so a reload and the bot's stopping
    (SIGTERM) go on without it. While ``MAX_HANGING_READS`` such reads still hang, ``work`` is
    not even started: each would only add a thread stuck on the same drive.

    Raises:
        ReadTimeout: ``work`` did not finish in time (it is left to finish or hang alone), or
            earlier reads still hang.
        Whatever ``work`` raised.
    """
    global _hanging
    fix = "check the drive or network folder that holds it; until then the bot keeps what it has"
    with _hanging_lock:
        if _hanging >= MAX_HANGING_READS:
            raise ReadTimeout(
                f"{what} was not read: reading another file has hung for more than "
                f"{seconds:g} s (the drive does not answer)",
                fix,
            )
    state: dict[str, Any] = {}
    finished = threading.Event()

    def run() -> None:
        global _hanging
        try:
            state["value"] = work()
        except BaseException as err:  # handed to the caller
            state["error"] = err
        finally:
            with _hanging_lock:
                finished.set()
                if state.get("abandoned"):
                    _hanging -= 1

    threading.Thread(target=run, name="staff-file-read", daemon=True).start()
    if not finished.wait(seconds):
        with _hanging_lock:
            if not finished.is_set():
                state["abandoned"] = True
                _hanging += 1
                raise ReadTimeout(
                    f"{what} did not finish reading within {seconds:g} s: the drive it is on "
                    "does not answer",
                    fix,
                )
    if "error" in state:
        raise state["error"]
    return state["value"]


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not an ordinary file"


def _refuse_big(size: int, limit: int) -> UnreadableFile:
    megabytes = f"{limit / 1_000_000:.2f}".rstrip("0").rstrip(".")
    return UnreadableFile(
        f"the file is {size:,} bytes, over the {limit:,} bytes ({megabytes} MB) the bot reads "
        "in one file",
        "a file this big is not written by hand: if it was saved here by mistake, move it out "
        "of the folder; otherwise split it into smaller files",
    )


def _not_ordinary(mode: int) -> UnreadableFile:
    return UnreadableFile(
        f"this is {_kind(mode)}, not an ordinary file: the bot reads only ordinary files here",
        "move it out of the folder",
    )


def _read_file(path: Path, limit: int) -> tuple[bytes, float]:
    """The bytes of an ordinary file of at most ``limit`` bytes, and when it was last saved.
    Anything else is refused before it is opened for reading; it is opened non-blocking and
    checked again once open, so that nothing swapped in meanwhile can block."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise _not_ordinary(info.st_mode)
    if info.st_size > limit:
        raise _refuse_big(info.st_size, limit)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_ordinary(info.st_mode)
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1 << 16):
            size += len(chunk)
            if size > limit:  # it grew while being read
                raise _refuse_big(size, limit)
            chunks.append(chunk)
        return b"".join(chunks), info.st_mtime
    finally:
        os.close(fd)


def read_staff_text(
    path: Path,
    *,
    limit: int = MAX_FILE_BYTES,
    seconds: float = READ_SECONDS,
    keep_line_ends: bool = False,
) -> str:
    """The text of a file staff edit, read safely: an ordinary file only, of at most ``limit``
    bytes, within ``seconds`` (see ``within``); UTF-8, line ends made newlines as
    ``Path.read_text`` does (``keep_line_ends``: as written).

    Raises:
        UnreadableFile: not an ordinary file, too big, or a drive that does not answer
            (``ReadTimeout``), with the message and the fix in plain words.
        UnicodeDecodeError: the file is not UTF-8.
        OSError: the file cannot be opened (missing, no permission).
    """
    return _decoded(within(seconds, lambda: _read_file(path, limit))[0], keep_line_ends)


def _decoded(raw: bytes, keep_line_ends: bool) -> str:
    text = raw.decode("utf-8")
    if not keep_line_ends and "\r" in text:  # universal newlines, as in text mode
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


class Source:
    """One YAML file: its parsed data and how to point at any place in it."""

    def __init__(self, path: Path, data: Any, name: str | None = None, text: str = "") -> None:
        self.path = path
        self.name = name or relpath(path)
        self.data = data
        self.text = text  # the file as written
        self.saved = 0.0  # when the file was last saved (``load_yaml``), 0 when unknown

    def written(self, pos: Pos) -> str:
        """The rest of the line from ``pos`` on, as written in the file ("" when unknown): a
        value on one line, quotes and escapes included, for ``offset_in``."""
        lines = self.text.split("\n")
        if pos.file != self.name or not 0 < pos.line <= len(lines):
            return ""
        return lines[pos.line - 1][pos.col - 1 :].rstrip("\r")

    def top(self) -> Pos:
        return Pos(self.name, 1, 1)

    def at(self, node: Any) -> Pos:
        """Where a mapping or list starts."""
        lc = getattr(node, "lc", None)
        if lc is not None and lc.line is not None:
            return Pos(self.name, lc.line + 1, lc.col + 1)
        return self.top()

    def at_key(self, mapping: Any, key: Any) -> Pos:
        try:
            line, col = mapping.lc.key(key)
            return Pos(self.name, line + 1, col + 1)
        except (AttributeError, KeyError, TypeError):
            return self.at(mapping)

    def at_value(self, mapping: Any, key: Any) -> Pos:
        try:
            line, col = mapping.lc.value(key)
            return Pos(self.name, line + 1, col + 1)
        except (AttributeError, KeyError, TypeError):
            return self.at_key(mapping, key)

    def at_item(self, seq: Any, index: int) -> Pos:
        try:
            line, col = seq.lc.item(index)
            return Pos(self.name, line + 1, col + 1)
        except (AttributeError, KeyError, TypeError, IndexError):
            return self.at(seq)


class _KeepingConstructor(RoundTripConstructor):
    """The round-trip constructor, keeping the document's nodes: they still say how each value
    was written (plain or quoted, where it starts and ends), which the built data no longer do."""

    root: Node | None = None

    def construct_document(self, node: Any) -> Any:
        self.root = node
        return super().construct_document(node)


class AnchorRefused(MarkedYAMLError):
    """A YAML anchor (``&name``) in a staff file, refused where it is written."""

    def __init__(self, name: str, mark: Any) -> None:
        super().__init__(problem=f"found anchor {name!r}", problem_mark=mark)
        self.name = name


class _NoAnchors(Composer):
    """The composer, refusing every anchor (``&name``) as soon as it is met.

    Refused rather than capped: staff do not need them (no shipped file has one, the guide does
    not mention them), an alias (``*name``) of a list of aliases repeats it again at every level
    (an 834-byte file made 3 GB), and an unquoted text that starts with "&" silently loses its
    first word to one. With no anchor, every alias is an alias of nothing: YAML's own error,
    said as "put the text in quotes".
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None and not isinstance(event, AliasEvent):
            raise AnchorRefused(str(anchor), event.start_mark)
        return super().compose_node(parent, index)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _KeepingConstructor
    yaml.Composer = _NoAnchors
    yaml.allow_duplicate_keys = False
    return yaml


def staff_yaml() -> YAML:
    """The YAML reader for staff files (round trip, no duplicate keys, no anchors), for a
    reader that needs the data only (``load_yaml`` checks and locates much more)."""
    return _yaml()


# -- numbers written the Italian way -----------------------------------------------------------

_DOTTED_THOUSANDS = re.compile(r"-?[1-9]\d{0,2}(?:\.\d{3})+")
_INTEGER = re.compile(r"-?\d+")
_DIGITS = re.compile(r"\d+")
_SMALL = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _read_as(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _either(thousands: str, decimal: float, mark: str) -> str:
    """The fix for a number that reads either way: thousands, or a decimal with a dot."""
    if not decimal.is_integer():
        meant = "decimals"
    elif 0 <= decimal < len(_SMALL):
        meant = _SMALL[int(decimal)]
    else:
        meant = _read_as(decimal)
    return f"write {thousands} without the {mark} (or {decimal!r} if you mean {meant})"


def _dotted_thousands(written: str) -> tuple[str, str]:
    """Message and fix for a plain ``1.000`` / ``12.500`` / ``1.000.000``."""
    digits = written.replace(".", "")
    why = "in YAML a dot is the decimal point, never a thousands separator"
    quoted = f'if it is meant as text, put it in quotes: "{written}"'
    if written.count(".") > 1:
        return (
            f"`{written}` is read as text, not as the number {digits}: {why}",
            f"write {digits} without the dots; {quoted}",
        )
    value = float(written)
    return (
        f"`{written}` is read as {_read_as(value)}, not {digits}: {why}",
        f"{_either(digits, value, 'dot')}; {quoted}",
    )


def _decimal_comma(whole: str, fraction: str, in_list: bool) -> tuple[str, str]:
    """Message and fix for ``1,50`` read as the two values 1 and 50."""
    written = f"{whole},{fraction}"
    message = (
        f"`{written}` is read as two values, {whole} and {fraction}: "
        "in YAML a comma separates values"
    )
    if len(fraction) == 3:  # 1,500: thousands, or one and a half
        fix = _either(whole + fraction, float(f"{whole}.{fraction}"), "comma")
    else:
        fix = f"use a dot for decimals: {whole}.{fraction}"
    if in_list:
        fix += f"; for two values, put a space after the comma: {whole}, {fraction}"
    return message, fix


def _plain(node: Any, pattern: re.Pattern[str]) -> bool:
    return (
        isinstance(node, ScalarNode)
        and node.style is None
        and pattern.fullmatch(str(node.value)) is not None
    )


def _tight(text: str, before: Node, after: Node) -> bool:
    """Whether ``after`` follows ``before`` straight after a comma, with no space between."""
    end = before.end_mark.index
    return text[end : end + 1] == "," and after.start_mark.index == end + 1


def _empty(node: Node) -> bool:
    """An implicit empty value (``50`` alone in ``{…}`` has one)."""
    return (
        isinstance(node, ScalarNode)
        and node.value == ""
        and node.start_mark.index == node.end_mark.index
    )


def _decimal_commas(node: Node, text: str) -> list[tuple[Node, Node]]:
    """The ``(whole, fraction)`` node pairs of decimal commas directly inside a flow block."""
    found: list[tuple[Node, Node]] = []
    if isinstance(node, MappingNode):
        pairs = node.value
        for (_, value), (key, after) in pairwise(pairs):
            # `mid: 1,50` makes `50` a setting with no value: no file has such a setting
            if (
                _plain(value, _INTEGER)
                and _plain(key, _DIGITS)
                and _empty(after)
                and _tight(text, value, key)
            ):
                found.append((value, key))
    elif isinstance(node, SequenceNode):
        items = node.value
        tight = [_tight(text, a, b) for a, b in pairwise(items)]
        if not all(tight):  # `[1,5, 2]`: the comma without a space is not a separator
            i = 0
            while i < len(tight):
                a, b = items[i], items[i + 1]
                if tight[i] and _plain(a, _INTEGER) and _plain(b, _DIGITS):
                    found.append((a, b))
                    i += 2
                else:
                    i += 1
    return found


def check_numbers(root: Node | None, text: str, label: str, problems: Problems) -> int:
    """Report, located, each number YAML reads other than it is meant (see the module's
    docstring), and cover what follows from it; returns how many were found."""

    def at(mark: Any) -> Pos:
        return Pos(label, int(mark.line) + 1, int(mark.column) + 1)

    found = 0
    seen: set[int] = set()
    stack: list[Node] = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias repeats a node: report it once
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            if _plain(node, _DOTTED_THOUSANDS):
                problems.explain(at(node.start_mark), *_dotted_thousands(str(node.value)))
                found += 1
            continue
        if getattr(node, "flow_style", False):
            in_list = isinstance(node, SequenceNode)
            for whole, fraction in _decimal_commas(node, text):
                problems.explain(
                    at(whole.start_mark),
                    *_decimal_comma(str(whole.value), str(fraction.value), in_list),
                )
                # the values after the comma are shifted: what readers say of the block waits
                problems.cover(at(node.start_mark), at(node.end_mark))
                found += 1
        if isinstance(node, MappingNode):
            for key, value in reversed(node.value):
                stack += [value, key]
        elif isinstance(node, SequenceNode):
            stack += reversed(node.value)
    return found


def _duplicate(root: Node | None, mark: Any) -> tuple[str, int] | None:
    """The key written twice at ``mark`` (where its second copy starts) and the 1-based line of
    its first copy, from the document's nodes; None when they cannot tell."""
    stack: list[Node] = [root] if root is not None else []
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            keys = [key for key, _ in node.value]
            for second in keys:
                if second.start_mark.index != mark.index or not isinstance(second, ScalarNode):
                    continue
                for first in keys:
                    if first is second:
                        break
                    if isinstance(first, ScalarNode) and first.value == second.value:
                        return str(second.value), int(first.start_mark.line) + 1
            for key, value in node.value:
                stack += [key, value]
        elif isinstance(node, SequenceNode):
            stack += node.value
    return None


# YAML's words for what it found, and what they are in the file
_TOKENS = {
    "<block mapping start>": "a new key",
    "<block sequence start>": "a new `-` item",
    "'-'": "a `-` item",
    "<scalar>": "more text",
    "'<block mapping start>'": "a new key",
    "'<block sequence start>'": "a new `-` item",
    "'<scalar>'": "more text",
}
_EXPECTED_END = re.compile(r"expected <block end>, but found (?P<found>.+)")


def _describe(err: MarkedYAMLError, root: Node | None = None) -> str:
    """YAML's message for ``err`` in plain words, where we can say what it means."""
    if isinstance(err, DuplicateKeyError):
        mark = err.problem_mark
        found = _duplicate(root, mark) if mark is not None else None
        if found is not None:
            key, first = found
            return (
                f"the key `{key}` appears twice in this block (first at line {first}); "
                "YAML would keep only one"
            )
        return "this key appears twice in the same block; YAML keeps only one of them"
    problem = (err.problem or err.context or "the file is not valid YAML").strip()
    ending = _EXPECTED_END.fullmatch(problem)
    if ending is not None:
        found_word = _TOKENS.get(ending.group("found").strip(), "something else")
        problem = f"this line does not fit in the block above it: {found_word} starts here"
    elif problem.startswith("mapping values are not allowed"):
        problem = "“:” here reads as a new key, where YAML does not expect one"
    elif problem.startswith("could not find expected ':'"):
        problem = "a key without its “:”, or a line that does not fit in the block above it"
    elif problem.startswith("sequence entries are not allowed"):
        problem = "“- ” here starts a list, where YAML expects a text"
    elif problem.startswith("found undefined alias") or problem.startswith("found character '%'"):
        problem = "a text cannot start with this character unless it is in quotes"
    elif problem.startswith("expected ',' or ']'"):
        problem = "a list opened with “[” is not closed with “]”"
    elif problem.startswith("expected ',' or '}'"):
        problem = "a block opened with “{” is not closed with “}”"
    return f"YAML syntax: {problem}"


def _hint(err: MarkedYAMLError) -> str | None:
    problem = (err.problem or "").lower()
    if isinstance(err, DuplicateKeyError):
        return "rename or remove one"
    if "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "check that this line is indented like the one above it"
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return "check the indentation of this line and the one above it"
    if any(f"found character '{c}'" in problem for c in "@`%") or "undefined alias" in problem:
        return "put the text in quotes"
    if "sequence entries are not allowed" in problem:
        return "put the text in quotes"
    if "expected ',' or ']'" in problem:
        return "close the list with “]” on the same line, or put a text with “[” in quotes"
    if "expected ',' or '}'" in problem:
        return "close it with “}” on the same line, or put a text with “{” in quotes"
    return None


_OPENS = re.compile(r"(?:^|:\s+|-\s+)(?P<bracket>[\[{])")


def _unclosed(text: str, err: MarkedYAMLError) -> LayoutProblem | None:
    """A ``[`` or ``{`` never closed: where it opens (YAML's message is at the line after it,
    or at the end of the file)."""
    context, problem = err.context or "", err.problem or ""
    at: tuple[int, int] | None = None
    ends = "<stream end>" in problem
    if ("flow sequence" in context or "flow mapping" in context) and err.context_mark:
        at = (int(err.context_mark.line), int(err.context_mark.column))
    elif ends:  # the last value opened with a bracket, never closed
        for number, line in enumerate(text.split("\n")):
            found = _OPENS.search(line.split(" #")[0])
            if found is not None:
                rest = line[found.start("bracket") :]
                if rest.count("[") + rest.count("{") > rest.count("]") + rest.count("}"):
                    at = (number, found.start("bracket"))
    if at is None:
        return None
    line = text.split("\n")[at[0]] if at[0] < text.count("\n") + 1 else ""
    bracket = line[at[1] : at[1] + 1] if at[1] < len(line) else "["
    if bracket not in "[{":
        return None
    closing, what = ("]", "list") if bracket == "[" else ("}", "block")
    if ends and err.problem_mark is not None:  # said where the file ends, as YAML does
        mark = err.problem_mark
        return LayoutProblem(
            int(mark.line) + 1,
            int(mark.column) + 1,
            f"the file ends, but the {what} opened with “{bracket}” on line {at[0] + 1} is "
            f"never closed with “{closing}”",
            f"add “{closing}” at the end of it, on the same line; a text that starts with "
            f"“{bracket}” goes in quotes",
        )
    return LayoutProblem(
        at[0] + 1,
        at[1] + 1,
        f"the {what} opened with “{bracket}” here is never closed with “{closing}”",
        f"add “{closing}” at the end of it, on the same line; a text that starts with "
        f"“{bracket}” goes in quotes",
    )


def load_yaml(path: Path, problems: Problems, name: str | None = None) -> Source | None:
    """Parse one file; on any error record a located problem, note the file in
    ``problems.unreadable`` and return None (no traceback). A number YAML misreads (``1.000``,
    a decimal comma in ``{…}``) is a located error too, but the file is still returned, its
    place covered (``Problems.covers``) so the readers say nothing more about it."""
    label = name or relpath(path)
    try:
        raw, saved = within(READ_SECONDS, lambda: _read_file(path, MAX_FILE_BYTES))
        text = _decoded(raw, keep_line_ends=False)
    except UnicodeDecodeError as err:
        problems.add(
            Pos(label, 1, 1),
            f"the file is not UTF-8 text ({err.reason})",
            "save it again as UTF-8 in your editor",
        )
        source = None
    except UnreadableFile as err:  # not a file, too big, a drive that does not answer
        problems.add(Pos(label, 1, 1), err.message, err.fix)
        source = None
    except OSError as err:
        problems.add(Pos(label, 1, 1), f"cannot read the file: {err.strerror}")
        source = None
    else:
        source = parse_yaml(text, label, problems, path)
        if source is not None:
            source.saved = saved
    if source is None:
        problems.unreadable.append(label)
    return source


def parse_yaml(
    text: str, label: str, problems: Problems, path: Path | None = None
) -> Source | None:
    if "\t" in text:
        for lineno, line in enumerate(text.splitlines(), 1):
            indent = line[: len(line) - len(line.lstrip())]
            if "\t" in indent:
                problems.add(
                    Pos(label, lineno, indent.index("\t") + 1),
                    "this line is indented with a tab",
                    "indent with spaces, not tabs",
                )
                return None
    yaml = _yaml()
    try:
        data = yaml.load(text)
    except AnchorRefused as err:
        mark = err.problem_mark
        problems.add(
            Pos(label, int(mark.line) + 1, int(mark.column) + 1),
            f"`&{err.name}` is a YAML anchor (a name for repeating this value elsewhere with "
            f"`*{err.name}`): the bot's files do not use anchors, since a few lines of them can "
            "grow into millions of values",
            "write the value out in full where it is needed; a text that starts with “&” goes "
            "in quotes",
        )
        return None
    except MarkedYAMLError as err:
        # a misread number can make a key appear twice (`{low: 0,40, high: 2,40}`): say that
        check_numbers(yaml.constructor.root, text, label, problems)
        mark = err.problem_mark or err.context_mark
        where = Pos(label, int(mark.line) + 1, int(mark.column) + 1) if mark else Pos(label)
        duplicate = isinstance(err, DuplicateKeyError)
        quoting = None if duplicate else quote_problem(text, where.line)
        if quoting is not None:  # YAML's own message would point elsewhere, about indentation
            problems.add(Pos(label, quoting.line, quoting.col), quoting.message, quoting.hint)
            return None
        # a bracket never closed, the line out of line, a text with ': ', a key without ':'
        layout = None
        if not duplicate and mark is not None:
            layout = _unclosed(text, err) or layout_problem(
                text, where.line, where.col, err.problem or ""
            )
        if layout is not None:
            problems.add(
                Pos(label, layout.line, layout.col), f"YAML syntax: {layout.message}", layout.hint
            )
        else:
            problems.add(where, _describe(err, yaml.constructor.root), _hint(err))
        return None
    except YAMLError as err:
        problems.add(Pos(label, 1, 1), f"YAML error: {err}")
        return None
    except RecursionError:
        problems.add(Pos(label, 1, 1), "the file is nested too deeply to read")
        return None
    check_numbers(yaml.constructor.root, text, label, problems)
    return Source(path or Path(label), data, label, text)


_ESCAPES = {"x": 2, "u": 4, "U": 8}


def offset_in(written: str, value: str, offset: int) -> int | None:
    """Where the character at ``offset`` of a one-line ``value`` is in ``written`` (the value as
    the file has it: plain, "double-quoted" or 'single-quoted', up to the end of its line);
    None when the two do not match (a value on several lines, an escape YAML reads otherwise),
    so that no column is ever a guess."""
    if not 0 <= offset < len(value) or "\n" in value:
        return None
    quote = written[:1]
    if quote not in ("'", '"'):
        return offset if written.startswith(value) else None
    at, read = 1, 0  # in ``written``, in ``value``
    while at < len(written) and read <= offset:
        char = written[at]
        width = 1
        if quote == "'" and written.startswith("''", at):
            char, width = "'", 2
        elif quote == '"' and char == "\\":
            escaped = written[at + 1 : at + 2]
            width = 2 + _ESCAPES.get(escaped, 0)
            char = value[read] if read < len(value) else ""  # checked by the rest matching
        elif char == quote:
            return None  # the text ends before ``offset``
        if read >= len(value) or value[read] != char:
            return None
        if read == offset:
            return at
        at += width
        read += 1
    return None


def is_mapping(value: Any) -> bool:
    return isinstance(value, (CommentedMap, dict))


def is_list(value: Any) -> bool:
    return isinstance(value, (CommentedSeq, list))


def plain(value: Any) -> Any:
    """Turn ruamel's containers into plain dicts, lists and scalars (for templates and JSON)."""
    if is_mapping(value):
        return {str(k): plain(v) for k, v in value.items()}
    if is_list(value):
        return [plain(v) for v in value]
    if isinstance(value, TaggedScalar):
        return str(value.value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)
