"""When the conversation switches to the language the prospect writes in.

Only on strong evidence, only between languages the understanding can tell apart, and never
once the prospect chose one with ``/lang`` (``Conversation.lang_locked``).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from bot.core.turn import Turn
from bot.languages import LanguageRegistry

SWITCH_CONFIDENCE = 0.55  # an intent this sure (0.5 = just understood) may switch the language


def follow_language(
    t: Turn, analysis: Any, languages: LanguageRegistry, detectable: Collection[str]
) -> None:
    """Answer in the language the prospect writes — but only for what they *say*: a name or a
    business typed as an answer ("Pasticceria Bianchi") tells nothing about it, so callers
    call this only where the message is read as speech.

    ``analysis`` is the understanding's reading (its ``lang``, ``intent``, ``confidence``,
    ``lang_markers``, ``lang_sentence``; None: nothing read). ``detectable``: the languages
    the understanding tells apart; it reads a message in any other (German, say) as one of
    those, so a conversation in German stays in German. Sets ``t.conv.lang`` and records
    ``lang_detected``, or ``lang_kept`` when the evidence is too weak."""
    lang = getattr(analysis, "lang", None)
    if not isinstance(lang, str) or lang not in languages:
        return
    if lang not in detectable or t.conv.lang not in detectable:
        return
    if lang != t.conv.lang and not t.conv.lang_locked:
        if not clearly_switched(analysis, lang, t.phone_lang):
            t.event("lang_kept", lang)
            return
        t.conv.lang = lang
        t.event("lang_detected", lang)


def clearly_switched(analysis: Any, lang: str, phone_lang: str | None) -> bool:
    """Strong evidence that the prospect now writes ``lang``: a full sentence clearly in it,
    or a question understood with good confidence (≥ ``SWITCH_CONFIDENCE``) that has its
    function words ("how much is it?"; one is enough when the phone speaks ``lang`` too,
    ``phone_lang``). Never a short message the bot did not understand, a loanword ("brand
    awareness", "coffee shop"), a proper noun, "ok": those keep the conversation's language."""
    if getattr(analysis, "lang_sentence", False):
        return True
    understood = bool(getattr(analysis, "intent", None)) and (
        float(getattr(analysis, "confidence", 0.0)) >= SWITCH_CONFIDENCE
    )
    needed = 1 if phone_lang == lang else 2
    return understood and int(getattr(analysis, "lang_markers", 0)) >= needed
