"""Writing a file whole or not at all: a temporary file beside it, renamed over it, so a reader in another process
(or after a crash) sees the old content or the new, never half of one."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def write_atomic(path: Path, content: str | bytes) -> None:
    """`content` (text as UTF-8, or bytes) written to `path` through a temporary file of this process and thread,
    renamed over it."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
