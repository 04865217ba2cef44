"""Quoting mistakes in a YAML file staff wrote, found line by line when the parser gives up.

YAML's own message for a quoting mistake points somewhere else and talks about indentation:
an apostrophe inside a text in single quotes (``testo: 'c'è posto'``) ends the text at the
apostrophe, so the parser complains about ``è posto'`` ("expected <block end>"); a double
quote that is never closed swallows the following lines and fails many lines further down.
Staff need the line where the quote is, and the fix for quotes, not for indentation.

``quote_problem(text, until)`` reads each line up to the parser's error line the way staff
write texts (``key: 'text'``, ``key: "text"``, ``- 'text'``) and returns the first of:

- a single-quoted text with more after its closing quote: an apostrophe inside it. The fix:
  write the apostrophe twice (``c''è``) or put the whole text in double quotes;
- a double-quoted text with more after its closing quote: a ``"`` inside it. The fix: ``\\"``,
  or single quotes around the whole text;
- a quoted text not closed on its line, when the parser's error is further down: the
  missing closing quote.

A quoted text continued on the next line is valid YAML and rare in staff files: an unclosed
quote is only named when the parser failed below it, so a file that reads is never questioned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# `key: 'text` or `- 'text` (list item), or `- key: "text`; the value's first character is
# the quote. Keys are what staff write: words, dots, dashes, spaces inside quotes not needed;
# a key in quotes too (`"yes": "Sì"`, as the README asks for yes and no)
_START = re.compile(
    r"""^\s*(?:-\s+)?(?:(?:[^\s'"#:][^:#]*?|"[^"]*"|'[^']*'):\s+|-\s+)?(?P<quote>['"])"""
)
_KEY_END = re.compile(r"\s*:(?:\s|$)")


@dataclass(frozen=True)
class QuoteProblem:
    """Where (1-based line and column of the quote that starts the text), what, and the fix."""

    line: int
    col: int
    message: str
    hint: str


def _end_of_single(line: str, start: int) -> int | None:
    """Index of the quote closing a single-quoted text opened at ``start`` ('' is an
    apostrophe inside it), or None when the line ends first."""
    i = start + 1
    while i < len(line):
        if line[i] == "'":
            if i + 1 < len(line) and line[i + 1] == "'":
                i += 2
                continue
            return i
        i += 1
    return None


def _end_of_double(line: str, start: int) -> int | None:
    """Index of the quote closing a double-quoted text opened at ``start`` (a backslash
    escapes the next character), or None when the line ends first."""
    i = start + 1
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        if line[i] == '"':
            return i
        i += 1
    return None


def _after(line: str, end: int) -> str:
    """What follows the closing quote, comments and a trailing comma/bracket of a flow list
    aside."""
    rest = line[end + 1 :].strip()
    if rest.startswith("#"):
        return ""
    return rest.lstrip(",]}").strip()


def quote_problem(text: str, until: int) -> QuoteProblem | None:
    """The first quoting mistake on lines 1..``until`` (1-based, the parser's error line), or
    None when the quotes there look right (the parser's own message is then the one to give).
    """
    lines = text.splitlines()
    for number, line in enumerate(lines[:until], 1):
        found = _START.match(line)
        if not found:
            continue
        start = found.start("quote")
        quote = found.group("quote")
        end = (_end_of_single if quote == "'" else _end_of_double)(line, start)
        col = start + 1
        if end is None:
            if number < until:
                closing = "'" if quote == "'" else '"'
                return QuoteProblem(
                    number,
                    col,
                    f"this text opens with {closing} but the line ends before it is closed",
                    f"add the closing {closing} at the end of the text",
                )
            continue
        if _KEY_END.match(line, end + 1):  # a key in quotes (`"yes": Sì`), not a text
            continue
        if _after(line, end):
            if quote == "'":
                return QuoteProblem(
                    number,
                    end + 1,
                    "this text is in single quotes and has an apostrophe inside, "
                    "where YAML thinks the text ends",
                    "write the apostrophe twice (c''è, l''ultimo) or put the whole text "
                    'in double quotes ("c\'è posto")',
                )
            return QuoteProblem(
                number,
                end + 1,
                "this text is in double quotes and has a double quote inside, "
                "where YAML thinks the text ends",
                'write the inner one as \\" or put the whole text in single quotes',
            )
    return None
