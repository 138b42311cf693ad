"""Which model and backend wrote an index's vectors, kept in the Chroma collection's metadata (so every process
on one Chroma server sees it), and the check that a process embeds queries and new chunks the same way."""

from __future__ import annotations

from ingest.embed import Embedder
from ingest.errors import ConfigError

KEYS = ("embedding_model", "embedding_backend")
LEGACY = {"embedding_backend": "torch"}  # an index from before stamps was written by the only backend there was


def read_stamp(collection) -> dict[str, str]:
    """The collection's recorded identity; {} for an empty index, which any embedder may fill."""
    if collection.count() == 0:
        return {}
    metadata = collection.metadata or {}
    return {key: str(metadata[key]) for key in KEYS if key in metadata} or dict(LEGACY)


def mismatch(stamp: dict[str, str], embedder: Embedder) -> str:
    """'' when the embedder writes the vectors the stamp records, else which field differs, in words."""
    ours = embedder.identity
    for key in KEYS:
        if key in stamp and stamp[key] != ours[key]:
            return f"{key.replace('_', ' ')} {stamp[key]!r}, this process uses {ours[key]!r}"
    return ""


def check(collection, embedder: Embedder, where: str) -> None:
    """Raises ConfigError when the index at `where` was built with another model or backend."""
    problem = mismatch(read_stamp(collection), embedder)
    if problem:
        raise ConfigError(
            f"the index at {where} was built with {problem}; set NEWSDESK_EMBEDDING_BACKEND / "
            "NEWSDESK_EMBEDDING_MODEL to match it, or re-embed it with `newsdesk ingest PATHS --rebuild`"
        )


def stamp(collection, embedder: Embedder) -> None:
    """Records the embedder's identity in the collection's metadata, keeping the other keys there."""
    metadata = dict(collection.metadata or {})
    if all(metadata.get(key) == value for key, value in embedder.identity.items()):
        return
    metadata.update(embedder.identity)
    collection.modify(metadata=metadata)


def claim(collection, embedder: Embedder, where: str) -> None:
    """Before writing vectors: refuses an index built another way, then records this embedder's identity."""
    check(collection, embedder, where)
    stamp(collection, embedder)
