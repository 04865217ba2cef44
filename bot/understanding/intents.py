"""What prospects ask: intents read from staff-edited YAML, and the matcher that recognises them.

Staff teach the bot by adding example sentences to ``dialogs/intents.yaml``; nothing is
downloaded. The matcher needs no training (a trained classifier reads beside it, see
``classifier.py``; ``nlu.py`` combines the two). The matcher compares a message with those
examples after both went through the same normalisation (``text.py``): lowercase, no accents,
chat abbreviations spelled out, typos corrected against the examples' own vocabulary
(rapidfuzz), lemmas (simplemma).
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import simplemma
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.base.problems import Pos, Problems, did_you_mean
from bot.base.yamlpos import Source, is_list, is_mapping, load_yaml
from bot.languages import DEFAULT
from bot.understanding.text import (
    CLOCK,
    FRAME_WORDS,
    LANGS,
    NUM,
    expand,
    fold_accents,
    is_stopword,
    lemma,
    normalise,
    words,
)

OUT_OF_SCOPE = "out_of_scope"
TOP_KEYS = ("intents", OUT_OF_SCOPE)
INTENT_KEYS = ("description", "answer", "examples", "keywords")
OUT_OF_SCOPE_KEYS = ("description", "examples")
LANGUAGE_NAMES = {code: DEFAULT[code].name for code in LANGS}
_INTENT_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_ANSWER = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
# Fewer examples than this in a language and the intent is easily mistaken for its neighbours
# (measured with nlu-eval): a warning, not an error, so a new intent can be tried while it grows.
MIN_EXAMPLES = 20


@dataclass(frozen=True)
class Phrase:
    """One example or keyword as staff wrote it, and where."""

    text: str
    pos: Pos


@dataclass(frozen=True, eq=False)
class Intent:
    id: str
    description: str
    answer: str
    answer_pos: Pos
    pos: Pos
    examples: Mapping[str, tuple[Phrase, ...]]
    keywords: Mapping[str, tuple[Phrase, ...]] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class IntentSet:
    """The intents of one file, in file order, plus the examples of what is out of scope."""

    intents: Mapping[str, Intent]
    out_of_scope: Mapping[str, tuple[Phrase, ...]] = field(default_factory=dict)
    source: str = "dialogs/intents.yaml"

    def ids(self) -> list[str]:
        return list(self.intents)

    @property
    def answers(self) -> dict[str, tuple[str, Pos]]:
        """Intent id -> (``dialog.state``, where it is written): for the dialog validator."""
        return {i.id: (i.answer, i.answer_pos) for i in self.intents.values()}

    def answer_refs(self) -> list[str]:
        """The ``dialog.state`` names that answer intents (reachable states, for the validator)."""
        return [i.answer for i in self.intents.values()]

    def examples(self, lang: str) -> Iterator[tuple[str, Phrase]]:
        """(label, example) pairs for one language; out-of-scope examples are labelled so."""
        for intent in self.intents.values():
            for phrase in intent.examples.get(lang, ()):
                yield intent.id, phrase
        for phrase in self.out_of_scope.get(lang, ()):
            yield OUT_OF_SCOPE, phrase


# --------------------------------------------------------------------------- loading


class _Reader:
    """Reads one intents file, reporting every problem with its position (never raises)."""

    def __init__(self, source: Source, problems: Problems) -> None:
        self.source = source
        self.problems = problems
        # (lang, normalised text) -> (owner, position) of the first occurrence, per kind
        self.seen: dict[tuple[str, str, str], tuple[str, Pos]] = {}

    def text(self, value: Any) -> str | None:
        if isinstance(value, bool) or value is None or is_mapping(value) or is_list(value):
            return None
        return str(value).strip()

    def check_keys(self, mapping: Any, allowed: tuple[str, ...], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.problems.add(
                    self.source.at_key(mapping, key),
                    f"unknown key `{key}` in {where}",
                    did_you_mean(str(key), allowed) or f"allowed keys: {', '.join(allowed)}",
                )

    def phrases(self, owner: str, body: Any, key: str, kind: str) -> dict[str, tuple[Phrase, ...]]:
        """The per-language lists under ``examples:`` or ``keywords:``."""
        value = body.get(key)
        if value is None:
            return {}
        if not is_mapping(value):
            self.problems.add(
                self.source.at_value(body, key),
                f"`{key}` of `{owner}` must list sentences per language (it:, en:)",
            )
            return {}
        result: dict[str, tuple[Phrase, ...]] = {}
        for lang, items in value.items():
            if lang not in LANGS:
                self.problems.add(
                    self.source.at_key(value, lang),
                    f"unknown language `{lang}` in `{owner}`; the bot speaks it and en",
                    did_you_mean(str(lang), LANGS),
                )
                continue
            if not is_list(items):
                self.problems.add(
                    self.source.at_value(value, lang),
                    f"the {key} of `{owner}` in {lang} must be a list",
                    "start each one on its own line with '- '",
                )
                continue
            found: list[Phrase] = []
            for index, item in enumerate(items):
                pos = self.source.at_item(items, index)
                text = self.text(item)
                if not text or not normalise(text):
                    self.problems.add(pos, f"this {kind} of `{owner}` has no words in it")
                    continue
                if self.claim(owner, str(lang), text, pos, kind):
                    found.append(Phrase(text, pos))
            result[str(lang)] = tuple(found)
        return result

    def claim(self, owner: str, lang: str, text: str, pos: Pos, kind: str) -> bool:
        """Record who a sentence belongs to; an owner conflict is a problem at the later one."""
        key = (kind, lang, normalise(text))
        previous = self.seen.get(key)
        if previous is None:
            self.seen[key] = (owner, pos)
            return True
        other, where = previous
        if other == owner:
            self.problems.add(
                pos,
                f"this {kind} is listed twice in `{owner}` (also line {where.line})",
                "remove one of the two",
            )
        else:
            self.problems.add(
                pos,
                f"this {kind} also belongs to `{other}` (line {where.line});"
                " a sentence can teach only one intent",
                "keep it under the intent it really asks for",
            )
        return False

    def intent(self, intents: Any, intent_id: Any) -> Intent | None:
        pos = self.source.at_key(intents, intent_id)
        body = intents[intent_id]
        name = str(intent_id)
        if not isinstance(intent_id, str) or not _INTENT_ID.match(intent_id):
            self.problems.add(
                pos,
                f"`{intent_id}` is not a valid intent name",
                "use lowercase letters, digits and _ (e.g. growth_timeline)",
            )
            return None
        if not is_mapping(body):
            self.problems.add(
                pos,
                f"intent `{name}` must have description, answer and examples",
            )
            return None
        self.check_keys(body, INTENT_KEYS, f"intent `{name}`")
        description = self.text(body.get("description")) or ""
        if not description:
            self.problems.add(
                pos,
                f"intent `{name}` has no `description`",
                "add `description:` saying in plain words what is asked",
            )
        answer = self.text(body.get("answer")) or ""
        answer_pos = self.source.at_value(body, "answer") if "answer" in body else pos
        if not answer:
            self.problems.add(
                pos,
                f"intent `{name}` has no `answer`",
                "add `answer: <dialog>.<state>` naming the state that replies",
            )
        elif not _ANSWER.match(answer):
            self.problems.add(
                answer_pos,
                f"`{answer}` is not a dialog state",
                "write it as <dialog>.<state>, e.g. main.pricing",
            )
        examples = self.phrases(name, body, "examples", "example")
        keywords = self.phrases(name, body, "keywords", "keyword")
        where = self.source.at_key(body, "examples") if "examples" in body else pos
        for lang in LANGS:
            count = len(examples.get(lang, ()))
            if not count:
                self.problems.add(
                    where,
                    f"intent `{name}` has no {LANGUAGE_NAMES[lang]} examples",
                    f"add `{lang}:` with a few sentences people would write",
                )
            elif count < MIN_EXAMPLES:
                self.problems.add(
                    pos,
                    f"intent `{name}` has {count} {LANGUAGE_NAMES[lang]} "
                    f"example{'s' if count > 1 else ''}: with fewer than {MIN_EXAMPLES}, "
                    "the bot confuses it with others",
                    "add examples of how prospects say it (`python -m bot review` lists "
                    "messages it did not understand)",
                    severity="warning",
                )
        return Intent(name, description, answer, answer_pos, pos, examples, keywords)

    def read(self) -> IntentSet | None:
        data = self.source.data
        if not is_mapping(data):
            self.problems.add(
                self.source.top(),
                "the intents file must start with `intents:`",
            )
            return None
        self.check_keys(data, TOP_KEYS, "the intents file")
        raw = data.get("intents")
        intents: dict[str, Intent] = {}
        if not is_mapping(raw) or not raw:
            where = self.source.at_key(data, "intents") if "intents" in data else self.source.top()
            self.problems.add(where, "`intents:` must list at least one intent")
        else:
            for intent_id in raw:
                intent = self.intent(raw, intent_id)
                if intent is not None:
                    intents[intent.id] = intent
        out_of_scope: dict[str, tuple[Phrase, ...]] = {}
        oos = data.get(OUT_OF_SCOPE)
        if oos is not None:
            if is_mapping(oos):
                self.check_keys(oos, OUT_OF_SCOPE_KEYS, f"`{OUT_OF_SCOPE}`")
                out_of_scope = self.phrases(OUT_OF_SCOPE, oos, "examples", "example")
            else:
                self.problems.add(
                    self.source.at_value(data, OUT_OF_SCOPE),
                    f"`{OUT_OF_SCOPE}` must contain `examples:` per language",
                )
        return IntentSet(intents, out_of_scope, self.source.name)


def load_intents(path: Path, problems: Problems) -> IntentSet | None:
    """Read and check an intents file; on any error the problems say where, and we return None."""
    errors_before = len(problems.errors)
    source = load_yaml(path, problems)
    if source is None:
        return None
    intents = _Reader(source, problems).read()
    if intents is None or len(problems.errors) > errors_before:
        return None
    return intents


# --------------------------------------------------------------------------- matching
#
# A message is scored against every intent (and the out-of-scope examples) two ways, averaged:
#  - nearest: cosine similarity with the intent's closest examples (idf-weighted lemmas), so one
#    example staff add is enough to teach a new phrasing;
#  - evidence: how much of the message's weight the intent's vocabulary explains, so words
#    spread over several examples still add up ("quanti mesi" from one, "tiktok" from another).
# Words no example uses dilute both: that is what rejects "do you make websites?".
# The same dilution hides a question inside a long message ("ciao, ho una gelateria a Noto e
# volevo sapere quanto costate"), so a message that as a whole asks nothing clear is also read
# clause by clause; and one that finds nothing in its own language is read in the other
# ("operatore pls"), both only accepted when clearly above the threshold.
# Hand-rolled rather than a library TF-IDF: a few hundred short examples, a dozen labels, and
# the sparse dot products over an inverted index take microseconds without numpy.
# Tuned with `python -m bot nlu-eval` on tests/data/nlu_eval.tsv and nlu_holdout.tsv;
# tests/test_nlu_eval.py keeps the figures above floors. tests/data/nlu_final_check.tsv was
# written after tuning and measured once: a check on overfitting, not something to tune on.

KEYWORD_BOOST = 3.0  # a keyword counts like three examples containing it
PAIR_WEIGHT = 0.5  # word pairs refine, but word order must not matter much
STEM = 5  # letters in a stem
STEM_WEIGHT = 0.5  # stems only back up the lemmas
WRITTEN_WEIGHT = 0.5  # the written form adds who-does-what on top of the lemma
UNKNOWN_WEIGHT = 1.5  # a word no example uses, relative to the rarest known word
SHRINK = 1.0  # a feature seen in a single example is only half sure of its intent
EVIDENCE_PRIOR = 1.0  # a message of one or two words is only so sure
NEAREST_SHARE = 0.5  # nearest examples vs evidence
CANDIDATES = 4  # labels whose examples are compared, best evidence first
SHORT_WORDS = 1  # messages this short need a keyword or a near-exact example...
SHORT_EXACT = 0.75  # ...this close (cosine with the closest example)
COMMON_SHARE = 0.7  # a feature under more than this share of labels is left out of nearest
THRESHOLD = 0.3  # raw score below which a message is not understood
ACCEPT = 0.5  # the same threshold on the published confidence scale
YIELDING = frozenset({"greeting"})  # "ciao, quanto costa?" is a pricing question...
YIELD_MARGIN = 0.15  # ...when the rest of the message clearly asks it
OTHER_LANGUAGE = 0.9  # read in the other language ("operatore pls"), a score counts this much
# A message that as a whole asks nothing clearly (only a hello, or nothing) is also read piece
# by piece: each clause, and for long run-on messages the last few words.
CLAUSE_WORDS = 2  # a piece needs this many words...
CLAUSE_MARGIN = 0.1  # ...and to clearly ask something (threshold + margin) to be the question
GREETED_MARGIN = 0.02  # ...or, in a message that opens with a hello, just to ask it
LONG_WORDS = 8  # a message with this many words is also read from its end...
TAIL_WORDS = (4, 6)  # ...this many words at a time
# Where a clause ends: punctuation, or words that start a new thought ("..., volevo sapere").
_CLAUSE_BREAK = re.compile(
    r"[,.;:!?\n…()]+|\s-+\s"
    r"|\s(?=(?:ma |pero |però |quindi |volevo |vorrei sapere |mi chiedevo |"
    r"but |so |and i |and we |(?:i|we) (?:was|were) wondering |i wanted to |i would like to know |"
    r"i'd like to know ))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Match:
    """The intent a message asks for (None: not understood), how sure, and the closest example.

    ``confidence`` is 0..1 with ``ACCEPT`` (0.5) as the line between understood and not.
    """

    intent: str | None
    confidence: float
    example: str | None
    near: str | None = None  # not understood: the intent of the closest example all the same


NO_MATCH = Match(None, 0.0, None)


def _features(content: list[tuple[str, str]]) -> list[str]:
    """Lemmas, adjacent lemma pairs, word stems, and the word as written when not its lemma.

    Pairs tell "quanto tempo" from "che tempo fa"; written forms keep who does what, which
    lemmas lose ("postate", you post, vs "posto io", I post); five-letter stems join a word
    family when the lemmatiser splits it ("costa" read as the noun, "costano" as "costare";
    "crescita"/"crescere", "privacy"/"private").
    """
    lemmas_ = [lem for lem, _ in content]
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(lemmas_)]
    written = [f"~{word}" for lem, word in content if word != lem and lem not in (NUM, CLOCK)]
    stems = [f"^{lem[:STEM]}" for lem in lemmas_ if len(lem) >= STEM]
    return lemmas_ + pairs + written + stems


def _other(lang: str) -> str:
    return "en" if lang == "it" else "it"


def clauses(text: str) -> list[str]:
    """The parts of a message between punctuation and words that start a new thought."""
    return [part for part in (p.strip() for p in _CLAUSE_BREAK.split(text)) if part]


def _contains(lemmas_: list[str], words_: tuple[str, ...]) -> bool:
    if len(words_) == 1:
        return words_[0] in lemmas_
    n = len(words_)
    return any(tuple(lemmas_[i : i + n]) == words_ for i in range(len(lemmas_) - n + 1))


@lru_cache(maxsize=65536)
def _is_word(token: str) -> bool:
    return any(simplemma.is_known(token, lang) for lang in LANGS)


def known_words(text: str) -> int:
    """How many of the message's words a dictionary of one of the bot's languages knows
    ("asdfgh" none; "domani piove a catania?" three)."""
    return sum(1 for token in words(text.lower()) if _is_word(token))


@dataclass(frozen=True)
class _Example:
    label: str
    text: str
    norm: float


_Content = list[tuple[str, str]]  # (lemma, word as written) of the words that carry meaning


class _LanguageIndex:
    """Everything the matcher precomputes for one language."""

    def __init__(self, intents: IntentSet, lang: str) -> None:
        self.lang = lang
        self.surface: Counter[str] = Counter()
        self._corrections: dict[str, str] = {}
        labelled: list[tuple[str, str, _Content, bool]] = []
        for label, phrase in intents.examples(lang):
            labelled.append((label, phrase.text, self._learn(phrase.text), False))
        for intent in intents.intents.values():
            for phrase in intent.keywords.get(lang, ()):
                labelled.append((intent.id, phrase.text, self._learn(phrase.text), True))
        self.vocabulary = [w for w, _ in self.surface.most_common() if len(w) >= 4]
        self.known_surface = frozenset(self.surface)
        self.keywords = [
            (tuple(lem for lem, _ in content), label)
            for label, _, content, is_kw in labelled
            if is_kw and content
        ]
        self.yielding = {
            words_[0] for words_, label in self.keywords if label in YIELDING and len(words_) == 1
        }
        self.keywords_by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for words_, label in self.keywords:
            self.keywords_by_first[words_[0]].append((words_, label))

        sizes = Counter(label for label, _, _, is_kw in labelled if not is_kw)
        typical = statistics.median(sizes.values()) if sizes else 1.0
        # How often each feature occurs in each label's examples, relative to the label's size,
        # so a big intent does not win just by having more sentences.
        share: dict[str, dict[str, float]] = defaultdict(dict)
        for label, _, content, is_kw in labelled:
            boost = KEYWORD_BOOST if is_kw else 1.0
            for feat in set(_features(content)):
                share[feat][label] = share[feat].get(label, 0.0) + boost / sizes.get(label, typical)
        # P(label | feature), shrunk towards "no idea" for features seen once or twice:
        # one example mentioning "night" must not make every "night" a self-posting question.
        shrink = SHRINK / typical
        self.evidence: dict[str, dict[str, float]] = {
            feat: {label: v / (sum(by.values()) + shrink) for label, v in by.items()}
            for feat, by in share.items()
        }
        # idf over labels: a lemma found in every intent ("pagina", "page") says little.
        n = len({label for label, *_ in labelled}) or 1
        self.idf = {feat: 1.0 + math.log(n / len(by)) for feat, by in share.items()}
        self.unknown_weight = UNKNOWN_WEIGHT * (1.0 + math.log(n))
        self.weights: dict[str, float] = {}
        self.weights = {feat: self.weight(feat) for feat in self.idf}

        # Stems only matter where they join different lemmas, or reach a lemma no example has.
        family: dict[str, set[str]] = defaultdict(set)
        for feat in self.evidence:
            if feat[0] not in "~^#@" and " " not in feat and len(feat) >= STEM:
                family[f"^{feat[:STEM]}"].add(feat)
        self.joining_stems = frozenset(stem for stem, lemmas_ in family.items() if len(lemmas_) > 1)

        self.examples: list[_Example] = []
        self.postings: dict[str, dict[str, list[tuple[int, float]]]] = defaultdict(dict)
        # Words found under most labels ("i", "you", "potere") barely tell examples apart; left
        # out of the nearest-example comparison they save most of its time.
        self.common = frozenset(f for f, by in share.items() if len(by) > n * COMMON_SHARE)
        for label, text, content, is_kw in labelled:
            if is_kw:
                continue
            weights = {f: self.weight(f) for f in set(_features(content)) if f not in self.common}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for feat, w in weights.items():
                self.postings[feat].setdefault(label, []).append((len(self.examples), w))
            self.examples.append(_Example(label, text, norm))

    def weight(self, feature: str) -> float:
        known = self.weights.get(feature)
        if known is not None:
            return known
        idf = self.idf.get(feature, self.unknown_weight)
        if feature[0] == "~":
            return idf * WRITTEN_WEIGHT
        if feature[0] == "^":
            return idf * STEM_WEIGHT
        return idf * (PAIR_WEIGHT if " " in feature else 1.0)

    def keywords_in(self, lemmas_: list[str]) -> list[tuple[tuple[str, ...], str]]:
        """The keywords (and their intents) that occur in these lemmas."""
        candidates = {kw for lem in set(lemmas_) for kw in self.keywords_by_first.get(lem, ())}
        return [(words_, label) for words_, label in candidates if _contains(lemmas_, words_)]

    def has_keyword(self, lemmas_: list[str]) -> bool:
        """Whether a keyword of a non-greeting intent occurs in these lemmas."""
        return any(label not in YIELDING for _, label in self.keywords_in(lemmas_))

    def _learn(self, text: str) -> _Content:
        tokens = expand(words(text), self.lang)
        self.surface.update(t for t in tokens if t not in (NUM, CLOCK))
        return self._content(tokens)

    def _content(self, tokens: list[str]) -> _Content:
        pairs = ((lemma(t, self.lang), t) for t in tokens)
        return [(lem, fold_accents(t)) for lem, t in pairs if not is_stopword(lem, self.lang)]

    def correct(self, token: str) -> str:
        """A typo of a word the examples use ("folowers", "qunto") becomes that word.

        Only unknown words are touched, and only one edit away (two for long words), so a real
        word is never turned into a different one. rapidfuzz does the nearest-word search.
        """
        if len(token) < 4 or token in self.known_surface or _is_word(token):
            return token
        found = self._corrections.get(token)
        if found is None:
            limit = 1 if len(token) < 8 else 2
            best = process.extractOne(
                token, self.vocabulary, scorer=OSA.distance, score_cutoff=limit
            )
            found = best[0] if best else token
            if len(self._corrections) < 65536:
                self._corrections[token] = found
        return found

    def content(self, text: str) -> _Content:
        return self._content([self.correct(t) for t in expand(words(text), self.lang)])

    def _message_features(self, content: _Content) -> set[str]:
        feats = set(_features(content))
        for lem, _ in content:
            stem = f"^{lem[:STEM]}"
            if stem in feats and lem in self.evidence and stem not in self.joining_stems:
                feats.discard(stem)  # the lemma itself already says it all
        return feats

    def scores(self, content: _Content) -> tuple[dict[str, float], dict[str, str]]:
        """Per label: a raw score in 0..1, and the closest example."""
        if all(lem in (NUM, CLOCK) for lem, _ in content):
            return {}, {}  # "3", "10k", "alle 7": an answer to a question, not a question
        feats = self._message_features(content)
        weights = {f: self.weight(f) for f in feats if f in self.evidence}
        if not weights:
            return {}, {}
        # Unknown words count against the match; unknown pairs, stems and written forms do
        # not, or word order and inflection would matter.
        unknown = sum(
            1 for f in feats if f not in self.evidence and " " not in f and f[0] not in "~^"
        )
        total = sum(weights.values()) + self.unknown_weight * unknown + EVIDENCE_PRIOR
        distinctive = {f: w for f, w in weights.items() if f not in self.common}
        norm = math.sqrt(
            sum(w * w for w in distinctive.values()) + unknown * self.unknown_weight**2
        )

        evidence: dict[str, float] = defaultdict(float)
        for feat, w in weights.items():
            for label, p in self.evidence[feat].items():
                evidence[label] += w * p / total
        keyworded: set[str] = set()
        for words_, label in self.keywords_in([lem for lem, _ in content]):
            covered = min(1.0, sum(self.weight(w) for w in words_) / total)
            evidence[label] = max(evidence[label], covered)
            keyworded.add(label)

        # Examples are compared only for the labels the evidence already points to: an intent
        # none of whose vocabulary is in the message cannot have a close example either.
        candidates = set(heapq.nlargest(CANDIDATES, evidence, key=evidence.__getitem__))
        dots: dict[int, float] = defaultdict(float)
        for feat, w in distinctive.items():
            for label, postings in self.postings.get(feat, {}).items():
                if label in candidates:
                    for index, example_weight in postings:
                        dots[index] += w * example_weight

        # An intent's nearest score averages its two closest examples: one example sharing a
        # stray word ("last night") is not enough on its own.
        top: dict[str, list[float]] = {}  # label -> [best cosine, its example, second best]
        examples = self.examples
        for index, dot in dots.items():
            example = examples[index]
            cos = dot / example.norm
            found = top.get(example.label)
            if found is None:
                top[example.label] = [cos, index, 0.0]
            elif cos > found[0]:
                found[2], found[0], found[1] = found[0], cos, index
            elif cos > found[2]:
                found[2] = cos
        nearest = {label: (t[0] + t[2]) / (2 * norm) for label, t in top.items()}
        closest = {label: examples[int(t[1])].text for label, t in top.items()}
        exact = {label for label, t in top.items() if t[0] / norm >= SHORT_EXACT}

        labels = set(evidence) | set(nearest)
        said = [lem for lem, _ in content if lem not in (NUM, CLOCK)]
        topics = [lem for lem in said if lem not in FRAME_WORDS[self.lang]]
        if len(said) <= SHORT_WORDS or not topics:
            # "no", "why not?", "follower": a lone word, or words with no topic, are an intent
            # only when they are one of its keywords or (nearly) one of its examples.
            labels &= keyworded | exact
        scores = {
            label: NEAREST_SHARE * nearest.get(label, 0.0)
            + (1 - NEAREST_SHARE) * evidence.get(label, 0.0)
            for label in labels
        }
        return scores, closest


class Matcher:
    """Recognises which intent a message asks for; deterministic, offline, sub-millisecond."""

    def __init__(self, intents: IntentSet, threshold: float = THRESHOLD) -> None:
        self.intents = intents
        self.threshold = threshold
        self._index = {lang: _LanguageIndex(intents, lang) for lang in LANGS}

    def confidence(self, score: float) -> float:
        """Raw score -> 0..1 with the threshold at ACCEPT, so staff read 0.5 as the line."""
        score = max(0.0, min(1.0, score))
        if score < self.threshold:
            return round(ACCEPT * score / self.threshold, 3)
        return round(ACCEPT + (1 - ACCEPT) * (score - self.threshold) / (1 - self.threshold), 3)

    def _scores(self, index: _LanguageIndex, text: str) -> tuple[dict[str, float], dict[str, str]]:
        content = index.content(text)
        scores, closest = self._whole(index, content)
        label, best = max(scores.items(), key=lambda item: item[1], default=("", 0.0))
        if label not in YIELDING and label != OUT_OF_SCOPE and best >= self.threshold:
            return scores, closest  # the message as a whole asks something clearly
        # "buongiorno, ho un agriturismo vicino Ragusa e volevo sapere quanto costa": the
        # question is one clause among introductions; read alone, the shop and the town do not
        # dilute it. Without punctuation, the end of a long message is where the question is.
        parts = clauses(text)
        pieces = [index.content(part) for part in parts] if len(parts) > 1 else []
        if len(content) >= LONG_WORDS:
            pieces.extend(content[-size:] for size in TAIL_WORDS)
        # after a hello ("Buongiorno, ho un B&B e vorrei capire quanti follower…") any clause
        # that asks something wins over the hello: the hello is no question of its own
        margin = GREETED_MARGIN if label in YIELDING else CLAUSE_MARGIN
        scores = dict(scores)
        closest = dict(closest)
        for piece in pieces:
            piece = [item for item in piece if item[0] not in index.yielding]
            if sum(1 for lem, _ in piece if lem not in (NUM, CLOCK)) < CLAUSE_WORDS:
                continue
            piece_scores, piece_closest = index.scores(piece)
            label, value = max(piece_scores.items(), key=lambda item: item[1], default=("", 0.0))
            if not label or label == OUT_OF_SCOPE or label in YIELDING:
                continue
            if value >= self.threshold + margin and value > scores.get(label, 0.0):
                scores[label] = value
                if label in piece_closest:
                    closest[label] = piece_closest[label]
        return scores, closest

    def _whole(
        self, index: _LanguageIndex, content: _Content
    ) -> tuple[dict[str, float], dict[str, str]]:
        scores, closest = index.scores(content)
        rest = [item for item in content if item[0] not in index.yielding]
        if len(rest) == len(content):
            return scores, closest
        # A greeting plus a question is the question ("ciao, quanto costa?") when the rest asks
        # it clearly. A lone word after the greeting is usually who is greeted ("ciao ragazzi",
        # "hello friends"), unless it is a keyword ("ciao, prezzi?").
        rest_scores, rest_closest = index.scores(rest)
        best = max(rest_scores.items(), key=lambda item: item[1], default=None)
        asks = len(rest) >= 2 or index.has_keyword([lem for lem, _ in rest])
        if asks and best and best[0] != OUT_OF_SCOPE and best[1] >= self.threshold + YIELD_MARGIN:
            return rest_scores, rest_closest
        # Nothing else clearly asked: a hello ("hello! I'm Anna from the flower shop") is
        # answered as one, however many unknown words follow it.
        return {
            label: max(v, self.threshold) for label, v in scores.items() if label in YIELDING
        }, closest

    @staticmethod
    def _merge(
        scores: dict[str, float],
        closest: dict[str, str],
        more: dict[str, float],
        more_closest: dict[str, str],
    ) -> None:
        for label, score in more.items():
            if score > scores.get(label, 0.0):
                scores[label] = score
                if label in more_closest:
                    closest[label] = more_closest[label]

    def _label_scores(self, text: str, lang: str | None) -> tuple[dict[str, float], dict[str, str]]:
        """Every label's raw score for a message in ``lang`` (both languages tried when it is
        None), and its closest example.

        People mix languages ("operatore pls", "hi, quanto chiedete al mese?"): when the message's
        language finds nothing, the other language is tried too, and must be clearly sure.
        """
        scores: dict[str, float] = {}
        closest: dict[str, str] = {}
        for code in (lang,) if lang in self._index else LANGS:
            self._merge(scores, closest, *self._scores(self._index[str(code)], text))
        if lang in self._index and max(scores.values(), default=0.0) < self.threshold:
            other_scores, other_closest = self._scores(self._index[_other(str(lang))], text)
            sure = {
                label: score * OTHER_LANGUAGE
                for label, score in other_scores.items()
                if label != OUT_OF_SCOPE and score * OTHER_LANGUAGE >= self.threshold
            }
            self._merge(scores, closest, sure, other_closest)
        return scores, closest

    def ranked(self, text: str, lang: str | None) -> list[tuple[str, float]]:
        """Every label near a message (intents and ``out_of_scope``) with its confidence (0..1,
        ``ACCEPT`` the line where ``match`` answers), best first, even below that line; the
        languages tried as by ``match``, whose intent, when it has one, comes first."""
        scores, _closest = self._label_scores(text, lang)
        best_first = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [(label, self.confidence(score)) for label, score in best_first]

    def match(self, text: str, lang: str | None) -> Match:
        """The best intent for a message in ``lang`` (both languages tried when it is None;
        the other one too when the message's language finds nothing, see ``_label_scores``).
        """
        scores, closest = self._label_scores(text, lang)
        if not scores:
            return NO_MATCH
        label, score = min(scores.items(), key=lambda item: (-item[1], item[0]))
        if label == OUT_OF_SCOPE:
            # Like something we do not handle; say how close the best real intent came.
            near = max((v for k, v in scores.items() if k != OUT_OF_SCOPE), default=0.0)
            return Match(None, min(self.confidence(near), ACCEPT - 0.01), closest.get(label))
        if score < self.threshold:
            return Match(None, self.confidence(score), closest.get(label), near=label)
        return Match(label, self.confidence(score), closest.get(label))
