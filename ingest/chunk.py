"""Chunking: sentence-aware pieces bounded by tiktoken tokens, with overlap, each under the embedder's limit.

A sentence is only cut when it alone exceeds the budget, and then at a space, so numbers stay whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ingest.article import Article
from ingest.text import get_encoding, split_sentences


@dataclass
class Chunk:
    """One indexed passage of an article: the body, and the text actually embedded (header + body)."""

    id: str
    article_id: str
    index: int
    text: str
    header: str
    token_count: int

    @property
    def embed_text(self) -> str:
        return f"{self.header}\n{self.text}"


def chunk_header(article: Article) -> str:
    parts = [article.title, article.source, article.published_iso]
    return " | ".join(part for part in parts if part)


class Chunker:
    """Splits articles into Chunks of at most `max_tokens` body tokens with `overlap` tokens carried over.

    `fits` checks a chunk's embedded text against the embedding model's own limit (word pieces for MiniLM);
    a chunk that does not fit is split further.
    """

    def __init__(
        self,
        encoding: str,
        max_tokens: int,
        overlap: int,
        fits: Callable[[str], bool] | None = None,
    ) -> None:
        if overlap >= max_tokens:
            raise ValueError(f"chunk_overlap ({overlap}) must be smaller than chunk_tokens ({max_tokens})")
        self.encoding = get_encoding(encoding)
        self.max_tokens = max_tokens
        self.overlap = overlap
        self.fits = fits or (lambda _text: True)

    def count(self, text: str) -> int:
        return len(self.encoding.encode_ordinary(text))

    def chunk(self, article: Article) -> list[Chunk]:
        header = chunk_header(article)
        pieces = self._pack(self._units(article.text, self.max_tokens), self.max_tokens)
        bodies: list[str] = []
        for body in pieces:
            bodies.extend(self._fit(header, body))
        return [
            Chunk(
                id=f"{article.id}::{index}",
                article_id=article.id,
                index=index,
                text=body,
                header=header,
                token_count=self.count(body),
            )
            for index, body in enumerate(bodies)
        ]

    def _units(self, text: str, budget: int) -> list[str]:
        """Sentences, with any sentence longer than the budget cut at spaces."""
        units: list[str] = []
        for sentence in split_sentences(text):
            if self.count(sentence) <= budget:
                units.append(sentence)
                continue
            words, current = sentence.split(" "), ""
            for word in words:
                candidate = f"{current} {word}".strip()
                if current and self.count(candidate) > budget:
                    units.append(current)
                    current = word
                else:
                    current = candidate
            if current:
                units.append(current)
        return units

    def _pack(self, units: list[str], budget: int) -> list[str]:
        """Greedy packing of units into pieces, repeating trailing units up to `overlap` tokens."""
        pieces: list[str] = []
        current: list[str] = []
        fresh = False  # whether `current` holds any unit not already emitted
        for unit in units:
            if current and self.count(" ".join([*current, unit])) > budget:
                pieces.append(" ".join(current))
                current = self._tail(current, budget - self.count(unit))
                fresh = False
            current.append(unit)
            fresh = True
        if current and fresh:
            pieces.append(" ".join(current))
        return pieces

    def _tail(self, units: list[str], room: int) -> list[str]:
        tail: list[str] = []
        for unit in reversed(units):
            if self.count(" ".join([unit, *tail])) > min(self.overlap, room):
                break
            tail.insert(0, unit)
        return tail

    def _fit(self, header: str, body: str) -> list[str]:
        """The body as one piece if the embedder takes it whole, else split in smaller budgets until it does."""
        if self.fits(f"{header}\n{body}"):
            return [body]
        budget = max(8, self.count(body) // 2)
        halves = self._pack(self._units(body, budget), budget)
        if len(halves) < 2:
            return [body]
        return [piece for half in halves for piece in self._fit(header, half)]
