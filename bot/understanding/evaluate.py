"""How well the bot understands: accuracy, rejection and speed on a labelled set of messages.

The labelled set (``tests/data/nlu_eval.tsv``) was written apart from the intents' examples,
with different phrasing, so the figures say how the matcher copes with new messages rather
than how well it remembers its own examples. Two more sets beside it go further:
``nlu_holdout.tsv`` was written without looking at the examples (slang, typos, long messages,
mixed languages, plausible things the bot does not handle), and ``nlu_final_check.tsv`` was
written after all tuning and measured once, to tell generalisation from overfitting. None of
their sentences may be taught in ``dialogs/intents.yaml`` (tests/test_nlu_eval.py checks).
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.understanding.nlu import Understanding
from bot.understanding.text import LANGS

OUT = "∅"  # how "no intent" (out of scope) is shown in the confusion summary


class EvalFileError(ValueError):
    """The labelled file cannot be read; the message says where."""


@dataclass(frozen=True)
class Sample:
    text: str
    lang: str
    intent: str | None  # None: the message is out of scope
    line: int
    kind: str = ""  # the set's own label of the message's shape (4th column), else derived


@dataclass(frozen=True)
class IntentStats:
    intent: str
    support: int  # messages labelled with this intent
    predicted: int  # messages the matcher gave this intent
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.support if self.support else 0.0


@dataclass(frozen=True)
class Miss:
    sample: Sample
    predicted: str | None
    confidence: float
    example: str | None
    lang: str | None


@dataclass(frozen=True)
class Report:
    total: int
    in_scope: int
    out_of_scope: int
    intent_accuracy: float  # in-scope messages given their intent
    oos_rejection: float  # out-of-scope messages given no intent
    overall_accuracy: float  # all messages, "no intent" counting as a label
    language_accuracy: float  # no prior: the text alone
    language_accuracy_other_prior: float  # the phone claims the other language
    median_us: float
    p95_us: float
    per_intent: tuple[IntentStats, ...]
    confusions: tuple[tuple[str, str, int], ...]  # (expected, predicted, count), worst first
    misses: tuple[Miss, ...]
    language_misses: tuple[tuple[Sample, str | None], ...]
    per_kind: tuple[tuple[str, int, int], ...] = ()  # (kind, messages, right), worst first
    reader: str = ""  # how the understanding reads: the classifier's training, or the matcher


# The shape of a message, when the set does not label it (``kind`` column): the kinds of
# failure issue 13 names, told from the text alone so any labelled set can be broken down.
_GREETING = re.compile(
    r"^\W*(ciao|salve|buongiorno|buonasera|hey|hi|hello|hola|ehi|good (morning|evening))\b\W+\w",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    r"\?|\b(come|quanto|quanti|quante|quando|perch[eé]|cosa|chi|dove|quale|how|what|when|why|"
    r"who|where|which|can|could|do|does|is|are|will|would|posso|potete|si pu[oò])\b",
    re.IGNORECASE,
)
_DOMAIN = re.compile(
    r"follow|seguac|instagram|insta\b|tiktok|facebook|\bpost|\blike|pagin|page|profil|"
    r"\bads?\b|sponsor|reel|stories|social",
    re.IGNORECASE,
)
LONG_WORDS = 25


def message_kind(sample: Sample) -> str:
    """The sample's ``kind``, or one told from its text: oos_domain / oos_other for out of
    scope (with or without the domain's words), long, greeting_prefix, demand (no question
    mark or question word), plain."""
    if sample.kind:
        return sample.kind
    text = sample.text
    if not sample.intent:
        return "oos_domain" if _DOMAIN.search(text) else "oos_other"
    if len(text.split()) >= LONG_WORDS:
        return "long"
    if sample.intent != "greeting" and _GREETING.search(text):
        return "greeting_prefix"
    if not _QUESTION.search(text):
        return "demand"
    return "plain"


def read_samples(path: Path) -> list[Sample]:
    """Rows of ``text<TAB>lang<TAB>intent[<TAB>kind]`` after a header; an empty intent is out
    of scope; ``kind`` (optional) names the message's shape for the per-kind figures."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise EvalFileError(f"{path}: cannot read the labelled messages ({err})") from err
    samples: list[Sample] = []
    for number, line in enumerate(lines, 1):
        if number == 1 and line.lower().startswith("text\t"):
            continue
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) not in (3, 4):
            raise EvalFileError(
                f"{path}:{number}:1: expected text, lang, intent (and optionally kind)"
                " separated by tabs"
            )
        text, lang, intent, *rest = (cell.strip() for cell in cells)
        if lang not in LANGS:
            raise EvalFileError(f"{path}:{number}:1: unknown language `{lang}`")
        samples.append(Sample(text, lang, intent or None, number, rest[0] if rest else ""))
    return samples


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def evaluate(understanding: Understanding, samples: Sequence[Sample]) -> Report:
    """Run every message through the full analysis (language, intent, entities) and score it."""
    understanding.analyse("warm up: quanto tempo per 10k follower? how long for 10k followers?")
    timings: list[float] = []
    predictions: list[tuple[str | None, float, str | None, str | None]] = []
    for sample in samples:
        start = time.thread_time_ns()
        analysis = understanding.analyse(sample.text)
        timings.append((time.thread_time_ns() - start) / 1000)
        predictions.append((analysis.intent, analysis.confidence, analysis.example, analysis.lang))

    other_prior_hits = 0
    for sample in samples:
        other = "en" if sample.lang == "it" else "it"
        other_prior_hits += understanding.analyse(sample.text, other).lang == sample.lang

    support: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    misses: list[Miss] = []
    language_misses: list[tuple[Sample, str | None]] = []
    for sample, (intent, confidence, example, lang) in zip(samples, predictions, strict=True):
        if sample.intent:
            support[sample.intent] += 1
        if intent:
            predicted[intent] += 1
        if intent == sample.intent:
            if intent:
                correct[intent] += 1
        else:
            confusions[(sample.intent or OUT, intent or OUT)] += 1
            misses.append(Miss(sample, intent, confidence, example, lang))
        if lang != sample.lang:
            language_misses.append((sample, lang))

    in_scope = [s for s in samples if s.intent]
    out_scope = [s for s in samples if not s.intent]
    rejected = sum(
        1 for s, p in zip(samples, predictions, strict=True) if not s.intent and p[0] is None
    )
    intents = sorted(set(support) | set(predicted))
    total = len(samples) or 1
    kinds: Counter[str] = Counter()
    kinds_right: Counter[str] = Counter()
    for sample, prediction in zip(samples, predictions, strict=True):
        kind = message_kind(sample)
        kinds[kind] += 1
        kinds_right[kind] += prediction[0] == sample.intent
    per_kind = sorted(
        ((k, kinds[k], kinds_right[k]) for k in kinds), key=lambda row: (row[2] / row[1], row[0])
    )
    classifier = getattr(understanding, "classifier", None)
    if classifier is None:
        reader = "the example matcher alone"
    elif classifier.seconds:
        reader = f"matcher + classifier (trained now in {classifier.seconds:.1f} s)"
    else:
        reader = "matcher + classifier (read from its cache)"
    return Report(
        total=len(samples),
        in_scope=len(in_scope),
        out_of_scope=len(out_scope),
        intent_accuracy=sum(correct.values()) / (len(in_scope) or 1),
        oos_rejection=rejected / (len(out_scope) or 1),
        overall_accuracy=(sum(correct.values()) + rejected) / total,
        language_accuracy=(len(samples) - len(language_misses)) / total,
        language_accuracy_other_prior=other_prior_hits / total,
        median_us=statistics.median(timings) if timings else 0.0,
        p95_us=_percentile(timings, 0.95),
        per_intent=tuple(IntentStats(i, support[i], predicted[i], correct[i]) for i in intents),
        confusions=tuple(
            (expected, got, count) for (expected, got), count in confusions.most_common()
        ),
        misses=tuple(misses),
        language_misses=tuple(language_misses),
        per_kind=tuple(per_kind),
        reader=reader,
    )


def format_report(report: Report, verbose: bool = False) -> str:
    """A plain-text report; ``verbose`` lists every message that was misunderstood."""
    lines = [
        f"messages: {report.total}"
        f" ({report.in_scope} in scope, {report.out_of_scope} out of scope)",
        f"intent accuracy (in scope):   {report.intent_accuracy:6.1%}",
        f"out-of-scope rejection:       {report.oos_rejection:6.1%}",
        f"overall accuracy:             {report.overall_accuracy:6.1%}",
        f"language accuracy:            {report.language_accuracy:6.1%}"
        f"   (phone set to the other language: {report.language_accuracy_other_prior:.1%})",
        f"time per message:             median {report.median_us:.0f} µs,"
        f" p95 {report.p95_us:.0f} µs",
        f"read by:                      {report.reader}",
        "",
        f"{'intent':<20} {'precision':>9} {'recall':>7} {'support':>8}",
    ]
    for stats in report.per_intent:
        lines.append(
            f"{stats.intent:<20} {stats.precision:9.1%} {stats.recall:7.1%} {stats.support:8d}"
        )
    lines.append("")
    if report.per_kind:
        lines.append(f"{'kind of message':<20} {'right':>9} {'messages':>8}")
        for kind, count, right in report.per_kind:
            lines.append(f"{kind:<20} {right / count:9.1%} {count:8d}")
        lines.append("")
    if report.confusions:
        lines.append(f"confusions (expected -> got, {OUT} = no intent):")
        for expected, got, count in report.confusions[:15]:
            lines.append(f"  {count:3d}  {expected} -> {got}")
    else:
        lines.append("no confusions")
    if verbose:
        lines.append("")
        lines.append("misunderstood messages:")
        for miss in report.misses:
            example = f'  (closest: "{miss.example}")' if miss.example else ""
            lines.append(
                f"  line {miss.sample.line}: {miss.sample.text!r}: expected "
                f"{miss.sample.intent or OUT}, got {miss.predicted or OUT} "
                f"{miss.confidence:.2f}{example}"
            )
        for sample, lang in report.language_misses:
            lines.append(
                f"  line {sample.line}: {sample.text!r}: language {sample.lang}, got {lang}"
            )
    return "\n".join(lines)
