"""Staff's own yes/no words: ``locales/<code>/words.yaml``, optional.

```yaml
yes: [certo certo, "sì dai"]
no: [nah, manco per sogno]
back: [torna su]               # "the previous question, please"
cancel: [lascia cadere]        # "never mind": leave the question for the menu
resume: [rieccomi]             # back to a question left unfinished
slots:                         # other names of an answer, by slot: "cambia la piattaforma"
  platform: [piattaforma, canale]
fee: [la vostra quota, pacchetto]  # money for the agency: "il pacchetto da 300" is its fee
ads: [social ads, reclame]     # money for ads: "300 di reclame" is ad budget
```

They are added to the language pack's words (``bot.understanding.lang``) for this content only,
so staff can teach the bot a yes or a no without touching the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.base.problems import Problems, did_you_mean, relpath
from bot.base.yamlpos import is_list, is_mapping, load_yaml
from bot.understanding.lang import (
    MOVE_WORDS,
    LanguagePack,
    with_money_cues,
    with_move_words,
    with_slot_words,
    with_words,
)

WORDS_FILE = "words.yaml"
KEYS = ("yes", "no", *MOVE_WORDS, "slots", "fee", "ads")


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
    slots: dict[str, list[str]] = {}
    before = len(problems.errors)
    for key, value in src.data.items():
        if key == "slots":
            _read_slots(src, value, problems, slots)
            continue
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
    pack = with_slot_words(pack, slots)
    pack = with_money_cues(pack, fee=found["fee"], ads=found["ads"])
    return with_move_words(pack, {key: found[key] for key in MOVE_WORDS})


def _read_slots(src: Any, value: Any, problems: Problems, slots: dict[str, list[str]]) -> None:
    """``slots:``: for each slot name, a list of other names of that answer."""
    if not is_mapping(value):
        problems.add(
            src.at_value(src.data, "slots"),
            "`slots:` lists, for each slot, other names of that answer",
            "slots:\n  platform: [piattaforma, canale]",
        )
        return
    for slot, names in value.items():
        if not is_list(names):
            problems.add(
                src.at_value(value, slot),
                f"`{slot}:` under `slots:` must be a list of words",
                f"{slot}: [word, other word]",
            )
            continue
        for index, word in enumerate(names):
            if not isinstance(word, str) or not word.strip():
                problems.add(
                    src.at_item(names, index),
                    f"every name of `{slot}` must be text",
                    'put it in quotes, e.g. "1"',
                )
                continue
            slots.setdefault(str(slot), []).append(word)
