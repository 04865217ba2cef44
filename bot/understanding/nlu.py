"""One call that reads a prospect's message: language, intent and entities together.

The engine and the command line use this facade so that they never disagree on how a message
was understood (the same language feeds the matcher and the entity extractor).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.understanding.cache import cached_matcher
from bot.understanding.classifier import IntentClassifier, Ranked, load_or_train
from bot.understanding.entities import Entities, extract_entities
from bot.understanding.intents import (
    ACCEPT,
    CLAUSE_WORDS,
    OUT_OF_SCOPE,
    THRESHOLD,
    YIELDING,
    IntentSet,
    Match,
    clauses,
    known_words,
)
from bot.understanding.lang import BUILTIN_PACKS, NLU_LANGUAGES, LanguagePack, packs_first
from bot.understanding.language import detect_language, is_sentence_in, strong_markers
from bot.understanding.text import fold_accents, words
from bot.understanding.when import call_time
from bot.understanding.yesno import read_acknowledgement, read_yesno


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
    source: str = "matcher"
    """Who decided: "matcher", "classifier", "both" (they agreed) or "none" (not understood)."""
    off_topic: bool = False
    """Not understood, and recognised as something the bot does not handle (the classifier's
    ``out_of_scope`` class, surely): "what is 17 times 23", "ho sbagliato chat". The engine
    says so plainly instead of "we did not catch that"."""
    ranked: tuple[Ranked, ...] = ()
    """The classifier's three likeliest labels (``out_of_scope`` included), for staff's review
    of what the bot did not understand; empty without a classifier."""

    def to_json(self) -> dict[str, Any]:
        """The ``python -m bot nlu --json`` line for this message."""
        return {
            "text": self.text,
            "lang": self.lang,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "source": self.source,
            "entities": self.entities.to_json(),
        }


# How the matcher and the classifier are combined, measured with `python -m bot nlu-eval` on
# tests/data/nlu_eval.tsv and nlu_holdout.tsv (tuned there; nlu_final_check.tsv and
# nlu_independent.tsv only measured). The classifier generalises to phrasings no example has,
# but it also accepts out-of-scope messages that share a word with an intent, so it decides
# alone only when clearly sure and the matcher is not.
MATCHER_SURE = 0.56  # a matcher confidence this high is kept unless the classifier all but
CLASSIFIER_VETO = 0.05  # excludes its intent (probability below this)
CLASSIFIER_SURE = 0.8  # the classifier's probability to answer when the matcher is unsure
SECOND_OPINION = 0.3  # the classifier's probability for the matcher's intent to back it
OFF_TOPIC_DOUBT = 0.25  # out_of_scope this likely: no leaning is enough, only sure readers
NO_OPINION = 0.25  # the classifier's top probability under which it has no favourite at all
IN_SCOPE_LIKELY = 0.65  # the classifier's, to overrule a matcher that saw a request but is unsure
NEAR_MISS = 0.45  # a matcher this close under its line...
IN_SCOPE_AGREED = 0.5  # ...and the classifier this sure of the same intent: understood
OFF_TOPIC_SURE = 0.5  # a message not understood is off topic when out_of_scope is this likely
GREETED_LIKELY = 0.4  # after a hello the matcher cannot see past, the classifier's question
SHORT_WORDS = 3  # a message this short, read by the classifier alone...
SHORT_CLASSIFIER_SURE = 0.8  # ...must be this sure: "c'è qualcuno?" is no request for a person
CLAUSE_SURE = 0.6  # a clause read alone must be this sure to be the message's question...
CLAUSE_CLASSIFIER_SURE = 0.75  # ...and this sure when the classifier alone reads it: a short
# clause ("Sono Luca Ferro") gives the classifier little to go on
FOCUS_SURE = 0.6  # what a message asks without what it denies, to override the whole
LONG_WORDS = 25  # a message this long is asked by its question sentence...
QUESTION_SURE = 0.6  # ...when that sentence alone is understood this surely
QUESTION_LIKELY = 0.4  # ...or, when nothing else is understood, this likely by the classifier
QUESTION_WORDS = 20  # a question shorter than this is read with the sentence before it
CALL_ME, BOOKS_CALL, GROWTH = "talk_to_human", "book_call", "growth_timeline"
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")


def decide(
    match: Match, ranked: list[Ranked] | tuple[Ranked, ...]
) -> tuple[str | None, float, str]:
    """(intent or None, confidence 0..1 with ``ACCEPT`` as the line, who decided).

    ``match`` is the matcher's verdict (intent None below its threshold), ``ranked`` the
    classifier's labels most likely first (empty: the matcher alone decides)."""
    if not ranked:
        return match.intent, match.confidence, "matcher" if match.intent else "none"
    top = ranked[0]
    if match.intent is not None and match.intent == top.label:
        return match.intent, max(match.confidence, top.probability), "both"
    if match.intent is not None and match.confidence >= MATCHER_SURE:
        backing = next((r.probability for r in ranked if r.label == match.intent), 0.0)
        if backing >= CLASSIFIER_VETO:
            return match.intent, match.confidence, "matcher"
    classifier_sure = top.label != OUT_OF_SCOPE and top.probability >= CLASSIFIER_SURE
    if classifier_sure and (match.intent is None or match.confidence < MATCHER_SURE):
        return top.label, top.probability, "classifier"
    # the leanings below count only while the classifier does not think it off topic
    doubt = next((r.probability for r in ranked if r.label == OUT_OF_SCOPE), 0.0)
    if doubt >= OFF_TOPIC_DOUBT:
        return _not_understood(match)
    if match.intent is not None:
        # neither reader sure, but they lean the same way: the matcher's intent is the
        # classifier's close second ("do you shoot the photos too or do I provide them?")
        backing = next((r.probability for r in ranked if r.label == match.intent), 0.0)
        if backing >= SECOND_OPINION:
            return match.intent, max(match.confidence, ACCEPT), "both (leaning)"
        if top.probability < NO_OPINION:  # the classifier has no favourite: the matcher's
            return match.intent, max(match.confidence, ACCEPT), "matcher (alone)"
        # the matcher sees a request, so the message is in scope: the classifier's clear
        # favourite among the intents is enough ("contattatemi voi quando avete tempo")
        if top.label != OUT_OF_SCOPE and top.probability >= IN_SCOPE_LIKELY:
            return top.label, top.probability, "classifier (in scope)"
    elif (
        match.near == top.label != OUT_OF_SCOPE
        and match.confidence >= NEAR_MISS
        and top.probability >= IN_SCOPE_AGREED
    ):  # just under the matcher's line, and the classifier's favourite: the same intent
        return top.label, max(top.probability, ACCEPT), "both (near)"
    return _not_understood(match)


def _not_understood(match: Match) -> tuple[None, float, str]:
    """No intent, with the matcher's confidence kept under the line (for staff's review)."""
    return None, min(max(match.confidence, 0.0), ACCEPT - 0.01), "none"


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
        *,
        classifier: IntentClassifier | bool = True,
        cache: Path | None = None,
    ) -> None:
        """``classifier``: True trains one from ``intents`` (or reads it from ``cache``, default
        ``classifier.cache_dir()``), False reads with the matcher alone, or a trained one."""
        self.intents = intents
        # indexing the examples takes most of a start: kept in the cache folder (``cache``)
        self.matcher = cached_matcher(intents, THRESHOLD if threshold is None else threshold, cache)
        self.packs = packs
        if classifier is True:
            self.classifier: IntentClassifier | None = load_or_train(intents, cache, packs)
        elif classifier is False:
            self.classifier = None
        else:
            self.classifier = classifier
        # the language of each example written in only one of them (``analyse``'s last resort)
        seen: dict[str, set[str]] = {}
        for lang in sorted(self.languages):
            for _, phrase in intents.examples(lang):
                seen.setdefault(phrase.text, set()).add(lang)
        self._example_langs = {text: next(iter(ls)) for text, ls in seen.items() if len(ls) == 1}
        # the words ``_someone_elses`` and ``_meeting_day`` read, of every language at once
        every = list((BUILTIN_PACKS if packs is None else packs).values())
        self._owners = {fold_accents(w) for pack in every for w in pack.owner_words}
        self._having = {fold_accents(w) for pack in every for w in pack.having_words}
        self._today = {
            fold_accents(w) for pack in every for w, days in pack.relative_days.items() if days <= 0
        }

    def ranked(self, text: str, lang_prior: str | None = None) -> list[tuple[str, float]]:
        """Every label (intents and ``out_of_scope``) with how likely it is for ``text``, best
        first, even below the line where the bot answers (for staff's review): the classifier's
        probabilities when there is one, else the matcher's confidences (``Matcher.ranked``)
        in the language ``analyse`` would read it in."""
        if self.classifier is not None:
            return [(r.label, r.probability) for r in self.classifier.rank(text)]
        return self.matcher.ranked(text, detect_language(text, lang_prior)[0])

    def _both(self, text: str, lang: str | None) -> tuple[Match, list[Ranked]]:
        """What each reader makes of ``text``: the matcher's verdict, the classifier's ranking
        (empty without a classifier)."""
        ranked = self.classifier.rank(text) if self.classifier is not None else []
        return self.matcher.match(text, lang), ranked

    def _focus(
        self, text: str, lang: str | None, intent: str | None, confidence: float, source: str
    ) -> tuple[str | None, float, str]:
        """What a message that opens by denying something asks: "non voglio garanzie, voglio
        vedere cosa avete fatto per altri", "not the price, the output: 3 posts a week?" (its
        first clause starts with one of the language pack's ``negations``). The rest wins when
        it is surely understood and asks something else."""
        if self.classifier is None or lang is None:
            return intent, confidence, source
        parts = clauses(text)
        negations = packs_first(lang, self.packs)[0].negations
        opening = fold_accents(parts[0].lower()).split() if parts else []
        if len(parts) < 2 or not opening or opening[0] not in negations:
            return intent, confidence, source
        rest = " ".join(parts[1:])
        if len(rest.split()) < CLAUSE_WORDS:
            return intent, confidence, source
        found = decide(*self._both(rest, lang))
        asks = found[0] is not None and found[0] not in YIELDING and found[0] != intent
        if asks and found[1] >= FOCUS_SURE:
            return found[0], found[1], f"{found[2]} (without what it denies)"
        return intent, confidence, source

    def _question(
        self, text: str, lang: str | None, intent: str | None, confidence: float, source: str
    ) -> tuple[str | None, float, str]:
        """A long message (the shop, the town, the followers, the ads tried… then the question)
        is asked by its question: the last sentence with a question mark, read alone, wins
        when both readers or one of them by ``decide``'s rules are sure of it."""
        assert self.classifier is not None
        sentences = [p for p in _SENTENCE.split(text) if p.strip()]
        asked = [i for i, p in enumerate(sentences) if "?" in p and len(p.split()) >= CLAUSE_WORDS]
        if not asked and len(sentences) > 1:
            # no question mark, as people type: "…1500 follower su instagram. volevo sapere
            # che servizi fate e come funziona il primo mese" asks in its last sentence
            asked = [len(sentences) - 1]
        if not asked:
            return intent, confidence, source
        # the last question, with the sentences just before it while it is too short to stand
        # alone ("who reads these? Do you keep them? For how long?" asks about privacy, not
        # time; "I read agencies get their staff to follow new pages. Do you do that?")
        first = asked[-1]
        question = sentences[first]
        while first > 0 and len(question.split()) < QUESTION_WORDS:
            first -= 1
            question = f"{sentences[first]} {question}"
        match, ranked = self._both(question, lang)
        found = decide(match, ranked)
        if found[0] is not None and found[0] not in YIELDING and found[1] >= QUESTION_SURE:
            return found[0], found[1], f"{found[2]} (its question)"
        top = ranked[0]
        # nothing else understood: the question's likeliest intent, if the matcher does not
        # see another one there (long messages are rarely out of scope)
        fits = top.label != OUT_OF_SCOPE and top.label not in YIELDING
        agrees = match.intent in (None, top.label) and top.probability >= QUESTION_LIKELY
        if intent is None and fits and agrees:
            return top.label, max(top.probability, ACCEPT), "classifier (its question)"
        return intent, confidence, source

    def _clauses(
        self,
        text: str,
        lang: str | None,
        intent: str | None,
        confidence: float,
        source: str,
        off_topic: bool = False,
    ) -> tuple[str | None, float, str]:
        """A message that as a whole asks nothing (or only says hello) read clause by clause,
        by both readers: "hello, quanto prendete x month", or a question at the end of five
        sentences about the shop. The surest clause that both readers, or one of them alone
        by ``decide``'s rules, understand is the question."""
        parts = [p for p in clauses(text) if len(p.split()) >= CLAUSE_WORDS]
        if len(parts) < 2 or self.classifier is None:
            return intent, confidence, source
        best: tuple[str | None, float, str] = (intent, confidence, source)
        for part in parts:
            found = decide(*self._both(part, lang))
            if found[0] is None or found[0] in YIELDING:
                continue
            if off_topic and found[2] != "both":
                # off topic as a whole ("capcut keeps crashing, any idea?"): a clause needs
                # both readers to be the question, not one of them on two words
                continue
            bar = CLAUSE_CLASSIFIER_SURE if found[2] == "classifier" else CLAUSE_SURE
            if found[1] >= bar and (best[0] in (None, *YIELDING) or found[1] > best[1]):
                best = (found[0], found[1], f"{found[2]} (one clause)")
        return best

    def _someone_elses(self, text: str) -> bool:
        """Whether a question about followers is about someone else's page: a page "has"
        them, and nothing in it is the prospect's or the agency's ("how many followers does
        Taylor Swift have?", "quanti follower ha Fiorello?"; not "quanti follower ha la mia
        pagina?" nor "how many followers will we have?")."""
        folded = {fold_accents(w) for w in words(text.lower())}
        return bool(folded & self._having) and not folded & self._owners

    def _meeting_day(self, text: str) -> bool:
        """Whether a request to talk to someone names when ("venerdì mattina", "Monday 3pm"):
        a call or meeting to book. "Today" alone does not ("I wrote yesterday and today the bot
        still answers": a complaint, not a booking)."""
        when = call_time(text, self.packs)
        return when is not None and fold_accents(when.lower()) not in self._today

    def analyse(
        self, text: str, lang_prior: str | None = None, today: date | None = None
    ) -> Analysis:
        """Read one message; ``lang_prior`` is the conversation's (or the phone's) language."""
        lang, lang_confidence = detect_language(text, lang_prior)
        someone_else = False
        match, ranked = self._both(text, lang)
        intent, confidence, source = decide(match, ranked)
        if match.intent in YIELDING and match.confidence <= ACCEPT and ranked:
            # the matcher's "only a hello" is its fallback when the rest asks nothing clearly;
            # the classifier, trained on hellos in front of questions, may see the question
            top = ranked[0]
            if top.label not in (OUT_OF_SCOPE, *YIELDING) and top.probability >= GREETED_LIKELY:
                intent, confidence, source = top.label, ACCEPT, "classifier (after the hello)"
        short = len(words(text)) <= SHORT_WORDS  # "c'è qualcuno?": too little to go on
        said = lang or "it"
        answers = short and (
            read_yesno(text, said, self.packs) is not None
            or read_acknowledgement(text, said, self.packs) is not None
        )  # "yes sure", "ok grazie": an answer to the bot, not a question for the classifier
        wordless = not any(ch.isalpha() for ch in text)  # "3", "👍", "!!": nothing to read
        if source == "classifier" and (
            wordless or (short and (answers or confidence < SHORT_CLASSIFIER_SURE))
        ):
            intent, confidence, source = None, min(match.confidence, ACCEPT - 0.01), "none"
        if self.classifier is not None:
            intent, confidence, source = self._focus(text, lang, intent, confidence, source)
        if self.classifier is not None and len(text.split()) >= LONG_WORDS:
            intent, confidence, source = self._question(text, lang, intent, confidence, source)
        # the classifier thinks the whole message off topic
        classifier_off = (
            bool(ranked)
            and ranked[0].label == OUT_OF_SCOPE
            and ranked[0].probability >= OFF_TOPIC_SURE
        )
        if self.classifier is not None and (intent is None or intent in YIELDING):
            intent, confidence, source = self._clauses(
                text, lang, intent, confidence, source, off_topic=classifier_off
            )
        if intent == GROWTH and self._someone_elses(text):
            # "quanti follower ha khaby lame?": a page that is not theirs, nothing to project
            intent, confidence, source = None, min(confidence, ACCEPT - 0.01), "none"
            someone_else = True
        if intent == CALL_ME and self._meeting_day(text):
            # "voglio un incontro venerdì mattina": a meeting with its day is one to book
            intent, source = BOOKS_CALL, f"{source} (with a day)"
        if lang is None and match.example is not None:
            # "hiya", "bngiorno a tt": too short to tell, but like an example in one language
            lang = self._example_langs.get(match.example)
            lang_confidence = 0.5 if lang else lang_confidence
        entities = extract_entities(text, lang, today, self.packs)
        return Analysis(
            text=text,
            lang=lang,
            lang_confidence=lang_confidence,
            intent=intent,
            confidence=confidence,
            example=match.example if intent == match.intent else None,
            source=source,
            off_topic=someone_else
            or (
                intent is None
                and known_words(text) >= 2  # real words, not "asdfgh"
                # "si certo", "ok grazie": an answer to the bot, however the classifier ranks it
                and read_yesno(text, lang or "it", self.packs) is None
                and read_acknowledgement(text, lang or "it", self.packs) is None
                and classifier_off
            ),
            ranked=tuple(ranked[:3]),
            entities=entities,
            lang_markers=strong_markers(text).get(lang, 0) if lang else 0,
            lang_sentence=bool(lang) and is_sentence_in(text, lang or ""),
        )
