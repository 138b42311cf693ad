"""Refitting the grounded answerer's feature weights on the tune halves of the eval sets.

Every sentence of the passages retrieved for a question is one example: its features (app.answer.grounded
FEATURES, as the answerer computes them: the similarity only for the semantic_top best) and a label, 1 when the
sentence states one of the question's figures and sits in a gold article. The weights are learned pairwise, as
the reranker's are (evals.rerank.fit_pairwise): for each question, every gold sentence against every other, each
question counting once, so a set with long passages does not outweigh one with short ones. Several sets are
pooled (`newsdesk fit-weights newuser,stranger,fresh`), which is what keeps the weights from fitting one writer's
phrasing. The coefficients, put back on the features' own scale and scaled so the positive ones sum as the
weights in use do (the answerer's floors are ratios of a positive best score), become GroundedConfig.weights;
`--write` stores them in app/answer/weights.json, where the settings read their defaults. The report gives, for
every set's tune and check half, the share of questions whose best-scored sentence is a gold one, before and after:
the check halves are only scored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.answer.grounded import FEATURES, GroundedAnswerer
from app.answer.weights import WEIGHTS_FILE
from evals.evalset import load_set
from evals.metrics import figure_present
from evals.rerank import RankedList, fit_pairwise

# a policy, not a sign of relevance: a figure other articles contradict (or one out of line with every other
# company's) must not lead. The tune sets hold no planted articles to learn that from (evals/poisoned.py does), so
# its weight is kept as set, and left out of the fit
PINNED = ("ledger_outvoted",)
C = 0.1  # inverse L2 strength of the pairwise fit; 1.0 scored the same on the pooled tune halves, lower on check
SPLITS = ("tune", "check")


@dataclass
class Fit:
    weights: dict[str, float]
    sets: list[str]
    split: str | None
    questions: int
    examples: int
    positives: int
    accuracy: float  # share of fitted questions whose best-scored sentence is a positive one, with the new weights
    baseline: float  # the same with the weights in use before
    halves: dict[str, dict[str, float]] = field(default_factory=dict)  # 'set/half' → before, after, questions

    def to_dict(self) -> dict:
        return self.__dict__


def collect(assistant, set_name: str, split: str | None) -> list[RankedList]:
    """One list per answerable question with figures: its sentences' features and which state a gold figure."""
    writer: GroundedAnswerer = assistant.answerer("grounded")
    lists: list[RankedList] = []
    for number, question in enumerate(load_set(set_name, split)):
        if not question.answerable or not question.figures:
            continue
        prepared = assistant.prepare(question.question, question.history or None, None, 10, writer)
        candidates = writer.score_sentences(prepared.context, prepared.passages)  # as served: semantic_top
        rows = [[candidate.features.get(name, 0.0) for name in FEATURES] for candidate in candidates]
        labels = [
            prepared.passages[c.passage_index].article_id in question.gold_articles
            and any(figure_present(c.sentence, figure) for figure in question.figures)
            for c in candidates
        ]
        if rows:
            lists.append(RankedList(number, np.asarray(rows, dtype=float), np.asarray(labels, dtype=bool)))
    return lists


def top_accuracy(lists: list[RankedList], weights: np.ndarray) -> float:
    """Share of the questions that have a positive sentence whose highest-scored sentence is positive."""
    scored = [item for item in lists if item.labels.any()]
    if not scored:
        return 0.0
    return sum(bool(item.labels[np.argmax(item.features @ weights)]) for item in scored) / len(scored)


def fit_weights(
    assistant, set_names: str | list[str], split: str | None = "tune", write: bool = False, c: float = C
) -> Fit:
    names = set_names.split(",") if isinstance(set_names, str) else list(set_names)
    per_set = {name: collect(assistant, name, split) for name in names}
    fitted = [item for lists in per_set.values() for item in lists]
    pinned = np.asarray([name in PINNED for name in FEATURES])
    model, _pairs = fit_pairwise([RankedList(i.row, np.where(pinned, 0.0, i.features), i.labels) for i in fitted], c)
    raw = np.asarray(model.weights, dtype=float) / np.asarray(model.scale, dtype=float)
    current = assistant.settings.grounded.weights
    before = np.asarray([current.get(name, 0.0) for name in FEATURES])
    scaled = raw * (before[before > 0].sum() / (raw[raw > 0].sum() or 1.0))
    scaled[pinned] = before[pinned]
    weights = {name: round(float(w), 4) for name, w in zip(FEATURES, scaled, strict=True)}
    new = np.asarray(list(weights.values()))
    halves: dict[str, dict[str, float]] = {}
    if split == "tune":  # the unfitted halves, scored only
        for name in names:
            for half in SPLITS:
                lists = per_set[name] if half == "tune" else collect(assistant, name, half)
                halves[f"{name}/{half}"] = {
                    "questions": sum(bool(item.labels.any()) for item in lists),
                    "before": round(top_accuracy(lists, before), 3),
                    "after": round(top_accuracy(lists, new), 3),
                }
    fit = Fit(
        weights=weights,
        sets=names,
        split=split,
        questions=len(fitted),
        examples=sum(len(item.labels) for item in fitted),
        positives=int(sum(item.labels.sum() for item in fitted)),
        accuracy=round(top_accuracy(fitted, new), 3),
        baseline=round(top_accuracy(fitted, before), 3),
        halves=halves,
    )
    if write:
        Path(WEIGHTS_FILE).write_text(json.dumps(weights, indent=2) + "\n")
    return fit
