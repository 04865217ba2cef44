"""Training variants of staff's examples (``bot.understanding.augment``)."""

from __future__ import annotations

import random

from bot.understanding.augment import augmented, chat_spellings, typed
from bot.understanding.lang import BUILTIN_PACKS

IT, EN = BUILTIN_PACKS["it"], BUILTIN_PACKS["en"]
EXAMPLES = [
    ("greeting", "ciao"),
    ("greeting", "buongiorno, ho un ristorante a palermo"),
    ("pricing", "Quanto costa la gestione della pagina, perché non lo so?"),
    ("out_of_scope", "che tempo fa domani"),
]


def test_every_variant_keeps_its_examples_label_and_the_examples_come_first() -> None:
    out = augmented(EXAMPLES, IT)
    assert out[: len(EXAMPLES)] == EXAMPLES
    pricing = [text for label, text in out if label == "pricing"]
    assert len(pricing) == 4  # the example, typed, after a hello, after an introduction
    assert any(t.startswith("ciao, ") for t in pricing)
    assert any(t.startswith("buongiorno, ho un ristorante a palermo. ") for t in pricing)
    # an off-topic request after a hello is still off topic; it gets no introduction
    off = [text for label, text in out if label == "out_of_scope"]
    assert "ciao, che tempo fa domani" in off and len(off) == 3
    # greetings are not put in front of greetings
    assert all("," not in t or t.startswith("buongiorno") for lb, t in out if lb == "greeting")


def test_the_variants_are_the_same_every_time() -> None:
    assert augmented(EXAMPLES, IT) == augmented(EXAMPLES, IT)


def test_typed_uses_the_packs_chat_spellings_and_drops_accents_and_punctuation() -> None:
    spellings = chat_spellings(IT)
    assert spellings["non"] == "nn" and spellings["per"] == "x"
    assert chat_spellings(EN)["you"] == "u"

    class Always(random.Random):
        def random(self) -> float:  # every chance taken: a spelling wherever there is one
            return 0.0

    text = typed("Perché non postate per noi? È così!", spellings, Always(0))
    assert "?" not in text and "!" not in text and "è" not in text
    words = text.split()
    assert words[:2] == [spellings["perche"], "nn"] and words[3] == "x"


def test_typos_never_touch_short_words_or_numbers() -> None:
    rng = random.Random(1)
    for _ in range(200):
        words = typed("ok 10k 300 euro sì", {}, rng).split()
        assert words[:3] == ["ok", "10k", "300"]
