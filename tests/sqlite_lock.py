"""Another program holding an SQLite file's write lock: a backup, a stray ``sqlite3`` shell,
a second bot started by mistake. Used by the fault tests and the benchmarks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_HOLD = """\
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
c.execute('begin immediate')
print('locked', flush=True)
time.sleep(float(sys.argv[2]))
c.execute('commit')
"""


def hold_write_lock(db: Path, seconds: float) -> subprocess.Popen[str]:
    """A separate process takes the write lock on ``db`` (``begin immediate``) and holds it for
    ``seconds``; returns once the lock is taken. ``wait()`` on the result for its release."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc
