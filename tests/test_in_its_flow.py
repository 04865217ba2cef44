"""Asking for what one is already doing is no digression (``bot.core.digressions.in_its_flow``)."""

from __future__ import annotations

from pathlib import Path

from bot.core.digressions import flow_of, in_its_flow
from tests.conftest import ROOT, Chat, build_engine, load_checked


def test_the_contact_form_is_the_flow_leave_contacts_starts() -> None:
    content = load_checked(ROOT)
    form = flow_of(content, ("main", "lead_intro"))
    assert ("main", "lead_platform") in form and ("main", "menu") not in form
    assert in_its_flow(content, "leave_contacts", ("main", "lead_platform"))
    assert not in_its_flow(content, "pricing", ("main", "lead_platform"))
    assert not in_its_flow(content, "leave_contacts", ("projection", "ask_platform"))


async def test_asking_to_leave_details_inside_the_form_gets_the_questions_retry(
    tmp_path: Path,
) -> None:
    chat = Chat(build_engine(ROOT, tmp_path / "bot.db"), language_code="en")
    await chat.say("/start")
    await chat.say("I'd like to leave my details")
    await chat.press("Let's go")
    before = chat.last
    assert before is not None and before.state != "lead_intro"
    result = await chat.say("i want to leave my contact details")
    assert result.state != "lead_intro"  # the form goes on; it does not start again
