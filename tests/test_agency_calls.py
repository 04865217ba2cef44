"""The day and time of a call asked for in the same message are kept as said."""

from __future__ import annotations

import pytest

from bot.agency.calls import call_time


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("can we book a call friday 3pm", "friday 3pm"),
        ("call me friday at 3", "friday at 3"),
        ("any weekday after 5pm", "weekday after 5pm"),
        ("I can do tuesday or wednesday morning", "tuesday or wednesday morning"),
        ("possiamo sentirci giovedì pomeriggio?", "giovedì pomeriggio"),
        ("domani verso le 10 va bene", "domani verso le 10"),
        ("si puo fare una chiamata giovedi pomeriggio?", "giovedi pomeriggio"),
    ],
)
def test_a_call_time_is_kept_as_written(text: str, said: str) -> None:
    assert call_time(text) == said


@pytest.mark.parametrize(
    "text",
    ["can we talk?", "vorrei una chiamata", "book a call please", "con 3 amici", "palle 3"],
)
def test_no_day_or_time_is_none(text: str) -> None:
    assert call_time(text) is None
