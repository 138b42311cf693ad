"""Refitting the grounded answerer's feature weights on an eval set's tune split.

Every sentence of the passages retrieved for a question is one example: its features (app.answer.grounded
FEATURES) and a label, 1 when the sentence states one of the question's figures and sits in a gold article.
A logistic regression (scikit-learn) learns how much each feature says; its coefficients, scaled so the
positive ones sum as the hand-set defaults do (the answerer's floors are ratios of a positive best score),
become GroundedConfig.weights. `newsdesk fit-weights newuser --split tune --write` stores them in
app/answer/weights.json, where the settings read their defaults.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.answer.grounded import FEATURES, GroundedAnswerer
from app.answer.weights import WEIGHTS_FILE
from evals.evalset import load_set
from evals.metrics import figure_present


@dataclass
class Fit:
    weights: dict[str, float]
    questions: int
    examples: int
    positives: int
    accuracy: float  # share of questions whose best-scored sentence is a positive one, with the new weights
    baseline: float  # the same with the weights in use before

    def to_dict(self) -> dict:
        return self.__dict__


def collect(assistant, set_name: str, split: str | None) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Feature rows, labels and each row's question number, for the answerable questions with figures."""
    writer: GroundedAnswerer = assistant.answerer("grounded")
    rows: list[list[float]] = []
    labels: list[int] = []
    owners: list[int] = []
    for number, question in enumerate(load_set(set_name, split)):
        if not question.answerable or not question.figures:
            continue
        prepared = assistant.prepare(question.question, question.history or None, None, 10, writer)
        candidates = writer.score_sentences(prepared.context, prepared.passages)
        writer.add_semantic(prepared.context, candidates)  # every sentence gets its similarity here
        for candidate in candidates:
            passage = prepared.passages[candidate.passage_index]
            gold = passage.article_id in question.gold_articles
            states = any(figure_present(candidate.sentence, figure) for figure in question.figures)
            rows.append([candidate.features.get(name, 0.0) for name in FEATURES])
            labels.append(int(gold and states))
            owners.append(number)
    return np.asarray(rows), np.asarray(labels), owners


def top_accuracy(x: np.ndarray, y: np.ndarray, owners: list[int], weights: np.ndarray) -> float:
    """Share of questions (that have a positive sentence) whose highest-scored sentence is positive."""
    scores = x @ weights
    owner = np.asarray(owners)
    hits, total = 0, 0
    for question in sorted(set(owners)):
        mask = owner == question
        if not y[mask].any():
            continue
        total += 1
        hits += int(y[mask][np.argmax(scores[mask])] == 1)
    return hits / total if total else 0.0


def fit_weights(assistant, set_name: str, split: str | None = "tune", write: bool = False) -> Fit:
    from sklearn.linear_model import LogisticRegression

    x, y, owners = collect(assistant, set_name, split)
    model = LogisticRegression(class_weight="balanced", C=1.0, max_iter=2000).fit(x, y)
    coefficients = model.coef_[0]
    current = assistant.settings.grounded.weights
    before = np.asarray([current.get(name, 0.0) for name in FEATURES])
    positive = coefficients[coefficients > 0].sum() or 1.0
    scaled = coefficients * (before[before > 0].sum() / positive)
    weights = {name: round(float(w), 4) for name, w in zip(FEATURES, scaled, strict=True)}
    fit = Fit(
        weights=weights,
        questions=len(set(owners)),
        examples=len(y),
        positives=int(y.sum()),
        accuracy=round(top_accuracy(x, y, owners, scaled), 3),
        baseline=round(top_accuracy(x, y, owners, before), 3),
    )
    if write:
        Path(WEIGHTS_FILE).write_text(json.dumps(weights, indent=2) + "\n")
    return fit
