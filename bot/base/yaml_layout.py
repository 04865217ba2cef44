"""Layout mistakes in a YAML file staff wrote, found when the parser gives up: which line is out
of line, and by how many spaces.

YAML's own message for a line indented one space too much (or too little) is jargon and often
points at the wrong line: "expected <block end>, but found '<block mapping start>'" at the line
after a first key indented too far, "mapping values are not allowed here" at a key indented
under a plain value (which YAML then reads as the value's continuation). Staff need the line that
is out of line, in plain words: "this line has 1 space more than the line above it".

``layout_problem(text, line, col)`` finds it by trying the fix: the parser's error line, the
line before it and the nearest line above one space off the error line's (the first key of a
block, which set the block's indentation) are each moved one space, to an indentation the file
uses, and the file is read again. A move that makes the whole file readable names the line;
failing that, one that gets the parser past the error line (the file has another mistake
further down). Among several such moves wins the one that keeps the file's usual step between a
key and its block (2 spaces: ``when:`` at 5 spaces could join ``ask:``'s block at 6, but its
``- if:`` lines would then not be indented under it), then the one lined up with the nearest
line, then the indentation used most (``welcome:`` with ``say:`` at 5 and ``next:`` at 4:
``say:`` is out of line). A line of a text on several lines (``key: |-``) one space off the
text's other lines is found the same way.

Other slips whose YAML message is jargon, each found on the lines themselves:

- a text with ``: `` inside and no quotes (``zero: Capito: niente``), which YAML reads as a key:
  put it in quotes;
- a key without its ``:`` (``zero "Capito"``), or with no space after it (``zero:"Capito"``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

# `key:` / `"key":` / `- key:` at the start of a line (a key is followed by `:` and a space or
# the end of the line); `- ` alone starts a list item
_KEY = re.compile(
    r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s'"#\-\[{][^#]*?|-[^\s#][^#]*?)\s*:(?:\s|$)"""
)
_ITEM = re.compile(r"-(?:\s+|$)")
MOST = 1
"""How many spaces away from where it is a line is tried: a slip is one space (the levels of a
block are two apart, so a line one space off is always one space from a level; a move of two
would make a key of one block a key of the one above, which YAML reads just as well)."""


@dataclass(frozen=True)
class LayoutProblem:
    """Where (1-based line and column), what, and the fix."""

    line: int
    col: int
    message: str
    hint: str


@dataclass(frozen=True)
class _Line:
    """A line that starts a key or a list item: where it starts, and where its content does
    (``  - text: x``: the item at 2, its key at 4)."""

    number: int
    indent: int
    content: int
    item: bool
    key: bool


def _structure(lines: list[str]) -> dict[int, _Line]:
    """The lines that start a key or a list item, by 1-based number (blank lines, comments and
    the lines of a text are not)."""
    found: dict[int, _Line] = {}
    for number, line in enumerate(lines, 1):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#") or stripped.startswith("\t"):
            continue
        indent = len(line) - len(stripped)
        item = _ITEM.match(stripped)
        content = indent + (item.end() if item else 0)
        rest = stripped[item.end() :] if item else stripped
        key = _KEY.match(rest) is not None
        if item or key:
            found[number] = _Line(number, indent, content, item is not None, key)
    return found


def _reads(text: str) -> int | None:
    """None when ``text`` is valid YAML, else the 1-based line where the parser gives up."""
    try:
        YAML(typ="rt").load(text)
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        return int(mark.line) + 1 if mark is not None else 0
    except (RecursionError, ValueError, TypeError, OverflowError):  # a value it cannot build
        return 0
    return None


def _previous(structure: dict[int, _Line], number: int) -> _Line | None:
    before = [n for n in structure if n < number]
    return structure[max(before)] if before else None


def _sibling(structure: dict[int, _Line], moved: _Line, indent: int) -> _Line | None:
    """The nearest line of the same kind (item or key) at ``indent``, above ``moved`` first:
    the one it is lined up with once moved there. The search stops where a line is indented
    less (the block ends)."""
    for numbers in (
        sorted((n for n in structure if n < moved.number), reverse=True),
        sorted(n for n in structure if n > moved.number),
    ):
        for number in numbers:
            other = structure[number]
            at = other.indent if moved.item else (other.content if other.item else other.indent)
            if at == indent and (other.item == moved.item or not moved.item):
                return other
            if other.indent < indent:
                break
    return None


def _name(lines: list[str], line: _Line) -> str:
    """How to point at a line: its key (`` `ask:` ``) or its item (`` `- text:` ``)."""
    written = lines[line.number - 1].strip()
    if line.key:
        end = written.find(":", line.content - line.indent)
        return f"`{written[: end + 1]}`"
    return "`-`"


def _describe(
    lines: list[str], moved: _Line, sibling: _Line | None, indent: int
) -> tuple[str, str]:
    spaces = moved.indent - indent
    amount = _spaces(abs(spaces))
    more = "more" if spaces > 0 else "fewer"
    if sibling is None:
        than = f"the lines it goes with ({indent} spaces)"
    elif sibling.number == moved.number - 1:
        than = "the line above it"
    elif sibling.number == moved.number + 1:
        than = "the line below it"
    else:
        than = f"{_name(lines, sibling)} on line {sibling.number}, which it goes with"
    what = "the other `-` items of the list" if moved.item else "the other keys of the block"
    spaces_before = _spaces(indent, "before it") if indent else "at the start of the line"
    return f"this line has {amount} {more} than {than}", f"line it up with {what} ({spaces_before})"


def _at_start(line: str, col: int) -> bool:
    """Whether column ``col`` (1-based) is where the line's key or item starts, or at the
    ``:`` of its key: where YAML stops on a line out of line (elsewhere, as after a text
    ``zero: {{ x }} euro``, the line's indentation is not the question)."""
    stripped = line.lstrip(" ")
    if not stripped:
        return True
    item = _ITEM.match(stripped)
    indent = len(line) - len(stripped)
    content = indent + (item.end() if item else 0)
    starts = {indent, content}
    if _KEY.match(line[content:]):
        starts.add(line.find(":", content))
    return col - 1 in starts


def _opens(lines: list[str], line: _Line) -> bool:
    """Whether ``line`` is a key with nothing after its ``:``: a block follows."""
    return line.key and lines[line.number - 1].split(" #")[0].rstrip().endswith(":")


def _steps(
    lines: list[str], structure: dict[int, _Line], suspects: Iterable[int] = ()
) -> Counter[int]:
    """How far a block is indented from the key that opens it, across the file (2 mostly),
    the blocks of the lines under suspicion aside."""
    steps: Counter[int] = Counter()
    numbers = sorted(set(structure) - set(suspects))
    for number, after in pairwise(numbers):
        line, child = structure[number], structure[after]
        if _opens(lines, line) and child.indent >= line.content:
            steps[child.indent - line.content] += 1
    return steps


def _odd_steps(
    lines: list[str], structure: dict[int, _Line], moved: _Line, indent: int, step: int
) -> int:
    """How many of ``moved``'s blocks, once it is at ``indent``, break the file's usual step:
    the block it is in (from the key that opens it) and the block it opens."""
    odd = 0
    content = indent + moved.content - moved.indent
    for number in sorted((n for n in structure if n < moved.number), reverse=True):
        parent = structure[number]
        if parent.indent < indent and parent.content != indent:
            odd += _opens(lines, parent) and indent - parent.content != step
            break
    after = [n for n in structure if n > moved.number]
    if after and _opens(lines, moved):
        child = structure[min(after)]
        odd += child.indent >= content and child.indent - content != step
    return odd


def _indentation_slip(
    text: str, error_line: int, col: int, anywhere: bool = False
) -> LayoutProblem | None:
    """The key or item out of line, by trying the fix (see the module's docstring);
    ``anywhere``: the parser's mark may be anywhere on its line (it stopped at a ``:`` inside
    a text that a line out of line made part of the value above)."""
    lines = text.split("\n")
    if 0 < error_line <= len(lines) and not (anywhere or _at_start(lines[error_line - 1], col)):
        return None
    structure = _structure(lines)
    counts = Counter(line.indent for line in structure.values())
    counts.update(line.content for line in structure.values() if line.item and line.key)
    suspects = [structure[error_line]] if error_line in structure else []
    before = _previous(structure, error_line)
    if before is not None:
        suspects.append(before)
    if error_line in structure:  # the first key of the block, one space off the error line's
        at = structure[error_line].indent
        for number in sorted((n for n in structure if n < error_line), reverse=True):
            if structure[number].indent < at - 1:
                break
            if abs(structure[number].indent - at) == 1:
                if structure[number] not in suspects:
                    suspects.append(structure[number])
                break
    levels = set(counts)
    steps = _steps(lines, structure, (suspect.number for suspect in suspects))
    step = steps.most_common(1)[0][0] if steps else 2
    fixed: list[tuple[tuple[int, ...], LayoutProblem]] = []
    past: list[tuple[tuple[int, ...], LayoutProblem]] = []
    for rank, suspect in enumerate(suspects):
        for distance in range(1, MOST + 1):
            for indent in (suspect.indent - distance, suspect.indent + distance):
                if indent < 0 or indent not in levels:
                    continue
                moved = lines.copy()
                moved[suspect.number - 1] = " " * indent + lines[suspect.number - 1].lstrip(" ")
                stops = _reads("\n".join(moved))
                if stops is not None and stops <= error_line + 1:
                    continue  # the same error, or one that follows from the move
                sibling = _sibling(structure, suspect, indent)
                near = abs(sibling.number - suspect.number) if sibling else len(lines)
                odd = _odd_steps(lines, structure, suspect, indent, step)
                order = (distance, odd, near, -counts[indent], rank)
                message, hint = _describe(lines, suspect, sibling, indent)
                found = LayoutProblem(suspect.number, suspect.indent + 1, message, hint)
                (fixed if stops is None else past).append((order, found))
    for candidates in (fixed, past):
        if candidates:
            return min(candidates, key=lambda pair: pair[0])[1]
    return None


_VALUE = re.compile(
    r"""^(?P<lead>\s*(?:-\s+)?)(?P<key>[^\s'"#\-\[{][^#:]*?):\s+(?P<value>[^\s'"|>\[{&*!].*)$"""
)


def _colon_in_text(lines: list[str], line: int, col: int) -> LayoutProblem | None:
    """A plain text with ``: `` inside (``zero: Capito: niente``), where YAML stopped at it."""
    if not 0 < line <= len(lines):
        return None
    found = _VALUE.match(lines[line - 1])
    if found is None or col <= found.start("value") or ": " not in found.group("value") + " ":
        return None
    value = found.group("value").rstrip()
    quoted = f'"{value}"' if '"' not in value else "'" + value.replace("'", "''") + "'"
    return LayoutProblem(
        line,
        found.start("value") + 1,
        "this text has “: ” inside, and without quotes YAML reads the words before it as a key",
        f"put the whole text in quotes: {found.group('key')}: {quoted}",
    )


_NO_COLON = re.compile(
    r"""^(?P<lead>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w.\-]*)(?P<gap>\s+|:)(?P<rest>\S.*)$"""
)


def _missing_colon(lines: list[str], line: int) -> LayoutProblem | None:
    """A key written without its ``:`` or without the space after it, on the error line or
    the line before it (YAML notices it only once the next line starts)."""
    structure = _structure(lines)
    for number in (line - 1, line):
        if not 0 < number <= len(lines) or number in structure:
            continue
        found = _NO_COLON.match(lines[number - 1])
        if found is None:
            continue
        key, rest = found.group("key"), found.group("rest")
        neighbour = _previous(structure, number)
        if neighbour is None:
            continue
        at = found.start("key")
        opens = lines[neighbour.number - 1].rstrip().endswith(":") and at > neighbour.indent
        if at not in (neighbour.indent, neighbour.content) and not opens:
            continue
        col = at + 1
        if found.group("gap") == ":":
            return LayoutProblem(
                number,
                col + len(key),
                "there is no space after the “:” of this key",
                f"put a space after it: {key}: {rest}",
            )
        return LayoutProblem(
            number,
            col,
            f"the key `{key}` has no “:” after it",
            f"write it as {key}: {rest}",
        )
    return None


def _spaces(count: int, after: str = "") -> str:
    return f"{count} space{'' if count == 1 else 's'}" + (f" {after}" if after else "")


_BLOCK_TEXT = re.compile(r"(?:^|:\s+|-\s+)[|>][-+]?[1-9]?\s*(?:#.*)?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _text_slip(text: str, error_line: int) -> LayoutProblem | None:
    """A line of a text on several lines (``key: |-``) one space off the others: YAML takes
    the first line's indentation for the whole text, and a line indented less ends it."""
    lines = text.split("\n")
    header, least = None, None
    for number in range(min(error_line, len(lines)), 0, -1):
        line = lines[number - 1]
        if not line.strip():
            continue
        if least is not None and _indent(line) < least and _BLOCK_TEXT.search(line.rstrip()):
            header = number
            break
        if least is not None and _indent(line) < least - 1:
            return None  # the lines above are not a text's
        least = _indent(line) if least is None else min(least, _indent(line))
    if header is None:
        return None
    key = _indent(lines[header - 1])
    body = []
    for number in range(header + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.strip() and _indent(line) <= key:
            break
        if line.strip():
            body.append(number)
    indents = Counter(_indent(lines[n - 1]) for n in body)
    step = Counter(_steps(lines, _structure(lines))).most_common(1)
    usual = key + (step[0][0] if step else 2)
    right = usual if usual in indents else indents.most_common(1)[0][0] if indents else None
    odd = [n for n in body if _indent(lines[n - 1]) != right]
    if right is None or len(odd) != 1 or abs(_indent(lines[odd[0] - 1]) - right) > MOST:
        return None
    number = odd[0]
    moved = lines.copy()
    moved[number - 1] = " " * right + lines[number - 1].lstrip(" ")
    stops = _reads("\n".join(moved))
    if stops is not None and stops <= error_line + 1:
        return None
    spaces = _indent(lines[number - 1]) - right
    return LayoutProblem(
        number,
        _indent(lines[number - 1]) + 1,
        f"this line of the text has {_spaces(abs(spaces))} "
        f"{'more' if spaces > 0 else 'fewer'} than the text's other lines",
        f"line up every line of the text under `{lines[header - 1].strip()}` "
        f"(line {header}): {_spaces(right, 'before each')}",
    )


def layout_problem(text: str, line: int, col: int, problem: str = "") -> LayoutProblem | None:
    """The layout mistake behind the parser's error at ``line``, ``col`` (1-based; YAML's
    ``problem`` in its words), or None when none of the slips above explains it (the
    parser's own message is then the one)."""
    lines = text.split("\n")
    anywhere = problem.startswith("mapping values are not allowed")
    return (
        _colon_in_text(lines, line, col)
        or _text_slip(text, line)
        or _indentation_slip(text, line, col, anywhere)
        or _missing_colon(lines, line)
    )
