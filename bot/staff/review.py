"""Teaching the bot: the messages it did not understand, grouped, turned into examples by staff.

``python -m bot review`` (and, later, a web page) lists what prospects wrote that the bot did not
understand, or answered with low confidence, grouped by similarity with counts, each group with
the nearest intent; staff accept the suggestion, reassign the group to another intent (or to
``out_of_scope``), or ignore it. Accepted messages become examples in ``dialogs/intents.yaml``:

* written with ruamel.yaml's round trip, so the file keeps its comments and layout; it is
  refused (``LayoutError``) rather than rewritten when the round trip would change any line
  other than the new ones;
* each one a plain YAML string (ruamel quotes what needs quoting), on one line, trimmed, at
  most ``MAX_EXAMPLE_CHARS``; a sentence already anywhere in the file is not added twice (the
  intents loader rejects a duplicate as an error), nor one with an email or a phone number in
  it (prospects' contact details do not belong in a file staff share);
* checked before the file is replaced (``InvalidIntents``: the file stays as it was, and the
  first located error says why); with a ``check`` of the whole content folder, an error it
  finds in the file puts the file back as it was.

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
import dataclasses
import difflib
import hashlib
import io
import os
import shutil
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from rapidfuzz import fuzz, process
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.tokens import CommentToken

from bot.base.problems import Problem, Problems, did_you_mean, relpath
from bot.core.ports import utc_now
from bot.core.records import Event
from bot.understanding.contacts import find_emails, find_phones
from bot.understanding.intents import OUT_OF_SCOPE, Matcher, load_intents
from bot.understanding.text import LANGS, normalise

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

MAX_EXAMPLE_CHARS = 200
"""An example longer than this is cut at a word: a rambling message teaches little anyway."""

GROUP_ID_CHARS = 8  # shown to staff, typed in `--accept`
DIGEST_CHARS = 16  # kept in the database for ignored messages
EVENTS_READ = 5000  # the newest events read per review
_INVISIBLE = frozenset(
    "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)  # zero-width and direction marks: invisible in an editor, confusing in a file


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


class InvalidIntents(ReviewError):
    """The intents file has an error (``error``: the first, located); it was left as it was."""

    def __init__(self, error: str, report: str = "") -> None:
        super().__init__(f"{error}\nintents.yaml was left as it was.")
        self.error = error
        self.report = report or error


class LayoutError(ReviewError):
    """Writing the file back would change lines staff wrote, not only add the new ones."""


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

    In order: the trained classifier's probabilities the analysis carries (``ranked``); the
    understanding's own ``ranked(text, lang)``, if it has one; else the matcher's scores on its
    confidence scale (0.5: understood), read without changing anything (``Matcher`` has no
    public ranking)."""
    carried = getattr(analysis, "ranked", None)
    if carried:
        return [(str(r.label), float(r.probability)) for r in carried]
    public = getattr(understanding, "ranked", None)
    if callable(public):
        return [(str(label), float(conf)) for label, conf in public(text, lang)]
    matcher = getattr(understanding, "matcher", None)
    if not isinstance(matcher, Matcher):
        return []
    indexes = matcher._index
    scores: dict[str, float] = {}
    for code in (lang,) if lang in indexes else tuple(indexes):
        found, _closest = matcher._scores(indexes[str(code)], text)
        for label, score in found.items():
            scores[label] = max(score, scores.get(label, 0.0))
    return sorted(
        ((label, matcher.confidence(score)) for label, score in scores.items()),
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
        data = self._read()
        found = data.get("intents") if isinstance(data, CommentedMap) else None
        ids = [str(k) for k in found] if isinstance(found, CommentedMap) else []
        return [*ids, OUT_OF_SCOPE]

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
        in a language the file does not have are skipped, each with the reason.

        Raises:
            InvalidIntents: the file has an error, before or after (it is left as it was).
            LayoutError: writing it back would change more than the new lines.
            ReviewError: the file cannot be read or written, or changed meanwhile.
        """
        path = self.intents_path
        data, original, yaml = self._load()
        result = AddedExamples(path, intent)
        present = _sentences(data)
        for raw, lang in items:
            text = example_text(raw)
            why = _refusal(text, lang, present)
            if why is not None:
                result.skipped.append((raw, why))
                continue
            assert lang is not None
            _append(_examples_list(data, intent, lang), text)
            present.add(normalise(text))
            result.added.append(AddedExample(intent, lang, text))
        if not result.added:
            return result
        out = io.StringIO()
        yaml.dump(data, out)
        written = out.getvalue()
        if "\r\n" in original:
            written = written.replace("\n", "\r\n")
        _check_layout(original, written, path)
        self._replace(original, written)
        if self.check is not None:
            problems = self.check()
            mine = [p for p in problems.errors if _same_file(p.pos.file, path)]
            if mine:
                self._restore(original)
                raise InvalidIntents(str(sorted(mine)[0]), problems.report())
            if problems.errors:
                first = sorted(problems.errors)[0]
                more = len(problems.errors) - 1
                result.blocked = str(first) + (f" (and {more} more)" if more else "")
        return result

    def _read(self) -> Any:
        """The file's data as it is (nothing checked): for listing."""
        try:
            return YAML().load(self.intents_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, YAMLError) as err:
            raise ReviewError(f"cannot read {relpath(self.intents_path)}: {err}") from err

    def _load(self) -> tuple[Any, str, YAML]:
        """The file's data, text and a writer that keeps its layout, once it is checked.

        Raises:
            InvalidIntents, LayoutError, ReviewError (cannot be read).
        """
        path = self.intents_path
        try:
            original = _text_of(path)
        except (OSError, UnicodeDecodeError) as err:
            raise ReviewError(f"cannot read {relpath(path)}: {err}") from err
        problems = Problems()
        if load_intents(path, problems) is None or problems.errors:
            first = sorted(problems.errors)[0] if problems.errors else f"{relpath(path)}:1:1"
            raise InvalidIntents(f"{first}", problems.report())
        unix = original.replace("\r\n", "\n")  # ruamel keeps a "\r" in comments: none then
        yaml = _layout_of(unix, path)
        return yaml.load(unix), original, yaml

    def _replace(self, original: str, text: str) -> None:
        """Check ``text`` as the intents file, then put it in place in one step (a reader, or
        the running bot's watcher, sees the old file or the new one, never half of one)."""
        path = self.intents_path
        temp = path.with_name(f".{path.name}.review")  # hidden: the watcher ignores it
        try:
            temp.write_text(text, encoding="utf-8", newline="")
            shutil.copymode(path, temp)
            problems = Problems()
            load_intents(temp, problems)
            if problems.errors:
                located = [_relabel(p, temp, path) for p in sorted(problems.errors)]
                raise InvalidIntents(str(located[0]), "\n".join(str(p) for p in located))
            if _text_of(path) != original:
                raise ReviewError(
                    f"{relpath(path)} was changed by someone else meanwhile; "
                    "nothing was written: run the review again"
                )
            os.replace(temp, path)
        except OSError as err:
            raise ReviewError(f"cannot write {relpath(path)}: {err.strerror or err}") from err
        finally:
            temp.unlink(missing_ok=True)

    def _restore(self, original: str) -> None:
        path = self.intents_path
        temp = path.with_name(f".{path.name}.review")
        try:
            temp.write_text(original, encoding="utf-8", newline="")
            shutil.copymode(path, temp)
            os.replace(temp, path)
        except OSError as err:
            raise ReviewError(
                f"{relpath(path)} has an error and could not be put back as it was "
                f"({err.strerror or err}): undo the last examples by hand"
            ) from err

    # -- grouping ---------------------------------------------------------------------------------

    def _groups(
        self,
        events: Sequence[tuple[Event, str | None]],
        ignored: set[str],
        limit: int | None,
    ) -> list[ReviewGroup]:
        try:
            present = _sentences(self._read())
        except ReviewError:
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


# -- the examples themselves ---------------------------------------------------------------------


def example_text(text: str) -> str:
    """A prospect's message as an example: one line, trimmed, no control or invisible
    characters, at most ``MAX_EXAMPLE_CHARS`` (cut at a word)."""
    kept = "".join(
        " " if ch in "\n\r\t" else ch
        for ch in text
        if ch in "\n\r\t"
        or (ch not in _INVISIBLE and unicodedata.category(ch) not in ("Cc", "Cs", "Co"))
    )
    line = " ".join(kept.split())
    if len(line) > MAX_EXAMPLE_CHARS:
        cut = line[: MAX_EXAMPLE_CHARS + 1].rsplit(" ", 1)[0]
        line = cut if len(cut) >= MAX_EXAMPLE_CHARS // 2 else line[:MAX_EXAMPLE_CHARS]
    return line.strip()


def _refusal(text: str, lang: str | None, present: set[str]) -> str | None:
    """Why ``text`` cannot be added (None: it can)."""
    key = normalise(text)
    if not key:
        return "it has no words in it"
    if key in present:
        return "already in intents.yaml"
    if find_emails(text) or find_phones(text):
        return "it has an email or a phone number in it: write your own version without it"
    if lang not in LANGS:
        return f"its language is not one of {', '.join(LANGS)}"
    return None


def _sentences(data: Any) -> set[str]:
    """Every example and keyword of the file, normalised (``normalise``, as the loader
    compares them), whatever its intent and language."""
    found: set[str] = set()

    def phrases(owner: Any, key: str) -> None:
        value = owner.get(key) if isinstance(owner, dict) else None
        if not isinstance(value, dict):
            return
        for items in value.values():
            if isinstance(items, list):
                found.update(normalise(str(item)) for item in items if isinstance(item, str))

    intents = data.get("intents") if isinstance(data, dict) else None
    for body in intents.values() if isinstance(intents, dict) else ():
        phrases(body, "examples")
        phrases(body, "keywords")
    if isinstance(data, dict):
        phrases(data.get(OUT_OF_SCOPE), "examples")
    found.discard("")
    return found


def _examples_list(data: Any, intent: str, lang: str) -> CommentedSeq:
    if intent == OUT_OF_SCOPE:
        owner = data.get(OUT_OF_SCOPE)
        if not isinstance(owner, CommentedMap):
            owner = data[OUT_OF_SCOPE] = CommentedMap()
    else:
        owner = data["intents"][intent]
    examples = owner.get("examples")
    if not isinstance(examples, CommentedMap):
        examples = owner["examples"] = CommentedMap()
    items = examples.get(lang)
    if not isinstance(items, CommentedSeq):
        items = examples[lang] = CommentedSeq()
    return items


def _append(items: CommentedSeq, text: str) -> None:
    """Add ``text`` at the end of the list, keeping what follows the old last item (the blank
    line before the next intent, a comment on its own line) after the new one; a comment at
    the end of the old last item's line stays there.

    ruamel keeps all of that in one comment token after the last item: its first line is the
    rest of the item's own line ("\n", or "# note\n"), the lines after it what follows."""
    last = len(items) - 1
    items.append(text)
    if last < 0:
        return
    entry = items.ca.items.pop(last, None)
    if not entry or not isinstance(entry[0], CommentToken):
        if entry:
            items.ca.items[last] = entry
        return
    token: CommentToken = entry[0]
    value = str(token.value)
    end = value.find("\n")
    own, after = (value, "") if end < 0 else (value[: end + 1], value[end + 1 :])
    if own.strip():  # "- text  # note": the note stays on its line
        items.ca.items[last] = [CommentToken(own, token.start_mark, token.end_mark), *entry[1:]]
    elif any(entry[1:]):
        items.ca.items[last] = [None, *entry[1:]]
    if after:
        items.ca.items[last + 1] = [
            CommentToken("\n" + after, token.start_mark, token.end_mark),
            None,
        ]


# -- keeping the file's layout -------------------------------------------------------------------


LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (2, 4, 0))
"""Indentations tried, as (mapping, sequence, dash offset): the shipped file's first."""


def _yaml(mapping: int, sequence: int, offset: int) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long example onto two lines
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _layout_of(text: str, path: Path) -> YAML:
    """A YAML writer that gives back ``text`` line for line (trailing spaces aside).

    Raises:
        LayoutError: no indentation tried does; the file is then edited by hand only.
    """
    for layout in LAYOUTS:
        yaml = _yaml(*layout)
        try:
            out = io.StringIO()
            yaml.dump(yaml.load(text), out)
        except YAMLError:
            break
        if _lines(out.getvalue()) == _lines(text):
            return yaml
    raise LayoutError(
        f"{relpath(path)} is laid out in a way the review cannot write back without changing "
        "other lines (its indentation): add the examples by hand, or re-indent the file "
        "(2 spaces per level, list items 2 spaces in)"
    )


def _check_layout(original: str, written: str, path: Path) -> None:
    """The new file is the old one plus new lines, nothing else changed."""
    matcher = difflib.SequenceMatcher(a=_lines(original), b=_lines(written), autojunk=False)
    for tag, i1, _i2, _j1, _j2 in matcher.get_opcodes():
        if tag not in ("equal", "insert"):
            raise LayoutError(
                f"{relpath(path)}:{i1 + 1}: adding the examples would change this line too; "
                "nothing was written: add them by hand"
            )


def _text_of(path: Path) -> str:
    """The file's text with its own line ends (``\r\n`` stays ``\r\n``)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]


def _same_file(name: str, path: Path) -> bool:
    try:
        return Path(name).resolve() == path.resolve()
    except OSError:
        return False


def _relabel(problem: Problem, temp: Path, path: Path) -> Problem:
    """A problem found in the temporary copy, located in the real file."""
    if problem.pos.file == relpath(temp):
        return dataclasses.replace(
            problem, pos=dataclasses.replace(problem.pos, file=relpath(path))
        )
    return problem
