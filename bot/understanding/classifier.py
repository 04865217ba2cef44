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
import tempfile
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    from sklearn import __version__ as sklearn_version

    digest = hashlib.sha256()
    settings = (
        (FORMAT, WORD_NGRAMS, CHAR_NGRAMS, C, MAX_ITER, SOLVER, TOL, SEED),
        (AUGMENT_VERSION, sklearn_version),
    )
    digest.update(repr(settings).encode())
    for text, label in zip(texts, labels, strict=True):
        digest.update(f"{label}\t{text}\n".encode())
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class Ranked:
    """One label (an intent id or ``out_of_scope``) and its probability, 0..1."""

    label: str
    probability: float


class IntentClassifier:
    """Probabilities of each intent (and ``out_of_scope``) for a message.

    Build it with ``train`` or ``load_or_train``; ``rank(text)`` is the only call at run time.
    """

    def __init__(
        self,
        words: TfidfVectorizer,
        chars: TfidfVectorizer,
        model: LogisticRegression,
        key: str,
        seconds: float = 0.0,
    ) -> None:
        self._words = words
        self._chars = chars
        self._model = model
        self.key = key
        """The fingerprint of the examples it was trained on."""
        self.labels: tuple[str, ...] = tuple(str(c) for c in model.classes_)
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
        return cls(words, chars, model, fingerprint(texts, labels), seconds)

    def _features(self, texts: Sequence[str]) -> Any:
        from scipy.sparse import hstack

        return hstack([self._words.transform(texts), self._chars.transform(texts)]).tocsr()

    def rank(self, text: str) -> list[Ranked]:
        """Every label with its probability, most likely first (probabilities sum to 1)."""
        row = self._model.predict_proba(self._features([text]))[0]
        order = np.argsort(-row, kind="stable")
        return [Ranked(self.labels[i], float(row[i])) for i in order]

    def probabilities(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """label -> probability for each of ``texts`` (for evaluation: one call, many texts)."""
        rows = self._model.predict_proba(self._features(texts))
        return [
            {label: float(p) for label, p in zip(self.labels, row, strict=True)} for row in rows
        ]

    # -- the cache -----------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the weights and vocabularies to ``path`` (``.npz``; atomically replaced)."""
        meta = {
            "format": FORMAT,
            "key": self.key,
            "labels": list(self.labels),
            "words": {k: int(v) for k, v in self._words.vocabulary_.items()},
            "chars": {k: int(v) for k, v in self._chars.vocabulary_.items()},
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                np.savez_compressed(
                    out,
                    meta=np.array(json.dumps(meta)),
                    words_idf=self._words.idf_,
                    chars_idf=self._chars.idf_,
                    coef=self._model.coef_,
                    intercept=self._model.intercept_,
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
                words, chars = _vectorisers()
                words.vocabulary_ = {str(k): int(v) for k, v in meta["words"].items()}
                chars.vocabulary_ = {str(k): int(v) for k, v in meta["chars"].items()}
                words.idf_ = np.array(data["words_idf"], dtype=np.float64)
                chars.idf_ = np.array(data["chars_idf"], dtype=np.float64)
                model = _model()
                model.classes_ = np.array(meta["labels"])
                model.coef_ = np.array(data["coef"], dtype=np.float64)
                model.intercept_ = np.array(data["intercept"], dtype=np.float64)
                model.n_features_in_ = model.coef_.shape[1]
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile):
            return None
        expected = len(words.vocabulary_) + len(chars.vocabulary_)
        shapes_fit = (
            model.coef_.shape[1] == expected
            and len(words.idf_) == len(words.vocabulary_)
            and len(chars.idf_) == len(chars.vocabulary_)
            and model.coef_.shape[0] == (1 if len(model.classes_) == 2 else len(model.classes_))
        )
        return cls(words, chars, model, key) if shapes_fit else None


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
