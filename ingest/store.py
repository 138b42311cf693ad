"""The Chroma store: embedded PersistentClient by default, HttpClient when a server URL is set.

Both backends have one shape (ChunkStore); the client factory is chosen by name from settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlparse

import chromadb
import numpy as np

from ingest.article import Article
from ingest.chunk import Chunk
from ingest.errors import BackendError
from ingest.settings import IndexSettings

BATCH = 1000


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


class ChunkStore:
    def __init__(self, settings: IndexSettings) -> None:
        self.settings = settings
        backend = "server" if settings.chroma_url else "embedded"
        self.location = settings.chroma_url or str(settings.chroma_path)
        self.client = CLIENTS[backend](settings)
        self.collection = self._open_collection()

    def _open_collection(self):
        return self._call(
            lambda: self.client.get_or_create_collection(
                self.settings.collection, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
        )

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
        """Writes the article's chunks, then removes any older chunks of it that the new ones do not replace."""
        ids = [chunk.id for chunk in chunks]
        self._call(
            lambda: self.collection.upsert(
                ids=ids,
                embeddings=embeddings,
                documents=[chunk.embed_text for chunk in chunks],
                metadatas=[chunk_metadata(article, chunk) for chunk in chunks],
            )
        )
        self.delete_article(article.id, keep=set(ids))

    def delete_article(self, article_id: str, keep: set[str] | None = None) -> None:
        found = self._call(lambda: self.collection.get(where={"article_id": article_id}, include=[]))
        doomed = [chunk_id for chunk_id in found["ids"] if not keep or chunk_id not in keep]
        if doomed:
            self._call(lambda: self.collection.delete(ids=doomed))

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

    def embeddings(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors by chunk id (to score BM25-only candidates densely)."""
        found = self._call(lambda: self.collection.get(ids=ids, include=["embeddings"]))
        return {
            cid: np.asarray(vec, dtype=np.float32) for cid, vec in zip(found["ids"], found["embeddings"], strict=True)
        }

    def reset(self) -> None:
        self._call(lambda: self.client.delete_collection(self.settings.collection))
        self.collection = self._open_collection()


def _is_connection_error(exc: Exception) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return any(word in text for word in ("connect", "refused", "timeout", "unreachable", "could not"))
