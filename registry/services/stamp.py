"""The change stamp: a value that changes after every committed write of practices.

It is a small file in the instance folder that grows by one byte after each write (once the
search index has it too). Every process serving the same instance folder (the gunicorn
workers, a ``registry import`` run beside them) sees the change with one ``os.stat``, which
is what the page cache (``registry/cache.py``) keys its entries on: a page stored under an
older stamp is never served again.

The stamp is the file's (inode, size, mtime in ns): the size alone changes on every bump,
whatever the clock's granularity. Past ``MAX_BYTES`` the file is replaced by a new one-byte
file (a new inode, a later mtime), so the stamp never repeats an earlier one.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

#: Past this size the file is replaced by a new one of one byte (a bump costs one byte).
MAX_BYTES = 1 << 20
FILENAME = "changes.stamp"

Stamp = tuple[int, int, int]


class ChangeStamp:
    """The stamp file of one instance folder; ``ChangeStamp(None)`` keeps no stamp at all."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    @classmethod
    def for_instance(cls, instance_dir: Path) -> ChangeStamp:
        return cls(Path(instance_dir).resolve() / FILENAME)

    def read(self) -> Stamp | None:
        """The current stamp, or None when there is no stamp file (nothing may be cached)."""
        if self.path is None:
            return None
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_ino, st.st_size, st.st_mtime_ns

    def ensure(self) -> None:
        """Create the stamp file if it is missing, leaving an existing one as it is."""
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "ab"):
                pass

    def bump(self) -> None:
        """Change the stamp: call after a write is committed (and indexed)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            size = os.stat(self.path).st_size
        except FileNotFoundError:
            size = 0
        if size < MAX_BYTES:
            with open(self.path, "ab") as stamp:
                stamp.write(b".")
            return
        fresh = self.path.with_name(f"{self.path.name}.{os.getpid()}.{threading.get_ident()}")
        fresh.write_bytes(b".")
        os.replace(fresh, self.path)
