"""One writer at a time across processes: an exclusive ``flock`` on a file next to the index.

A second process (or thread) that wants to write waits for the first to commit; it never
writes beside it. The lock goes with the open file, so a writer that dies releases it.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Seconds a writer waits for another one before giving up with an error that says so.
WRITER_TIMEOUT = 120.0
_POLL_SECONDS = 0.02


@contextmanager
def exclusive(path: Path, timeout: float = WRITER_TIMEOUT) -> Iterator[None]:
    """Hold the lock file ``path`` for the duration of the block, waiting up to ``timeout``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{path}: another process has been writing the search "
                                       f"index for over {timeout:.0f} s") from None
                time.sleep(_POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
