"""A small Bot API server on 127.0.0.1 for end-to-end tests: real HTTP, no internet.

It speaks enough of https://core.telegram.org/bots/api for python-telegram-bot 22: getUpdates
long polling (blocks until an update or the timeout), the send/edit/answer calls, and the
error envelope PTB reads (status code + ``parameters.retry_after``). Everything the bot sends
is recorded; tests push updates and inject failures. Unknown methods get 400, not 404: PTB
turns a 404 into InvalidToken and stops polling, which would hide the real problem.

Faults, with Telegram's own wording so PTB raises what it raises in production (403 →
``Forbidden``, 400 → ``BadRequest``, 429 + ``retry_after`` → ``RetryAfter``, 5xx and a closed
connection → ``NetworkError``):

- ``fail(method, status, ...)``: the next call(s) of a method (``getUpdates`` too), optionally
  only for one chat, with Telegram's JSON error or an HTML error ``page`` (a proxy's, or
  Telegram's front servers' during an outage);
- ``unreachable(chat)`` / ``blocked(chat)`` until ``reachable(chat)``: every call addressed to
  that chat answers 400 "chat not found" / 403 "bot was blocked by the user";
- ``drop(method)``: the connection closes before the server acts (nothing was sent);
  ``drop_after(method)``: the server acts, then closes without answering (the message exists,
  but the bot saw an error: a retry would send it twice);
- ``chaos(rate)``: seeded random 429/500/502/drops on the send/edit/answer calls, for soak tests;
- ``outage(seconds)``: between two times, every call of some methods (for some chats, or all)
  fails: Telegram down, or the network in between.

Order of precedence for one call: an injected ``fail``/``drop`` for it, then an outage, then
chaos, then the chat's standing condition, then the normal answer. Every call is recorded with
its outcome (``Call.status``: what the server did, 0 when it did nothing; ``Call.dropped``: the
client got no answer), so a test can count what Telegram really accepted (``sent``, ``count``)
and what arrived twice (``duplicates``).
"""

from __future__ import annotations

import html
import itertools
import json
import random
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT = {
    "id": 777000111,
    "is_bot": True,
    "first_name": "TestBot",
    "username": "test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
NOW = 1_700_000_000
_TAG = re.compile(r"<[^<>]*>")

# Telegram's wording (what PTB puts in the exception's message, minus "Bad Request: ").
CHAT_NOT_FOUND = "Bad Request: chat not found"
BLOCKED = "Forbidden: bot was blocked by the user"
SEND_METHODS = ("sendMessage", "sendPhoto", "sendDocument", "copyMessage")
CHAOS_METHODS = (
    "sendMessage",
    "sendPhoto",
    "copyMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "sendChatAction",
    "answerCallbackQuery",
)
CHAOS_KINDS = ("429", "500", "502", "drop")
DROP = 0  # status of a call the server closed without acting (and of handle()'s "no answer")
PAGE = "__page__"  # handle()'s body holding an HTML page to answer as it is, not JSON


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200  # what the server did: 200 acted, an error status, 0 dropped unanswered
    message_id: int | None = None  # of the message a successful send created
    at: float = field(default_factory=time.monotonic)
    dropped: bool = False  # the connection closed without an answer (drop and drop_after)
    # "", "fail", "drop", "drop_after", "chaos", "outage", "unreachable", "blocked"
    fault: str = ""

    def json(self, key: str) -> Any:
        value = self.params.get(key)
        return json.loads(value) if isinstance(value, str) else value

    @property
    def chat_id(self) -> int | None:
        return _chat_of(self.params)

    @property
    def accepted(self) -> bool:
        """Telegram acted on the call (a send created its message), answered or not."""
        return self.status == 200

    @property
    def ok(self) -> bool:
        """The client got a success answer."""
        return self.status == 200 and not self.dropped

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        markup = self.json("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


@dataclass
class Failure:
    status: int  # 0 (DROP): close the connection without answering
    description: str
    retry_after: int | None = None
    times: int = 1
    chat_id: int | None = None  # only calls addressed to this chat; None: any call
    act: bool = False  # with DROP: act first, then close (drop_after)
    page: str | None = None  # an HTML error page answered instead of Telegram's JSON

    def matches(self, chat_id: int | None) -> bool:
        return self.chat_id is None or self.chat_id == chat_id

    def body(self) -> dict[str, Any]:
        if self.page is not None:
            return {PAGE: self.page}
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass
class Chaos:
    rate: float
    methods: frozenset[str]
    kinds: tuple[str, ...]
    rng: random.Random
    retry_after: int

    def draw(self, method: str) -> Failure | None:
        if method not in self.methods or self.rng.random() >= self.rate:
            return None
        return _failure_of_kind(self.rng.choice(self.kinds), self.retry_after)


@dataclass
class Outage:
    """Calls of ``methods`` (addressed to one of ``chat_ids``; None: any) made while the fake's
    clock is in [``start``, ``end``) fail as ``kinds`` in turn."""

    methods: frozenset[str]
    kinds: tuple[str, ...]
    start: float
    end: float
    chat_ids: frozenset[int] | None
    retry_after: int
    failed: int = 0  # calls it failed so far

    def draw(self, method: str, chat_id: int | None, now: float) -> Failure | None:
        if method not in self.methods or not self.start <= now < self.end:
            return None
        if self.chat_ids is not None and chat_id not in self.chat_ids:
            return None
        kind = self.kinds[self.failed % len(self.kinds)]
        self.failed += 1
        return _failure_of_kind(kind, self.retry_after)


def user(uid: int, first_name: str = "Ann", language_code: str | None = "en") -> dict[str, Any]:
    data: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name}
    if language_code:
        data["language_code"] = language_code
    return data


def private_chat(uid: int, first_name: str = "Ann") -> dict[str, Any]:
    return {"id": uid, "type": "private", "first_name": first_name}


# Token-shaped like BotFather's (id:35 characters) but built here, so no literal looks leaked.
FAKE_TOKEN = "123456789:" + "fake-token-for-tests_" + "0" * 14


class FakeBotAPI:
    def __init__(
        self, token: str = FAKE_TOKEN, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.token = token
        self.clock = clock  # seconds; only ``outage`` windows are read on it
        self.outages: list[Outage] = []
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, id) -> message
        self.failures: dict[str, list[Failure]] = {}
        self.conditions: dict[int, Failure] = {}  # chat -> standing answer (unreachable/blocked)
        self.webhook: dict[str, Any] | None = None
        self._chaos: Chaos | None = None
        self._names: dict[int, str] = {}  # first names seen in pushed updates, for getChat
        self._updates: list[dict[str, Any]] = []
        self._delivered: list[int] = []
        self._confirmed = 0  # highest update_id the bot acknowledged with its offset
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(5000)
        self._cond = threading.Condition()
        self._closing = False
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeBotAPI:
        fake = self

        class Handler(_Handler):
            api = fake

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # -- what tests do -------------------------------------------------------------------------

    def push(self, kind: str, payload: dict[str, Any]) -> int:
        with self._cond:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, kind: payload})
            self._cond.notify_all()
        return update_id

    def message(
        self,
        uid: int,
        text: str | None = None,
        *,
        chat: dict[str, Any] | None = None,
        language_code: str | None = "en",
        first_name: str = "Ann",
        edited: bool = False,
        **extra: Any,
    ) -> int:
        msg: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": NOW,
            "chat": chat or private_chat(uid, first_name),
            "from": user(uid, first_name, language_code),
            **extra,
        }
        if text is not None:
            msg["text"] = text
            if text.startswith("/"):
                length = len(text.split()[0].encode("utf-16-le")) // 2
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if edited:
            msg["edit_date"] = NOW + 5
        with self._cond:
            self._names[uid] = first_name
        return self.push("edited_message" if edited else "message", msg)

    def press(
        self,
        uid: int,
        data: str,
        message_id: int | None = None,
        *,
        language_code: str | None = "en",
    ) -> int:
        """Press a button: on the given message, or on the last message that has ``data``."""
        with self._cond:
            if message_id is None:
                message_id = next(
                    mid
                    for (chat, mid), m in reversed(self.messages.items())
                    if chat == uid and _has_data(m, data)
                )
            msg = self.messages.get((uid, message_id)) or {
                "message_id": message_id,
                "date": NOW,
                "chat": private_chat(uid),
                "from": BOT,
                "text": "gone",
            }
        msg = json.loads(json.dumps(msg))  # as it was when pressed, not as later edited
        return self.push(
            "callback_query",
            {
                "id": f"cbq{message_id}-{time.monotonic_ns()}",
                "from": user(uid, "Ann", language_code),
                "chat_instance": f"ci{uid}",
                "data": data,
                "message": msg,
            },
        )

    def reply(self, uid: int, text: str, to_message_id: int, **kw: Any) -> int:
        """``uid`` answers (Telegram's reply) the message ``to_message_id`` the bot sent them."""
        with self._cond:
            original = json.loads(json.dumps(self.messages[(uid, to_message_id)]))
        return self.message(uid, text, reply_to_message=original, **kw)

    def fail(
        self,
        method: str,
        status: int,
        description: str = "",
        *,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
        page: str | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` (only those addressed to ``chat_id``, if
        given) answer ``status`` with ``description`` (and ``parameters.retry_after``), or with
        the HTML ``page`` instead of Telegram's JSON. Calls for other chats pass and do not use
        the failure up. Queued failures apply in order."""
        failure = Failure(status, description or _phrase(status), retry_after, times, chat_id)
        failure.page = page
        self._inject(method, failure)

    def drop(self, method: str, *, times: int = 1, chat_id: int | None = None) -> None:
        """The next ``times`` calls of ``method`` find the connection closed before the server
        acts: the client gets a network error and nothing was sent (``Call.status`` 0)."""
        self._inject(method, Failure(DROP, "", None, times, chat_id))

    def drop_after(self, method: str, *, times: int = 1, chat_id: int | None = None) -> None:
        """The server acts (the message is created, ``Call.status`` 200) and then closes the
        connection without answering: the client gets a network error although it worked."""
        self._inject(method, Failure(DROP, "", None, times, chat_id, act=True))

    def unreachable(self, chat_id: int, description: str = CHAT_NOT_FOUND) -> None:
        """Until ``reachable``, every call addressed to ``chat_id`` (send, copy, edit, chat
        action, getChat, a chat-scoped setMyCommands) answers 400 ``description``: e.g. an
        admin who never pressed Start."""
        with self._cond:
            self.conditions[chat_id] = Failure(400, description, chat_id=chat_id)

    def blocked(self, chat_id: int) -> None:
        """Until ``reachable``, every call addressed to ``chat_id`` answers 403 "Forbidden: bot
        was blocked by the user"."""
        with self._cond:
            self.conditions[chat_id] = Failure(403, BLOCKED, chat_id=chat_id)

    def reachable(self, chat_id: int) -> None:
        """Lift ``unreachable`` or ``blocked`` for ``chat_id``."""
        with self._cond:
            self.conditions.pop(chat_id, None)

    def chaos(
        self,
        rate: float,
        *,
        methods: tuple[str, ...] = CHAOS_METHODS,
        kinds: tuple[str, ...] = CHAOS_KINDS,
        seed: int = 0,
        retry_after: int = 1,
    ) -> None:
        """Each call of ``methods`` fails with probability ``rate``, as one of ``kinds`` chosen
        at random: an HTTP status ("429" carries ``retry_after``, "500", "502", ...), "drop" or
        "drop_after". Seeded, so a run is repeatable for one order of calls; ``chaos(0)`` stops.
        """
        if retry_after < 1:  # PTB raises RetryAfter only for a non-zero retry_after
            raise ValueError("chaos: retry_after must be at least 1 second")
        for kind in kinds:
            _failure_of_kind(kind, retry_after)  # fail here on a typo, not in the server thread
        with self._cond:
            self._chaos = (
                Chaos(rate, frozenset(methods), tuple(kinds), random.Random(seed), retry_after)
                if rate > 0
                else None
            )

    def outage(
        self,
        seconds: float | None = None,
        *,
        methods: tuple[str, ...] = SEND_METHODS,
        kinds: tuple[str, ...] = ("502",),
        chat_ids: tuple[int, ...] | None = None,
        start: float | None = None,
        end: float | None = None,
        retry_after: int = 1,
    ) -> Outage:
        """From ``start`` (default: now) to ``end`` (default: ``seconds`` later), on the fake's
        ``clock``, every call of ``methods`` (only those addressed to one of ``chat_ids``, if
        given) fails as one of ``kinds`` in turn, as for ``chaos``: "502" (Telegram down),
        "drop" (the connection lost before the server acts), "drop_after" (it acts, the answer
        is lost), "429" (with ``retry_after``)... Outages may overlap; ``clear_faults`` ends
        them. Returns the outage (``Outage.failed``: the calls it failed)."""
        now = self.clock()
        begin = now if start is None else start
        if end is None:
            if seconds is None:
                raise ValueError("outage: give seconds or end")
            end = begin + seconds
        if not kinds:
            raise ValueError("outage: at least one kind")
        for kind in kinds:
            _failure_of_kind(kind, retry_after)  # fail here on a typo, not in the server thread
        chats = frozenset(chat_ids) if chat_ids is not None else None
        outage = Outage(frozenset(methods), tuple(kinds), begin, end, chats, retry_after)
        with self._cond:
            self.outages.append(outage)
        return outage

    def clear_faults(self) -> None:
        """Forget queued failures, drops and outages, stop chaos, make every chat reachable."""
        with self._cond:
            self.failures.clear()
            self.conditions.clear()
            self.outages.clear()
            self._chaos = None

    def _inject(self, method: str, failure: Failure) -> None:
        with self._cond:
            self.failures.setdefault(method, []).append(failure)

    def sent(
        self,
        chat_id: int | None = None,
        methods: tuple[str, ...] = SEND_METHODS,
    ) -> list[Call]:
        """Sends Telegram accepted (the message exists), including those whose answer was
        dropped (``drop_after``): what the person really received."""
        with self._cond:
            return [
                c
                for c in self.calls
                if c.method in methods
                and c.status == 200
                and (chat_id is None or c.chat_id == chat_id)
            ]

    accepted = sent

    def count(self, method: str, *, chat_id: int | None = None, status: int | None = 200) -> int:
        """Calls of ``method`` (to ``chat_id``) that ended with ``status``: 200 counts what the
        server did, answered or dropped after; 0 counts drops; ``None`` counts every attempt."""
        with self._cond:
            return sum(
                1
                for c in self.calls
                if c.method == method
                and (status is None or c.status == status)
                and (chat_id is None or c.chat_id == chat_id)
            )

    def duplicates(self, chat_id: int | None = None) -> list[tuple[int, str]]:
        """``(chat, text)`` for each accepted send identical (same method, same parameters) to
        the accepted send just before it in the same chat: the trace of a retry whose first
        attempt had in fact arrived. One entry per extra copy. A bot that legitimately says the
        same thing twice in a row would show up too: use it where that cannot happen."""
        last: dict[int, str] = {}
        found: list[tuple[int, str]] = []
        for call in self.sent(chat_id):
            chat = call.chat_id
            if chat is None:
                continue
            key = call.method + repr(sorted(call.params.items()))
            if last.get(chat) == key:
                found.append((chat, call.text))
            last[chat] = key
        return found

    def calls_to(self, method: str, ok_only: bool = True) -> list[Call]:
        with self._cond:
            return [
                c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)
            ]

    def wait_for(self, predicate: Callable[[FakeBotAPI], bool], timeout: float = 5.0) -> bool:
        """Block a thread until ``predicate`` holds; in async tests use ``await_for``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    @property
    def pending(self) -> int:
        """Updates pushed but not yet acknowledged by the bot."""
        with self._cond:
            return sum(1 for u in self._updates if u["update_id"] > self._confirmed)

    @property
    def delivered(self) -> list[int]:
        """Update ids handed to the bot by getUpdates, in order (repeats possible)."""
        with self._cond:
            return list(self._delivered)

    # -- the API -------------------------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The status and JSON body to answer; status ``DROP`` (0): close without answering."""
        if method == "getUpdates":
            with self._cond:
                failure, fault = self._take_failure(method, None)
                if failure is not None:  # nothing delivered, nothing confirmed
                    dropped = failure.status == DROP
                    self.calls.append(
                        Call(method, params, failure.status, dropped=dropped, fault=fault)
                    )
                    self._cond.notify_all()
            if failure is not None:
                return (DROP, {}) if failure.status == DROP else (failure.status, failure.body())
            return 200, {"ok": True, "result": self._get_updates(params)}
        chat_id = _chat_of(params)
        with self._cond:
            failure, fault = self._take_failure(method, chat_id)
            if failure is not None and not failure.act:
                dropped = failure.status == DROP
                self.calls.append(
                    Call(method, params, failure.status, dropped=dropped, fault=fault)
                )
                self._cond.notify_all()
                return (DROP, {}) if dropped else (failure.status, failure.body())
            condition = self._condition(chat_id, params)
            if condition is not None:
                status, result = condition.status, condition.description
                if not fault:
                    fault = "blocked" if condition.status == 403 else "unreachable"
            else:
                try:
                    status, result = self._answer(method, params)
                except KeyError as exc:  # a required parameter missing: Telegram's 400
                    status, result = 400, f"Bad Request: {exc.args[0]} is empty"
            sent_id = result.get("message_id") if isinstance(result, dict) else None
            dropped = failure is not None  # an acting drop: done, then no answer
            self.calls.append(Call(method, params, status, sent_id, dropped=dropped, fault=fault))
            self._cond.notify_all()
        if dropped:
            return DROP, {}
        if status != 200:
            return status, {"ok": False, "error_code": status, "description": result}
        return 200, {"ok": True, "result": result}

    def _take_failure(self, method: str, chat_id: int | None) -> tuple[Failure | None, str]:
        """The injected failure for this call (used up), else an outage's, else chaos's draw;
        with the lock."""
        failures = self.failures.get(method) or []
        for i, failure in enumerate(failures):
            if failure.matches(chat_id):
                failure.times -= 1
                if failure.times <= 0:
                    failures.pop(i)
                if failure.status != DROP:
                    return failure, "fail"
                return failure, "drop_after" if failure.act else "drop"
        if self.outages:
            now = self.clock()
            for outage in self.outages:
                down = outage.draw(method, chat_id, now)
                if down is not None:
                    return down, "outage"
        if self._chaos is not None:
            drawn = self._chaos.draw(method)
            if drawn is not None:
                return drawn, "chaos"
        return None, ""

    def _condition(self, chat_id: int | None, params: dict[str, Any]) -> Failure | None:
        """The standing answer for the chat this call is addressed to, if any; with the lock."""
        if not self.conditions:
            return None
        if chat_id is None and params.get("scope"):  # setMyCommands for one chat
            try:
                scope = json.loads(params["scope"])
                chat_id = _chat_of(scope) if isinstance(scope, dict) else None
            except (TypeError, ValueError):
                chat_id = None
        return self.conditions.get(chat_id) if chat_id is not None else None

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        if method == "getMe":
            return 200, BOT
        if method in (
            "deleteWebhook",
            "setMyCommands",
            "answerCallbackQuery",
            "sendChatAction",
            "leaveChat",
        ):
            if method == "deleteWebhook":
                self.webhook = None
            return 200, True
        if method == "setWebhook":
            self.webhook = dict(params)
            return 200, True
        if method == "getChat":
            chat_id = _chat_of(params)
            if chat_id is None:
                return 400, CHAT_NOT_FOUND
            return 200, self._chat_info(chat_id)
        if method == "copyMessage":
            source = self.messages.get((int(params["from_chat_id"]), int(params["message_id"])))
            return 200, {"message_id": next(self._message_ids), "copied": bool(source)}
        if method in ("sendMessage", "sendPhoto", "sendDocument"):
            chat_id = int(params["chat_id"])
            msg: dict[str, Any] = {
                "message_id": next(self._message_ids),
                "date": NOW,
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                "from": BOT,
            }
            key = "text" if method == "sendMessage" else "caption"
            if params.get(key):
                msg[key] = _plain(str(params[key]), params.get("parse_mode"))
            if method == "sendPhoto":
                msg["photo"] = [{"file_id": "F", "file_unique_id": "f", "width": 9, "height": 9}]
            if method == "sendDocument":
                upload = params.get("document")
                name = upload.get("filename") if isinstance(upload, dict) else None
                msg["document"] = {"file_id": "D", "file_unique_id": "d", "file_name": name}
            if params.get("reply_markup"):
                msg["reply_markup"] = json.loads(params["reply_markup"])
            self.messages[(chat_id, msg["message_id"])] = msg
            return 200, msg
        if method in ("editMessageText", "editMessageReplyMarkup"):
            found = self.messages.get((int(params["chat_id"]), int(params["message_id"])))
            if found is None:
                return 400, "Bad Request: message to edit not found"
            if method == "editMessageText":
                found["text"] = _plain(str(params["text"]), params.get("parse_mode"))
            if params.get("reply_markup"):
                found["reply_markup"] = json.loads(params["reply_markup"])
            else:
                found.pop("reply_markup", None)
            return 200, found
        return 400, f"Bad Request: method {method} is not implemented by the fake server"

    def _chat_info(self, chat_id: int) -> dict[str, Any]:
        """getChat's ChatFullInfo, with the fields PTB 22 requires."""
        chat: dict[str, Any] = {"id": chat_id}
        if chat_id > 0:
            chat.update(type="private", first_name=self._names.get(chat_id, "Ann"))
        else:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            chat.update(type=kind, title=f"Group {chat_id}")
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        chat.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types=dict.fromkeys((*gifts, "gifts_from_channels"), False),
        )
        return chat

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 30.0)
        deadline = time.monotonic() + timeout
        with self._cond:
            self.calls.append(Call("getUpdates", params))
            if offset:
                self._confirmed = max(self._confirmed, offset - 1)
            self._cond.notify_all()  # a test waiting for the bot to poll wakes now
            while True:
                # like Telegram: without an offset, from the earliest update not yet confirmed
                ready = [
                    u
                    for u in self._updates
                    if u["update_id"] >= offset and u["update_id"] > self._confirmed
                ]
                left = deadline - time.monotonic()
                if ready or left <= 0 or self._closing:
                    break
                self._cond.wait(left)
            self._delivered.extend(u["update_id"] for u in ready)
            self._cond.notify_all()
            return ready


def _chat_of(params: dict[str, Any]) -> int | None:
    """The numeric chat a call is addressed to (``@username`` targets count as none)."""
    value = params.get("chat_id")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


def _failure_of_kind(kind: str, retry_after: int) -> Failure:
    """A chaos failure: "drop", "drop_after" or an HTTP status as text ("429", "502", ...)."""
    if kind in ("drop", "drop_after"):
        return Failure(DROP, "", act=kind == "drop_after")
    status = int(kind)
    if status == 429:
        return Failure(429, f"Too Many Requests: retry after {retry_after}", retry_after)
    if not 400 <= status <= 599:
        raise ValueError(f"chaos kind {kind!r}: a 4xx/5xx status, 'drop' or 'drop_after'")
    return Failure(status, _phrase(status))


def _has_data(message: dict[str, Any], data: str) -> bool:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return any(b.get("callback_data") == data for row in rows for b in row)


def _plain(text: str, parse_mode: Any) -> str:
    """What a client would show: Telegram parses the HTML into plain text plus entities."""
    return html.unescape(_TAG.sub("", text)) if parse_mode == "HTML" else text


class _CutShort(Exception):
    """The request's body ended before its Content-Length: the client went away."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client gone mid-request (a bot killed with SIGKILL) is no error of the server's:
        no traceback on the test's output; anything else is printed as usual."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    api: FakeBotAPI
    protocol_version = "HTTP/1.1"
    # headers and body go out as two writes: without TCP_NODELAY, Nagle's algorithm holds the
    # second until the client's delayed ACK (~40 ms a call on loopback)
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def do_POST(self) -> None:
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", self.path)
        if match is None or match.group(1) != self.api.token:
            self._reply(
                401 if match else 400,
                {"ok": False, "error_code": 401, "description": "Unauthorized"},
            )
            return
        try:
            params = self._params()
        except _CutShort:  # the client died mid-request (kill -9): Telegram acts on nothing
            self.close_connection = True
            return
        except ValueError as exc:
            self._reply(400, {"ok": False, "error_code": 400, "description": str(exc)})
            return
        status, body = self.api.handle(match.group(2), params)
        if status == DROP:  # no answer: the client sees the connection closed under it
            self.close_connection = True
            return
        self._reply(status, body)

    do_GET = do_POST

    def _params(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if len(raw) < length:
            raise _CutShort
        ctype = self.headers.get("Content-Type") or ""
        if not raw:
            return {}
        if ctype.startswith("application/x-www-form-urlencoded"):
            return {k: v[-1] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
        if ctype.startswith("application/json"):
            data = json.loads(raw)
            return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
        if ctype.startswith("multipart/form-data"):
            head = f"Content-Type: {ctype}\r\nMIME-Version: 1.0\r\n\r\n".encode()
            parsed = BytesParser(policy=HTTP).parsebytes(head + raw)
            params: dict[str, Any] = {}
            for part in parsed.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                assert isinstance(payload, bytes)  # a leaf part decodes to bytes
                if part.get_filename():
                    params[str(name)] = {
                        "filename": part.get_filename(),
                        "size": len(payload),
                        "content": payload,
                    }
                else:
                    params[str(name)] = payload.decode()
            return params
        raise ValueError(f"unsupported Content-Type {ctype}")

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        page = body.get(PAGE)
        data = page.encode() if isinstance(page, str) else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header(
                "Content-Type", "text/html" if isinstance(page, str) else "application/json"
            )
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # PTB cancelled a long poll
            pass
