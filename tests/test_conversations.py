"""The staff's conversation tests in dialogs/tests/, one pytest case per file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import transcript_runner
from bot.staff.transcripts import TranscriptRunner, find_test_files
from tests.conftest import ROOT

FILES = find_test_files([ROOT / "dialogs" / "tests"])


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> TranscriptRunner:
    return transcript_runner(ROOT, tmp_path_factory.mktemp("transcripts"))


def test_there_are_conversation_tests() -> None:
    assert len(FILES) >= 5


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
async def test_conversation_file(runner: TranscriptRunner, path: Path) -> None:
    report = await runner.run_file(path)
    if report.failed:
        pytest.fail("\n".join(report.lines()), pytrace=False)
    pending = [o for o in report.outcomes if o.status == "pending"]
    if pending:
        # the passing tests of this file passed; the known bugs are listed in the reason
        pytest.xfail("; ".join(f"{o.test.name}: {o.test.pending}" for o in pending))
