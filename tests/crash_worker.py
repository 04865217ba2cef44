"""Drives many conversations forever on one SQLite file; the crash test kills it with SIGKILL."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.core.messages import Input
from tests.conftest import MINI, build_engine

SCRIPT = [
    "/start",
    "Contact",
    "Anna",
    "anna@example.com",
    "yes",
    "/menu",
    "Plan",
    "800",
    "zero",
    "Instagram",
    "/restart",
]


async def main(db: Path, users: int) -> None:
    engine = build_engine(MINI, db)
    position = {f"u{i}": 0 for i in range(users)}
    turns = 0
    while True:
        for user in position:
            text = SCRIPT[position[user] % len(SCRIPT)]
            await engine.turn(Input(user, text=text, language_code="en"))
            position[user] += 1
            turns += 1
            if turns % 50 == 0:
                print(turns, flush=True)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
