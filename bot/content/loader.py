"""Loading a content folder (``dialogs/`` + ``locales/``) into a checked ``Content``.

``load_content`` never raises on bad staff files: it returns the problems, located, and a
``Content`` only when there are no errors, so the bot never starts on a broken conversation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.base.problems import Pos, Problem, Problems, relpath
from bot.base.yamlpos import load_yaml, read_staff_text
from bot.content.catalog import ActionCatalog, ContentFile, SlotTypeCatalog
from bot.content.dialogs import read_dialog
from bot.content.locales import load_locale
from bot.content.model import Content, Dialog, LocaleText
from bot.content.placeholders import KIND as PLACEHOLDER
from bot.content.placeholders import folded as folded_placeholders
from bot.content.words import load_words
from bot.languages import DEFAULT, LanguageRegistry
from bot.understanding.lang import BUILTIN_PACKS, LanguagePack, pack_for

INTENTS_FILE = "intents.yaml"


@dataclass
class Loaded:
    content: Content | None
    problems: Problems


def dialog_files(root: Path, extra_files: Sequence[ContentFile] = ()) -> list[Path]:
    """The dialog files under ``root/dialogs``: every YAML file but intents and plug-ins' own."""
    folder = root / "dialogs"
    special = {INTENTS_FILE, *(f.name for f in extra_files)}
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    return [f for f in files if f.name not in special]


def load_content(
    root: Path,
    *,
    actions: ActionCatalog | None,
    extra_files: Sequence[ContentFile] = (),
    check: bool = True,
    languages: LanguageRegistry = DEFAULT,
    packs: Mapping[str, LanguagePack] | None = None,
    slot_types: SlotTypeCatalog | None = None,
) -> Loaded:
    """Read and check everything under ``root``; see ``bot.content.validate`` for the checks.

    ``actions`` are the actions dialogs may name (None only with ``check=False``);
    ``extra_files`` are plug-ins' own files in ``dialogs/``, loaded into ``Content.extras``.
    ``bot.app.load_content`` calls this with the app's registry and plug-ins.
    ``slot_types`` are the answer types an ``ask:`` may name (None only with ``check=False``:
    then any type name is read, and ``options:`` wherever they are written).
    ``languages`` say which ``locales/<code>/`` folders must exist; ``packs`` are their word
    packs (default: the built-in ones; a language without one gets an empty pack and a
    warning), to which ``locales/<code>/words.yaml`` adds staff's yes/no words.

    Raises:
        ValueError: ``check`` is set but no ``actions`` or no ``slot_types`` were given.
    """
    if check and actions is None:
        raise ValueError("validating content needs the action catalog")
    if check and slot_types is None:
        raise ValueError("validating content needs the slot type catalog")
    problems = Problems()
    problems.folds[PLACEHOLDER] = folded_placeholders  # 30 facts to fill in: one line
    root = Path(root)
    if not (root / "dialogs").is_dir():
        problems.add(
            Pos(relpath(root / "dialogs"), 1, 1),
            "there is no `dialogs` folder here",
            "name the folder that has dialogs/ and locales/ with --content FOLDER (or "
            "BOT_CONTENT_DIR=FOLDER), or run the command inside it; `expectations-bot init "
            "FOLDER` makes one from the shipped conversations",
        )
        return Loaded(None, problems)
    dialogs: dict[str, Dialog] = {}
    for path in dialog_files(root, extra_files):
        src = load_yaml(path, problems, relpath(path, root))
        if src is None:
            continue
        dialog = read_dialog(src, problems, path.stem, slot_types)
        if dialog is None:
            continue
        if dialog.id in dialogs:
            problems.add(
                dialog.pos,
                f"two dialogs are called `{dialog.id}` (the other is {dialogs[dialog.id].file})",
                "give each dialog its own id",
            )
            continue
        dialogs[dialog.id] = dialog
    texts: dict[str, dict[str, LocaleText]] = {}
    language_packs: dict[str, LanguagePack] = {}
    for language in languages:
        lang = language.code
        folder = root / "locales" / lang
        language_packs[lang] = pack_for(lang, packs)
        if not folder.is_dir():
            # said once: its texts are not then reported missing one by one
            problems.add(
                Pos(relpath(folder, root), 1, 1),
                f"there is no `locales/{lang}` folder",
                f"create it with the {language.name} texts",
            )
            continue
        if lang not in (BUILTIN_PACKS if packs is None else packs):
            problems.add(
                Pos(relpath(folder, root), 1, 1),
                f"{language.name} has no language pack, so the bot understands fewer words "
                "typed in it (yes and no, numbers written in words)",
                f"add yes/no words in locales/{lang}/words.yaml; "
                "a developer can add a pack in bot/understanding/lang/",
                severity="warning",
            )
        texts[lang] = load_locale(folder, lang, problems, root)
        language_packs[lang] = load_words(folder, language_packs[lang], problems, root)
    intents = None
    intents_path = root / "dialogs" / INTENTS_FILE
    if intents_path.exists():
        from bot.understanding.cache import cached_intents

        intents = cached_intents(intents_path, problems)
    extras: dict[str, object] = {}
    for extra in extra_files:
        extra_path = root / "dialogs" / extra.name
        if extra_path.exists():
            value = extra.load(extra_path, problems)
            if value is not None:
                extras[extra.key] = value
    content = Content(
        dialogs=dialogs,
        texts=texts,
        intents=intents,
        extras=extras,
        languages=languages,
        packs=language_packs,
    )
    if problems.unreadable:
        # a file that cannot be read: its own located message is the one to fix first; the
        # checks across files would only add its consequences (texts "missing", no `main`)
        return Loaded(None, problems)
    if "main" not in dialogs and dialogs:
        first = next(iter(dialogs.values()))
        problems.add(
            first.pos,
            "there is no dialog with id `main`; the bot starts there",
            "name the first dialog file main.yaml",
        )
    if check:
        assert actions is not None and slot_types is not None
        _validate(root, content, problems, actions, slot_types)
    return Loaded(content if not problems.errors and "main" in dialogs else None, problems)


def _validate(
    root: Path,
    content: Content,
    problems: Problems,
    actions: ActionCatalog,
    slot_types: SlotTypeCatalog,
) -> None:
    """``validate``, or what it found last time for the same files and the same code: the
    checks take about a third of a second at every start, and their result depends only on
    those (``content_digest``). Content with errors is checked every time."""
    from bot.content.validate import validate
    from bot.understanding.cache import cache_dir, read_cached, write_cached

    if problems.errors:  # what loading found wrong shapes what the checks report
        validate(content, problems, actions, slot_types)
        return
    key = content_digest(
        root, content, (actions.names(), sorted(actions.provided()), slot_types.names())
    )
    where = cache_dir() / f"checked-{key}.pickle" if key else None
    found = read_cached(where) if where is not None else None
    if isinstance(found, list) and all(isinstance(p, Problem) for p in found):
        problems.extend(found)
        return
    fresh = Problems(folds=problems.folds)
    validate(content, fresh, actions, slot_types)
    problems.extend(fresh)
    if where is not None and not fresh.errors:
        write_cached(where, list(fresh.items), "checked-*.pickle")


def content_digest(root: Path, content: Content, catalogs: object = ()) -> str | None:
    """A digest of what ``validate`` reads: every file under ``root``'s ``dialogs/`` and
    ``locales/`` (name and bytes), the languages checked, the catalogs' names (``catalogs``:
    the actions and answer types the plug-ins bring) and the bot's code
    (``bot.understanding.cache.code_digest``). None when a file cannot be read as an ordinary
    file: no shortcut then."""
    from bot.understanding.cache import code_digest

    digest = hashlib.sha256(code_digest().encode())
    digest.update(repr((sorted(content.texts), catalogs)).encode())
    for folder in (root / "dialogs", root / "locales"):
        for path in sorted(folder.rglob("*")):
            if path.is_dir():
                continue
            if not path.is_file():  # a FIFO, a socket: the readers refuse it, located
                return None
            try:
                raw = read_staff_text(path, keep_line_ends=True).encode()
            except Exception:
                return None
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + raw)
    return digest.hexdigest()[:24]
