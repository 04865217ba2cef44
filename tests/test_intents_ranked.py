"""``Matcher.ranked`` and ``Understanding.ranked``: every label near a message, best first, even
below the line where the bot answers (what staff's review suggests for a message the bot did not
understand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.base.problems import Problems
from bot.understanding.intents import ACCEPT, OUT_OF_SCOPE, IntentSet, Matcher, load_intents
from bot.understanding.language import detect_language
from bot.understanding.nlu import Understanding

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shipped() -> IntentSet:
    intents = load_intents(ROOT / "dialogs" / "intents.yaml", Problems())
    assert intents is not None
    return intents


@pytest.fixture(scope="module")
def matcher(shipped: IntentSet) -> Matcher:
    return Matcher(shipped)


@pytest.mark.parametrize(
    ("text", "lang", "intent"),
    [
        ("quanto costa?", "it", "pricing"),
        ("how much do you charge", None, "pricing"),  # both languages tried
        ("operatore pls", "en", "talk_to_human"),  # the other language, clearly sure
        ("ciao!", "en", "greeting"),
    ],
)
def test_what_the_matcher_answers_comes_first_with_its_confidence(
    matcher: Matcher, text: str, lang: str | None, intent: str
) -> None:
    match = matcher.match(text, lang)
    assert match.intent == intent
    assert matcher.ranked(text, lang)[0] == (intent, match.confidence)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("how much dosh do you lot want", "en"),
        ("voi lavorate col metaverso?", "it"),
        ("che tempo fa domani a Roma?", "it"),
    ],
)
def test_below_the_line_the_nearest_labels_are_still_ranked(
    matcher: Matcher, shipped: IntentSet, text: str, lang: str
) -> None:
    match = matcher.match(text, lang)
    ranked = matcher.ranked(text, lang)
    assert match.intent is None and ranked
    labels = [label for label, _ in ranked]
    assert len(set(labels)) == len(labels) and set(labels) <= {*shipped.ids(), OUT_OF_SCOPE}
    confidences = [conf for _, conf in ranked]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= conf <= 1.0 for conf in confidences)
    # the nearest real intent is what `match` says came closest
    nearest = next(conf for label, conf in ranked if label != OUT_OF_SCOPE)
    assert min(nearest, ACCEPT - 0.01) == match.confidence


def test_out_of_scope_is_ranked_too(matcher: Matcher) -> None:
    assert matcher.ranked("che tempo fa domani a Roma?", "it")[0][0] == OUT_OF_SCOPE


def test_without_a_language_each_label_is_its_best_in_either(matcher: Matcher) -> None:
    text = "quanto costa?"
    both = dict(matcher.ranked(text, None))
    for lang in ("it", "en"):
        for label, conf in matcher.ranked(text, lang):
            assert both[label] >= conf
    assert matcher.ranked("asdfgh", None) == []  # nothing near


def test_the_understanding_ranks_with_the_matcher_when_it_has_no_classifier(
    shipped: IntentSet,
) -> None:
    understanding = Understanding(shipped, classifier=False)
    for text, prior in [("how much dosh do you lot want", "en"), ("quanto costa?", None)]:
        lang = detect_language(text, prior)[0]
        assert understanding.ranked(text, prior) == understanding.matcher.ranked(text, lang)


def test_the_understanding_ranks_with_the_classifier_when_it_has_one(shipped: IntentSet) -> None:
    understanding = Understanding(shipped)  # trained once, then read from the tests' cache
    assert understanding.classifier is not None
    text = "how much dosh do you lot want"
    ranked = understanding.ranked(text, "en")
    assert {label for label, _ in ranked} == {*shipped.ids(), OUT_OF_SCOPE}
    assert sum(p for _, p in ranked) == pytest.approx(1.0)
    assert [p for _, p in ranked] == sorted((p for _, p in ranked), reverse=True)
    carried = understanding.analyse(text, "en").ranked
    assert ranked[: len(carried)] == [(r.label, r.probability) for r in carried]
