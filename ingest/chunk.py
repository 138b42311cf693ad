"""Chunking: sentence-aware passages bounded by tiktoken tokens, with overlap, and the windows each is embedded as.

A passage (the unit retrieved, cited and scored) either is cut until header + body fit the embedder's limit
(`windows=False`, the original behaviour), or keeps its size and is embedded as several windows that each fit:
the lead window (header + the body's first sentences up to the limit, the vector a whole-passage embedding
would get) and the body in pieces of about half the room, each behind the header, so every word of the body is
inside some window and nothing is truncated silently. A sentence is only cut when it alone exceeds a budget, and
then at a space, so numbers stay whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
    windows: list[str] = field(default_factory=list)  # texts embedded for it; empty: embed_text alone

    @property
    def embed_text(self) -> str:
        return f"{self.header}\n{self.text}"

    @property
    def embed_windows(self) -> list[str]:
        """What is embedded for this passage, the lead window first (its vector is the passage's own)."""
        return self.windows or [self.embed_text]


def chunk_header(article: Article) -> str:
    parts = [article.title, article.source, article.published_iso]
    return " | ".join(part for part in parts if part)


class Chunker:
    """Splits articles into Chunks of at most `max_tokens` body tokens with `overlap` tokens carried over.

    `fits` checks a chunk's embedded text against the embedding model's own limit (word pieces for MiniLM).
    Without `windows`, a chunk that does not fit is split further; with `windows` (and `embed_tokens`, the
    model's own token count), it stays whole and gets the windows it is embedded as (see the module docstring).
    """

    def __init__(
        self,
        encoding: str,
        max_tokens: int,
        overlap: int,
        fits: Callable[[str], bool] | None = None,
        windows: bool = False,
        embed_tokens: Callable[[str], int] | None = None,
        embed_limit: int = 256,
    ) -> None:
        if overlap >= max_tokens:
            raise ValueError(f"chunk_overlap ({overlap}) must be smaller than chunk_tokens ({max_tokens})")
        if windows and embed_tokens is None:
            raise ValueError("windows=True needs embed_tokens, the embedding model's own token count")
        self.encoding = get_encoding(encoding)
        self.max_tokens = max_tokens
        self.overlap = overlap
        self.fits = fits or (lambda _text: True)
        self.windows = windows
        self.embed_tokens = embed_tokens or self.count
        self.embed_limit = embed_limit

    def count(self, text: str) -> int:
        return len(self.encoding.encode_ordinary(text))

    def chunk(self, article: Article) -> list[Chunk]:
        header = chunk_header(article)
        pieces = self._pack(self._units(article.text, self.max_tokens), self.max_tokens)
        bodies: list[str] = []
        for body in pieces:
            bodies.extend([body] if self.windows else self._fit(header, body))
        return [
            Chunk(
                id=f"{article.id}::{index}",
                article_id=article.id,
                index=index,
                text=body,
                header=header,
                token_count=self.count(body),
                windows=self.window_texts(header, body) if self.windows else [],
            )
            for index, body in enumerate(bodies)
        ]

    def window_texts(self, header: str, body: str) -> list[str]:
        """[header + body] when it fits the embedder, else the lead window and the half-room windows, each
        header + whole sentences (a sentence longer than a window cut at spaces), each within the limit."""
        whole = f"{header}\n{body}"
        if self.embed_tokens(whole) <= self.embed_limit:
            return [whole]
        room = max(16, self.embed_limit - self.embed_tokens(f"{header}\n") - 2)  # 2: joins may tokenize longer
        lead = self._pack_by(self._units_by(body, room), room)[0]
        halves = self._pack_by(self._units_by(body, room // 2), room // 2)
        return [f"{header}\n{piece}" for piece in [lead, *halves]]

    def _units_by(self, text: str, budget: int) -> list[str]:
        """Sentences in the embedder's tokens, any longer than the budget cut at spaces."""
        return self._units(text, budget, lambda piece: self.embed_tokens(piece) - 2)

    def _pack_by(self, units: list[str], budget: int) -> list[str]:
        """Consecutive units packed greedily into pieces of at most `budget` embedder tokens, no overlap."""
        pieces: list[str] = []
        current: list[str] = []
        for unit in units:
            if current and self.embed_tokens(" ".join([*current, unit])) - 2 > budget:
                pieces.append(" ".join(current))
                current = []
            current.append(unit)
        if current:
            pieces.append(" ".join(current))
        return pieces

    def _units(self, text: str, budget: int, size: Callable[[str], int] | None = None) -> list[str]:
        """Sentences, with any sentence longer than the budget cut at spaces; `size` counts a piece's tokens
        (the chunking encoding's by default, the embedder's for windows)."""
        size = size or self.count
        units: list[str] = []
        for sentence in split_sentences(text):
            if size(sentence) <= budget:
                units.append(sentence)
                continue
            current = ""
            for word in sentence.split(" "):
                candidate = f"{current} {word}".strip()
                if current and size(candidate) > budget:
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
