"""A prospect whose chat a person from the agency has taken over (a handover is open).

While a handover is open, what the prospect writes (or sends: a photo, a voice note) goes to
the team (the front-end relays it, ``TurnResult.relay``), and the bot keeps quiet, except:

- **commands** (/menu, /start, /delete, /help, /lang…), **taps on buttons** and a typed answer
  to a confirmation the bot asked itself (/delete's "are you sure?") are always the bot's: a
  command is never forwarded to the team as text, a button always does what it says;
- a command or tap that takes the prospect somewhere in the bot (/menu, /start, "Back to menu",
  "Leave your details") **leaves the relay**, politely: the bot answers them again and says
  once that the team still has their request and when it answers (``handover.left``, with the
  office hours). The handover stays open: the team's replies still reach the prospect, and
  when the team writes again (or the prospect asks for a person again) what the prospect
  writes goes to the team once more;
- a relayed message gets, **once per quiet period**, a word that the team has it and when it
  answers (``human.waiting`` with ``relayed``, the same words a prospect waiting before any
  handover opened gets): not while a person is writing to them (the team wrote in the last
  ``TEAM_LIVE``), again after the team wrote, or ``ACK_AGAIN`` after the last such word.

The state lives in ``Conversation.memory``: ``RELAY_LEFT`` when the prospect left the relay,
``RELAY_ACK`` when they were last told the team has their message. Times are ISO strings.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.ports import ConversationStore
from bot.core.records import Handover, read_time
from bot.core.turn import Turn

TEAM_PREFIX = "[team]"  # transcript lines of the team's words (``bot.staff.handover``)
RELAY_LEFT = "relay_left"
RELAY_ACK = "relay_ack"
TEAM_LIVE = timedelta(minutes=10)  # the team wrote this recently: a person is on it, no word
ACK_AGAIN = timedelta(hours=2)  # the word is said again after this long without the team
_RECENT_LINES = 40  # transcript lines looked at for the team's last message


def relaying(t: Turn, handover: Handover | None) -> bool:
    """A handover is open and the prospect is in its relay: they have not left it, or the team
    wrote since they did (``Handover.last_activity``: nothing else touches it meanwhile)."""
    if handover is None:
        t.conv.memory.pop(RELAY_LEFT, None)
        return False
    left = read_time(t.conv.memory.get(RELAY_LEFT))
    if left is None:
        return True
    if handover.last_activity > left:  # the team wrote again: back to them
        t.conv.memory.pop(RELAY_LEFT, None)
        return True
    return False


def leave(t: Turn) -> None:
    """The prospect went somewhere in the bot: what they write is the bot's again."""
    t.conv.memory[RELAY_LEFT] = t.now.isoformat()
    t.event("relay_left")


def rejoin(t: Turn) -> None:
    """The prospect asked for a person again while the handover is open: back to the team."""
    if t.conv.memory.pop(RELAY_LEFT, None) is not None:
        t.event("relay_rejoined")


def team_last_wrote(store: ConversationStore, user_id: str) -> datetime | None:
    """When the team last wrote to the prospect (from the transcript), None if not lately."""
    for line in reversed(store.transcript(user_id, _RECENT_LINES)):
        if line.direction == "out" and line.text.startswith(TEAM_PREFIX):
            return line.at
    return None


def acknowledge_now(t: Turn, store: ConversationStore) -> bool:
    """Whether a relayed message gets the word that the team has it (see the module's rules);
    when it does, the time is remembered."""
    team = team_last_wrote(store, t.conv.user_id)
    if team is not None and t.now - team < TEAM_LIVE:
        return False  # a person is writing to them right now
    acked = read_time(t.conv.memory.get(RELAY_ACK))
    due = acked is None or (team is not None and team > acked) or t.now - acked >= ACK_AGAIN
    if due:
        t.conv.memory[RELAY_ACK] = t.now.isoformat()
    return due
