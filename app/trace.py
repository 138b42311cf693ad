"""Traces: every answer gets a trace id, and what led to it (the question as asked and as retrieved, the history,
per-stage timings, every passage considered with its scores, the citations) is appended as one JSON line to
`<home>/<collection>.traces.jsonl`. The chat shows it under the answer; feedback refers to it by id."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from app.answer.base import Answer
from app.retrieval.filters import Filters
from app.retrieval.search import Passage
from app.settings import Settings

log = logging.getLogger(__name__)


def new_trace_id() -> str:
    return uuid.uuid4().hex[:16]


@dataclass
class ConsideredPassage:
    chunk_id: str
    article_id: str
    title: str
    published: str
    score: float
    dense: float
    lexical: float
    cited: bool


@dataclass
class Trace:
    trace_id: str
    at: str
    question: str
    standalone_question: str
    history: list[dict]
    answerer: str
    filters: dict  # as searched (the question's period applied)
    user_filters: dict  # as given
    timings: dict[str, float]
    answer: str
    citations: list[dict]
    flags: dict
    passages: list[ConsideredPassage] = field(default_factory=list)

    @classmethod
    def of(cls, answer: Answer, passages: list[Passage], history: list | None, user_filters: Filters) -> Trace:
        cited = {c.article_id for c in answer.citations}  # an article's passages are merged into one citation
        considered = [
            ConsideredPassage(
                p.chunk_id,
                p.article_id,
                p.title,
                p.published,
                p.score,
                p.dense,
                p.lexical,
                p.article_id in cited,
            )
            for p in passages
        ]
        record = answer.to_dict()
        return cls(
            trace_id=answer.trace_id,
            at=datetime.now(UTC).isoformat(timespec="seconds"),
            question=answer.question,
            standalone_question=answer.standalone_question,
            history=[dict(turn) for turn in history or [] if isinstance(turn, dict)],
            answerer=answer.answerer,
            filters=answer.filters,
            user_filters=user_filters.model_dump(mode="json", exclude_none=True),
            timings=answer.timings,
            answer=answer.answer,
            citations=record["citations"],
            flags=record["flags"],
            passages=considered,
        )

    def to_dict(self) -> dict:
        return asdict(self)


class TraceLog:
    """Appends traces (one line each, one write per line) and finds one by id, newest first."""

    def __init__(self, settings: Settings) -> None:
        self.path: Path = settings.home / f"{settings.collection}.traces.jsonl"
        self._lock = threading.Lock()

    def record(self, trace: Trace) -> None:
        """Append the trace. A data dir that cannot be written is logged, never a failed answer."""
        line = json.dumps(trace.to_dict(), ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock, open(self.path, "a", encoding="utf-8") as handle:
                handle.write(line)
        except OSError as exc:
            log.warning("trace %s not written to %s: %s", trace.trace_id, self.path, exc)

    def find(self, trace_id: str) -> dict | None:
        if not trace_id or not self.path.exists():
            return None
        with open(self.path, encoding="utf-8") as handle:
            lines = handle.readlines()
        for line in reversed(lines):
            if f'"trace_id": "{trace_id}"' in line:
                try:
                    return json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a crash
        return None
