"""Problems found in staff-owned files, reported as ``file:line:col: message``.

Staff are not programmers: every problem says where, what, and (when we can guess) how to fix it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Pos:
    """A place in a file; line and column count from 1, as editors show them."""

    file: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, order=True)
class Problem:
    pos: Pos
    message: str
    suggestion: str | None = None
    severity: str = "error"
    # what kind of problem it is, for a report that groups one kind (``"placeholder"``: a fact
    # still to fill in); not part of what makes two problems the same
    kind: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        text = f"{self.pos}: {self.message}"
        if self.severity != "error":
            text = f"{self.pos}: {self.severity}: {self.message}"
        if self.suggestion:
            text += f" — {self.suggestion}"
        return text


FOLDED_OVER = 3
"""A kind of warning is said in one line when there are more of it than this (``report``)."""


@dataclass
class Problems:
    """An ordered collection of problems; loading goes on after the first so staff see them all."""

    items: list[Problem] = field(default_factory=list)
    # files that could not be read at all (bad YAML, not UTF-8): checks across files would
    # only report consequences of them ("missing text", "no such state"), so they wait
    unreadable: list[str] = field(default_factory=list)
    # stretches of a file (first, last place) where a problem already said what is wrong, e.g.
    # a number YAML misread: what later checks find there only follows from it (one mistake,
    # one message), so ``add`` drops it
    covered: list[tuple[Pos, Pos]] = field(default_factory=list)
    # how ``report`` says a kind of warning in one line when there are many (set by whoever
    # reads the files: the content loader folds the agency's placeholders)
    folds: dict[str, Callable[[list[Problem]], str]] = field(default_factory=dict)

    def add(
        self,
        pos: Pos,
        message: str,
        suggestion: str | None = None,
        severity: str = "error",
        kind: str | None = None,
    ) -> None:
        """Record a problem, unless ``pos`` is covered by one already reported."""
        if not self.covers(pos):
            self.items.append(Problem(pos, message, suggestion, severity, kind))

    def explain(self, pos: Pos, message: str, suggestion: str | None = None) -> None:
        """Record an error that explains whatever later checks find at ``pos``: ``add`` drops
        those. Recorded even where covered already, so a file read twice into the same
        ``Problems`` still counts as having errors."""
        self.items.append(Problem(pos, message, suggestion))
        self.cover(pos)

    def cover(self, first: Pos, last: Pos | None = None) -> None:
        """Drop any later problem at ``first`` (or from ``first`` to ``last``, same file): the
        value written there has been reported already, and all that follows from it with it."""
        self.covered.append((first, last or first))

    def covers(self, pos: Pos) -> bool:
        """Whether a problem reported earlier already explains what is written at ``pos``; a
        reader skips checking such a value (its checks would only repeat the consequence)."""
        return any(first.file == pos.file and first <= pos <= last for first, last in self.covered)

    def extend(self, other: Iterable[Problem]) -> None:
        """Add problems found elsewhere (and, from a ``Problems``, what it covers)."""
        found = [p for p in other if not self.covers(p.pos)]
        if isinstance(other, Problems):
            self.covered.extend(other.covered)
        self.items.extend(found)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def report(self, fold: Mapping[str, Callable[[list[Problem]], str]] | None = None) -> str:
        """One line per problem without duplicates: the errors first (what stops the bot is
        what to fix first), then the warnings, each sorted by file and line. When a file could
        not be read, a line after the errors says the checks across files wait for it.

        ``fold``: for a ``kind`` of warning, how to say them all in one line, at the end, when
        there are more than ``FOLDED_OVER`` (30 facts still to fill in would bury the one
        warning about what was just changed); None: ``self.folds``, what the loader set; ``{}``
        lists every warning."""
        fold = self.folds if fold is None else fold
        unique = sorted(set(self.items))
        folded: dict[str, list[Problem]] = {}
        for kind in fold or {}:
            found = [p for p in unique if p.kind == kind and p.severity != "error"]
            if len(found) > FOLDED_OVER:
                folded[kind] = found
        said = {id(p) for found in folded.values() for p in found}
        unique = [p for p in unique if id(p) not in said]
        lines = [str(p) for p in unique if p.severity == "error"]
        if self.unreadable:
            files = ", ".join(self.unreadable)
            lines.append(
                f"(the checks that look across files wait until {files} can be read: "
                "fix that first)"
            )
        lines += [str(p) for p in unique if p.severity != "error"]
        lines += [(fold or {})[kind](found) for kind, found in folded.items()]
        return "\n".join(lines)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate a misspelt ``word`` most probably meant, or None when nothing is close.

    difflib (stdlib) is enough here: the candidate lists are a few dozen names.
    """
    matches = difflib.get_close_matches(str(word), sorted(set(candidates)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A 'did you mean `x`?' hint for a misspelt name, or None when nothing is close."""
    match = closest(word, candidates)
    return f"did you mean `{match}`?" if match is not None else None


def relpath(path: Path, root: Path | None = None) -> str:
    """Paths in reports are relative to the project so they are short and clickable."""
    try:
        return str(path.resolve().relative_to((root or Path.cwd()).resolve()))
    except ValueError:
        return str(path)
