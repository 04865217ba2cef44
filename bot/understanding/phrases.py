"""Finding known phrases in a list of words: the longest first, wherever they are.

Shared by the yes/no reader (``yesno``) and the reader of corrections and moves (``phrasing``):
in "i don't mind", "do not mind" wins over the shorter "i do" that overlaps it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def take_phrases(
    words: Sequence[str], table: Mapping[tuple[str, ...], str], longest: int | None = None
) -> dict[int, tuple[int, str]]:
    """``{start: (size, kind)}`` of the phrases of ``table`` found in ``words``, none
    overlapping: longer phrases first, then the leftmost. ``longest`` is the longest phrase in
    ``table`` (computed when not given)."""
    if longest is None:
        longest = max((len(k) for k in table), default=1)
    taken: dict[int, tuple[int, str]] = {}
    used: set[int] = set()
    for size in range(min(longest, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            kind = table.get(tuple(words[i : i + size]))
            if kind is None:
                continue
            span = set(range(i, i + size))
            if not span & used:
                used |= span
                taken[i] = (size, kind)
    return taken
