"""Stable names of buttons, so that a keyboard already on a prospect's screen keeps its meaning
when staff reload content that adds, removes or reorders buttons or options.

A state's button is named by its ``id:`` (optional in the YAML), else by its text key
(``menu.rules``); a choice's option by its ``value`` (``instagram``), a yes/no answer by ``yes``
or ``no``. A keyboard's callback data carries a short digest of that name (``tap_digest``) and
the content's version (``Content.version``), so it fits Telegram's 64 bytes whatever the names.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from typing import Any

ID = re.compile(r"^[a-z0-9_]{1,32}$")  # a button's own `id:`
DIGEST_CHARS = 6  # a name's digest in callback data: 30 bits, base32 lowercase (a-z, 2-7)
VERSION_CHARS = 4  # the content version in callback data: 20 bits


def short_digest(data: bytes, chars: int, person: bytes) -> str:
    """``chars`` lowercase base32 characters of the blake2s of ``data``: the same on every run."""
    digest = hashlib.blake2s(data, digest_size=16, person=person).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:chars]


@lru_cache(maxsize=4096)
def tap_digest(name: str) -> str:
    """The short digest of a button's or an option's stable name, as callback data carries it."""
    return short_digest(name.encode("utf-8"), DIGEST_CHARS, b"button")


def option_id(value: Any) -> str:
    """The stable name of an answer option: its value (``instagram``); ``yes``/``no`` for a
    yes/no question's True/False."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
