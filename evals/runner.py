"""Running an eval set through the real assistant: one scored row per question, a summary, a report.

A run directory holds run.json (what was run), results.jsonl (one row per question, written as it goes),
summary.json and report.md with its plots. Running again into the same directory resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from app.answer.base import Answer
from app.answer.registry import canonical
from app.errors import NewsdeskError
from evals import metrics
from evals.evalset import SPLITS, TYPES, EvalQuestion, load_set, resolve_set

RUNS_DIR = Path("runs")
RANKING_DEPTH = 10  # MRR@10 and nDCG@10 need ten passages even when answers use fewer
MARKER = re.compile(r"\[(\d+)\]")
OUTCOMES = ("answered_right", "hits@k", "figure_accuracy", "refusal_accuracy", "false_refusal_rate", "verified")
Progress = Callable[[int, int], None]


class EvalRunError(NewsdeskError):
    """An eval run that cannot start or go on (a run directory of another set, a question that fails)."""


def metric_names(k: int) -> list[str]:
    """Metric keys in report order; retrieval keys carry the k they were measured at."""
    return [
        "answered_right",
        f"hits@{k}",
        f"recall@{k}",
        f"passage_recall@{k}",
        "mrr@10",
        "ndcg@10",
        "figure_accuracy",
        "citation_precision",
        "citation_recall",
        "refusal_accuracy",
        "false_refusal_rate",
        "verified",
    ]


@dataclass
class EvalRow:
    """One question's outcome: what was retrieved, what was answered, its metrics and latency."""

    id: str
    type: str
    question: str
    standalone_question: str
    retrieved_articles: list[str]
    retrieved_chunks: list[str]
    answer: str
    citations: list[dict]
    cited_articles: list[str]
    flags: dict
    metrics: dict[str, float | None]
    latency_ms: float
    answerer: str
    split: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class EvalRun:
    out_dir: Path
    rows: list[EvalRow]
    summary: dict
    comparison: dict | None = None
    resumed: int = 0
    files: list[Path] = field(default_factory=list)


def cited_articles(answer: Answer) -> list[str]:
    """Articles of the citations the answer text points at ([n]); all its citations when it has no markers."""
    used = {int(n) for n in MARKER.findall(answer.answer)}
    chosen = [c for c in answer.citations if c.n in used] if used else answer.citations
    return metrics.dedupe(c.article_id for c in chosen)


def score_question(
    question: EvalQuestion, passages: list, answer: Answer, k: int, latency_ms: float
) -> dict[str, float | None]:
    """All per-question metrics; None where a metric does not apply to this question."""
    ranked = [p.article_id for p in passages]
    answerable, refused = question.answerable, answer.flags.refused
    gold = question.gold_articles
    cited = cited_articles(answer) if not refused else []
    values: dict[str, float | None] = dict.fromkeys(metric_names(k))
    if answerable:
        values[f"hits@{k}"] = metrics.hits_at_k(ranked, gold, k)
        values[f"recall@{k}"] = metrics.recall_at_k(ranked, gold, k)
        values["mrr@10"] = metrics.mrr_at_k(ranked, gold, 10)
        values["ndcg@10"] = metrics.ndcg_at_k(ranked, gold, 10)
        if question.gold_passages:
            values[f"passage_recall@{k}"] = metrics.passage_recall_at_k(
                [p.text for p in passages], question.gold_passages, k
            )
        if question.figures:
            values["figure_accuracy"] = float(not refused and metrics.figures_correct(answer.answer, question.figures))
        values["citation_precision"] = metrics.citation_precision(cited, gold)
        values["citation_recall"] = metrics.citation_recall(cited, gold)
    values["answered_right"] = metrics.answered_right(answer.answer, cited, question.figures, gold, refused, answerable)
    values["refusal_accuracy"] = metrics.refusal_correct(refused, answerable)
    values["false_refusal_rate"] = metrics.false_refusal(refused, answerable)
    values["verified"] = None if refused else float(not answer.flags.unverified)
    return values


def evaluate_question(assistant, question: EvalQuestion, k: int, answerer: str | None) -> EvalRow:
    """Ask the question as a user would (history, filters), then rank passages for its standalone form."""
    started = time.perf_counter()
    answer = assistant.ask(
        question.question, history=question.history or None, filters=question.filters or None, k=k, answerer=answerer
    )
    latency_ms = round((time.perf_counter() - started) * 1000, 1)
    standalone = answer.standalone_question or question.question
    passages = assistant.search(standalone, k=max(k, RANKING_DEPTH), filters=question.filters or None)
    return EvalRow(
        id=question.id,
        type=question.type,
        question=question.question,
        standalone_question=standalone,
        retrieved_articles=[p.article_id for p in passages],
        retrieved_chunks=[p.chunk_id for p in passages],
        answer=answer.answer,
        citations=[{"n": c.n, "article_id": c.article_id, "chunk_id": c.chunk_id} for c in answer.citations],
        cited_articles=cited_articles(answer),
        flags=asdict(answer.flags),
        metrics=score_question(question, passages, answer, k, latency_ms),
        latency_ms=latency_ms,
        answerer=answer.answerer,
        split=question.split,
    )


def summarize(rows: list[EvalRow], k: int) -> dict:
    """Means of every metric (over the questions it applies to) and latency percentiles, overall and per type."""

    def block(selected: list[EvalRow]) -> dict:
        out: dict = {"questions": len(selected)}
        for name in metric_names(k):
            out[name] = metrics.mean(row.metrics.get(name) for row in selected)
        latencies = [row.latency_ms for row in selected]
        out["latency_p50_ms"] = metrics.percentile(latencies, 50)
        out["latency_p95_ms"] = metrics.percentile(latencies, 95)
        return out

    types = [t for t in TYPES if any(row.type == t for row in rows)]
    summary = {"overall": block(rows), "by_type": {t: block([r for r in rows if r.type == t]) for t in types}}
    splits = [s for s in SPLITS if any(row.split == s for row in rows)]
    if splits:
        summary["by_split"] = {s: block([r for r in rows if r.split == s]) for s in splits}
        summary["by_split_type"] = {
            s: {t: block([r for r in rows if r.split == s and r.type == t]) for t in types} for s in splits
        }
    return summary


def compare_runs(old_dir: Path, summary: dict, rows: list[EvalRow], k: int) -> dict:
    """Per-metric deltas against an earlier run, and the questions whose binary outcomes changed."""
    old_summary_path, old_rows_path = old_dir / "summary.json", old_dir / "results.jsonl"
    if not old_summary_path.is_file() or not old_rows_path.is_file():
        raise EvalRunError(f"{old_dir}: not a finished eval run (needs summary.json and results.jsonl)")
    old_summary = json.loads(old_summary_path.read_text())
    old_rows = {row["id"]: row for row in read_rows(old_rows_path)}
    old_k = old_summary.get("k", k)
    deltas = {}
    for name in metric_names(k):
        old_name = name.replace(f"@{k}", f"@{old_k}") if name.endswith(f"@{k}") else name
        old, new = old_summary["overall"].get(old_name), summary["overall"].get(name)
        deltas[name] = {"old": old, "new": new, "delta": None if old is None or new is None else new - old}
    for name in ("latency_p50_ms", "latency_p95_ms"):
        old, new = old_summary["overall"].get(name), summary["overall"].get(name)
        deltas[name] = {"old": old, "new": new, "delta": None if old is None or new is None else new - old}
    changed = []
    for row in rows:
        old = old_rows.get(row.id)
        if old is None:
            continue
        for outcome in OUTCOMES:
            new_name = outcome.replace("@k", f"@{k}")
            before = old["metrics"].get(outcome.replace("@k", f"@{old_k}"))
            after = row.metrics.get(new_name)
            if before != after and before is not None and after is not None:
                changed.append({"id": row.id, "type": row.type, "metric": new_name, "old": before, "new": after})
    return {"old_run": str(old_dir), "deltas": deltas, "changed": changed}


def read_rows(path: Path) -> list[dict]:
    """Rows of a results.jsonl; a last line cut short by a killed run is ignored."""
    rows = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            if number == len(lines):
                break
            raise EvalRunError(f"{path}, line {number}: malformed JSON ({exc.msg}); delete the run folder") from exc
    return rows


def default_out_dir(set_path: Path) -> Path:
    return RUNS_DIR / f"{set_path.stem}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


def run_eval(
    assistant,
    set_path: str | Path,
    k: int = 10,
    answerer: str | None = None,
    out_dir: str | Path | None = None,
    compare: str | Path | None = None,
    progress: Progress | None = None,
    split: str | None = None,
) -> EvalRun:
    """Runs every question of the set (or of one split) through `assistant`, scores it and writes the run
    directory."""
    from evals.report import write_report

    path = resolve_set(set_path)
    questions = load_set(path, split)
    if answerer is not None:
        canonical(answerer)  # an unknown name fails here, not as the first question's error
    out = Path(out_dir) if out_dir else default_out_dir(path)
    config = {
        "set": str(path),
        "set_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "split": split or "all",
        "k": k,
        "answerer": answerer or assistant.settings.answerer,
        "collection": assistant.settings.collection,
        "search_config": assistant.searcher.config.model_dump(),
        "grounded_config": assistant.settings.grounded.model_dump(),
    }
    done = start_or_resume(out, config)
    by_id = {q.id: q for q in questions}
    rows = [EvalRow(**row) for row in done if row["id"] in by_id]
    resumed = len(rows)
    finished = {row.id for row in rows}
    if progress:
        progress(len(rows), len(questions))
    if len(rows) < len(questions):
        warm_up(assistant, questions[0], k, answerer)
    with (out / "results.jsonl").open("a", encoding="utf-8") as sink:
        for question in questions:
            if question.id in finished:
                continue
            try:
                row = evaluate_question(assistant, question, k, answerer)
            except NewsdeskError as exc:
                raise EvalRunError(
                    f"question {question.id!r} of {path} failed: {exc}. {len(rows)} results are kept in {out}; "
                    f"run again with --out {out} to resume"
                ) from exc
            sink.write(json.dumps(row.to_dict(), ensure_ascii=False) + "\n")
            sink.flush()
            rows.append(row)
            if progress:
                progress(len(rows), len(questions))
    order = {q.id: i for i, q in enumerate(questions)}
    rows.sort(key=lambda row: order[row.id])
    summary = {**config, **summarize(rows, k)}
    comparison = compare_runs(Path(compare), summary, rows, k) if compare else None
    if comparison:
        summary["compare"] = comparison
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    files = write_report(out, summary, rows, comparison)
    return EvalRun(out, rows, summary, comparison, resumed, [out / "summary.json", out / "results.jsonl", *files])


def warm_up(assistant, question: EvalQuestion, k: int, answerer: str | None) -> None:
    """One untimed answer first, so model loading and caches do not land in the first question's latency."""
    try:
        assistant.ask(question.question, k=k, answerer=answerer)
    except NewsdeskError:
        pass  # the timed run reports the same error for this question


def start_or_resume(out: Path, config: dict) -> list[dict]:
    """Creates the run directory, or returns the rows already in it when it holds the same run."""
    marker = out / "run.json"
    results = out / "results.jsonl"
    if marker.is_file() and results.is_file():
        earlier = json.loads(marker.read_text())
        if earlier != config:
            differs = ", ".join(key for key in config if earlier.get(key) != config[key])
            raise EvalRunError(f"{out} holds a run with another {differs}; pass a new --out folder")
        rows = read_rows(results)
        results.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
        return rows
    out.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(config, indent=2))
    results.write_text("")
    return []
