"""Adding examples to ``dialogs/intents.yaml`` the way staff would, without disturbing the file.

Staff's review of what the bot did not understand (``bot.staff.review``) writes accepted
messages here as examples:

* written with ruamel.yaml's round trip, so the file keeps its comments and layout; it is
  refused (``LayoutError``) rather than rewritten when the round trip would change any line
  other than the new ones; Windows line ends stay Windows line ends;
* each one a plain YAML string (ruamel quotes what needs quoting), on one line, trimmed, at
  most ``MAX_EXAMPLE_CHARS`` (``example_text``); a sentence already anywhere in the file is
  not added twice (the intents loader rejects a duplicate as an error), nor one with an email
  or a phone number in it (prospects' contact details do not belong in a file staff share);
* checked before the file is replaced (``InvalidIntents``: the file stays as it was, and the
  first located error says why), and replaced in one step (a reader, or the running bot's
  watcher, sees the old file or the new one); with a ``check`` of the whole content folder, an
  error it finds in the file puts the file back as it was.

Errors are ``IntentsFileError`` (subclasses say what went wrong, in staff's words); nothing is
printed.
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import os
import shutil
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.tokens import CommentToken

from bot.base.problems import Problem, Problems, relpath
from bot.base.yamlpos import read_staff_text, staff_yaml
from bot.understanding.contacts import find_emails, find_phones
from bot.understanding.intents import OUT_OF_SCOPE, load_intents
from bot.understanding.text import LANGS, normalise

MAX_EXAMPLE_CHARS = 200
"""An example longer than this is cut at a word: a rambling message teaches little anyway."""

_INVISIBLE = frozenset(
    "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)  # zero-width and direction marks: invisible in an editor, confusing in a file


class IntentsFileError(Exception):
    """The file cannot be read, written, or was changed meanwhile; the message says what to do."""


class InvalidIntents(IntentsFileError):
    """The intents file has an error (``error``: the first, located); it was left as it was."""

    def __init__(self, error: str, report: str = "") -> None:
        super().__init__(f"{error}\nintents.yaml was left as it was.")
        self.error = error
        self.report = report or error


class LayoutError(IntentsFileError):
    """Writing the file back would change lines staff wrote, not only add the new ones."""


@dataclass(frozen=True)
class Written:
    """What ``IntentsFile.add`` did: ``added`` (language, text as written) pairs, in order;
    ``skipped`` (text as given, why) pairs; ``blocked``: the whole check found errors in other
    files (the first one, located, and how many more), so the running bot keeps its previous
    content until they are fixed (None: nothing elsewhere)."""

    added: tuple[tuple[str, str], ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    blocked: str | None = None


class IntentsFile:
    """One intents file on disk; every call reads it afresh (staff may edit it meanwhile)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def labels(self) -> list[str]:
        """Where examples can go: the file's intents, in order, then ``out_of_scope``.

        Raises:
            IntentsFileError: the file cannot be read.
        """
        data = self._read()
        found = data.get("intents") if isinstance(data, CommentedMap) else None
        ids = [str(k) for k in found] if isinstance(found, CommentedMap) else []
        return [*ids, OUT_OF_SCOPE]

    def sentences(self) -> set[str]:
        """Every example and keyword of the file, normalised (``normalise``, as the loader
        compares them), whatever its intent and language; the file is not checked.

        Raises:
            IntentsFileError: the file cannot be read.
        """
        return _sentences(self._read())

    def add(
        self,
        intent: str,
        items: Sequence[tuple[str, str | None]],
        *,
        check: Callable[[], Problems] | None = None,
    ) -> Written:
        """Add (text, language) pairs as examples of ``intent`` (an intent of the file, or
        ``out_of_scope``), each through ``example_text``; those already in the file, without
        words, with contact details or in a language the file does not have are skipped, each
        with the reason. Nothing added: the file is not written.

        ``check`` reads the whole content folder once the file is written and returns its
        problems: an error in this file puts it back as it was (``InvalidIntents``), errors
        elsewhere keep it (``Written.blocked``).

        Raises:
            InvalidIntents: the file has an error, before or after (it is left as it was).
            LayoutError: writing it back would change more than the new lines.
            IntentsFileError: the file cannot be read or written, or changed meanwhile.
        """
        path = self.path
        data, original, yaml = self._load()
        added: list[tuple[str, str]] = []
        skipped: list[tuple[str, str]] = []
        present = _sentences(data)
        for raw, lang in items:
            text = example_text(raw)
            why = _refusal(text, lang, present)
            if why is not None:
                skipped.append((raw, why))
                continue
            assert lang is not None
            _append(_examples_list(data, intent, lang), text)
            present.add(normalise(text))
            added.append((lang, text))
        if not added:
            return Written((), tuple(skipped))
        out = io.StringIO()
        yaml.dump(data, out)
        written = out.getvalue()
        if "\r\n" in original:
            written = written.replace("\n", "\r\n")
        _check_layout(original, written, path)
        self._replace(original, written)
        blocked = None
        if check is not None:
            problems = check()
            mine = [p for p in problems.errors if _same_file(p.pos.file, path)]
            if mine:
                self._restore(original)
                raise InvalidIntents(str(sorted(mine)[0]), problems.report())
            if problems.errors:
                first = sorted(problems.errors)[0]
                more = len(problems.errors) - 1
                blocked = str(first) + (f" (and {more} more)" if more else "")
        return Written(tuple(added), tuple(skipped), blocked)

    # -- reading and writing ----------------------------------------------------------------------

    def _read(self) -> Any:
        """The file's data as it is (nothing checked): for listing."""
        try:  # bounded as every staff file is read: an ordinary file, its size, no anchors
            return staff_yaml().load(read_staff_text(self.path))
        except (OSError, UnicodeDecodeError, YAMLError) as err:
            raise IntentsFileError(f"cannot read {relpath(self.path)}: {err}") from err

    def _load(self) -> tuple[Any, str, YAML]:
        """The file's data, text and a writer that keeps its layout, once it is checked.

        Raises:
            InvalidIntents, LayoutError, IntentsFileError (cannot be read).
        """
        path = self.path
        try:
            original = _text_of(path)
        except (OSError, UnicodeDecodeError) as err:
            raise IntentsFileError(f"cannot read {relpath(path)}: {err}") from err
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
        path = self.path
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
                raise IntentsFileError(
                    f"{relpath(path)} was changed by someone else meanwhile; "
                    "nothing was written: run the review again"
                )
            os.replace(temp, path)
        except OSError as err:
            raise IntentsFileError(f"cannot write {relpath(path)}: {err.strerror or err}") from err
        finally:
            temp.unlink(missing_ok=True)

    def _restore(self, original: str) -> None:
        path = self.path
        temp = path.with_name(f".{path.name}.review")
        try:
            temp.write_text(original, encoding="utf-8", newline="")
            shutil.copymode(path, temp)
            os.replace(temp, path)
        except OSError as err:
            raise IntentsFileError(
                f"{relpath(path)} has an error and could not be put back as it was "
                f"({err.strerror or err}): undo the last examples by hand"
            ) from err


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
        cut = line[: MAX_EXAMPLE_CHARS + 1].rsplit(" ", 1)[0][:MAX_EXAMPLE_CHARS]
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
    """The file's text with its own line ends (``\r\n`` stays ``\r\n``), read as every staff
    file is (``read_staff_text``: an ordinary file, its size, a drive that does not answer)."""
    return read_staff_text(path, keep_line_ends=True)


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
