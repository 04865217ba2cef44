"""What a start keeps for the next one (issue 18, cold start): the intents file read, the
matcher's index and the checks' result, each under a digest of what it was made from."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from bot import app
from bot.base.problems import Problems
from bot.understanding import cache
from bot.understanding.intents import Matcher, load_intents

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BOT_CACHE_DIR", str(folder))
    return folder


def copy_content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(ROOT / "dialogs", root / "dialogs")
    shutil.copytree(ROOT / "locales", root / "locales")
    return root


def test_the_intents_file_read_back_is_the_one_read_now(cache_dir: Path, tmp_path: Path) -> None:
    root = copy_content(tmp_path)
    path = root / "dialogs" / "intents.yaml"
    first, second, plain = Problems(), Problems(), Problems()
    made = cache.cached_intents(path, first)
    assert list(cache_dir.glob("intentset-*.pickle"))
    kept = cache.cached_intents(path, second)
    read = load_intents(path, plain)
    assert made is not None and kept is not None and read is not None
    assert pickle.dumps(kept) == pickle.dumps(read)
    assert [str(p) for p in second.items] == [str(p) for p in plain.items]
    # a change to the file is read, not the kept copy
    text = path.read_text()
    path.write_text(text.replace("- ciao, come state?", "- ciao, come state oggi?", 1))
    changed = cache.cached_intents(path, Problems())
    assert changed is not None
    examples = {p.text for i in changed.intents.values() for p in i.examples["it"]}
    assert "ciao, come state oggi?" in examples


def test_a_broken_intents_file_is_never_kept(cache_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "intents.yaml"
    path.write_text("intents:\n  greeting: [\n")
    problems = Problems()
    assert cache.cached_intents(path, problems) is None
    assert problems.errors
    assert not list(cache_dir.glob("intentset-*.pickle"))


def test_the_matcher_read_back_answers_as_the_one_built(cache_dir: Path) -> None:
    loaded = app.require_content(ROOT)
    assert loaded.content is not None and loaded.content.intents is not None
    intents = loaded.content.intents
    built = Matcher(intents)
    cache.cached_matcher(intents)
    kept = cache.cached_matcher(intents)
    assert kept is not built
    for text in ("quanto costa?", "how long to 10k followers", "che tempo fa domani", "ciao"):
        assert kept.match(text, None) == built.match(text, None)


def test_a_planted_file_cannot_run_code(cache_dir: Path, tmp_path: Path) -> None:
    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("pwned",))

    target = cache_dir / "matcher-planted.pickle"
    cache_dir.mkdir(parents=True)
    target.write_bytes(pickle.dumps(Evil()))
    assert cache.read_cached(target) is None  # refused, not run
    target.write_bytes(b"not a pickle")
    assert cache.read_cached(target) is None


def test_the_checks_result_is_kept_and_a_change_is_checked_again(
    cache_dir: Path, tmp_path: Path
) -> None:
    root = copy_content(tmp_path)
    first = app.load_content(root)
    assert first.content is not None
    assert list(cache_dir.glob("checked-*.pickle"))
    again = app.load_content(root)
    assert [str(p) for p in again.problems.items] == [str(p) for p in first.problems.items]
    # a mistake made after is found: the files' digest changed
    menu = root / "dialogs" / "main.yaml"
    menu.write_text(menu.read_text().replace("next: menu", "next: menuu", 1))
    broken = app.load_content(root)
    assert broken.content is None
    assert any("menuu" in str(p) for p in broken.problems.errors)
