"""The index's vocabulary: every word its passages write, the words they also write in lower case, and each search
token's idf. Counted per segment of the lexical index when the segment is written (`WordCounts`), and summed
over the live rows when the index is loaded, so neither a start nor an added article rescans every passage."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.text import folded, tokenize

WORD = re.compile(r"[A-Za-z][A-Za-z0-9&'’-]*")  # a word as a name or a measure is written


@dataclass(frozen=True)
class Vocabulary:
    """Every word lower-cased, the words also written in lower case, and each search token's idf over the
    passages (log(1 + passages / passages holding it))."""

    words: frozenset[str]
    plain: frozenset[str]
    idf: dict[str, float]

    @classmethod
    def scan(cls, texts: list[str]) -> Vocabulary:
        return WordCounts.of(texts).vocabulary()


@dataclass
class WordCounts:
    """How many passages hold each word (as written) and each search token, and how many passages there are."""

    words: Counter[str] = field(default_factory=Counter)
    tokens: Counter[str] = field(default_factory=Counter)
    passages: int = 0

    @classmethod
    def of(cls, texts: Iterable[str]) -> WordCounts:
        counts = cls()
        for text in texts:
            words = set(WORD.findall(text))
            plain = folded(text)
            if plain is not text:  # 'Yguazú' is also counted as people type it, 'Yguazu'
                words |= set(WORD.findall(plain))
            counts.words.update(words)
            counts.tokens.update(set(tokenize(text)))
            counts.passages += 1
        return counts

    def add(self, other: WordCounts, sign: int = 1) -> None:
        """Adds (sign 1) or takes away (sign -1) another count in place."""
        if sign > 0:
            self.words.update(other.words)
            self.tokens.update(other.tokens)
        else:
            self.words.subtract(other.words)
            self.tokens.subtract(other.tokens)
        self.passages += sign * other.passages

    def vocabulary(self) -> Vocabulary:
        distinct = [w for w, n in self.words.items() if n > 0]
        count = max(self.passages, 1)
        idf = {t: math.log(1 + count / df) for t, df in self.tokens.items() if df > 0}
        return Vocabulary(frozenset(w.lower() for w in distinct), frozenset(w for w in distinct if w.islower()), idf)

    def to_dict(self) -> dict:
        return {"words": dict(self.words), "tokens": dict(self.tokens), "passages": self.passages}

    @classmethod
    def from_dict(cls, saved: dict) -> WordCounts:
        return cls(Counter(saved["words"]), Counter(saved["tokens"]), saved["passages"])
