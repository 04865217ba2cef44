"""Turning engine replies into what Telegram accepts: sized HTML parts, keyboards, admin notes.

Pure functions, no I/O, so the limits Telegram enforces with a 400 (4096 UTF-16 units per text,
1024 per caption, 1-64 bytes of callback data, balanced HTML) are checked here and unit-tested.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content.templates import html_to_plain
from bot.core.messages import Button
from bot.core.records import OutboxItem
from bot.staff.outbox import note_html

MAX_TEXT = 4096  # telegram.constants.MessageLimit.MAX_TEXT_LENGTH
MAX_CAPTION = 1024  # telegram.constants.MessageLimit.CAPTION_LENGTH
MAX_CALLBACK_DATA = 64  # bytes, telegram.constants.InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
MAX_LABEL = 64  # longer button labels are cut: Telegram shows them truncated anyway

# Atoms that must never be cut: a whole tag or a whole character entity.
_ATOM = re.compile(r"<[^<>]*>|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*>")
# Where to prefer cutting, best first; each must leave at least this share of the window.
_BOUNDARIES: tuple[tuple[str, float], ...] = (("\n\n", 0.5), ("\n", 0.5), (". ", 0.5), (" ", 0.3))


def utf16_len(text: str) -> int:
    """Telegram counts lengths in UTF-16 code units: an emoji outside the BMP counts as two."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def visible(text: str) -> str:
    """The text a reader sees: tags dropped, entities decoded."""
    return html_to_plain(text)


def split_html(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut HTML into parts of at most ``limit`` UTF-16 units, on the nicest boundary available.

    Tags and entities count too (conservative: Telegram counts only the visible text), a cut is
    never made inside one, and tags open at a cut are closed and reopened so every part parses.
    """
    rest = text.strip()
    parts: list[str] = []
    while rest:
        if utf16_len(rest) <= limit:
            parts.append(rest)
            break
        budget = limit
        while True:
            cut = _cut(rest, budget)
            opened = _open_tags(rest[:cut])
            closing = "".join(f"</{name}>" for name, _ in reversed(opened))
            chunk = rest[:cut].rstrip() + closing
            excess = utf16_len(chunk) - limit
            if excess <= 0 or budget <= 1:
                break
            budget -= excess
        parts.append(chunk)
        reopen = "".join(tag for _, tag in opened)
        rest = reopen + rest[cut:].lstrip()
    return [part for part in parts if visible(part).strip()]


def _cut(text: str, budget: int) -> int:
    """The index to cut ``text`` at so the head fits ``budget`` units; always at least 1."""
    end = _prefix_fitting(text, budget)
    unsafe = _unsafe_positions(text, end)
    for sep, share in _BOUNDARIES:
        at = text.rfind(sep, 0, end)
        while at > 0 and (at + len(sep)) in unsafe:
            at = text.rfind(sep, 0, at)
        if at > 0 and at >= budget * share:
            return at + len(sep)
    cut = end
    while cut > 0 and cut in unsafe:
        cut -= 1
    if cut > 0:
        return cut
    # one atom longer than the budget (a huge tag): cut after it rather than loop forever
    match = _ATOM.match(text)
    return match.end() if match else max(1, end)


def _prefix_fitting(text: str, budget: int) -> int:
    used = 0
    for i, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > budget:
            return i
    return len(text)


def _unsafe_positions(text: str, end: int) -> set[int]:
    """Indexes strictly inside a tag or an entity, where a cut would break the markup."""
    unsafe: set[int] = set()
    for match in _ATOM.finditer(text, 0, min(len(text), end + 64)):
        if match.start() > end:
            break
        unsafe.update(range(match.start() + 1, match.end()))
    return unsafe


def _open_tags(text: str) -> list[tuple[str, str]]:
    """(name, opening tag) of the tags still open at the end of ``text``, outermost first."""
    stack: list[tuple[str, str]] = []
    for match in _TAG.finditer(text):
        closing, name = match.group(1), match.group(2).lower()
        if not closing:
            stack.append((name, match.group(0)))
            continue
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == name:
                del stack[i:]
                break
    return stack


def button_label(label: str) -> str:
    """Button labels are plain text on Telegram: decode the engine's HTML entities."""
    plain = " ".join(visible(label).split())
    return (plain[: MAX_LABEL - 1] + "…" if len(plain) > MAX_LABEL else plain) or "…"


def valid_callback_data(data: str) -> bool:
    return 0 < len(data.encode("utf-8")) <= MAX_CALLBACK_DATA


def build_keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """One button per row, except short ones (yes/no, platforms) which go two by two."""
    usable = [b for b in buttons if valid_callback_data(b.data)]
    if not usable:
        return None
    keys = [InlineKeyboardButton(button_label(b.label), callback_data=b.data) for b in usable]
    width = 2 if len(keys) >= 2 and all(len(k.text) <= 16 for k in keys) else 1
    rows = [keys[i : i + width] for i in range(0, len(keys), width)]
    return InlineKeyboardMarkup(rows)


def pressed_label(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    """The label of the button carrying ``data``: read back from the message, no memory needed."""
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for key in row:
            if key.callback_data == data:
                return key.text
    return None


def with_choice(text_html: str, label: str) -> str | None:
    """The pressed message with ``✓ label`` appended, or None if it would no longer fit."""
    edited = f"{text_html}\n\n<i>✓ {html.escape(label)}</i>"
    return edited if utf16_len(edited) <= MAX_TEXT else None


def admin_summary(item: OutboxItem | Mapping[str, Any]) -> str:
    """A short HTML note for the agency's admins (``bot.staff.outbox.note_html``), with a link
    to the prospect's Telegram chat; every value the prospect typed is escaped."""
    return note_html(item, chat_link)


def chat_link(user_id: str) -> str:
    """The prospect's chat as a ``tg://`` link (``tg:<id>``), else their id, escaped."""
    if user_id.startswith("tg:") and user_id[3:].isdigit():
        return f'<a href="tg://user?id={user_id[3:]}">{html.escape(user_id)}</a>'
    return html.escape(user_id)


# fmt: off
# What the prospect sent when it is not text, in the order the attributes must be tested
# (an animation is also a document, a venue also a location).
MEDIA_KINDS = ("sticker", "photo", "voice", "video_note", "animation", "video", "audio",
               "document", "venue", "location", "contact", "poll", "dice", "game", "story",
               "invoice", "paid_media")
# fmt: on


def media_kind(message: Any) -> str | None:
    """The kind of a non-text Telegram message (``"photo"``, ``"voice"``…), None for text."""
    for kind in MEDIA_KINDS:
        if getattr(message, kind, None):
            return kind
    return None
