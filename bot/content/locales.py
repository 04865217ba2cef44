"""Reading ``locales/<lang>/*.yaml``: every text the bot says, by key, per language.

Files may nest keys (``menu: {question: …}`` is the key ``menu.question``) and may be split by
topic however staff like; a key defined twice is reported, wherever the two copies are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.base.problems import Pos, Problems, relpath
from bot.base.yamlpos import Source, is_list, is_mapping, load_yaml
from bot.content.model import LocaleText
from bot.content.words import WORDS_FILE


def load_locale(
    directory: Path, lang: str, problems: Problems, root: Path
) -> dict[str, LocaleText]:
    texts: dict[str, LocaleText] = {}
    # where each key is written, and when its file was last saved: a key written twice is
    # reported at the copy saved last, most likely the one just added
    written: dict[str, tuple[Pos, float]] = {}
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    for path in files:
        if path.name == WORDS_FILE:
            continue  # staff's yes/no words, not texts: bot.content.words
        src = load_yaml(path, problems, relpath(path, root))
        if src is None or src.data is None:
            continue
        if not is_mapping(src.data):
            problems.add(
                src.top(),
                "a locale file must be a list of `key: text` lines",
                'for example `welcome: "Ciao!"`',
            )
            continue
        _walk(src, src.data, "", lang, texts, problems, (written, src.saved))
    return texts


def _walk(
    src: Source,
    mapping: Any,
    prefix: str,
    lang: str,
    texts: dict[str, LocaleText],
    problems: Problems,
    written: tuple[dict[str, tuple[Pos, float]], float],
) -> None:
    where, saved = written
    for key, value in mapping.items():
        full = f"{prefix}{key}"
        pos = src.at_value(mapping, key)
        if is_mapping(value):
            _walk(src, value, full + ".", lang, texts, problems, written)
            continue
        if is_list(value) or value is None or isinstance(value, bool):
            problems.add(
                pos,
                f"the text `{full}` must be a sentence, not "
                + ("a list" if is_list(value) else "empty" if value is None else "yes/no"),
                "put the sentence in quotes, or use `|` for several lines",
            )
            continue
        if full in texts:
            first, first_saved = where[full]
            here, other = src.at_key(mapping, key), first
            if first_saved > saved:  # the first copy was saved last: point at that one
                here, other = first, here
            elsewhere = "" if other.file == here.file else f" in {other.file}"
            problems.add(
                here,
                f"the text `{full}` is written twice: here and{elsewhere} at line {other.line}",
                "keep only one of the two: the bot does not start while both are there",
            )
            continue
        where[full] = (src.at_key(mapping, key), saved)
        # block scalars (``|``) start on the line after the key
        text = str(value)
        texts[full] = LocaleText(full, lang, text, pos, src.written(pos))
