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


def test_laughter_is_filler_in_both_languages() -> None:
    assert content_lemmas("ahahah quanto costa? lol", "it") == content_lemmas("quanto costa", "it")
    assert content_lemmas("hahaha how much lol", "en") == content_lemmas("how much", "en")
    assert lemmas("ha ragione", "it") == ["avere", "ragione"]  # one "ha" is a verb, not a laugh


def test_a_four_between_words_is_for() -> None:
    assert normalise("follow4follow?") == "follow for follow"
    assert expand(["f4f"], "en") == ["follow", "for", "follow"]
    assert expand(words("4 post"), "it") == [NUM, "post"]  # a number stays a number


def test_more_chat_abbreviations() -> None:
    assert expand(words("qlcn mi kiama? tmp x favore"), "it") == [
        "qualcuno", "mi", "kiama", "tempo", "per", "favore",
    ]  # fmt: skip
    assert expand(words("tbh, call me tmrw"), "en") == ["honestly", "call", "me", "tomorrow"]
    assert words("we'd like") == ["we", "would", "like"]


def test_sicilian_words_become_italian() -> None:
    assert content_lemmas("vogghiu parrari cu na pirsuna", "it") == content_lemmas(
        "voglio parlare con una persona", "it"
    )
    assert content_lemmas("quantu custa?", "it") == content_lemmas("quanto costa?", "it")


@pytest.mark.parametrize(
    ("word", "lang", "expected"),
    [
        ("kiamate", "it", "chiamare"),  # chat "k" for the hard c
        ("kosa", "it", "cosa"),
        ("kuanto", "it", "quanto"),
        ("lentissima", "it", "lento"),  # superlatives simplemma does not know
        ("velocissimo", "it", "veloce"),
        ("costa", "it", "costare"),  # the verb, not the coast
        ("organically", "en", "organic"),  # adverbs meet their adjective
        ("quickly", "en", "quick"),
        ("really", "en", "really"),  # not "real"
        ("monthly", "en", "monthly"),  # a rate, not "a month"
        ("friendly", "en", "friendly"),  # not "friend"
    ],
)
def test_more_lemmas(word: str, lang: str, expected: str) -> None:
    assert lemma(word, lang) == expected


def test_mi_chiamo_is_a_name_not_a_call() -> None:
    assert "chiamare" not in content_lemmas("ciao, mi chiamo Giulia", "it")
    assert "chiamare" not in content_lemmas("come ti chiami?", "it")
    assert "chiamare" in content_lemmas("mi chiamate domani?", "it")


def test_tra_quanto_asks_how_long() -> None:
    assert content_lemmas("tra quanto arriviamo a 1000?", "it")[:2] == ["quanto", "tempo"]
    assert content_lemmas("fra quanto tempo?", "it") == ["quanto", "tempo"]
