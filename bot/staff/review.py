"""Teaching the bot: the messages it did not understand, grouped, turned into examples by staff.

``python -m bot review`` (and, later, a web page) lists what prospects wrote that the bot did not
understand, or answered with low confidence, grouped by similarity with counts, each group with
the nearest intent; staff accept the suggestion, reassign the group to another intent (or to
``out_of_scope``), or ignore it. Accepted messages become examples in ``dialogs/intents.yaml``,
written by ``bot.content.intents_file``: comments and layout kept (``LayoutError`` rather than
a rewritten file), one plain line each, no duplicate and no contact details, the file checked
before it is replaced (``InvalidIntents``: it stays as it was) and put back when the ``check``
of the whole content folder finds an error in it. Its errors reach staff as ``ReviewError``.

The running bot (``python -m bot run``) watches ``dialogs/`` and reloads valid content by
itself (``bot.staff.reload``; about ten seconds when the classifier retrains on the new
examples): that is how accepted examples reach prospects.

Where messages come from: the engine's events, ``not_understood`` (the text is the detail) and
``intent`` ("intent confidence text"); every message is read again with the current
understanding, so one the bot now understands with confidence is not listed. Ignored messages
are remembered as digests of their normalised text (``Store.ignore_review``), never as text.

Library code: it raises ``ReviewError`` (subclasses say what went wrong, in staff's words) and
prints nothing; ``bot.cli.review`` is the command line around it.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from rapidfuzz import fuzz, process

from bot.base.problems import Problems, did_you_mean
from bot.content import intents_file
from bot.content.intents_file import MAX_EXAMPLE_CHARS as MAX_EXAMPLE_CHARS
from bot.content.intents_file import IntentsFile
from bot.content.intents_file import example_text as example_text
from bot.core.ports import utc_now
from bot.core.records import Event
from bot.understanding.intents import OUT_OF_SCOPE
from bot.understanding.text import normalise

LOW_CONFIDENCE = 0.6
"""An answer under this confidence (on the 0..1 scale where 0.5 is "understood") is listed for
review too. Measured on tests/data/{nlu_eval,nlu_holdout,nlu_final_check}.tsv: with the matcher
alone, 34 of its 38 wrong answers were under 0.6 (none above 0.65); with the classifier beside
it, 14 of 31, among 79 answers under 0.6 (0.7 would list 24 of 31 among 180). Staff read every
group listed: 0.6 keeps the list to the answers most often wrong."""

GROUP_SIMILARITY = 80
"""rapidfuzz ``token_set_ratio`` (0..100) of two normalised messages at which they are one
group. Token sets rather than edit distance: people say the same thing with words in another
order or a word more ("quanto costa al mese" / "al mese quanto costa di preciso")."""

GROUP_ORDERED = 55
"""...and their ``token_sort_ratio`` at least this: the set ratio alone puts any message whose
words are all inside a longer one in its group ("ciao" in "ciao vorrei sapere i prezzi")."""

GROUP_ID_CHARS = 8  # shown to staff, typed in `--accept`
DIGEST_CHARS = 16  # kept in the database for ignored messages
EVENTS_READ = 5000  # the newest events read per review


class ReviewError(Exception):
    """Something staff asked cannot be done; the message says why and what to do."""


class UnknownGroup(ReviewError):
    def __init__(self, group_id: str) -> None:
        super().__init__(
            f"there is no group {group_id!r} to review (already done, or ignored): "
            "list the groups with `python -m bot review --list`"
        )
        self.group_id = group_id


class UnknownIntent(ReviewError):
    """``choices`` are the intents a group can go to; ``hint`` a did-you-mean, if any."""

    def __init__(self, name: str, choices: Sequence[str]) -> None:
        self.name = name
        self.choices = list(choices)
        self.hint = did_you_mean(name, choices)
        hint = f"{self.hint} " if self.hint else ""
        super().__init__(
            f"there is no intent {name!r} in intents.yaml; {hint}"
            f"the intents are: {', '.join(self.choices)}"
        )


class NoSuggestion(ReviewError):
    def __init__(self, group_id: str) -> None:
        super().__init__(
            f"group {group_id} is not close to any intent: say which one it is "
            f"(`--accept {group_id} --as INTENT`, or `--as {OUT_OF_SCOPE}`)"
        )


class InvalidIntents(ReviewError, intents_file.InvalidIntents):
    """The intents file has an error (``error``: the first, located); it was left as it was."""


class LayoutError(ReviewError, intents_file.LayoutError):
    """Writing the file back would change lines staff wrote, not only add the new ones."""


def _review_error(err: intents_file.IntentsFileError) -> ReviewError:
    """The intents file's error as the review's, with the same message."""
    if isinstance(err, intents_file.InvalidIntents):
        return InvalidIntents(err.error, err.report)
    if isinstance(err, intents_file.LayoutError):
        return LayoutError(str(err))
    return ReviewError(str(err))


# -- what is reviewed ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewMessage:
    """One message (all its spellings that normalise alike), how often it was sent, and what
    the bot makes of it now: ``intent`` the nearest intent (``out_of_scope`` included; None:
    nothing near), ``understood`` True when the bot answers it (below ``LOW_CONFIDENCE``)."""

    id: str
    text: str
    count: int
    lang: str | None
    intent: str | None
    confidence: float
    understood: bool
    last_seen: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "count": self.count,
            "lang": self.lang,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "understood": self.understood,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
        }


@dataclass(frozen=True)
class ReviewGroup:
    """Similar messages, most frequent first; ``id`` is stable across runs (a digest of the
    representative's normalised text), ``suggestion`` the nearest intent (None: nothing near),
    ``low_confidence`` True when the bot answered every message of it, unsure."""

    id: str
    text: str
    messages: tuple[ReviewMessage, ...]
    lang: str | None
    suggestion: str | None
    confidence: float
    low_confidence: bool

    @property
    def count(self) -> int:
        return sum(m.count for m in self.messages)

    @property
    def last_seen(self) -> datetime | None:
        return max((m.last_seen for m in self.messages if m.last_seen), default=None)

    def names(self, group_id: str) -> bool:
        """Whether staff mean this group by ``group_id`` (its id, or one of its messages')."""
        wanted = group_id.strip().lower()
        return bool(wanted) and any(
            ident.startswith(wanted) and len(wanted) >= GROUP_ID_CHARS // 2
            for ident in (self.id, *(m.id for m in self.messages))
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "count": self.count,
            "lang": self.lang,
            "suggestion": self.suggestion,
            "confidence": round(self.confidence, 3),
            "low_confidence": self.low_confidence,
            "messages": [m.to_json() for m in self.messages],
        }


@dataclass(frozen=True)
class AddedExample:
    intent: str
    lang: str
    text: str


@dataclass
class AddedExamples:
    """What ``accept`` wrote: ``added`` examples, ``skipped`` (text, why) pairs, and
    ``blocked``: the content folder has errors elsewhere (the first one, located), so the
    running bot keeps its previous version until they are fixed (None: it reloads)."""

    path: Path
    intent: str
    group_id: str | None = None
    added: list[AddedExample] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    blocked: str | None = None

    @property
    def written(self) -> bool:
        return bool(self.added)

    def where(self) -> Counter[tuple[str, str]]:
        """How many went under each (intent, language)."""
        return Counter((a.intent, a.lang) for a in self.added)


class ReviewStore(Protocol):
    """What the review needs of the store (``bot.storage.sqlite.Store`` has it)."""

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def review_events(
        self, since: datetime | None = None, below: float = 1.0, limit: int = 5000
    ) -> list[tuple[Event, str | None]]: ...

    def ignored_reviews(self) -> set[str]: ...

    def ignore_review(self, group_id: str, digests: Iterable[str], now: datetime) -> int: ...


# -- reading the events --------------------------------------------------------------------------


def digest(key: str) -> str:
    """The stable id of a normalised message (the first ``GROUP_ID_CHARS`` name its group)."""
    return hashlib.sha256(f"review:{key}".encode()).hexdigest()[:DIGEST_CHARS]


def message_of(event: Event) -> tuple[str, float | None] | None:
    """(text, confidence it was answered with; None: not understood) of a review event."""
    detail = event.detail or ""
    if event.kind == "not_understood":
        return (detail, None) if detail.strip() else None
    if event.kind == "intent":
        parts = detail.split(" ", 2)
        if len(parts) < 3 or not parts[2].strip():
            return None  # recorded before the text was kept with the intent
        try:
            return parts[2], float(parts[1])
        except ValueError:
            return None
    return None


@dataclass
class _Seen:
    key: str
    spellings: Counter[str] = field(default_factory=Counter)
    langs: Counter[str] = field(default_factory=Counter)
    count: int = 0
    last: datetime | None = None


def ranked_intents(
    understanding: Any, text: str, lang: str | None, analysis: Any = None
) -> list[tuple[str, float]]:
    """The labels near ``text`` (intents and ``out_of_scope``), best first, each with how
    likely it is (0..1), even below the line where the bot answers.

    The trained classifier's probabilities the analysis carries (``ranked``), if any; else the
    understanding's ``ranked(text, lang)`` (``Understanding.ranked``: without a classifier, the
    matcher's confidences, 0.5 the line where it answers; equal ones in alphabetical order, so
    the suggestion is the same from run to run and version to version); else none."""
    carried = getattr(analysis, "ranked", None)
    if carried:
        return [(str(r.label), float(r.probability)) for r in carried]
    public = getattr(understanding, "ranked", None)
    if not callable(public):
        return []
    return sorted(
        ((str(label), float(conf)) for label, conf in public(text, lang)),
        key=lambda item: (-item[1], item[0]),
    )


# -- the service ---------------------------------------------------------------------------------


class ReviewService:
    """The review of what prospects wrote, over one store, one understanding, one intents file.

    ``understanding``: the bot's (``bot.app.build_understanding``), used to say what each
    message is now and which intent is nearest. ``check``: reads the whole content folder and
    returns its problems (``bot.app.load_content(root).problems``); without it only the intents
    file is checked. Synchronous methods call the store directly (the command line); from
    async code use the ``a…`` ones, which go through ``store.call`` and keep the work off the
    event loop.
    """

    def __init__(
        self,
        store: ReviewStore,
        understanding: Any,
        intents_path: Path,
        *,
        check: Callable[[], Problems] | None = None,
        low_confidence: float = LOW_CONFIDENCE,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.understanding = understanding
        self.intents_path = Path(intents_path)
        self.check = check
        self.low_confidence = low_confidence
        self.clock = clock

    # -- listing --------------------------------------------------------------------------------

    def groups(self, since: datetime | None = None, limit: int | None = 50) -> list[ReviewGroup]:
        """The groups to review, biggest first (at most ``limit``; None: all)."""
        events = self.store.review_events(_utc(since), self.low_confidence, EVENTS_READ)
        return self._groups(events, self.store.ignored_reviews(), limit)

    async def agroups(
        self, since: datetime | None = None, limit: int | None = 50
    ) -> list[ReviewGroup]:
        store = self.store
        events = await store.call(
            store.review_events, _utc(since), self.low_confidence, EVENTS_READ
        )
        ignored = await store.call(store.ignored_reviews)
        return await asyncio.to_thread(self._groups, events, ignored, limit)

    def group(self, group_id: str, since: datetime | None = None) -> ReviewGroup:
        """The group staff mean by ``group_id`` (its id or one of its messages').

        Raises:
            UnknownGroup: nothing to review has that id.
        """
        return _find(self.groups(since, limit=None), group_id)

    def intents(self) -> list[str]:
        """Where a group can go: the intents of the file, in order, then ``out_of_scope``."""
        try:
            return self._file().labels()
        except intents_file.IntentsFileError as err:
            raise _review_error(err) from err

    def resolve_intent(self, name: str) -> str:
        """``name`` as an intent of the file (case and spaces forgiven).

        Raises:
            UnknownIntent: no such intent; with the list, and a did-you-mean when one is close.
        """
        choices = self.intents()
        wanted = name.strip().lower().replace(" ", "_").replace("-", "_")
        if wanted in choices:
            return wanted
        raise UnknownIntent(name.strip(), choices)

    # -- deciding -------------------------------------------------------------------------------

    def accept(
        self,
        group: ReviewGroup | str,
        intent: str | None = None,
        texts: Iterable[str] | None = None,
    ) -> AddedExamples:
        """Write the group's messages (or ``texts``, e.g. a few of them as staff edited them)
        as examples of ``intent`` (default: the suggestion; ``out_of_scope`` too).

        Raises:
            UnknownGroup, NoSuggestion, UnknownIntent, InvalidIntents, LayoutError.
        """
        found = group if isinstance(group, ReviewGroup) else self.group(group)
        target = intent if intent is not None else found.suggestion
        if target is None:
            raise NoSuggestion(found.id)
        target = self.resolve_intent(target)
        langs = {m.text: m.lang for m in found.messages}
        chosen = [m.text for m in found.messages] if texts is None else list(texts)
        items = [(text, langs.get(text) or self._lang_of(text, found.lang)) for text in chosen]
        added = self.add_examples(target, items)
        added.group_id = found.id
        return added

    async def aaccept(
        self, group: ReviewGroup, intent: str | None = None, texts: Iterable[str] | None = None
    ) -> AddedExamples:
        """``accept`` from async code (a group from ``agroups``): the file is read, written and
        checked in a thread, never on the event loop."""
        chosen = None if texts is None else list(texts)
        return await asyncio.to_thread(self.accept, group, intent, chosen)

    def ignore(self, group: ReviewGroup | str) -> int:
        """Never list this group's messages again; how many were newly remembered.

        Raises:
            UnknownGroup: ``group`` is an id nothing to review has.
        """
        found = group if isinstance(group, ReviewGroup) else self.group(group)
        return self.store.ignore_review(found.id, [m.id for m in found.messages], self.clock())

    async def aignore(self, group: ReviewGroup) -> int:
        store = self.store
        return int(
            await store.call(
                store.ignore_review, group.id, [m.id for m in group.messages], self.clock()
            )
        )

    # -- writing the intents file ----------------------------------------------------------------

    def add_examples(self, intent: str, items: Sequence[tuple[str, str | None]]) -> AddedExamples:
        """Add (text, language) pairs as examples of ``intent`` (an id of the file, or
        ``out_of_scope``); those already in the file, without words, with contact details or
        in a language the file does not have are skipped, each with the reason
        (``IntentsFile.add``).

        Raises:
            InvalidIntents: the file has an error, before or after (it is left as it was).
            LayoutError: writing it back would change more than the new lines.
            ReviewError: the file cannot be read or written, or changed meanwhile.
        """
        try:
            written = self._file().add(intent, items, check=self.check)
        except intents_file.IntentsFileError as err:
            raise _review_error(err) from err
        return AddedExamples(
            self.intents_path,
            intent,
            added=[AddedExample(intent, lang, text) for lang, text in written.added],
            skipped=list(written.skipped),
            blocked=written.blocked,
        )

    def _file(self) -> IntentsFile:
        return IntentsFile(self.intents_path)

    # -- grouping ---------------------------------------------------------------------------------

    def _groups(
        self,
        events: Sequence[tuple[Event, str | None]],
        ignored: set[str],
        limit: int | None,
    ) -> list[ReviewGroup]:
        try:
            present = self._file().sentences()
        except intents_file.IntentsFileError:
            present = set()  # a broken file is said when writing; the list still helps
        seen: dict[str, _Seen] = {}
        for event, prior in events:
            found = message_of(event)
            if found is None:
                continue
            text = " ".join(found[0].split())
            key = normalise(text)
            if not key or key in present or digest(key) in ignored:
                continue
            item = seen.setdefault(key, _Seen(key))
            item.spellings[text] += 1
            if prior:
                item.langs[prior] += 1
            item.count += 1
            if event.at is not None and (item.last is None or event.at > item.last):
                item.last = event.at
        messages = [m for m in (self._message(s) for s in seen.values()) if m is not None]
        groups = [self._group(members) for members in _cluster(messages)]
        groups.sort(key=lambda g: (-g.count, g.id))
        return groups if limit is None else groups[:limit]

    def _message(self, seen: _Seen) -> ReviewMessage | None:
        # the most frequent spelling; of equally frequent ones the plainest (shortest)
        spellings = seen.spellings
        text = min(spellings, key=lambda s: (-spellings[s], len(s), s))
        prior = seen.langs.most_common(1)[0][0] if seen.langs else None
        analysis = self.understanding.analyse(text, prior)
        intent = getattr(analysis, "intent", None)
        confidence = float(getattr(analysis, "confidence", 0.0))
        lang = getattr(analysis, "lang", None) or prior
        if intent and confidence >= self.low_confidence:
            return None  # understood now, with confidence: taught already
        if not intent:
            ranked = ranked_intents(self.understanding, text, lang, analysis)
            intent, confidence = ranked[0] if ranked else (None, confidence)
        return ReviewMessage(
            digest(seen.key),
            text,
            seen.count,
            lang,
            intent,
            confidence,
            bool(getattr(analysis, "intent", None)),
            seen.last,
        )

    def _group(self, members: list[ReviewMessage]) -> ReviewGroup:
        head = members[0]
        votes: Counter[str] = Counter()
        best: dict[str, float] = {}
        for m in members:
            if m.intent is not None:
                votes[m.intent] += m.count
                best[m.intent] = max(best.get(m.intent, 0.0), m.confidence)
        suggestion = min(votes, key=lambda i: (-votes[i], -best[i], i)) if votes else None
        langs = Counter({m.lang: 0 for m in members if m.lang})
        for m in members:
            if m.lang:
                langs[m.lang] += m.count
        return ReviewGroup(
            id=head.id[:GROUP_ID_CHARS],
            text=head.text,
            messages=tuple(members),
            lang=langs.most_common(1)[0][0] if langs else None,
            suggestion=suggestion,
            confidence=best.get(suggestion, 0.0) if suggestion else 0.0,
            low_confidence=all(m.understood for m in members),
        )

    def _lang_of(self, text: str, default: str | None) -> str | None:
        return getattr(self.understanding.analyse(text, default), "lang", None) or default


def _cluster(messages: list[ReviewMessage]) -> list[list[ReviewMessage]]:
    """Messages in groups, per language, most frequent first: each joins the group whose first
    message is most similar to it, if similar enough (``GROUP_SIMILARITY``, ``GROUP_ORDERED``),
    else starts a group of its own.

    A greedy pass with rapidfuzz rather than a clustering library: a few hundred short texts,
    a result that does not depend on a random start, and groups staff can follow (each one is
    "messages like its first one"). Deterministic: the same messages give the same groups."""
    by_lang: dict[str | None, list[ReviewMessage]] = defaultdict(list)
    for m in messages:
        by_lang[m.lang].append(m)
    groups: list[list[ReviewMessage]] = []
    for lang in sorted(by_lang, key=lambda code: code or ""):
        items = sorted(by_lang[lang], key=lambda m: (-m.count, normalise(m.text), m.id))
        heads: list[str] = []
        mine: list[list[ReviewMessage]] = []
        for m in items:
            key = normalise(m.text)
            placed = False
            for _text, _score, index in process.extract(
                key, heads, scorer=fuzz.token_set_ratio, score_cutoff=GROUP_SIMILARITY, limit=None
            ):
                if fuzz.token_sort_ratio(key, heads[index]) >= GROUP_ORDERED:
                    mine[index].append(m)
                    placed = True
                    break
            if not placed:
                heads.append(key)
                mine.append([m])
        groups.extend(mine)
    return groups


def _find(groups: Sequence[ReviewGroup], group_id: str) -> ReviewGroup:
    wanted = group_id.strip().lower()
    exact = [g for g in groups if g.id == wanted]
    if exact:
        return exact[0]
    named = [g for g in groups if g.names(wanted)]
    if len(named) == 1:
        return named[0]
    raise UnknownGroup(group_id)


def _utc(when: datetime | None) -> datetime | None:
    """Events are kept in UTC: an aware time is converted; a naive one (a day typed by staff)
    is read as UTC."""
    if when is None or when.tzinfo is None:
        return when
    return when.astimezone(UTC)
