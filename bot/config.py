"""Settings from the environment (and an optional ``.env`` file), read once at the edge.

The engine never reads the environment itself; the command line builds a ``Settings`` and
passes the pieces in. The bot token is kept out of ``repr`` so it never lands in a log.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

MAX_RETENTION_DAYS = 36_500
"""The longest retention a setting may name (a hundred years): more is a typo."""


@dataclass(frozen=True)
class Settings:
    token: str | None = field(default=None, repr=False)
    api_base_url: str = "https://api.telegram.org/bot"
    db_path: Path = Path("data/bot.db")
    content_dir: Path = Path(".")
    admin_ids: tuple[int, ...] = ()
    # parts of BOT_ADMIN_IDS that are not chat ids ("@anna"): `run` refuses to start on them
    admin_ids_invalid: tuple[str, ...] = ()
    # the language of prospects whose phone's language the bot does not speak; None: the
    # registry's default (``bot.languages``). ``bot.app.build_runtime`` refuses a code the bot
    # does not speak (this module may not import the registry).
    default_lang: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    # a person's chat with a prospect closes itself after this long without a message
    handover_timeout_minutes: float = 60.0
    # a note for the staff (lead, request for a person) no admin received for this long is
    # reported loudly: log, /stats, `leads`, and any admin who can be reached
    outbox_alert_minutes: float = 30.0
    # a reply Telegram cannot take (an outage, 5xx, a dropped connection) is tried again with
    # growing pauses for this long before it is given up; the prospect's later messages wait
    # behind it, so their answers keep their order
    reply_retry_minutes: float = 15.0
    # transcripts and events older than this many days are deleted, and so are prospects who
    # have not written for as long (their conversation; a lead they left stays); 0: keep all
    retention_days: int = 180
    # leads (with their consent) older than this many days are deleted; 0: kept until the
    # prospect's /delete or the staff erase them. Never shorter than ``retention_days``.
    lead_retention_days: int = 0
    # the retention settings that could not be read, as ``NAME=value``: `run` and `prune`
    # refuse to start on them (``retention_problem``)
    retention_invalid: tuple[str, ...] = ()


def retention_problem(settings: Settings) -> str | None:
    """What is wrong with the retention settings, in one line for whoever deploys the bot;
    None if nothing. A lead kept for a shorter time than the messages would leave its contact
    details in the transcript after the lead itself was erased, so that is refused too."""
    if settings.retention_invalid:
        bad = ", ".join(settings.retention_invalid)
        return (
            f"{bad}: write a whole number of days (for example 180), or 0 to keep everything; "
            "leave it empty for the default."
        )
    days, lead_days = settings.retention_days, settings.lead_retention_days
    if lead_days and (not days or lead_days < days):
        kept = f"{days} days" if days else "for ever (BOT_RETENTION_DAYS=0)"
        return (
            f"BOT_LEAD_RETENTION_DAYS={lead_days} is shorter than how long messages are kept "
            f"({kept}): the transcripts would keep contact details the leads no longer have. "
            "Make it at least BOT_RETENTION_DAYS, or leave it empty to keep leads until they "
            "are erased."
        )
    return None


def shipped_content() -> Path:
    """The folder with the conversations the bot ships (``dialogs/``, ``locales/``).

    In an installed package it is ``bot/shipped/`` (``setup.py`` copies it there when the
    package is built); in a source checkout, or an editable install, the checkout itself."""
    package = Path(__file__).resolve().parent
    installed = package / "shipped"
    return installed if (installed / "dialogs").is_dir() else package.parent


def default_content_dir(cwd: Path | None = None) -> Path:
    """Where the conversations are read from when no folder is named (``--content``,
    ``BOT_CONTENT_DIR``): the current folder if it has ``dialogs/`` (an agency's own copy, made
    by ``bot init``), else the ones the bot ships."""
    here = cwd or Path.cwd()
    return Path(".") if (here / "dialogs").is_dir() else shipped_content()


def load_settings(
    env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> Settings:
    """Environment variables win over ``.env``; ``.env`` is optional."""
    values: dict[str, str] = {}
    if env is None:
        if dotenv is not None and dotenv.is_file():
            from dotenv import dotenv_values

            values.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
        values.update(os.environ)
    else:
        values.update(env)

    def get(name: str, default: str | None = None) -> str | None:
        value = values.get(name, "").strip()
        return value or default

    admins: list[int] = []
    invalid: list[str] = []
    for part in (get("BOT_ADMIN_IDS") or "").replace(";", ",").split(","):
        part = part.strip()
        if part.lstrip("-").isdigit():
            admins.append(int(part))
        elif part:
            invalid.append(part[:40])
    lang = (get("BOT_DEFAULT_LANG") or "").lower()
    port = get("WEBHOOK_PORT", "8443") or "8443"
    try:
        handover = float(get("BOT_HANDOVER_TIMEOUT_MINUTES", "60") or "60")
    except ValueError:
        handover = 60.0
    try:
        alert = float(get("BOT_OUTBOX_ALERT_MINUTES", "30") or "30")
    except ValueError:
        alert = 30.0
    try:
        reply_retry = float(get("BOT_REPLY_RETRY_MINUTES", "15") or "15")
    except ValueError:
        reply_retry = 15.0
    unreadable: list[str] = []

    def days(name: str, default: int) -> int:
        raw = get(name)
        if raw is None:
            return default
        if raw.isdigit() and int(raw) <= MAX_RETENTION_DAYS:
            return int(raw)
        unreadable.append(f"{name}={raw[:20]}")
        return default

    retention = days("BOT_RETENTION_DAYS", Settings.retention_days)
    lead_retention = days("BOT_LEAD_RETENTION_DAYS", Settings.lead_retention_days)
    return Settings(
        token=get("TELEGRAM_BOT_TOKEN"),
        api_base_url=get("TELEGRAM_API_BASE_URL", Settings.api_base_url) or Settings.api_base_url,
        db_path=Path(get("BOT_DB_PATH", "data/bot.db") or "data/bot.db"),
        content_dir=Path(folder) if (folder := get("BOT_CONTENT_DIR")) else default_content_dir(),
        admin_ids=tuple(admins),
        admin_ids_invalid=tuple(invalid),
        default_lang=lang if lang.isascii() and lang.isalpha() else None,
        webhook_url=get("WEBHOOK_URL"),
        webhook_secret=get("WEBHOOK_SECRET"),
        webhook_listen=get("WEBHOOK_LISTEN", "127.0.0.1") or "127.0.0.1",
        webhook_port=int(port) if port.isdigit() else 8443,
        handover_timeout_minutes=handover if 0 < handover < 1e6 else 60.0,
        outbox_alert_minutes=alert if 0 < alert < 1e6 else 30.0,
        reply_retry_minutes=reply_retry if 0 < reply_retry < 1e4 else 15.0,
        retention_days=retention,
        lead_retention_days=lead_retention,
        retention_invalid=tuple(unreadable),
    )
