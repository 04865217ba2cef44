"""The console chat: the same engine and database as Telegram, in a terminal.

Buttons are shown numbered; typing the number (or the label) presses them. This is how staff try
a dialog they just edited, and what a newcomer runs first.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from bot.content.templates import html_to_plain
from bot.core.compose import compose
from bot.core.engine import Engine
from bot.core.messages import Input, Reply


def format_reply(reply: Reply, color: bool = True) -> str:
    lines: list[str] = []
    if reply.media is not None:
        # left on disk, owned or not: in a terminal, the path is how one looks at the chart
        what = "chart" if reply.media.kind == "photo" else reply.media.kind
        lines.append(f"[{what} saved to {reply.media.path}]")
    if reply.text:
        text = html_to_plain(reply.text)
        lines.append(click.style(text, fg="cyan") if color else text)
    for i, button in enumerate(reply.buttons, 1):
        lines.append(f"   [{i}] {button.label}")
    return "\n".join(lines)


class ConsoleChat:
    def __init__(
        self, engine: Engine, user_id: str, lang: str | None = None, first_name: str | None = None
    ) -> None:
        self.engine = engine
        self.user_id = user_id
        self.lang = lang
        self.first_name = first_name
        self.buttons: list[str] = []

    def to_input(self, line: str) -> Input:
        """A typed number presses the matching button of the last message."""
        stripped = line.strip()
        if stripped.isdigit() and 1 <= int(stripped) <= len(self.buttons):
            return Input(
                self.user_id,
                button=self.buttons[int(stripped) - 1],
                language_code=self.lang,
                first_name=self.first_name,
            )
        return Input(self.user_id, text=line, language_code=self.lang, first_name=self.first_name)

    async def send(self, line: str, echo: Callable[[str], None]) -> None:
        result = await self.engine.turn(self.to_input(line))
        if result.notice:  # on Telegram, the pop-up of the tap
            echo(click.style(f"({result.notice})", dim=True))
            echo("")
        for reply in compose(result.replies):  # the messages Telegram would show
            echo(format_reply(reply))
            echo("")
        buttons = [b.data for r in result.replies for b in r.buttons]
        if buttons or result.replies:
            self.buttons = buttons
