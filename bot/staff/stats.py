"""The funnel: where prospects go, where they stop, what the bot did not understand.

Everything comes from the SQLite tables the engine already writes (users, conversations, events,
leads); nothing extra is logged for statistics.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from bot.storage.sqlite import Store

NO_SOURCE = "(direct)"


@dataclass
class Funnel:
    started: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    reached: Counter[str] = field(default_factory=Counter)  # "dialog.state" -> prospects
    stopped: Counter[str] = field(default_factory=Counter)  # current state -> prospects
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    leads: int = 0
    handovers: int = 0
    not_understood: Counter[str] = field(default_factory=Counter)

    @property
    def conversion(self) -> float:
        return self.leads / self.started if self.started else 0.0


def compute(store: Store, since: datetime | None = None, source: str | None = None) -> Funnel:
    where, args = ["1 = 1"], []
    if since is not None:
        where.append("u.first_seen >= ?")
        args.append(since.isoformat(timespec="seconds"))
    if source is not None:
        if source == NO_SOURCE:
            where.append("u.source is null")
        else:
            where.append("u.source = ?")
            args.append(source)
    users_sql = f"select u.* from users u where {' and '.join(where)}"
    funnel = Funnel()
    ids: list[str] = []
    for user in store.db.query(users_sql, args):
        ids.append(user["id"])
        funnel.started += 1
        funnel.languages[user["lang"] or "?"] += 1
        key = user["source"] or NO_SOURCE
        funnel.by_source.setdefault(key, {"started": 0, "leads": 0})["started"] += 1
    if not ids:
        return funnel
    chosen = f"select u.id from users u where {' and '.join(where)}"
    for row in store.db.query(
        f"select dialog || '.' || state as place, count(distinct user_id) as n from events "
        f"where kind = 'enter' and user_id in ({chosen}) group by place",
        args,
    ):
        funnel.reached[row["place"]] = row["n"]
    for row in store.db.query(
        f"select dialog || '.' || state as place, count(*) as n from conversations "
        f"where user_id in ({chosen}) group by place",
        args,
    ):
        funnel.stopped[row["place"]] = row["n"]
    for row in store.db.query(
        f"select l.kind, coalesce(u.source, ?) as src, count(distinct l.user_id) as n "
        f"from leads l join users u on u.id = l.user_id where l.user_id in ({chosen}) "
        f"group by l.kind, src",
        [NO_SOURCE, *args],
    ):
        if row["kind"] == "human":
            funnel.handovers += row["n"]
        else:
            funnel.leads += row["n"]
            funnel.by_source.setdefault(row["src"], {"started": 0, "leads": 0})["leads"] += row["n"]
    for row in store.db.query(
        f"select lower(trim(detail)) as msg, count(*) as n from events "
        f"where kind = 'not_understood' and user_id in ({chosen}) group by msg",
        args,
    ):
        funnel.not_understood[row["msg"]] = row["n"]
    return funnel


def format_report(funnel: Funnel, top: int = 10) -> str:
    """Plain text for the terminal and for admins on Telegram."""
    if not funnel.started:
        return "No prospects in this period."
    lines = [
        f"Prospects started: {funnel.started}",
        f"Leads: {funnel.leads} ({funnel.conversion:.0%})   Asked for a person: {funnel.handovers}",
        "Languages: " + ", ".join(f"{k} {v}" for k, v in funnel.languages.most_common()),
        "",
        "By source (started → leads):",
    ]
    for src, row in sorted(funnel.by_source.items(), key=lambda kv: -kv[1]["started"]):
        rate = row["leads"] / row["started"] if row["started"] else 0
        lines.append(f"  {src}: {row['started']} → {row['leads']} ({rate:.0%})")
    lines += ["", "Reached (prospects per state):"]
    lines += [f"  {place}: {n}" for place, n in funnel.reached.most_common()]
    lines += ["", "Stopped at (current state):"]
    lines += [f"  {place}: {n}" for place, n in funnel.stopped.most_common()]
    if funnel.not_understood:
        lines += ["", f"Not understood (top {top}) — add them as examples in dialogs/intents.yaml:"]
        lines += [f"  {n}× {msg}" for msg, n in funnel.not_understood.most_common(top)]
    return "\n".join(lines)


def write_csv(funnel: Funnel, out: TextIO) -> None:
    """One row per figure, so a spreadsheet can pivot it: section, key, value."""
    writer = csv.writer(out)
    writer.writerow(["section", "key", "value"])
    rows: list[tuple[str, str, Any]] = [
        ("total", "started", funnel.started),
        ("total", "leads", funnel.leads),
        ("total", "handovers", funnel.handovers),
    ]
    rows += [("language", k, v) for k, v in funnel.languages.items()]
    for src, row in funnel.by_source.items():
        rows += [("source_started", src, row["started"]), ("source_leads", src, row["leads"])]
    rows += [("reached", k, v) for k, v in funnel.reached.items()]
    rows += [("stopped", k, v) for k, v in funnel.stopped.items()]
    rows += [("not_understood", k, v) for k, v in funnel.not_understood.items()]
    for section, key, value in rows:
        safe = "'" + key if key[:1] in ("=", "+", "-", "@") else key
        writer.writerow([section, safe, value])
