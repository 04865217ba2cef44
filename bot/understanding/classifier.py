"""A trained intent classifier: the second reader beside the example matcher (``intents.py``).

The matcher compares a message with staff's examples one by one; it is exact on phrasings close
to an example and careful with what it has never seen. The classifier generalises instead: a
logistic regression over TF-IDF features of the accent-folded text, word 1–2-grams (what is
asked) and character 2–5-grams within words (typos, inflections, "followerz", "seguaci"), with
the ``out_of_scope`` examples as a class of their own so that "what are your opening hours" has
somewhere to go. ``nlu.Understanding`` combines the two (see ``decide`` there).

It is trained from ``dialogs/intents.yaml`` when content loads: deterministic (a fixed seed:
the same examples give the same weights), offline, and cached on disk by a fingerprint of the
examples, the settings and the library version, so a restart with unchanged intents does not
retrain.
The cache holds arrays and strings only (``numpy.savez`` without pickles, vocabularies as JSON):
loading it never runs code, whoever wrote the file.

scikit-learn rather than our own code: TF-IDF and a regularised, class-weighted logistic
regression are exactly what it is for, well tested and fast enough (a message is classified in
well under a millisecond; training on ~2,000 examples takes a few seconds).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # scikit-learn loads only when a classifier is built (~0.6 s of imports)
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

from bot.understanding.augment import VERSION as AUGMENT_VERSION
from bot.understanding.augment import augmented
from bot.understanding.intents import IntentSet
from bot.understanding.lang import LanguagePack, packs_first
from bot.understanding.text import LANGS, fold_accents

log = logging.getLogger(__name__)

# The settings are part of the cache's fingerprint: change one and the cache is rebuilt.
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
C = 10.0  # weak regularisation: the examples are few and clean; measured with nlu-eval
MAX_ITER = 3000
# saga with a fixed shuffle: as accurate as lbfgs on our sets and ~15× faster to train (0.6 s
# against 10 s for ~3,000 examples), which matters on a hot reload; tol 1e-3 converges there
SOLVER = "saga"
TOL = 1e-3
SEED = 0
FORMAT = 1  # the cache file's layout
KEEP = 4  # cached classifiers kept in the folder, newest first


def prepare(text: str) -> str:
    """The text the features are read from: lowercase, accents folded ("perché" = "perche")."""
    return fold_accents(text.lower())


def _vectorisers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    words = TfidfVectorizer(
        preprocessor=prepare,
        analyzer="word",
        ngram_range=WORD_NGRAMS,
        token_pattern=r"(?u)\b\w+\b",  # one-letter words count: "x mese", "5 k"
        sublinear_tf=True,
        dtype=np.float64,
    )
    chars = TfidfVectorizer(
        preprocessor=prepare,
        analyzer="char_wb",
        ngram_range=CHAR_NGRAMS,
        sublinear_tf=True,
        dtype=np.float64,
    )
    return words, chars


def _model() -> LogisticRegression:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=C,
        class_weight="balanced",  # intents with fewer examples are not drowned out
        max_iter=MAX_ITER,
        solver=SOLVER,
        tol=TOL,
        random_state=SEED,  # deterministic: the same examples give the same weights
    )


def training_data(
    intents: IntentSet, packs: Mapping[str, LanguagePack] | None = None
) -> tuple[list[str], list[str]]:
    """(texts, labels) of every example in every language, out-of-scope ones labelled so, with
    their variants as prospects type them (``augment.augmented``, with the language's pack)."""
    texts: list[str] = []
    labels: list[str] = []
    for lang in LANGS:
        examples = [(label, phrase.text) for label, phrase in intents.examples(lang)]
        for label, text in augmented(examples, packs_first(lang, packs)[0]):
            texts.append(text)
            labels.append(label)
    return texts, labels


def fingerprint(texts: Sequence[str], labels: Sequence[str]) -> str:
    """A digest of the examples, the settings and the library version: the cache key."""
    from importlib.metadata import version

    sklearn_version = version("scikit-learn")  # without importing it (~0.6 s)

    digest = hashlib.sha256()
    settings = (
        (FORMAT, WORD_NGRAMS, CHAR_NGRAMS, C, MAX_ITER, SOLVER, TOL, SEED),
        (AUGMENT_VERSION, sklearn_version),
    )
    digest.update(repr(settings).encode())
    for text, label in zip(texts, labels, strict=True):
        digest.update(f"{label}\t{text}\n".encode())
    return digest.hexdigest()[:32]


_TOKEN = re.compile(r"(?u)\b\w+\b")  # the word vectoriser's token_pattern
_SPACES = re.compile(r"\s\s+")


def _word_grams(text: str) -> list[str]:
    """Word 1- and 2-grams of ``prepare(text)``, as scikit-learn's word analyzer makes them."""
    tokens = _TOKEN.findall(prepare(text))
    low, high = WORD_NGRAMS
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def _char_grams(text: str) -> list[str]:
    """Character n-grams inside words padded with a space, as scikit-learn's ``char_wb``
    analyzer makes them (a word shorter than n gives itself once)."""
    low, high = CHAR_NGRAMS
    grams: list[str] = []
    for word in _SPACES.sub(" ", prepare(text)).split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < size:
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:
                break
    return grams


class _Scorer:
    """The trained classifier as numpy arrays: TF-IDF (sublinear tf, l2 norm per vectoriser)
    and the logistic regression's softmax, computed as scikit-learn's ``transform`` and
    ``predict_proba`` compute them, without importing it: a start with unchanged intents
    loads no scikit-learn (``tests/test_classifier.py`` checks the two agree)."""

    def __init__(
        self,
        words: Mapping[str, int],
        chars: Mapping[str, int],
        words_idf: np.ndarray,
        chars_idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
    ) -> None:
        self.words, self.chars = dict(words), dict(chars)
        self.words_idf, self.chars_idf = words_idf, chars_idf
        self.coef, self.intercept = coef, intercept
        self.offset = len(self.words)  # the character features follow the word features

    @staticmethod
    def _tfidf(
        grams: list[str], vocabulary: dict[str, int], idf: np.ndarray, offset: int
    ) -> tuple[list[int], list[float]]:
        counts: dict[int, int] = {}
        for gram in grams:
            index = vocabulary.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return [], []
        indices = list(counts)
        values = (1.0 + np.log(np.array([counts[i] for i in indices], dtype=np.float64))) * idf[
            indices
        ]
        norm = float(np.sqrt(np.dot(values, values)))
        if norm > 0:
            values = values / norm
        return [i + offset for i in indices], values.tolist()

    def probabilities(self, text: str) -> np.ndarray:
        """One probability per class, in the model's class order."""
        w_idx, w_val = self._tfidf(_word_grams(text), self.words, self.words_idf, 0)
        c_idx, c_val = self._tfidf(_char_grams(text), self.chars, self.chars_idf, self.offset)
        indices, values = w_idx + c_idx, np.array(w_val + c_val, dtype=np.float64)
        scores = self.coef[:, indices] @ values + self.intercept
        if self.coef.shape[0] == 1:  # two classes: a sigmoid, as scikit-learn's binary case
            positive = 1.0 / (1.0 + np.exp(-scores[0]))
            return np.array([1.0 - positive, positive])
        scores = scores - scores.max()
        exp = np.exp(scores)
        return np.asarray(exp / exp.sum())


@dataclass(frozen=True)
class Ranked:
    """One label (an intent id or ``out_of_scope``) and its probability, 0..1."""

    label: str
    probability: float


class IntentClassifier:
    """Probabilities of each intent (and ``out_of_scope``) for a message.

    Build it with ``train`` or ``load_or_train``; ``rank(text)`` is the only call at run time.
    Training uses scikit-learn; ranking uses the learnt arrays alone (``_Scorer``).
    """

    def __init__(
        self, scorer: _Scorer, labels: Sequence[str], key: str, seconds: float = 0.0
    ) -> None:
        self._scorer = scorer
        self.key = key
        """The fingerprint of the examples it was trained on."""
        self.labels: tuple[str, ...] = tuple(str(c) for c in labels)
        self.seconds = seconds
        """How long training took (0 when read from the cache)."""

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[str]) -> IntentClassifier:
        """Fit on (texts, labels). Raises ValueError with fewer than two distinct labels."""
        if len(set(labels)) < 2:
            raise ValueError("the classifier needs examples of at least two labels")
        started = time.perf_counter()
        words, chars = _vectorisers()
        from scipy.sparse import hstack

        features = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
        model = _model()
        model.fit(features, list(labels))
        seconds = time.perf_counter() - started
        scorer = _Scorer(
            {str(k): int(v) for k, v in words.vocabulary_.items()},
            {str(k): int(v) for k, v in chars.vocabulary_.items()},
            np.asarray(words.idf_, dtype=np.float64),
            np.asarray(chars.idf_, dtype=np.float64),
            np.asarray(model.coef_, dtype=np.float64),
            np.asarray(model.intercept_, dtype=np.float64),
        )
        return cls(scorer, list(model.classes_), fingerprint(texts, labels), seconds)

    def rank(self, text: str) -> list[Ranked]:
        """Every label with its probability, most likely first (probabilities sum to 1)."""
        row = self._scorer.probabilities(text)
        order = np.argsort(-row, kind="stable")
        return [Ranked(self.labels[i], float(row[i])) for i in order]

    def probabilities(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """label -> probability for each of ``texts`` (for evaluation)."""
        return [
            {
                label: float(p)
                for label, p in zip(self.labels, self._scorer.probabilities(text), strict=True)
            }
            for text in texts
        ]

    # -- the cache -----------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the weights and vocabularies to ``path`` (``.npz``; atomically replaced)."""
        scorer = self._scorer
        meta = {
            "format": FORMAT,
            "key": self.key,
            "labels": list(self.labels),
            "words": scorer.words,
            "chars": scorer.chars,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                np.savez_compressed(
                    out,
                    meta=np.array(json.dumps(meta)),
                    words_idf=scorer.words_idf,
                    chars_idf=scorer.chars_idf,
                    coef=scorer.coef,
                    intercept=scorer.intercept,
                )
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path, key: str) -> IntentClassifier | None:
        """The classifier cached at ``path`` if it was trained on examples with this ``key``;
        None when the file is missing, stale, or unreadable (never raises on a bad file)."""
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                if meta.get("format") != FORMAT or meta.get("key") != key:
                    return None
                labels = [str(label) for label in meta["labels"]]
                scorer = _Scorer(
                    {str(k): int(v) for k, v in meta["words"].items()},
                    {str(k): int(v) for k, v in meta["chars"].items()},
                    np.array(data["words_idf"], dtype=np.float64),
                    np.array(data["chars_idf"], dtype=np.float64),
                    np.array(data["coef"], dtype=np.float64),
                    np.array(data["intercept"], dtype=np.float64),
                )
        except (OSError, ValueError, KeyError, TypeError, AttributeError, zipfile.BadZipFile):
            return None
        words, chars = scorer.words, scorer.chars
        shapes_fit = (
            scorer.coef.ndim == 2
            and scorer.coef.shape[1] == len(words) + len(chars)
            and len(scorer.words_idf) == len(words)
            and len(scorer.chars_idf) == len(chars)
            and scorer.coef.shape[0] == (1 if len(labels) == 2 else len(labels))
            and scorer.intercept.shape == (scorer.coef.shape[0],)
            and all(0 <= i < len(words) for i in words.values())
            and all(0 <= i < len(chars) for i in chars.values())
        )
        return cls(scorer, labels, key) if shapes_fit else None


def cache_dir() -> Path:
    """Where trained classifiers are kept: ``BOT_CACHE_DIR``, else the user's cache folder
    (``$XDG_CACHE_HOME`` or ``~/.cache``) under ``expectations-bot``."""
    configured = os.environ.get("BOT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "expectations-bot"


def load_or_train(
    intents: IntentSet,
    directory: Path | None = None,
    packs: Mapping[str, LanguagePack] | None = None,
) -> IntentClassifier | None:
    """The classifier for ``intents``: from the cache when the examples are unchanged, else
    trained now and cached. None when there is nothing to learn (fewer than two labels).
    ``packs`` (default: the built-in ones) give the chat spellings of the training variants.

    A cache folder that cannot be written only costs the next start a retraining (logged)."""
    texts, labels = training_data(intents, packs)
    if len(set(labels)) < 2:
        return None
    key = fingerprint(texts, labels)
    folder = directory if directory is not None else cache_dir()
    path = folder / f"intents-{key}.npz"
    cached = IntentClassifier.load(path, key)
    if cached is not None:
        return cached
    classifier = IntentClassifier.train(texts, labels)
    log.info("intent classifier trained on %d examples in %.1f s", len(texts), classifier.seconds)
    try:
        classifier.save(path)
        # a few versions stay (two bots with different content may share the folder)
        older = sorted(folder.glob("intents-*.npz"), key=lambda p: p.stat().st_mtime)[:-KEEP]
        for old in older:
            old.unlink(missing_ok=True)
    except OSError as err:
        log.warning("the intent classifier could not be cached in %s: %s", folder, err)
    return classifier
