"""Unit tests of the Telegram adapter's pure parts: splitting, keyboards, admin notes, flood
control, the per-chat processor, log redaction and the `run` command's checks. No network."""

from __future__ import annotations

import asyncio
import gc
import html
import logging
import random
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.adapters.telegram.bot import api_urls
from bot.adapters.telegram.format import (
    MAX_TEXT,
    admin_summary,
    build_keyboard,
    button_label,
    pressed_label,
    split_html,
    utf16_len,
    visible,
    with_choice,
)
from bot.adapters.telegram.guard import (
    REDACTED,
    FloodGuard,
    PerChatProcessor,
    Verdict,
    install_redaction,
    redact,
)
from bot.adapters.telegram.webhook import webhook_path
from bot.cli.run import check_settings, run
from bot.config import Settings
from bot.core.messages import Button

ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


class TagChecker(HTMLParser):
    """Fails on a closing tag that does not match the innermost open one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()


def assert_well_formed(part: str) -> None:
    checker = TagChecker()
    checker.feed(part)
    checker.close()
    assert checker.stack == [], f"unclosed {checker.stack} in {part[-80:]!r}"
    for amp in re.finditer("&", part):
        assert ENTITY.match(part, amp.start()), f"broken entity at {part[amp.start() :][:12]!r}"
    assert "<" not in re.sub(r"<[^<>]*>", "", part), "a tag was cut"


def words(text: str) -> list[str]:
    return visible(text).split()


# -- splitting -------------------------------------------------------------------------------


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("è") == 1
    assert utf16_len("🙂") == 2
    assert utf16_len("🧑\u200d💻") == 5


def test_short_text_is_one_part_and_blank_text_none() -> None:
    assert split_html("<b>Ciao</b>!") == ["<b>Ciao</b>!"]
    assert split_html("  \n ") == []


def test_long_text_splits_on_paragraphs_first() -> None:
    paragraphs = [f"<b>Title {i}</b>\n" + ("parola " * 280).strip() for i in range(5)]
    parts = split_html("\n\n".join(paragraphs))
    assert len(parts) > 1
    assert all(utf16_len(p) <= MAX_TEXT for p in parts)
    assert all(p.startswith("<b>Title") for p in parts)  # each part starts a paragraph
    assert words("\n".join(parts)) == words("\n\n".join(paragraphs))


def test_emoji_are_counted_in_utf16_units() -> None:
    text = "🙂" * 3000  # 3000 characters, 6000 UTF-16 units
    parts = split_html(text)
    assert len(parts) == 2
    assert all(utf16_len(p) <= MAX_TEXT for p in parts)
    assert "".join(parts) == text


def test_a_tag_open_at_the_cut_is_closed_and_reopened() -> None:
    text = '<b>bold <a href="https://example.com/x?a=1&amp;b=2">' + "link " * 1500 + "</a></b>"
    parts = split_html(text)
    assert len(parts) >= 2
    for part in parts:
        assert utf16_len(part) <= MAX_TEXT
        assert_well_formed(part)
        assert part.startswith("<b>") and part.endswith("</a></b>")
    assert words(" ".join(parts)) == words(text)


def test_one_huge_word_is_hard_cut_outside_entities() -> None:
    text = "&amp;" * 1000 + "x" * 3000  # one "word", 8000 units of markup
    parts = split_html(text)
    assert all(utf16_len(p) <= MAX_TEXT for p in parts)
    for part in parts:
        assert_well_formed(part)
    assert "".join(visible(p) for p in parts) == visible(text)


@pytest.mark.parametrize("seed", range(40))
def test_random_markup_always_fits_and_parses(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["parola", "città", "🙂🙂", "&lt;3", "&amp;", "x" * 30, "\n", "\n\n", ". "]
    out: list[str] = []
    for _ in range(rng.randint(50, 400)):
        roll = rng.random()
        if roll < 0.1:
            tag = rng.choice(["b", "i", "u", "code"])
            out.append(f"<{tag}>{rng.choice(pieces)} {rng.choice(pieces)}</{tag}>")
        elif roll < 0.15:
            out.append(f'<a href="https://x.it/{rng.randint(0, 99)}">{rng.choice(pieces)}</a>')
        else:
            out.append(rng.choice(pieces))
        out.append(rng.choice([" ", "", "\n"]))
    text = "".join(out)
    limit = rng.choice([40, 64, 100, 257])
    parts = split_html(text, limit)
    for part in parts:
        assert utf16_len(part) <= limit
        assert_well_formed(part)
        assert visible(part).strip()
    assert "".join(words(" ".join(parts))) == "".join(words(text))


# -- keyboards ---------------------------------------------------------------------------------


def test_short_buttons_go_two_by_two_long_ones_one_per_row() -> None:
    short = build_keyboard([Button("Sì", "3.0"), Button("No", "3.1"), Button("Forse", "3.2")])
    assert short is not None
    assert [[b.text for b in row] for row in short.inline_keyboard] == [["Sì", "No"], ["Forse"]]
    long = build_keyboard([Button("How many followers, how fast?", "1.0"), Button("Back", "1.1")])
    assert long is not None and [len(row) for row in long.inline_keyboard] == [1, 1]


def test_keyboard_drops_data_telegram_would_refuse() -> None:
    markup = build_keyboard(
        [
            Button("ok", "1.0"),
            Button("too long", "x" * 65),
            Button("empty", ""),
            Button("accents", "è" * 32),
        ]
    )
    assert markup is not None
    assert [b.callback_data for row in markup.inline_keyboard for b in row] == ["1.0", "è" * 32]
    assert build_keyboard([]) is None
    assert build_keyboard([Button("bad", "y" * 100)]) is None


def test_labels_are_plain_text() -> None:
    assert button_label("Q&amp;A <b>now</b>") == "Q&A now"
    assert button_label("  ") == "…"
    assert len(button_label("x" * 200)) == 64


def test_pressed_label_is_read_back_from_the_message() -> None:
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Instagram", callback_data="7.0"),
                InlineKeyboardButton("TikTok", callback_data="7.2"),
            ]
        ]
    )
    assert pressed_label(markup, "7.2") == "TikTok"
    assert pressed_label(markup, "forged") is None
    assert pressed_label(None, "7.0") is None


def test_choice_is_appended_escaped_unless_it_no_longer_fits() -> None:
    assert with_choice("<b>Which?</b>", "A<B") == "<b>Which?</b>\n\n<i>✓ A&lt;B</i>"
    assert with_choice("x" * (MAX_TEXT - 5), "Instagram") is None


# -- admin notes -------------------------------------------------------------------------------


def test_admin_summary_escapes_everything_the_prospect_typed() -> None:
    item = {
        "kind": "lead",
        "user_id": "tg:42",
        "source": "promo<1>",
        "lead": {
            "name": "<script>alert(1)</script>",
            "business": "Bar & Co",
            "platform": "instagram",
            "contact": "a@b.it",
            "consent": 1,
        },
        "recent": ["ciao <b>", "x" * 500],
    }
    text = admin_summary(item)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "Bar &amp; Co" in text and "a@b.it" in text and "promo&lt;1&gt;" in text
    assert 'href="tg://user?id=42"' in text
    assert "ciao &lt;b&gt;" in text and "x" * 500 not in text
    assert_well_formed(text)


def test_admin_summary_of_a_sparse_item() -> None:
    text = admin_summary({"kind": "human", "user_id": "console:x", "lead": {"name": None}})
    assert "Name" not in text and "console:x" in text
    assert_well_formed(text)


# -- flood control -----------------------------------------------------------------------------


def test_flood_one_warning_then_silence_then_calm() -> None:
    now = [0.0]
    guard = FloodGuard(limit=20, window=10, clock=lambda: now[0])
    verdicts = []
    for _ in range(25):
        verdicts.append(guard.hit(1))
        now[0] += 0.1
    assert verdicts[:20] == [Verdict.OK] * 20
    assert verdicts[20:] == [Verdict.WARN] + [Verdict.DROP] * 4
    assert guard.hit(2) is Verdict.OK  # others are not affected
    now[0] += 10.5
    assert guard.hit(1) is Verdict.OK  # calm: answered again, and may be warned again later


def test_flood_keeps_hammering_senders_muted() -> None:
    now = [0.0]
    guard = FloodGuard(limit=5, window=10, clock=lambda: now[0])
    seen = []
    for _ in range(40):  # 3 a second, forever over the limit
        seen.append(guard.hit(1))
        now[0] += 0.33
    assert seen.count(Verdict.WARN) == 1 and seen[-1] is Verdict.DROP


def test_flood_memory_is_bounded() -> None:
    now = [0.0]
    guard = FloodGuard(limit=3, window=10, max_users=100, clock=lambda: now[0])
    for user in range(1000):
        guard.hit(user)
    assert len(guard) <= 100
    now[0] += 11
    guard.hit("late")
    assert len(guard) == 1  # everyone idle for a window is forgotten


# -- per-chat processor ------------------------------------------------------------------------


def update(update_id: int, chat_id: int, user_id: int | None = None) -> Update:
    uid = user_id or chat_id
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": uid, "is_bot": False, "first_name": "A"},
                "text": str(update_id),
            },
        },
        None,
    )


async def test_processor_keeps_one_chat_in_order_and_runs_chats_concurrently() -> None:
    processor = PerChatProcessor(64)
    done: list[tuple[int, int]] = []
    rng = random.Random(3)

    async def work(chat: int, n: int, delay: float) -> None:
        await asyncio.sleep(delay)
        done.append((chat, n))

    tasks = []
    for n in range(10):
        tasks.append(processor.process_update(update(n, 1), work(1, n, rng.uniform(0, 0.02))))
    tasks.append(processor.process_update(update(99, 2), work(2, 0, 0)))
    await asyncio.gather(*tasks)
    assert [n for chat, n in done if chat == 1] == list(range(10))
    assert done.index((2, 0)) < 3  # chat 2 did not wait for chat 1's queue
    assert processor.chats_in_flight == 0  # no lock outlives its updates


async def test_processor_drops_flood_without_running_or_leaking_coroutines() -> None:
    warned: list[int] = []

    async def on_flood(u: Update) -> None:
        warned.append(u.update_id)

    processor = PerChatProcessor(8, FloodGuard(limit=2, window=60), on_flood)
    ran: list[int] = []

    async def work(n: int) -> None:
        ran.append(n)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(5):
            await processor.process_update(update(n, 7), work(n))
        gc.collect()
    assert ran == [0, 1] and warned == [2]
    assert not [w for w in caught if "never awaited" in str(w.message)]


# -- redaction and settings --------------------------------------------------------------------


def test_token_is_redacted_from_messages_args_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # built at run time: a literal token-shaped string in the tree looks like a leaked secret
    token = "987654321:" + "unit-test-secret_" + "q" * 18
    install_redaction(token)
    log = logging.getLogger("tests.redaction")
    caplog.set_level(logging.DEBUG)
    log.info("POST https://api.telegram.org/bot%s/getMe", token)
    try:
        raise RuntimeError(f"failed url /bot{token}/sendMessage")
    except RuntimeError:
        log.exception("boom")
    log.warning("another token 1234567:%s", "Z" * 35)  # shaped like one, never registered
    assert "unit-test-secret" not in caplog.text and "Z" * 35 not in caplog.text
    assert caplog.text.count(REDACTED) >= 3
    assert redact(f"x {token} y") == f"x {REDACTED} y"


def test_api_urls_for_official_and_local_servers() -> None:
    assert api_urls("https://api.telegram.org/bot") == (
        "https://api.telegram.org/bot",
        "https://api.telegram.org/file/bot",
    )
    assert api_urls("http://127.0.0.1:8081/") == (
        "http://127.0.0.1:8081/bot",
        "http://127.0.0.1:8081/file/bot",
    )


def test_webhook_needs_a_secret_and_listens_on_the_public_path() -> None:
    settings = Settings(
        token="1:x",
        webhook_url="https://bot.example.com/tg/hook",
        webhook_secret="abc_DEF-123",
        webhook_port=9000,
    )
    assert webhook_path(str(settings.webhook_url)) == "/tg/hook"
    assert webhook_path("https://bot.example.com/") == "/"
    assert settings.webhook_port == 9000 and settings.webhook_listen == "127.0.0.1"
    assert check_settings(settings) is None
    assert "WEBHOOK_SECRET" in str(
        check_settings(Settings(token="1:x", webhook_url="https://bot.example.com/"))
    )
    assert "A-Z" in str(
        check_settings(
            Settings(token="1:x", webhook_url="https://b.example.com/", webhook_secret="no spaces")
        )
    )
    assert "https" in str(
        check_settings(
            Settings(token="1:x", webhook_url="http://b.example.com/", webhook_secret="s")
        )
    )


def test_run_without_a_token_explains_botfather_and_the_console(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    result = CliRunner().invoke(run, [])
    assert result.exit_code == 2
    assert "BotFather" in result.output and "python -m bot chat" in result.output


def test_visible_text_decodes_entities() -> None:
    assert visible("<b>a &amp; b</b> &lt;3") == "a & b <3"
    assert html.escape(visible("&lt;b&gt;")) == "&lt;b&gt;"


def test_the_plain_text_fallback_keeps_words_that_only_look_like_tags() -> None:
    """Telegram refused the HTML ("Per chi ha <1.000 follower e un budget > 200 €"): the
    fallback drops Telegram's tags only; the words between < and > stay."""
    from bot.adapters.telegram.format import visible

    text = "Per chi ha <1.000 follower e un budget > € 200, <b>leggi</b> qui &amp; là"
    assert visible(text) == "Per chi ha <1.000 follower e un budget > € 200, leggi qui & là"
