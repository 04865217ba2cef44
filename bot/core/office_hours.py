"""When the team answers a "talk to a person" request: ``dialogs/office_hours.yaml``, optional.

```yaml
timezone: Europe/Rome
hours:
  mon: "9:00-13:00, 15:00-18:30"
  tue: "9:00-13:00, 15:00-18:30"
  sat: "9:00-13:00"     # a day left out is a closed day
```

A prospect waiting for a person is told when to expect an answer: "today" while the team is
in, otherwise the next opening ("domattina dalle 9", "Monday from 9:00 AM"). The words are in
the locales (``human.waiting``); this module only says when, from a clock it is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time

from bot.base.problems import Problems, did_you_mean
from bot.base.yamlpos import is_mapping, load_yaml
from bot.content.catalog import ContentFile

DAYS: dict[str, int] = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
    "lun": 0, "mar": 1, "mer": 2, "gio": 3, "ven": 4, "sab": 5, "dom": 6,
}  # fmt: skip
KEYS = ("timezone", "hours")
DEFAULT_TIMEZONE = "Europe/Rome"
_RANGE = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*-\s*(\d{1,2})(?:[:.](\d{2}))?\s*$")
EXAMPLE = 'mon: "9:00-13:00, 15:00-18:30"'

Span = tuple[time, time]


@dataclass(frozen=True)
class OfficeHours:
    """Opening hours per weekday (0 = Monday), in ``timezone``."""

    timezone: str = DEFAULT_TIMEZONE
    days: dict[int, tuple[Span, ...]] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.zone)
        return any(start <= local.time() < end for start, end in self.days.get(local.weekday(), ()))

    def next_opening(self, now: datetime) -> datetime | None:
        """The next time the team comes in, after ``now`` (local time); None: never open."""
        local = now.astimezone(self.zone)
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            for start, _end in self.days.get(day.weekday(), ()):
                opening = datetime.combine(day, start, tzinfo=self.zone)
                if opening > local:
                    return opening
        return None

    def values(self, now: datetime, locale: str) -> dict[str, Any]:
        """What ``human.waiting`` may say: ``team_in`` (open now); else ``open_day`` ("today",
        "tomorrow", "later" or "" when never), ``open_weekday`` ("lunedì"), ``open_time``
        ("9:00", "9:00 AM") and ``open_morning`` (before noon), in ``locale``."""
        local = now.astimezone(self.zone)
        if self.is_open(now):
            return {
                "team_in": True,
                "open_day": "today",
                "open_weekday": "",
                "open_time": "",
                "open_morning": False,
            }
        opening = self.next_opening(now)
        if opening is None:
            return {
                "team_in": False,
                "open_day": "",
                "open_weekday": "",
                "open_time": "",
                "open_morning": False,
            }
        days = (opening.date() - local.date()).days
        return {
            "team_in": False,
            "open_day": {0: "today", 1: "tomorrow"}.get(days, "later"),
            "open_weekday": format_date(opening.date(), "EEEE", locale=locale),
            "open_time": clock_time(opening.time(), locale),
            "open_morning": opening.hour < 12,
        }


WAITING_VALUES = ("team_in", "open_day", "open_weekday", "open_time", "open_morning")
"""The template values ``waiting_values`` gives (``request_human`` provides them too)."""


def waiting_values(content: Any, now: datetime, lang: str) -> dict[str, Any]:
    """``OfficeHours.values`` for a conversation in ``lang``, from the content's
    ``office_hours.yaml``; without the file, nothing is promised (``open_day`` empty)."""
    values: dict[str, Any] = dict.fromkeys(WAITING_VALUES, "")
    values.update(team_in=False, open_morning=False)
    hours = getattr(content, "extras", {}).get("office_hours")
    languages = getattr(content, "languages", None)
    if isinstance(hours, OfficeHours) and languages is not None:
        values.update(hours.values(now, languages.locale(lang)))
    return values


def clock_time(value: time, locale: str) -> str:
    """Babel's short time without a leading zero: «9:00», «9:00 AM», «15:30»."""
    text = format_time(value, "short", locale=locale)
    return text[1:] if len(text) > 1 and text[0] == "0" and text[1].isdigit() else text


def load_office_hours(path: Path, problems: Problems) -> OfficeHours | None:
    """Read and check the file; every mistake is a located problem, and gives None."""
    src = load_yaml(path, problems)
    if src is None or src.data is None:
        return None
    data = src.data
    before = len(problems)
    if not is_mapping(data):
        problems.add(src.top(), "office_hours.yaml has `timezone:` and `hours:`", EXAMPLE)
        return None
    for key in data:
        if key not in KEYS:
            hint = did_you_mean(str(key), KEYS) or f"known: {', '.join(KEYS)}"
            problems.add(src.at_key(data, key), f"unknown setting `{key}`", hint)
    zone = data.get("timezone", DEFAULT_TIMEZONE)
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        problems.add(
            src.at_value(data, "timezone"),
            f"`{zone}` is not a time zone",
            "write it as Area/City, e.g. Europe/Rome",
        )
    hours = data.get("hours")
    days: dict[int, tuple[Span, ...]] = {}
    if not is_mapping(hours):
        where = src.at_value(data, "hours") if "hours" in data else src.top()
        problems.add(where, "`hours:` lists the open days, one a line", EXAMPLE)
        return None
    for day, value in hours.items():
        weekday = DAYS.get(str(day).strip().lower()[:3])
        if weekday is None:
            problems.add(
                src.at_key(hours, day),
                f"`{day}` is not a day of the week",
                did_you_mean(str(day), DAYS) or "use mon, tue, wed, thu, fri, sat, sun",
            )
            continue
        if weekday in days:
            problems.add(src.at_key(hours, day), f"`{day}` is written twice", "keep one line")
            continue
        spans = _spans(str(value) if value is not None else "")
        if isinstance(spans, str):
            problems.add(src.at_value(hours, day), spans, EXAMPLE)
            continue
        days[weekday] = spans
    if len(problems) > before:
        return None
    return OfficeHours(str(zone), days)


def _spans(text: str) -> tuple[Span, ...] | str:
    """``"9:00-13:00, 15:00-18:30"`` as spans, or what is wrong with it."""
    spans: list[Span] = []
    for part in (p for p in re.split(r"[,;]", text) if p.strip()):
        match = _RANGE.match(part)
        if match is None:
            return f"`{part.strip()}` is not an opening time like 9:00-13:00"
        h1, m1, h2, m2 = (int(g or 0) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            return f"`{part.strip()}` is not a time of day"
        start = time(h1, m1)
        end = time(23, 59, 59) if h2 == 24 else time(h2, m2)
        if end <= start:
            return f"`{part.strip()}` ends before it starts"
        if spans and start < spans[-1][1]:
            return f"`{part.strip()}` overlaps the time before it; list them in order"
        spans.append((start, end))
    if not spans:
        return "no opening time: leave the day out if the team is not in"
    return tuple(spans)


OFFICE_HOURS = ContentFile(name="office_hours.yaml", key="office_hours", load=load_office_hours)
"""The loader's entry for the file (``bot.app.load_content`` passes it with the plug-ins')."""
