"""Feedback on answers: thumbs up or down with an optional note, from the chat or `POST /api/feedback`, appended
to `<home>/<collection>.feedback.jsonl` with the question, history, answer, citations, answerer and the settings
that produced it. `newsdesk feedback export` turns them into eval-set rows (the shape of evals/sets/*.jsonl): a
thumbs-up is a regression question whose expected answer is the one given; a thumbs-down is a question to fix."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.answer.verify import cited_figures
from app.errors import QuestionError
from app.settings import Settings
from app.trace import TraceLog

SECRET_SETTINGS = {"api_token", "openai_api_key"}  # never written beside feedback


class UnknownTrace(QuestionError):
    """A trace id no answer has (a 404 in the API)."""


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class FeedbackIn(BaseModel):
    """What a client sends: the answer's trace id (the rest is read from its trace), or the answer itself."""

    model_config = ConfigDict(extra="forbid")

    rating: Literal["up", "down"]
    note: str = Field("", max_length=4000, description="Optional: what was wrong, or what the answer should be.")
    trace_id: str | None = Field(None, description="The answer's trace_id (from /api/ask or the chat).")
    question: str | None = Field(None, description="Needed when no trace_id is given.")
    answer: str | None = Field(None, description="Needed when no trace_id is given.")
    history: list[Turn] | None = None
    citations: list[dict] | None = None
    answerer: str | None = None


@dataclass
class FeedbackRecord:
    id: str
    at: str
    rating: str
    note: str
    trace_id: str
    question: str
    history: list[dict]
    answer: str
    citations: list[dict]
    answerer: str
    refused: bool = False
    filters: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


class FeedbackLog:
    def __init__(self, settings: Settings, traces: TraceLog | None = None) -> None:
        self.settings = settings
        self.path: Path = settings.home / f"{settings.collection}.feedback.jsonl"
        self.traces = traces or TraceLog(settings)
        self._lock = threading.Lock()

    def add(self, given: FeedbackIn) -> FeedbackRecord:
        """Store one rating; the answer is taken from its trace when a trace id is given. Raises QuestionError
        naming the field for an unknown trace id or a rating with neither trace id nor question and answer."""
        trace: dict = {}
        if given.trace_id:
            trace = self.traces.find(given.trace_id) or {}
            if not trace:
                raise UnknownTrace(f"trace_id: no answer with trace id {given.trace_id!r} in {self.traces.path}")
        elif not (given.question and given.answer):
            raise QuestionError("trace_id: give the answer's trace_id, or both question and answer")
        history = [t.model_dump() for t in given.history] if given.history is not None else trace.get("history", [])
        record = FeedbackRecord(
            id=f"fb-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}",
            at=datetime.now(UTC).isoformat(timespec="seconds"),
            rating=given.rating,
            note=given.note.strip(),
            trace_id=given.trace_id or "",
            question=given.question or trace.get("question", ""),
            history=history,
            answer=given.answer or trace.get("answer", ""),
            citations=given.citations if given.citations is not None else trace.get("citations", []),
            answerer=given.answerer or trace.get("answerer", "") or self.settings.answerer,
            refused=bool(trace.get("flags", {}).get("refused", False)),
            filters={k: v for k, v in (trace.get("user_filters") or {}).items() if v},
            settings=self.settings.model_dump(mode="json", exclude=SECRET_SETTINGS),
        )
        line = json.dumps(record.to_dict(), ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
        return record

    def all(self) -> list[FeedbackRecord]:
        if not self.path.exists():
            return []
        records = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(FeedbackRecord(**json.loads(line)))
            except (json.JSONDecodeError, TypeError) as exc:
                raise QuestionError(f"{self.path}, line {number}: not a feedback record ({exc})") from exc
        return records


def eval_row(record: FeedbackRecord) -> dict:
    """One feedback record as an eval-set row. Thumbs-up: the answer given is the expected one, its cited articles
    the gold ones, its figures the figures to find (a refusal rated up is an unanswerable question). Thumbs-down:
    `to_fix`, the note as the expected answer, the articles it cited as the place to start looking (as is a
    thumbs-up that cited nothing: the loader needs gold articles)."""
    gold = list(dict.fromkeys(c.get("article_id", "") for c in record.citations if c.get("article_id")))
    liked = record.rating == "up"
    kind = "unanswerable" if liked and record.refused else ("follow-up" if record.history else "fact")
    row = {
        "id": record.id,
        "type": kind,
        "split": "check",
        "question": record.question,
        "expected": record.answer if liked else record.note,
        "figures": cited_figures(record.answer) if liked and not record.refused else [],
        "gold_articles": [] if kind == "unanswerable" else gold,
    }
    if record.history:
        row["history"] = record.history
    if record.filters:
        row["filters"] = record.filters
    row["feedback"] = {"rating": record.rating, "note": record.note, "trace_id": record.trace_id}
    if not liked or (kind != "unanswerable" and not gold):  # a person completes it: expected answer, gold articles
        row["to_fix"] = True
        row["answer_given"] = record.answer
    return row
