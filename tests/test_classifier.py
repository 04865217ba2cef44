"""The trained intent classifier beside the matcher: training, its cache, and how the two are
combined (``bot.understanding.classifier``, ``bot.understanding.nlu.decide``)."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from bot.base.problems import Problems
from bot.understanding.classifier import (
    IntentClassifier,
    Ranked,
    fingerprint,
    load_or_train,
    training_data,
)
from bot.understanding.intents import OUT_OF_SCOPE, IntentSet, Match, load_intents
from bot.understanding.nlu import CLASSIFIER_SURE, MATCHER_SURE, Understanding, decide

ROOT = Path(__file__).resolve().parent.parent
INTENTS = ROOT / "dialogs" / "intents.yaml"


@pytest.fixture(scope="module")
def intents() -> IntentSet:
    loaded = load_intents(INTENTS, Problems())
    assert loaded is not None
    return loaded


def small_intents(tmp_path: Path, extra: str = "") -> IntentSet:
    path = tmp_path / "intents.yaml"
    path.write_text(
        "intents:\n"
        "  pricing:\n"
        "    description: What it costs\n"
        "    answer: main.pricing\n"
        "    examples:\n"
        "      it: [quanto costa, quanto prendete al mese, che prezzi avete]\n"
        "      en: [how much is it, what do you charge, what are your prices" + extra + "]\n"
        "  growth_timeline:\n"
        "    description: How fast followers grow\n"
        "    answer: main.growth\n"
        "    examples:\n"
        "      it: [quanto tempo per 10k follower, in quanti mesi crescono i follower]\n"
        "      en: [how long to get 10k followers, how fast will my followers grow]\n"
        "out_of_scope:\n"
        "  examples:\n"
        "    it: [che tempo fa, mi fai una pizza]\n"
        "    en: [what is the weather, tell me a joke]\n",
        encoding="utf-8",
    )
    loaded = load_intents(path, Problems())
    assert loaded is not None
    return loaded


def test_training_is_deterministic_and_ranks_every_label(tmp_path: Path) -> None:
    texts, labels = training_data(small_intents(tmp_path))
    one, two = IntentClassifier.train(texts, labels), IntentClassifier.train(texts, labels)
    for text in ("quanto costate?", "how long for 5k followers", "ciao"):
        a, b = one.rank(text), two.rank(text)
        assert [r.label for r in a] == [r.label for r in b]
        assert [r.probability for r in a] == pytest.approx([r.probability for r in b], abs=1e-12)
        assert {r.label for r in a} == {"pricing", "growth_timeline", OUT_OF_SCOPE}
        assert sum(r.probability for r in a) == pytest.approx(1.0)
        assert a == sorted(a, key=lambda r: -r.probability)
    assert one.rank("quanto costate?")[0].label == "pricing"


def test_the_cache_gives_the_same_answers_and_a_change_retrains(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    intents = small_intents(tmp_path)
    trained = load_or_train(intents, cache)
    assert trained is not None and trained.seconds > 0
    (saved,) = cache.glob("intents-*.npz")
    cached = load_or_train(intents, cache)
    assert cached is not None and cached.seconds == 0  # read, not trained
    for text in ("quanto costate?", "how fast do followers grow", "boh"):
        assert [(r.label, round(r.probability, 12)) for r in cached.rank(text)] == [
            (r.label, round(r.probability, 12)) for r in trained.rank(text)
        ]
    changed = small_intents(tmp_path, extra=", how much do you ask")
    retrained = load_or_train(changed, cache)
    assert retrained is not None and retrained.seconds > 0 and retrained.key != trained.key
    assert saved.exists()  # a few versions are kept: two bots may share the folder


def test_a_damaged_or_foreign_cache_file_is_never_trusted(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    intents = small_intents(tmp_path)
    trained = load_or_train(intents, cache)
    assert trained is not None
    (path,) = cache.glob("intents-*.npz")
    path.write_bytes(b"PK\x03\x04 not really a zip")
    again = load_or_train(intents, cache)
    assert again is not None and again.seconds > 0  # retrained, no crash
    # a file with another key under this name is not used either
    texts, labels = training_data(intents)
    assert IntentClassifier.load(path, fingerprint(texts, labels[::-1])) is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_cache_costs_only_a_retraining(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "ro"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        with caplog.at_level(logging.WARNING):
            assert load_or_train(small_intents(tmp_path), cache) is not None
        assert "could not be cached" in caplog.text
    finally:
        cache.chmod(0o700)


def test_a_cache_path_that_is_a_file_costs_only_a_retraining(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    with caplog.at_level(logging.WARNING):
        assert load_or_train(small_intents(tmp_path), blocker) is not None
    assert "could not be cached" in caplog.text


def test_nothing_to_learn_without_two_labels(tmp_path: Path) -> None:
    path = tmp_path / "intents.yaml"
    path.write_text(
        "intents:\n  pricing:\n    description: d\n    answer: main.pricing\n"
        "    examples:\n      it: [quanto costa]\n      en: [how much]\n",
        encoding="utf-8",
    )
    intents = load_intents(path, Problems())
    assert intents is not None
    assert load_or_train(intents, tmp_path / "cache") is None
    understanding = Understanding(intents, cache=tmp_path / "cache")
    assert understanding.classifier is None
    assert understanding.analyse("quanto costa").source in {"matcher", "none"}  # the matcher alone


def ranked(*pairs: tuple[str, float]) -> list[Ranked]:
    return [Ranked(label, p) for label, p in pairs]


def test_decide_agreement_wins_even_when_the_matcher_was_barely_sure() -> None:
    match = Match("pricing", 0.51, "quanto costa")
    assert decide(match, ranked(("pricing", 0.4), (OUT_OF_SCOPE, 0.3)))[::2] == (
        "pricing",
        "both",
    )


def test_decide_a_sure_matcher_keeps_its_intent_unless_the_classifier_rules_it_out() -> None:
    sure = Match("pricing", MATCHER_SURE + 0.05, "quanto costa")
    assert decide(sure, ranked(("ad_budget", 0.7), ("pricing", 0.2)))[0] == "pricing"
    assert decide(sure, ranked((OUT_OF_SCOPE, 0.97), ("pricing", 0.01)))[0] is None


def test_decide_the_classifier_answers_alone_only_when_clearly_sure() -> None:
    nothing = Match(None, 0.45, None)
    intent, confidence, source = decide(nothing, ranked(("services", CLASSIFIER_SURE + 0.1)))
    assert (intent, source) == ("services", "classifier") and confidence >= 0.5
    assert decide(nothing, ranked(("services", CLASSIFIER_SURE - 0.1)))[0] is None
    # the out-of-scope class is a "no", however sure
    assert decide(nothing, ranked((OUT_OF_SCOPE, 0.99)))[0] is None
    # an unsure matcher that disagrees with an unsure classifier: not understood...
    unsure = Match("pricing", 0.52, None)
    intent, confidence, source = decide(unsure, ranked(("ad_budget", 0.6), ("pricing", 0.1)))
    assert intent is None and source == "none" and confidence < 0.5
    # ...unless the classifier's second choice backs the matcher: both lean the same way
    intent, confidence, source = decide(unsure, ranked(("ad_budget", 0.5), ("pricing", 0.35)))
    assert (intent, source) == ("pricing", "both (leaning)") and confidence >= 0.5
    # ...or the classifier thinks it off topic: no leaning is enough then
    doubtful = ranked(("ad_budget", 0.4), ("pricing", 0.3), (OUT_OF_SCOPE, 0.3))
    assert decide(unsure, doubtful)[0] is None


def test_decide_without_a_classifier_is_the_matcher() -> None:
    assert decide(Match("pricing", 0.7, "x"), []) == ("pricing", 0.7, "matcher")
    assert decide(Match(None, 0.3, None), []) == (None, 0.3, "none")


def test_the_shipped_intents_understand_phrasings_no_example_has(intents: IntentSet) -> None:
    understanding = Understanding(intents)
    assert understanding.classifier is not None
    for text, lang in (("vorrei lasciarvi i miei contatti", "it"),):
        analysis = understanding.analyse(text, lang)
        assert analysis.intent == "leave_contacts"
        assert analysis.ranked and analysis.ranked[0].label == "leave_contacts"
        assert analysis.to_json()["source"] in {"both", "matcher", "classifier"}


def test_a_reload_with_new_examples_retrains(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "dialogs", folder / "dialogs")
    cache = tmp_path / "cache"
    before = Understanding(
        load_intents(folder / "dialogs" / "intents.yaml", Problems()) or _no(), cache=cache
    )
    path = folder / "dialogs" / "intents.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "  pricing:\n"
    at = text.index("examples:", text.index(marker)) + len("examples:\n")
    at = text.index("\n", text.index("it:", at)) + 1
    indent = " " * (len(text[at:]) - len(text[at:].lstrip(" ")))
    path.write_text(
        text[:at] + f"{indent}- parcella mensile zebrata\n" + text[at:], encoding="utf-8"
    )
    after = Understanding(load_intents(path, Problems()) or _no(), cache=cache)
    assert before.classifier is not None and after.classifier is not None
    assert after.classifier.key != before.classifier.key and after.classifier.seconds > 0


def _no() -> IntentSet:
    raise AssertionError("the intents file did not load")


def test_off_topic_is_told_apart_from_not_understood(intents: IntentSet) -> None:
    understanding = Understanding(intents)
    for text in ("what is 17 times 23", "domani piove a catania?", "scusa ho sbagliato chat"):
        analysis = understanding.analyse(text)
        assert analysis.intent is None and analysis.off_topic, (text, analysis.ranked)
    for text in ("quanto costate?", "asdfgh", "ok"):
        assert not understanding.analyse(text).off_topic, text


def test_yes_words_and_okays_are_answers_not_questions_nor_off_topic(intents: IntentSet) -> None:
    understanding = Understanding(intents)
    for text in (
        "yes sure",
        "si certo",
        "ok perfetto",
        "sì grazie",
        "no thanks",
        "ok grazie mille",
    ):
        analysis = understanding.analyse(text)
        assert analysis.intent is None and not analysis.off_topic, (text, analysis.ranked)


MESSAGES = (
    "quanto costate?",
    "How LONG for 5k followers?? 🙂",
    "perché così tanto… ",
    "ciao",
    "",
    "   ",
    "x",
    "zzzz qqqq wwww",  # nothing the vocabulary knows
    "un testo  con\tspazi\n e a capo, numeri 1.000 € e accenti: è à ò",
    "what do you charge for instagram and tiktok management per month in siracusa",
)


@pytest.mark.parametrize("small", [True, False], ids=["three-labels", "shipped"])
def test_the_numpy_scorer_gives_what_scikit_learn_gives(
    tmp_path: Path, intents: IntentSet, small: bool
) -> None:
    """Ranking at run time uses the learnt arrays without scikit-learn; the probabilities are
    scikit-learn's own, to rounding."""
    from scipy.sparse import hstack

    from bot.understanding.classifier import _model, _vectorisers

    source = small_intents(tmp_path) if small else intents
    texts, labels = training_data(source)
    if not small:  # every intent, a slice of the examples: keeps the test quick
        texts, labels = texts[::4], labels[::4]
    words, chars = _vectorisers()
    features = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    model = _model().fit(features, labels)
    ours = IntentClassifier.train(texts, labels)
    assert list(ours.labels) == [str(c) for c in model.classes_]
    wanted = model.predict_proba(hstack([words.transform(MESSAGES), chars.transform(MESSAGES)]))
    for text, row in zip(MESSAGES, wanted, strict=True):
        got = ours.probabilities([text])[0]
        assert [got[label] for label in ours.labels] == pytest.approx(list(row), abs=1e-9), text


def test_a_cached_classifier_loads_without_scikit_learn(tmp_path: Path) -> None:
    import subprocess
    import sys

    load_or_train(small_intents(tmp_path), tmp_path / "cache")  # trained and cached here
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from bot.base.problems import Problems\n"
        "from bot.understanding.intents import load_intents\n"
        "from bot.understanding.classifier import load_or_train\n"
        f"intents = load_intents(Path({str(tmp_path / 'intents.yaml')!r}), Problems())\n"
        f"found = load_or_train(intents, Path({str(tmp_path / 'cache')!r}))\n"
        "assert found is not None and found.seconds == 0.0\n"
        "print(found.rank('quanto costate?')[0].label, 'sklearn' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.stdout.split() == ["pricing", "False"], done.stderr


def test_a_message_with_no_words_is_not_read_by_the_classifier_alone(intents: IntentSet) -> None:
    """A bare "3" typed when the buttons are 1 and 2 is no complaint, whatever the classifier
    learned from "3 mesi e 12 follower"."""
    understanding = Understanding(intents)
    for text in ("3", "5", "10", "!!", "3."):
        analysis = understanding.analyse(text, "it")
        assert analysis.intent is None, (text, analysis.source)
