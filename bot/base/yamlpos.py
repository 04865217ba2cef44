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

What the readers would find afterwards in the same place (``unknown setting `50```, the key
``50`` twice, "must be a whole number, not 1.5") only follows from that mistake: the place is
covered (``Problems.explain``: the value; for a comma the whole ``{…}`` or ``[…]``), so only the
real problem shows, and readers skip values that ``Problems.covers``.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.base.problems import Pos, Problems, relpath
from bot.base.yaml_quotes import quote_problem


class Source:
    """One YAML file: its parsed data and how to point at any place in it."""

    def __init__(self, path: Path, data: Any, name: str | None = None) -> None:
        self.path = path
        self.name = name or relpath(path)
        self.data = data

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


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _KeepingConstructor
    yaml.allow_duplicate_keys = False
    return yaml


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


def _describe(err: MarkedYAMLError) -> str:
    if isinstance(err, DuplicateKeyError):
        return "this key appears twice in the same block; YAML keeps only one of them"
    problem = (err.problem or err.context or "the file is not valid YAML").strip()
    return f"YAML syntax: {problem}"


def _hint(err: MarkedYAMLError) -> str | None:
    problem = (err.problem or "").lower()
    if isinstance(err, DuplicateKeyError):
        return "rename or remove one of the two"
    if "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return (
            "a text containing ': ' must be put in quotes; otherwise check that this line is "
            "indented like the one above it"
        )
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return "check the indentation of this line and the one above it"
    if "found character '@'" in problem or "found character '`'" in problem:
        return "put the text in quotes"
    return None


def load_yaml(path: Path, problems: Problems, name: str | None = None) -> Source | None:
    """Parse one file; on any error record a located problem, note the file in
    ``problems.unreadable`` and return None (no traceback). A number YAML misreads (``1.000``,
    a decimal comma in ``{…}``) is a located error too, but the file is still returned, its
    place covered (``Problems.covers``) so the readers say nothing more about it."""
    label = name or relpath(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        problems.add(
            Pos(label, 1, 1),
            f"the file is not UTF-8 text ({err.reason})",
            "save it again as UTF-8 in your editor",
        )
        source = None
    except OSError as err:
        problems.add(Pos(label, 1, 1), f"cannot read the file: {err.strerror}")
        source = None
    else:
        source = parse_yaml(text, label, problems, path)
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
    except MarkedYAMLError as err:
        # a misread number can make a key appear twice (`{low: 0,40, high: 2,40}`): say that
        check_numbers(yaml.constructor.root, text, label, problems)
        mark = err.problem_mark or err.context_mark
        where = Pos(label, int(mark.line) + 1, int(mark.column) + 1) if mark else Pos(label)
        quoting = None if isinstance(err, DuplicateKeyError) else quote_problem(text, where.line)
        if quoting is not None:  # YAML's own message would point elsewhere, about indentation
            problems.add(Pos(label, quoting.line, quoting.col), quoting.message, quoting.hint)
        else:
            problems.add(where, _describe(err), _hint(err))
        return None
    except YAMLError as err:
        problems.add(Pos(label, 1, 1), f"YAML error: {err}")
        return None
    except RecursionError:
        problems.add(Pos(label, 1, 1), "the file is nested too deeply to read")
        return None
    check_numbers(yaml.constructor.root, text, label, problems)
    return Source(path or Path(label), data, label)


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
