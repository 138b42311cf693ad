"""Eval sets: JSONL question files (evals/sets/*.jsonl), loaded and validated into EvalQuestion records.

Every problem is reported as an EvalSetError naming the file and the line, so a hand-edited set is easy to fix.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.errors import NewsdeskError
from app.retrieval.filters import Filters

SETS_DIR = Path(__file__).resolve().parent / "sets"
TYPES = (
    "fact",
    "numeric",
    "temporal",
    "latest",
    "comparison",
    "multi-article",
    "listing",
    "follow-up",
    "unanswerable",
)
SPLITS = ("tune", "check")  # tune on one half, report the other: a set split before anyone ran it
REQUIRED = ("id", "question", "type", "expected", "figures", "gold_articles")
FILTER_KEYS = tuple(Filters.model_fields)  # since, until, source, company


class EvalSetError(NewsdeskError):
    """An eval set that cannot be read: a missing file, a malformed line or a bad field."""


@dataclass
class EvalQuestion:
    """One question of an eval set, with what a good answer must contain and where it is found."""

    id: str
    question: str
    type: str
    expected: str
    figures: list[str]
    gold_articles: list[str]
    gold_passages: list[str] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)
    filters: dict = field(default_factory=dict)
    split: str = ""

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    def to_dict(self) -> dict:
        return asdict(self)


def resolve_set(name_or_path: str | Path) -> Path:
    """A path as given, or a set's name in evals/sets/ ('miners' → evals/sets/miners.jsonl)."""
    path = Path(name_or_path).expanduser()
    if path.is_file():
        return path
    for candidate in (SETS_DIR / f"{name_or_path}.jsonl", SETS_DIR / str(name_or_path)):
        if candidate.is_file():
            return candidate
    known = ", ".join(sorted(p.stem for p in SETS_DIR.glob("*.jsonl"))) or "none"
    raise EvalSetError(f"{name_or_path}: no such eval set file (sets in {SETS_DIR}: {known})")


def load_set(name_or_path: str | Path, split: str | None = None) -> list[EvalQuestion]:
    """All questions of a set (or of one split), validated; raises EvalSetError naming the file and line of the
    first problem."""
    path = resolve_set(name_or_path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalSetError(f"{path}: cannot be read ({exc})") from exc
    questions: list[EvalQuestion] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalSetError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})") from exc
        question = parse_question(record, where)
        if question.id in seen:
            raise EvalSetError(f"{where}: id {question.id!r} is already used on line {seen[question.id]}")
        seen[question.id] = number
        questions.append(question)
    if not questions:
        raise EvalSetError(f"{path}: holds no questions")
    if split:
        if split not in SPLITS:
            raise EvalSetError(f"split {split!r} is not one of {', '.join(SPLITS)}")
        questions = [q for q in questions if q.split == split]
        if not questions:
            raise EvalSetError(f"{path}: no question is in split {split!r}")
    return questions


def parse_question(record: object, where: str) -> EvalQuestion:
    """One JSON object as an EvalQuestion; `where` (file, line) prefixes every error."""
    if not isinstance(record, dict):
        raise EvalSetError(f"{where}: expected a JSON object, got {type(record).__name__}")
    missing = [key for key in REQUIRED if key not in record]
    if missing:
        raise EvalSetError(f"{where}: missing field{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    for key in ("id", "question", "type", "expected"):
        if not isinstance(record[key], str) or (key != "expected" and not record[key].strip()):
            raise EvalSetError(f"{where}: field {key!r} must be a non-empty string")
    if record["type"] not in TYPES:
        raise EvalSetError(f"{where}: type {record['type']!r} is not one of {', '.join(TYPES)}")
    for key in ("figures", "gold_articles", "gold_passages"):
        value = record.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise EvalSetError(f"{where}: field {key!r} must be a list of non-empty strings")
    history = record.get("history") or []
    if not isinstance(history, list) or not all(
        isinstance(turn, dict) and isinstance(turn.get("role"), str) and isinstance(turn.get("content"), str)
        for turn in history
    ):
        raise EvalSetError(f"{where}: field 'history' must be a list of {{role, content}} objects")
    filters = record.get("filters") or {}
    if not isinstance(filters, dict) or any(key not in FILTER_KEYS for key in filters):
        raise EvalSetError(f"{where}: field 'filters' may only hold {', '.join(FILTER_KEYS)}")
    split = record.get("split", "")
    if split and split not in SPLITS:
        raise EvalSetError(f"{where}: split {split!r} is not one of {', '.join(SPLITS)}")
    if record["type"] != "unanswerable" and not record["gold_articles"]:
        raise EvalSetError(f"{where}: an answerable question needs at least one gold article")
    return EvalQuestion(
        id=record["id"],
        question=record["question"],
        type=record["type"],
        expected=record["expected"],
        figures=list(record["figures"]),
        gold_articles=list(record["gold_articles"]),
        gold_passages=list(record.get("gold_passages") or []),
        history=history,
        filters=filters,
        split=split,
    )
