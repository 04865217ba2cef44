"""Staff's own yes/no words: ``locales/<code>/words.yaml``, optional.

```yaml
yes: [certo certo, "sì dai"]
no: [nah, manco per sogno]
back: [torna su]               # "the previous question, please"
cancel: [lascia cadere]        # "never mind": leave the question for the menu
resume: [rieccomi]             # back to a question left unfinished
```

They are added to the language pack's words (``bot.understanding.lang``) for this content only,
so staff can teach the bot a yes or a no without touching the code.
"""

from __future__ import annotations

from pathlib import Path

from bot.base.problems import Problems, did_you_mean, relpath
from bot.base.yamlpos import is_list, is_mapping, load_yaml
from bot.understanding.lang import MOVE_WORDS, LanguagePack, with_move_words, with_words

WORDS_FILE = "words.yaml"
KEYS = ("yes", "no", *MOVE_WORDS)


def load_words(folder: Path, pack: LanguagePack, problems: Problems, root: Path) -> LanguagePack:
    """``pack`` with the words of ``folder/words.yaml`` added (``pack`` itself when there is no
    file or it has mistakes, which are added to ``problems``, located)."""
    path = folder / WORDS_FILE
    if not path.exists():
        return pack
    src = load_yaml(path, problems, relpath(path, root))
    if src is None or src.data is None:
        return pack
    if not is_mapping(src.data):
        problems.add(
            src.top(),
            "words.yaml holds lists of words: " + ", ".join(f"`{k}:`" for k in KEYS),
            "yes: [certo, ok]",
        )
        return pack
    found: dict[str, list[str]] = {key: [] for key in KEYS}
    before = len(problems.errors)
    for key, value in src.data.items():
        if key not in KEYS:
            problems.add(
                src.at_key(src.data, key),
                f"words.yaml knows only {', '.join(f'`{k}:`' for k in KEYS)}, not `{key}`",
                did_you_mean(str(key), KEYS),
            )
            continue
        if not is_list(value):
            problems.add(
                src.at_value(src.data, key),
                f"`{key}:` must be a list of words",
                f"{key}: [word, other word]",
            )
            continue
        for index, word in enumerate(value):
            if not isinstance(word, str) or not word.strip():
                problems.add(
                    src.at_item(value, index),
                    f"every `{key}:` word must be text",
                    'put it in quotes, e.g. "1"',
                )
                continue
            found[key].append(word)
    if len(problems.errors) > before:
        return pack
    pack = with_words(pack, yes=found["yes"], no=found["no"])
    return with_move_words(pack, {key: found[key] for key in MOVE_WORDS})
