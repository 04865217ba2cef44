"""A small Bot API server on 127.0.0.1 for end-to-end tests: real HTTP, no internet.

It speaks enough of https://core.telegram.org/bots/api for python-telegram-bot 22: getUpdates
long polling (blocks until an update or the timeout), the send/edit/answer calls, and the
error envelope PTB reads (status code + ``parameters.retry_after``). Everything the bot sends
is recorded; tests push updates and inject failures. Unknown methods get 400, not 404: PTB
turns a 404 into InvalidToken and stops polling, which would hide the real problem.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
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


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200
    message_id: int | None = None  # of the message a successful send created
    at: float = field(default_factory=time.monotonic)

    def json(self, key: str) -> Any:
        value = self.params.get(key)
        return json.loads(value) if isinstance(value, str) else value

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        markup = self.json("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None = None
    times: int = 1


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
    def __init__(self, token: str = FAKE_TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, id) -> message
        self.failures: dict[str, list[Failure]] = {}
        self.webhook: dict[str, Any] | None = None
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

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
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
    ) -> None:
        with self._cond:
            self.failures.setdefault(method, []).append(
                Failure(status, description or f"Error {status}", retry_after, times)
            )

    def sent(
        self,
        chat_id: int | None = None,
        methods: tuple[str, ...] = ("sendMessage", "sendPhoto", "sendDocument", "copyMessage"),
    ) -> list[Call]:
        with self._cond:
            return [
                c
                for c in self.calls
                if c.method in methods
                and c.status == 200
                and (chat_id is None or c.chat_id == chat_id)
            ]

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
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        with self._cond:
            failures = self.failures.get(method)
            if failures:
                failure = failures[0]
                failure.times -= 1
                if failure.times <= 0:
                    failures.pop(0)
                self.calls.append(Call(method, params, failure.status))
                self._cond.notify_all()
                body: dict[str, Any] = {
                    "ok": False,
                    "error_code": failure.status,
                    "description": failure.description,
                }
                if failure.retry_after is not None:
                    body["parameters"] = {"retry_after": failure.retry_after}
                return failure.status, body
            status, result = self._answer(method, params)
            sent_id = result.get("message_id") if isinstance(result, dict) else None
            self.calls.append(Call(method, params, status, sent_id))
            self._cond.notify_all()
        if status != 200:
            return status, {"ok": False, "error_code": status, "description": result}
        return 200, {"ok": True, "result": result}

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
            key = (int(params["chat_id"]), int(params["message_id"]))
            found = self.messages.get(key)
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

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 30.0)
        deadline = time.monotonic() + timeout
        with self._cond:
            self.calls.append(Call("getUpdates", params))
            if offset:
                self._confirmed = max(self._confirmed, offset - 1)
                self._cond.notify_all()
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


def _has_data(message: dict[str, Any], data: str) -> bool:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return any(b.get("callback_data") == data for row in rows for b in row)


def _plain(text: str, parse_mode: Any) -> str:
    """What a client would show: Telegram parses the HTML into plain text plus entities."""
    return html.unescape(_TAG.sub("", text)) if parse_mode == "HTML" else text


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
        except ValueError as exc:
            self._reply(400, {"ok": False, "error_code": 400, "description": str(exc)})
            return
        status, body = self.api.handle(match.group(2), params)
        self._reply(status, body)

    do_GET = do_POST

    def _params(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
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
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # PTB cancelled a long poll
            pass
