"""Placeholders in staff files: a fact nobody has filled in yet, marked so that it shows.

Some facts only the agency knows (its city, its prices, results it can show): the shipped
files hold a **placeholder** for each, a text that starts with ``TODO:`` and says what goes
there. ``python -m bot validate`` reports every placeholder still there as a warning, at its
``file:line:col``, saying what to fill in (more than three are said in one line at the end,
and ``validate --todo`` lists them); the bot never shows one to a prospect: until it is filled
in, the value is ``None`` and the texts say an honest line instead ("our team will tell you").
"""

from __future__ import annotations

from typing import Any

from bot.base.problems import Pos, Problem, Problems

MARKER = "TODO:"
"""What a placeholder starts with (spaces before it, and its case, do not matter)."""
KIND = "placeholder"
"""The ``Problem.kind`` of a placeholder's warning: ``validate`` says them in one line
(``folded``), ``validate --todo`` lists them."""


def is_placeholder(value: Any) -> bool:
    """Whether ``value`` is a placeholder: a text starting with ``TODO:``."""
    return isinstance(value, str) and value.lstrip().upper().startswith(MARKER)


def contains_marker(text: str) -> bool:
    """Whether ``TODO:`` appears anywhere in ``text`` (a placeholder that would be shown)."""
    return MARKER in text.upper()


def report_placeholder(problems: Problems, pos: Pos, what: str, instead: str) -> None:
    """One warning for one placeholder at ``pos``: ``what`` is the fact in plain words ("the
    agency's city"), ``instead`` what prospects are told meanwhile."""
    problems.add(
        pos,
        f"{what} is not filled in yet: meanwhile prospects read {instead}",
        f"write it in place of the whole “{MARKER} …” text",
        severity="warning",
        kind=KIND,
    )


def folded(found: list[Problem]) -> str:
    """The placeholders' warnings in one line: how many, in which file(s) and lines."""
    files: dict[str, list[int]] = {}
    for problem in found:
        files.setdefault(problem.pos.file, []).append(problem.pos.line)
    where = ", ".join(
        f"{name} (line {lines[0]})"
        if min(lines) == max(lines)
        else f"{name} (lines {min(lines)}–{max(lines)})"
        for name, lines in files.items()
    )
    facts = "fact" if len(found) == 1 else "facts"
    return (
        f"{len(found)} {facts} about the agency still to fill in, in {where}: "
        "`validate --todo` lists them"
    )
