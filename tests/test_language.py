"""Language per message: the phone's language is only a prior."""

from __future__ import annotations

import statistics
import time

import pytest

from bot.understanding.language import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "quanto ci vuole per arrivare a 10mila follower?",
        "posso pubblicare io sulla pagina",
        "xke nn condividete i miei post",
        "perche devo pagare anche le sponsorizzate",
        "grazie",
        "buongiorno",
    ],
)
def test_italian(text: str) -> None:
    assert detect_language(text)[0] == "it"


@pytest.mark.parametrize(
    "text",
    [
        "can your staff invite their friends?",
        "how long to get 10k followers",
        "pls call me",
        "thanks",
        "why didnt u share my post",
        "hello",
    ],
)
def test_english(text: str) -> None:
    assert detect_language(text)[0] == "en"


def test_an_english_phone_can_write_italian_and_vice_versa() -> None:
    assert detect_language("in quanto tempo arrivo a mille follower?", prior="en")[0] == "it"
    assert detect_language("how much do you charge per month?", prior="it")[0] == "en"


@pytest.mark.parametrize("text", ["ok", "10k", "👍", "", "?!", "instagram", "10.000 follower"])
def test_ambiguous_messages_keep_the_prior(text: str) -> None:
    assert detect_language(text, prior="it") == ("it", 0.5)
    assert detect_language(text, prior="en") == ("en", 0.5)


def test_ambiguous_without_prior_is_none() -> None:
    assert detect_language("ok") == (None, 0.0)
    assert detect_language("👍") == (None, 0.0)


def test_a_single_ciao_does_not_switch_an_english_conversation() -> None:
    assert detect_language("ciao", prior="en")[0] == "en"
    assert detect_language("ciao")[0] == "it"
    assert detect_language("grazie", prior="en")[0] == "it"  # a clear word does switch
    assert detect_language("thanks", prior="it")[0] == "en"


def test_loanwords_do_not_make_italian_english() -> None:
    assert detect_language("ho comprato follower e like per il mio post", prior="en")[0] == "it"
    assert detect_language("quanto budget per le ads su facebook?")[0] == "it"


def test_confidence_grows_with_evidence() -> None:
    short = detect_language("ciao")[1]
    long = detect_language("ciao, vorrei sapere quanto costa la gestione della pagina")[1]
    assert 0.0 < short < long <= 1.0


def test_typos_of_common_words_still_count() -> None:
    assert detect_language("buonsera")[0] == "it"
    assert detect_language("thankss")[0] == "en"


def test_unknown_prior_codes_are_ignored() -> None:
    assert detect_language("ok", prior="de") == (None, 0.0)


def test_fast() -> None:
    texts = ["quanto costa la gestione della pagina?", "can I post on the page myself?"] * 50
    detect_language("warm up")
    timings = []
    for text in texts:
        start = time.thread_time_ns()
        detect_language(text)
        timings.append(time.thread_time_ns() - start)
    assert statistics.median(timings) < 200_000  # ns; a few µs in practice


@pytest.mark.parametrize("text", ["vogghiu parrari cu quarcunu", "quantu custa?", "buondì a voi"])
def test_sicilian_and_chat_greetings_are_italian(text: str) -> None:
    assert detect_language(text)[0] == "it"


@pytest.mark.parametrize("text", ["yo", "sup"])
def test_short_english_greetings(text: str) -> None:
    assert detect_language(text)[0] == "en"
