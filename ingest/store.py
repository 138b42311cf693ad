"""The Chroma store: embedded PersistentClient by default, HttpClient when a server URL is set.

Both backends have one shape (ChunkStore); the client factory is chosen by name from settings.

Several processes may share one embedded index directory (`newsdesk serve` while `newsdesk ingest` or `watch`
runs). Chroma's files are the source of truth, but an embedded client keeps its vector index in memory and never
sees another process's writes ("Error finding id"). So every write bumps a generation number in
`<home>/<collection>.generation` under an exclusive lock (`<collection>.lock`), and a store whose generation is
older than the file's reopens its client (about 20 ms on a 1k-chunk index) before it reads or writes.

On a Chroma server the generation lives in the collection's own metadata (`newsdesk_generation`), so processes on
other machines, with other data dirs, see every write: each process's BM25 side is a cache derived from the
collection and rebuilt when the marker moves (app/retrieval/search.py). Writers on two machines share no lock,
so the marker is a write clock (the larger of the last value + 1 and the time in milliseconds): two writes at
once still leave a value neither reader had seen, unless they land in the same millisecond. A reader asks the
server for it at most every `generation_check_s` (one round trip, a few ms).

A passage embedded as several windows (ingest/chunk.py) keeps its lead window's vector in the main collection
and the others in `<collection>-windows` (id `<chunk id>#<n>`, the passage's metadata plus `chunk_id`), so
`nearest` can score a passage by its best window and `query` stays the plain one-vector-per-passage search.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.errors import ChromaError, NotFoundError

from ingest.article import Article
from ingest.chunk import Chunk
from ingest.errors import BackendError
from ingest.files import write_atomic
from ingest.settings import IndexSettings

BATCH = 1000
GENERATION_KEY = "newsdesk_generation"
log = logging.getLogger(__name__)


def _embedded(settings: IndexSettings) -> chromadb.ClientAPI:
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path))


def _server(settings: IndexSettings) -> chromadb.ClientAPI:
    url = urlparse(settings.chroma_url or "")
    if not url.hostname:
        raise BackendError(f"NEWSDESK_CHROMA_URL {settings.chroma_url!r} is not a URL like http://127.0.0.1:8000")
    try:
        return chromadb.HttpClient(host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https")
    except Exception as exc:  # chromadb raises several kinds on a dead server
        raise BackendError(f"Chroma server at {settings.chroma_url} did not answer ({exc})") from exc


CLIENTS: dict[str, Callable[[IndexSettings], chromadb.ClientAPI]] = {"embedded": _embedded, "server": _server}


def chunk_metadata(article: Article, chunk: Chunk) -> dict:
    meta = {
        "article_id": article.id,
        "chunk_index": chunk.index,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": article.published_iso,
        "published_ts": article.published_ts,
        "body_offset": len(chunk.header) + 1,
        "tokens": chunk.token_count,
        "windows": len(chunk.embed_windows),
    }
    for key in ("companies", "tickers", "topics"):
        values = getattr(article, key)
        if values:
            meta[key] = values
    return meta


@dataclass
class StoredChunk:
    id: str
    document: str
    metadata: dict

    @property
    def passage(self) -> str:
        return self.document[self.metadata.get("body_offset", 0) :]


@dataclass
class Neighbour:
    """A passage found by dense search: its id, its best window's cosine similarity and its metadata."""

    chunk_id: str
    similarity: float
    metadata: dict


def generation_path(settings: IndexSettings) -> Path:
    return settings.home / f"{settings.collection}.generation"


def read_generation(settings: IndexSettings) -> int:
    """The index's write marker (0 before the first write), moved by every ChunkStore write: a count of writes in
    `<home>/<collection>.generation` for the embedded store, the collection's write clock on a Chroma server."""
    if settings.chroma_url:
        return _server_marks.read(settings)
    try:
        return int(generation_path(settings).read_text() or 0)
    except (FileNotFoundError, ValueError):
        return 0


class _ServerMarks:
    """The write markers of collections on Chroma servers, each asked for at most every `generation_check_s`
    (one client per server URL, kept for the process)."""

    def __init__(self) -> None:
        self._clients: dict[str, chromadb.ClientAPI] = {}
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}  # (url, collection) → (monotonic time, marker)

    def read(self, settings: IndexSettings) -> int:
        seen = self._seen.get(_key(settings))
        if seen and time.monotonic() - seen[0] < settings.generation_check_s:
            return seen[1]
        return self._remember(settings, int(self._metadata(settings).get(GENERATION_KEY) or 0))

    def moved(self, settings: IndexSettings, collection) -> int:
        """Moves the marker after a write by this process (merged into the metadata, which `modify` replaces
        whole, so the embedding stamp stays) and remembers it, so this process never waits to see its own write."""
        metadata = self._metadata(settings)
        marker = max(int(metadata.get(GENERATION_KEY) or 0) + 1, time.time_ns() // 1_000_000)
        collection.modify(metadata={**metadata, GENERATION_KEY: marker})
        return self._remember(settings, marker)

    def _metadata(self, settings: IndexSettings) -> dict:
        """The collection's metadata as the server has it now ({} before the collection exists)."""
        url = settings.chroma_url or ""
        client = self._clients.get(url) or self._clients.setdefault(url, _server(settings))
        try:
            return client.get_collection(settings.collection).metadata or {}
        except NotFoundError:
            return {}
        except Exception as exc:
            if _is_connection_error(exc):
                raise BackendError(f"Chroma server at {settings.chroma_url} did not answer ({exc})") from exc
            raise

    def _remember(self, settings: IndexSettings, marker: int) -> int:
        self._seen[_key(settings)] = (time.monotonic(), marker)
        return marker


def _key(settings: IndexSettings) -> tuple[str, str]:
    return (settings.chroma_url or "", settings.collection)


_server_marks = _ServerMarks()


class ChunkStore:
    def __init__(self, settings: IndexSettings) -> None:
        self.settings = settings
        self.backend = "server" if settings.chroma_url else "embedded"
        self.location = settings.chroma_url or str(settings.chroma_path)
        self._reopen_lock = threading.RLock()
        self._locked = 0  # depth of _file_lock held by this store (flock is per open file: never take it twice)
        self.generation = read_generation(settings)
        self.writes = 0  # writes by this store (generation bumps)
        self.touched: set[str] | None = set()  # articles whose chunks it wrote or deleted; None after a reset
        self.client = CLIENTS[self.backend](settings)
        self.collection = self._open_collection()
        self.windows = self._open_windows()

    # other processes --------------------------------------------------------------------------------------
    @contextmanager
    def _file_lock(self, exclusive: bool) -> Iterator[None]:
        """The index's lock file: exclusive while writing, shared while reopening (never reading half a write).
        Called with _reopen_lock held; nested calls reuse the lock already taken."""
        if self._locked:
            self._locked += 1
            try:
                yield
            finally:
                self._locked -= 1
            return
        self.settings.home.mkdir(parents=True, exist_ok=True)
        with open(self.settings.home / f"{self.settings.collection}.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            self._locked = 1
            try:
                yield
            finally:
                self._locked = 0
                fcntl.flock(handle, fcntl.LOCK_UN)

    def refresh(self, force: bool = False) -> bool:
        """Reopen the embedded client when another process wrote since this one last looked (or `force`); True
        when it reopened. A server client always sees every write, so it never reopens."""
        if self.backend != "embedded":
            return False
        if not force and read_generation(self.settings) == self.generation:
            return False
        with self._reopen_lock, self._file_lock(exclusive=False):
            self._reopen()
        return True

    def _reopen(self) -> None:
        """A fresh client over the same files (Chroma caches one system per path; this one is dropped from the
        cache, not stopped, so a query still running on it in another thread ends normally)."""
        self.generation = read_generation(self.settings)
        SharedSystemClient._identifier_to_system.pop(str(self.settings.chroma_path), None)
        self.client = CLIENTS[self.backend](self.settings)
        self.collection = self._open_collection()
        self.windows = self._open_windows()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write to the index: other writers wait, this client first catches up with what they wrote, and
        the generation is bumped after, so readers in other processes reopen."""
        with self._reopen_lock:
            if self._locked:  # a write inside a write (upsert removes older chunks): one bump, at the end
                yield
                return
            with self._file_lock(exclusive=True):
                if self.backend == "embedded" and read_generation(self.settings) != self.generation:
                    self._reopen()
                try:
                    yield
                except (ChromaError, OSError) as exc:  # a full disk, a read-only folder: one line, not a trace
                    if self.backend != "embedded":
                        raise
                    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    raise BackendError(
                        f"writing the index at {self.location} failed: {reason} (is the disk full or the folder "
                        "read-only?); what was stored before this write is kept, run the ingest again once fixed"
                    ) from exc
                finally:
                    self._bump()

    def _bump(self) -> None:
        self.writes += 1
        if self.backend != "embedded":
            self.generation = self._call(lambda: _server_marks.moved(self.settings, self.collection))
            return
        self.generation = read_generation(self.settings) + 1
        write_atomic(generation_path(self.settings), str(self.generation))

    def _open_collection(self):
        return self._call(
            lambda: self.client.get_or_create_collection(
                self.settings.collection, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
        )

    def _open_windows(self):
        name = f"{self.settings.collection}-windows"
        collection = self._call(
            lambda: self.client.get_or_create_collection(
                name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
        )
        self.window_count = self._call(collection.count)
        return collection

    def _call(self, action: Callable):
        try:
            return action()
        except BackendError:
            raise
        except Exception as exc:
            if self.settings.chroma_url and _is_connection_error(exc):
                raise BackendError(f"Chroma server at {self.settings.chroma_url} did not answer ({exc})") from exc
            raise

    def count(self) -> int:
        return self._call(self.collection.count)

    def upsert(self, article: Article, chunks: list[Chunk], embeddings: np.ndarray) -> None:
        """Writes the article's chunks (`embeddings`: one row per window of each chunk, in order; the lead
        window's in the main collection, the others in the windows collection), then removes any older chunks
        and windows of it that the new ones do not replace."""
        counts = [len(chunk.embed_windows) for chunk in chunks]
        if sum(counts) != len(embeddings):
            raise ValueError(
                f"{article.id}: {len(embeddings)} vectors for {sum(counts)} windows of {len(chunks)} chunks"
            )
        starts = np.cumsum([0, *counts[:-1]]).astype(int)
        ids = [chunk.id for chunk in chunks]
        if self.touched is not None:
            self.touched.add(article.id)
        metadatas = [chunk_metadata(article, chunk) for chunk in chunks]
        extra = [
            (f"{chunk.id}#{n}", start + n, chunk.embed_windows[n], {**meta, "chunk_id": chunk.id, "window": n})
            for chunk, start, meta in zip(chunks, starts, metadatas, strict=True)
            for n in range(1, len(chunk.embed_windows))
        ]
        with self.writing():
            self._call(
                lambda: self.collection.upsert(
                    ids=ids,
                    embeddings=embeddings[starts] if len(ids) else embeddings[:0],
                    documents=[chunk.embed_text for chunk in chunks],
                    metadatas=metadatas,
                )
            )
            for offset in range(0, len(extra), BATCH):
                rows = extra[offset : offset + BATCH]
                self._call(
                    lambda rows=rows: self.windows.upsert(
                        ids=[row[0] for row in rows],
                        embeddings=embeddings[[row[1] for row in rows]],
                        documents=[row[2] for row in rows],
                        metadatas=[row[3] for row in rows],
                    )
                )
            self.delete_article(article.id, keep={*ids, *(row[0] for row in extra)})

    def delete_article(self, article_id: str, keep: set[str] | None = None) -> None:
        if self.touched is not None:
            self.touched.add(article_id)
        with self.writing():
            for collection in (self.collection, self.windows):
                found = self._call(lambda c=collection: c.get(where={"article_id": article_id}, include=[]))
                doomed = [chunk_id for chunk_id in found["ids"] if not keep or chunk_id not in keep]
                if doomed:
                    self._call(lambda c=collection, d=doomed: c.delete(ids=d))
            self.window_count = self._call(self.windows.count)

    def all_chunks(self) -> list[StoredChunk]:
        chunks: list[StoredChunk] = []
        total = self.count()
        for offset in range(0, total, BATCH):
            page = self._call(
                lambda offset=offset: self.collection.get(
                    offset=offset, limit=BATCH, include=["documents", "metadatas"]
                )
            )
            chunks.extend(
                StoredChunk(*row) for row in zip(page["ids"], page["documents"], page["metadatas"], strict=True)
            )
        return chunks

    def chunks_of(self, article_ids: list[str]) -> list[StoredChunk]:
        """The stored chunks of these articles (a few, for a BM25 patched after an ingest)."""
        chunks: list[StoredChunk] = []
        for offset in range(0, len(article_ids), 100):
            wanted = article_ids[offset : offset + 100]
            page = self._call(
                lambda wanted=wanted: self.collection.get(
                    where={"article_id": {"$in": wanted}}, include=["documents", "metadatas"]
                )
            )
            chunks.extend(
                StoredChunk(*row) for row in zip(page["ids"], page["documents"], page["metadatas"], strict=True)
            )
        return sorted(chunks, key=lambda c: (c.metadata.get("article_id", ""), c.metadata.get("chunk_index", 0)))

    def query(self, embedding: np.ndarray, k: int, where: dict | None = None) -> list[tuple[StoredChunk, float]]:
        """The k nearest chunks with their cosine similarity."""
        result = self._call(
            lambda: self.collection.query(
                query_embeddings=[embedding],
                n_results=k,
                where=where or None,
                include=["documents", "metadatas", "distances"],
            )
        )
        rows = zip(
            result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
        )
        return [(StoredChunk(cid, doc, meta), 1.0 - dist) for cid, doc, meta, dist in rows]

    def nearest(
        self, embedding: np.ndarray, k: int, where: dict | None = None, ids: list[str] | None = None
    ) -> list[Neighbour]:
        """The k passages whose best window is nearest, best first: the main collection's lead windows and the
        windows collection searched k deep each, a passage scored by the larger similarity. Only ids and
        distances are read (a passage's text and metadata are the caller's: 50 hits with them cost 4 ms at 100k
        passages, without them 1 ms), so a Neighbour's metadata is empty. `ids`: only among these passages
        (8-17 ms for 2,000-20,000 of 100k, where a metadata filter matching as many took 250-400 ms)."""
        best: dict[str, float] = {}
        collections = [(self.collection, k, False, where, ids)]
        if self.window_count:
            among = {"chunk_id": {"$in": ids}} if ids is not None else None
            windows_where = {"$and": [where, among]} if where and among else (where or among)
            collections.append((self.windows, min(k, self.window_count), True, windows_where, None))
        for collection, n, windows, where_, ids_ in collections:
            result = self._call(
                lambda collection=collection, n=n, where_=where_, ids_=ids_: collection.query(
                    query_embeddings=[embedding], n_results=n, where=where_ or None, ids=ids_, include=["distances"]
                )
            )
            for found, distance in zip(result["ids"][0], result["distances"][0], strict=True):
                chunk_id = found.rsplit("#", 1)[0] if windows else found  # a window's id: '<chunk id>#<n>'
                best[chunk_id] = max(best.get(chunk_id, -1.0), 1.0 - distance)
        ranked = sorted(best.items(), key=lambda item: -item[1])[:k]
        return [Neighbour(chunk_id, similarity, {}) for chunk_id, similarity in ranked]

    def window_embeddings(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Every window's vector of each passage (rows: lead window first), by chunk id; as `embeddings` for
        ids that cannot be found."""
        found = {cid: vector[None, :] for cid, vector in self.embeddings(ids).items()}
        if self.window_count and found:
            extra = self._call(
                lambda: self.windows.get(where={"chunk_id": {"$in": list(found)}}, include=["embeddings", "metadatas"])
            )
            for vector, meta in zip(extra["embeddings"], extra["metadatas"], strict=True):
                cid = meta["chunk_id"]
                found[cid] = np.vstack([found[cid], np.asarray(vector, dtype=np.float32)[None, :]])
        return found

    def embeddings(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors by chunk id (to score BM25-only candidates densely). An id Chroma cannot find (removed,
        or written by another process this client has not caught up with) is left out, never an error: the
        client is reopened once, then the ids are fetched one by one and the missing ones skipped."""
        try:
            found = self._get_embeddings(ids)
        except ChromaError as exc:
            if self.backend != "embedded":
                raise
            log.info("reopening the embedded Chroma client at %s after: %s", self.location, exc)
            self.refresh(force=True)
            try:
                found = self._get_embeddings(ids)
            except ChromaError:
                found = {}
                for chunk_id in ids:
                    try:
                        found.update(self._get_embeddings([chunk_id]))
                    except ChromaError:
                        log.warning("chunk %s has no vector in %s; scored by words only", chunk_id, self.location)
        return found

    def _get_embeddings(self, ids: list[str]) -> dict[str, np.ndarray]:
        found = self._call(lambda: self.collection.get(ids=ids, include=["embeddings"]))
        return {
            cid: np.asarray(vec, dtype=np.float32) for cid, vec in zip(found["ids"], found["embeddings"], strict=True)
        }

    def reset(self) -> None:
        self.touched = None
        with self.writing():
            self._call(lambda: self.client.delete_collection(self.settings.collection))
            self._call(lambda: self.client.delete_collection(f"{self.settings.collection}-windows"))
            self.collection = self._open_collection()
            self.windows = self._open_windows()


def _is_connection_error(exc: Exception) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return any(word in text for word in ("connect", "refused", "timeout", "unreachable", "could not"))
