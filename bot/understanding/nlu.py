"""One call that reads a prospect's message: language, intent and entities together.

The engine and the command line use this facade so that they never disagree on how a message
was understood (the same language feeds the matcher and the entity extractor).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.understanding.entities import Entities, extract_entities
from bot.understanding.intents import IntentSet, Matcher
from bot.understanding.lang import NLU_LANGUAGES, LanguagePack
from bot.understanding.language import detect_language, is_sentence_in, strong_markers


@dataclass(frozen=True)
class Analysis:
    """What one message says, as far as the bot can tell."""

    text: str
    lang: str | None
    lang_confidence: float
    intent: str | None
    confidence: float
    example: str | None
    entities: Entities
    lang_markers: int = 0
    """How many function words of ``lang`` the message has (``language.strong_markers``)."""
    lang_sentence: bool = False
    """The message is a full sentence clearly in ``lang`` (``language.is_sentence_in``)."""

    def to_json(self) -> dict[str, Any]:
        """The ``python -m bot nlu --json`` line for this message."""
        return {
            "text": self.text,
            "lang": self.lang,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "entities": self.entities.to_json(),
        }


class Understanding:
    """Language, intent and entities of free text, built once from the intents file.

    ``languages`` are those ``detect_language`` can tell apart (``NLU_LANGUAGES``); ``packs``
    the language packs entities are read with (the content's, with staff's ``words.yaml``;
    default: the built-in ones).
    """

    languages: frozenset[str] = frozenset(NLU_LANGUAGES)

    def __init__(
        self,
        intents: IntentSet,
        threshold: float | None = None,
        packs: Mapping[str, LanguagePack] | None = None,
    ) -> None:
        self.intents = intents
        self.matcher = Matcher(intents) if threshold is None else Matcher(intents, threshold)
        self.packs = packs

    def analyse(
        self, text: str, lang_prior: str | None = None, today: date | None = None
    ) -> Analysis:
        """Read one message; ``lang_prior`` is the conversation's (or the phone's) language."""
        lang, lang_confidence = detect_language(text, lang_prior)
        match = self.matcher.match(text, lang)
        entities = extract_entities(text, lang, today, self.packs)
        return Analysis(
            text=text,
            lang=lang,
            lang_confidence=lang_confidence,
            intent=match.intent,
            confidence=match.confidence,
            example=match.example,
            entities=entities,
            lang_markers=strong_markers(text).get(lang, 0) if lang else 0,
            lang_sentence=bool(lang) and is_sentence_in(text, lang or ""),
        )
