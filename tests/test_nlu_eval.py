"""Measured understanding: the labelled sets are sound, and the figures stay above their floors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.base.problems import Problems
from bot.understanding.evaluate import (
    Report,
    evaluate,
    format_report,
    message_kind,
    read_samples,
)
from bot.understanding.intents import IntentSet, load_intents
from bot.understanding.nlu import Understanding
from bot.understanding.text import normalise
from tests.test_intents import SHIPPED_ANSWERS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
EVAL = DATA / "nlu_eval.tsv"
# Written blind to the examples, measured as a baseline, then tuned on: harder, freer wording.
HOLDOUT = DATA / "nlu_holdout.tsv"
# Written after all tuning and measured once: a check on overfitting, so it has no floors
# here (they would invite tuning on it). Never tune on it; write a new one instead.
FINAL_CHECK = DATA / "nlu_final_check.tsv"
# Issue 13: two sets written by people who saw neither the examples nor each other, each row
# labelled with the kind of message it is (4th column). The dev set is tuned on (examples for
# its kinds, the combination rule); the independent set is only measured, so it has no floors.
DEV = DATA / "nlu_dev.tsv"
INDEPENDENT = DATA / "nlu_independent.tsv"
LABELLED = (EVAL, HOLDOUT, FINAL_CHECK, DEV, INDEPENDENT)
KINDS = {
    "plain",
    "demand",
    "greeting_prefix",
    "long",
    "implicit_complaint",
    "neighbour",
    "typo_heavy",
    "oos_domain",
    "oos_other",
}
INTENTS = ROOT / "dialogs" / "intents.yaml"

# Targets are 95 / 90 / 98 and 1 ms; the floors leave room for small changes to the examples.
INTENT_FLOOR = 0.93  # 95.6 / 95.7 measured with the classifier (issue 13)
REJECTION_FLOOR = 0.92
LANGUAGE_FLOOR = 0.97
MEDIAN_CEILING_US = 3000  # CPU time; ~0.5 ms measured, generous for slow CI machines
# The held-out set: 93.1 / 87.5 / 98.9 measured when the floors were set, 86.6 / 87.5 / 97.9
# with the matcher and examples as they were before it was written.
HOLDOUT_INTENT_FLOOR = 0.93  # 95.7 / 93.7 with the classifier (issue 13)
HOLDOUT_REJECTION_FLOOR = 0.90
HOLDOUT_LANGUAGE_FLOOR = 0.96
# The dev set: 91.4 / 98.7 / 99.7 measured when the floors were set; 59.5 / 89.5 with the
# matcher and examples of before issue 13.
DEV_INTENT_FLOOR = 0.88
DEV_REJECTION_FLOOR = 0.95
DEV_LANGUAGE_FLOOR = 0.98


@pytest.fixture(scope="module")
def intents() -> IntentSet:
    problems = Problems()
    loaded = load_intents(INTENTS, problems)
    assert loaded is not None, problems.report()
    return loaded


@pytest.fixture(scope="module")
def report(intents: IntentSet) -> Report:
    return evaluate(Understanding(intents), read_samples(EVAL))


@pytest.fixture(scope="module")
def holdout_report(intents: IntentSet) -> Report:
    return evaluate(Understanding(intents), read_samples(HOLDOUT))


@pytest.fixture(scope="module")
def dev_report(intents: IntentSet) -> Report:
    return evaluate(Understanding(intents), read_samples(DEV))


def test_the_labelled_set_is_big_and_balanced(intents: IntentSet) -> None:
    samples = read_samples(EVAL)
    assert len(samples) >= 300
    assert sum(1 for s in samples if s.intent is None) >= 60
    by_lang = Counter(s.lang for s in samples)
    assert by_lang["it"] >= 120 and by_lang["en"] >= 120
    per_intent = Counter(s.intent for s in samples if s.intent)
    covers_the_shipped_intents(per_intent, intents)
    assert min(per_intent.values()) >= 20


def covers_the_shipped_intents(per_intent: Counter[str], intents: IntentSet) -> None:
    """A labelled set measures every intent shipped, and labels none the intents file lacks
    (a typo, a renamed intent). An intent staff add is not in it until someone labels messages
    for it: that must not fail the suite."""
    assert set(SHIPPED_ANSWERS) <= set(per_intent), set(SHIPPED_ANSWERS) - set(per_intent)
    assert set(per_intent) <= set(intents.ids()), set(per_intent) - set(intents.ids())


@pytest.mark.parametrize("path", [HOLDOUT, FINAL_CHECK, DEV, INDEPENDENT], ids=lambda p: p.stem)
def test_the_held_out_sets_are_big_and_mixed(intents: IntentSet, path: Path) -> None:
    samples = read_samples(path)
    big = {HOLDOUT: 250, FINAL_CHECK: 80}.get(path, 360)
    assert len(samples) >= big
    assert sum(1 for s in samples if s.intent is None) >= len(samples) // 6  # a fifth or more
    by_lang = Counter(s.lang for s in samples)
    assert by_lang["it"] > by_lang["en"] >= len(samples) // 4  # about 60/40, as prospects write
    per_intent = Counter(s.intent for s in samples if s.intent)
    covers_the_shipped_intents(per_intent, intents)


def _taught(intents: IntentSet) -> set[str]:
    """Every example (out-of-scope ones too) and every keyword long enough to be a sentence."""
    taught = {
        normalise(phrase.text) for lang in ("it", "en") for _, phrase in intents.examples(lang)
    }
    taught |= {
        normalise(kw.text)
        for intent in intents.intents.values()
        for phrases in intent.keywords.values()
        for kw in phrases
        if len(kw.text.split()) > 2  # single words and pairs are vocabulary, not sentences
    }
    return taught


@pytest.mark.parametrize("path", LABELLED, ids=lambda p: p.stem)
def test_no_sentence_is_both_an_example_and_an_evaluation_message(
    intents: IntentSet, path: Path
) -> None:
    taught = _taught(intents)
    shared = [s.text for s in read_samples(path) if normalise(s.text) in taught]
    assert shared == []


def test_a_taught_measured_sentence_is_caught(intents: IntentSet, tmp_path: Path) -> None:
    """The check above really compares after normalisation (case, accents, elongation)."""
    example = next(phrase.text for _, phrase in intents.examples("it"))
    labelled = tmp_path / "copied.tsv"
    labelled.write_text(f"text\tlang\tintent\n{example.upper()}!!\tit\t\n", encoding="utf-8")
    taught = _taught(intents)
    assert [s.text for s in read_samples(labelled) if normalise(s.text) in taught] != []


def test_no_duplicates_in_the_labelled_sets() -> None:
    texts = Counter(normalise(s.text) for path in LABELLED for s in read_samples(path))
    assert [t for t, n in texts.items() if n > 1] == []


def test_intent_accuracy(report: Report) -> None:
    assert report.intent_accuracy >= INTENT_FLOOR, format_report(report, verbose=True)


def test_out_of_scope_rejection(report: Report) -> None:
    assert report.oos_rejection >= REJECTION_FLOOR, format_report(report, verbose=True)


def test_language_accuracy(report: Report) -> None:
    assert report.language_accuracy >= LANGUAGE_FLOOR, format_report(report, verbose=True)


def test_speed(report: Report) -> None:
    assert report.median_us <= MEDIAN_CEILING_US


def test_report_mentions_every_figure(report: Report) -> None:
    text = format_report(report)
    for label in ("intent accuracy", "out-of-scope rejection", "language accuracy", "median"):
        assert label in text
    assert "precision" in text and "recall" in text
    for stats in report.per_intent:
        assert stats.intent in text


def test_holdout_intent_accuracy(holdout_report: Report) -> None:
    assert holdout_report.intent_accuracy >= HOLDOUT_INTENT_FLOOR, format_report(
        holdout_report, verbose=True
    )


def test_holdout_out_of_scope_rejection(holdout_report: Report) -> None:
    assert holdout_report.oos_rejection >= HOLDOUT_REJECTION_FLOOR, format_report(
        holdout_report, verbose=True
    )


def test_holdout_language_accuracy(holdout_report: Report) -> None:
    assert holdout_report.language_accuracy >= HOLDOUT_LANGUAGE_FLOOR, format_report(
        holdout_report, verbose=True
    )


@pytest.mark.parametrize("path", [DEV, INDEPENDENT], ids=lambda p: p.stem)
def test_the_new_sets_label_every_kind_of_message(path: Path) -> None:
    samples = read_samples(path)
    kinds = Counter(s.kind for s in samples)
    assert set(kinds) == KINDS
    assert all((s.intent is None) == s.kind.startswith("oos_") for s in samples)
    assert kinds["oos_domain"] >= 35  # out of scope, in the domain's words


def test_dev_intent_accuracy(dev_report: Report) -> None:
    assert dev_report.intent_accuracy >= DEV_INTENT_FLOOR, format_report(dev_report, True)


def test_dev_out_of_scope_rejection(dev_report: Report) -> None:
    assert dev_report.oos_rejection >= DEV_REJECTION_FLOOR, format_report(dev_report, True)


def test_dev_language_accuracy(dev_report: Report) -> None:
    assert dev_report.language_accuracy >= DEV_LANGUAGE_FLOOR, format_report(dev_report, True)


def test_the_report_breaks_the_figures_down_by_kind(dev_report: Report) -> None:
    kinds = {kind: (count, right) for kind, count, right in dev_report.per_kind}
    assert set(kinds) == KINDS and sum(c for c, _ in kinds.values()) == dev_report.total
    text = format_report(dev_report)
    assert "kind of message" in text and all(kind in text for kind in KINDS)


def test_a_set_without_kinds_is_broken_down_by_the_shape_of_its_messages(tmp_path: Path) -> None:
    labelled = tmp_path / "mine.tsv"
    rows = [
        ("ciao, quanto costa?", "it", "pricing"),
        ("mi servono 5000 follower entro giugno", "it", "growth_timeline"),
        ("quanto costate?", "it", "pricing"),
        ("come cambio la password di instagram", "it", ""),
        ("che tempo fa", "it", ""),
        (" ".join(["ho un bar"] * 10) + " quanto costa?", "it", "pricing"),
    ]
    labelled.write_text(
        "text\tlang\tintent\n" + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8"
    )
    kinds = [message_kind(s) for s in read_samples(labelled)]
    assert kinds == ["greeting_prefix", "demand", "plain", "oos_domain", "oos_other", "long"]
