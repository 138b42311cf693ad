"""Reading a file's bytes safely: size limit, binary and encoding checks, each a one-line IngestError."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import IngestError


def read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror})") from exc
    if size == 0:
        raise IngestError(f"{path}: empty file")
    if size > max_bytes:
        raise IngestError(f"{path}: too large ({size:,} bytes; the limit is {max_bytes:,}, NEWSDESK_MAX_FILE_BYTES)")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise IngestError(f"{path}: binary file, not text")
    return data


def read_text(path: Path, max_bytes: int) -> str:
    data = read_bytes(path, max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); re-save it as UTF-8"
        ) from exc
    if not text.strip():
        raise IngestError(f"{path}: empty file (whitespace only)")
    return text
