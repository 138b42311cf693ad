"""The Answer record every answerer returns, its Citations and Flags, and the Answerer interface."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import Protocol

from app.answer.question import Analysis
from app.conversation import Turn
from app.retrieval.entities import Entities
from app.retrieval.filters import TimeFrame
from app.retrieval.search import Passage
from ingest.facts import Fact

REFUSAL = "The indexed news does not answer this."
MARKER_NUMBER = re.compile(r"\[(\d+)\]")


@dataclass
class Citation:
    """A numbered source: what `[n]` in the answer points at."""

    n: int
    chunk_id: str
    article_id: str
    title: str
    source: str
    published: str
    url: str
    passage: str
    used_sentences: list[str] = field(default_factory=list)
    score: float = 0.0

    @classmethod
    def from_passage(cls, n: int, passage: Passage, used: list[str] | None = None) -> Citation:
        return cls(
            n=n,
            chunk_id=passage.chunk_id,
            article_id=passage.article_id,
            title=passage.title,
            source=passage.source,
            published=passage.published,
            url=passage.url,
            passage=passage.text,
            used_sentences=list(used or []),
            score=passage.score,
        )


@dataclass
class Flags:
    refused: bool = False
    unverified: bool = False
    unverified_figures: list[str] = field(default_factory=list)
    removed_citations: list[int] = field(default_factory=list)
    time_filter_relaxed: bool = False
    reason: str = ""
    disagreements: list[str] = field(default_factory=list)  # a figure stated that other articles report otherwise


@dataclass
class Answer:
    question: str
    answer: str
    citations: list[Citation]
    flags: Flags
    answerer: str
    standalone_question: str = ""
    filters: dict = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    trace_id: str = ""  # the answer's trace in <home>/<collection>.traces.jsonl (app.trace), for feedback

    @property
    def refused(self) -> bool:
        return self.flags.refused

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


@dataclass
class Draft:
    """What an answerer produces before the assistant adds question, filters and timings."""

    text: str
    citations: list[Citation]
    flags: Flags


@dataclass
class Context:
    """What an answerer knows besides the passages: the question's time frame and named companies."""

    question: str
    frame: TimeFrame
    companies: list[str]
    entities: Entities = field(default_factory=Entities)  # the index's company names and their short forms
    question_vector: object = None
    analysis: Analysis | None = None  # what the question asks (app.answer.question), read once
    facts: list[Fact] = field(default_factory=list)  # the ledger rows it asks about (app.ledger.facts_asked)
    outvoted: list[Fact] = field(default_factory=list)  # those of them other articles contradict
    given: str = ""  # what the conversation already said (earlier turns, both sides): not news to answer with
    conversation: frozenset[str] = frozenset()  # the articles the last exchange was about (a follow-up's)

    @property
    def asked(self) -> str:
        """The question less the topic a follow-up carried from earlier turns ('... (re: merger)')."""
        return self.analysis.asked if self.analysis and self.analysis.asked else self.question

    @property
    def topic(self) -> str:
        return self.analysis.topic if self.analysis else ""

    @property
    def unnamed(self) -> str:
        """The question asked with its companies' names blanked."""
        return self.analysis.unnamed if self.analysis and self.analysis.unnamed else self.asked


class Answerer(Protocol):
    name: str
    decomposes: bool  # a comparison or two-part question is asked of it side by side (Assistant.answer_sides)

    def standalone(self, question: str, turns: list[Turn], entities: Entities) -> str:
        """The question rewritten to stand alone, given the earlier turns (the question itself when none)."""
        ...

    def answer(self, context: Context, passages: list[Passage]) -> Draft: ...

    def stream(self, context: Context, passages: list[Passage]) -> Iterator[str | Draft]:
        """Text pieces as they are ready, then the final Draft."""
        ...


def refusal(reason: str, passages: list[Passage]) -> Draft:
    """A plain 'not in the news' answer that still shows the closest sources."""
    one_each = list({p.article_id: p for p in reversed(passages)}.values())[::-1]  # the best passage per article
    closest = [Citation.from_passage(n, p) for n, p in enumerate(one_each[:3], start=1)]
    text = f"{REFUSAL} {reason}".strip()
    if closest:
        text += " The closest sources are listed below."
    return Draft(text=text, citations=closest, flags=Flags(refused=True, reason=reason))


def combine(drafts: list[tuple[str, Draft]]) -> Draft:
    """Drafts answered for the sides of one question, as one: each side labelled, its citations renumbered after
    the earlier sides'. Refused only when every side was."""
    if all(d.flags.refused for _, d in drafts):
        first = drafts[0][1]
        return Draft(first.text, first.citations, first.flags)
    parts: list[str] = []
    citations: list[Citation] = []
    flags = Flags()
    by_chunk: dict[str, int] = {}
    for label, draft in drafts:
        prefix = f"{label}: " if label and not draft.text.startswith(f"{label}: ") else ""
        if draft.flags.refused:
            parts.append(f"{prefix}the indexed news does not say ({draft.flags.reason.rstrip('.')}).")
            continue
        renumber: dict[int, int] = {}
        for citation in draft.citations:
            if citation.chunk_id not in by_chunk:
                by_chunk[citation.chunk_id] = len(citations) + 1
                citations.append(replace(citation, n=by_chunk[citation.chunk_id]))
            renumber[citation.n] = by_chunk[citation.chunk_id]
        text = MARKER_NUMBER.sub(lambda m, table=renumber: f"[{table.get(int(m.group(1)), m.group(1))}]", draft.text)
        parts.append(f"{prefix}{text}")
        flags.unverified_figures += [f for f in draft.flags.unverified_figures if f not in flags.unverified_figures]
    flags.unverified = bool(flags.unverified_figures)
    return Draft(" ".join(parts), citations, flags)
