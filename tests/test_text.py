"""Normalisation: what a phone-typed message becomes before matching."""

from __future__ import annotations

import pytest

from bot.understanding.text import (
    CLOCK,
    NUM,
    clean,
    content_lemmas,
    expand,
    fold_accents,
    lemma,
    lemmas,
    normalise,
    unelongate,
    words,
)


def test_case_accents_punctuation_and_emoji_do_not_matter() -> None:
    assert normalise("Perché?!  Ciao 👋") == normalise("perche ciao")
    assert fold_accents("più può città") == "piu puo citta"


@pytest.mark.parametrize(
    ("typed", "word"),
    [("ciaooo", "ciao"), ("grazieee", "grazie"), ("heyyy", "hey"), ("folllowers", "followers")],
)
def test_elongated_letters_collapse_to_a_real_word(typed: str, word: str) -> None:
    assert unelongate(typed) == word


def test_english_contractions_and_italian_elisions() -> None:
    assert words("I can't, we don't, I'm here") == [
        "i", "can", "not", "we", "do", "not", "i", "am", "here",
    ]  # fmt: skip
    assert words("l'agenzia c'è") == ["l", "agenzia", "c", "è"]
    assert clean("It’s OK") == "it ok"


def test_italian_chat_abbreviations() -> None:
    assert expand(words("xke nn mi rispondete cmq"), "it") == [
        "perché", "non", "mi", "rispondete", "comunque",
    ]  # fmt: skip
    assert expand(["x", "ke"], "it") == ["per", "che"]


def test_english_chat_abbreviations() -> None:
    assert expand(words("pls can u call me, ur team"), "en") == [
        "please", "can", "you", "call", "me", "your", "team",
    ]  # fmt: skip


def test_k_means_che_in_italian_and_ok_in_english() -> None:
    assert expand(["k"], "it") == ["che"]
    assert expand(["k"], "en") == ["ok"]


def test_platform_nicknames_in_both_languages() -> None:
    assert expand(["insta", "ig", "fb"], "it") == ["instagram", "instagram", "facebook"]
    assert expand(["insta"], None) == ["instagram"]


def test_numbers_become_one_token_and_times_of_day_another() -> None:
    assert expand(words("10k follower"), "it") == [NUM, "follower"]
    assert expand(words("10.000 follower"), "it") == [NUM, "follower"]
    assert expand(words("un milione"), "it") == ["un", NUM]
    assert expand(words("tutto alle 7"), "it") == ["tutto", "alle", CLOCK]
    assert expand(words("posted at 2am"), "en") == ["posted", "at", CLOCK]
    assert expand(words("7 di mattina"), "it") == [CLOCK, "di", "mattina"]


@pytest.mark.parametrize(
    ("word", "lang", "expected"),
    [
        ("followers", "en", "follower"),
        ("followers", "it", "follower"),  # an English loanword in Italian
        ("perché", "it", "perche"),
        ("perche", "it", "perche"),
        ("puo", "it", "potere"),  # the missing accent is put back before lookup
        ("seguirci", "it", "seguire"),
        ("arrivo", "it", "arrivare"),
        ("buying", "en", "buy"),
        ("growing", "en", "grow"),
        ("morning", "en", "morning"),
        ("perso", "it", "perdere"),
        ("zzqx", "it", "zzqx"),  # unknown words stay as they are
    ],
)
def test_lemmas(word: str, lang: str, expected: str) -> None:
    assert lemma(word, lang) == expected


def test_inflections_meet_on_the_same_lemmas() -> None:
    assert content_lemmas("Condividete i post?", "it") == content_lemmas("condivido il post", "it")
    assert content_lemmas("he posted posts", "en") == content_lemmas("post post", "en")


def test_content_lemmas_keep_question_words_and_drop_fillers() -> None:
    assert content_lemmas("quanto ci vuole per arrivare a 10mila follower?", "it") == [
        "quanto", "volere", "arrivare", NUM, "follower",
    ]  # fmt: skip
    assert "how" in content_lemmas("how long will it take", "en")
    assert "the" not in content_lemmas("the page", "en")
    assert lemmas("nn", "it") == ["non"]
