"""What Telegram's HTML refuses, found in a text before a prospect's message fails on it.

Telegram parses a message's HTML strictly (https://core.telegram.org/bots/api#html-style):
only its own tags, each closed, and every ``<``, ``>`` and ``&`` that is not part of a tag or
an entity written as ``&lt;``, ``&gt;``, ``&amp;``. A text breaking a rule is refused whole
("can't parse entities"); the bot then falls back to plain text, losing the bold. ``validate``
reports each such text with the fix, from its Jinja2 source: ``{{ … }}`` stands for a value
(escaped when rendered), ``{% … %}`` and ``{# … #}`` are not part of the message.

A small tokenizer rather than ``html.parser``: the standard parser forgives exactly the
mistakes (a bare ``<``, an unclosed ``<b>``) that Telegram does not.
"""

from __future__ import annotations

import re

TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
"""The tags Telegram's HTML knows."""

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)>")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6}|lt|gt|amp|quot);")


LABEL_WIDTH = 34
"""Characters of ordinary text a button as wide as the chat shows on a small phone (360 CSS
px, Telegram's default font) before cutting the label with “…”. Telegram documents no limit:
this is an estimate from the font's average character width (about 8 px at 15 px) and the
button's padding, rounded down so that no prospect misses the end of a label."""


def label_problem(source: str) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) for a button label Telegram would cut short; None when
    it fits. ``{{ … }}`` counts as a short value (4 characters), tags and entities as what
    they show."""
    shown = _JINJA.sub(lambda m: "xxxx" if m.group(0).startswith("{{") else "", source)
    shown = _ENTITY.sub("x", re.sub(r"<[^<>]*>", "", shown))
    width = len(" ".join(shown.split()))
    if width <= LABEL_WIDTH:
        return None
    return (
        f"is {width} characters long: on a phone a button shows about {LABEL_WIDTH}, "
        "so the end is cut off with “…”",
        "shorten it; the message above the buttons can say the rest",
    )


def html_problems(source: str) -> list[tuple[str, str]]:
    """(what is wrong, how to fix it) for each rule of Telegram's HTML the text breaks; the
    first of each kind only, so one mistake is one message. Empty: Telegram accepts it."""
    return [(what, fix) for what, fix, _ in html_problems_at(source)]


def _message(source: str) -> tuple[str, list[int]]:
    """The text as Telegram would parse it (``{{ … }}`` a value, ``{% … %}`` and ``{# … #}``
    gone), and for each of its characters the offset in ``source`` it comes from."""
    text: list[str] = []
    origin: list[int] = []
    at = 0
    for match in _JINJA.finditer(source):
        text.append(source[at : match.start()])
        origin += range(at, match.start())
        if match.group(0).startswith("{{"):
            text.append("x")
            origin.append(match.start())
        at = match.end()
    text.append(source[at:])
    origin += range(at, len(source))
    return "".join(text), origin


def html_problems_at(source: str) -> list[tuple[str, str, int | None]]:
    """``html_problems``, each with the offset in ``source`` of the character it is about (a
    bare “<”, the tag), or None when it is about the whole text."""
    text, origin = _message(source)
    problems: list[tuple[str, str, int | None]] = []
    seen: set[str] = set()
    here: int | None = None  # the offset in ``text`` of what ``add`` reports

    def add(kind: str, what: str, fix: str) -> None:
        if kind not in seen:
            seen.add(kind)
            problems.append((what, fix, None if here is None else origin[here]))

    if not text.strip() and not _JINJA.search(source):
        add("empty", "is empty: Telegram refuses an empty message", "write the message")
    opened: list[tuple[str, int]] = []
    at = 0
    while at < len(text):
        char = text[at]
        here = at
        if char == "<":
            match = _TAG.match(text, at)
            if match is None:
                add(
                    "lt",
                    "has a “<” that is not a tag: Telegram refuses the whole message",
                    "write &lt; for “<” (and &gt; for “>”), e.g. “&lt;1.000” for “<1.000”",
                )
                at += 1
                continue
            closing, name = match.group(1) == "/", match.group(2).lower()
            if name == "br":
                add("br", "uses <br>, which Telegram does not know", "start a new line instead")
            elif name not in TAGS:
                add(
                    f"tag:{name}",
                    f"uses <{name}>, which Telegram does not know",
                    "use <b>, <i>, <u>, <s>, <a href=…>, <code> or <pre>",
                )
            elif closing:
                if name in (tag for tag, _ in opened):
                    while opened and opened[-1][0] != name:
                        inner = opened[-1][0]
                        add(
                            f"open:{inner}",
                            f"closes <{name}> before <{inner}>",
                            f"close <{inner}> first: …</{inner}></{name}>",
                        )
                        opened.pop()
                    opened.pop()
                else:
                    add(
                        f"close:{name}",
                        f"closes </{name}> that was never opened",
                        f"remove </{name}> or add <{name}> where the bold/italic starts",
                    )
            else:
                opened.append((name, at))
            at = match.end()
            continue
        if char == ">":
            add(
                "gt",
                "has a “>” that is not part of a tag: Telegram refuses the whole message",
                "write &gt; for “>”, e.g. “budget &gt; € 200”",
            )
        elif char == "&" and _ENTITY.match(text, at) is None:
            add(
                "amp",
                "has an “&” on its own: Telegram refuses the whole message",
                "write &amp; for “&”, e.g. “Rossi &amp; figli”",
            )
        at += 1
    for name, start in opened:
        here = start  # reported where the tag opens
        add(f"open:{name}", f"opens <{name}> and never closes it", f"add </{name}> where it ends")
    return problems
