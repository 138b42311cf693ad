"""Refitting the grounded answerer's weights: one example per retrieved sentence, a weight per named feature."""

import json

from app.answer.grounded import FEATURES
from app.answer.weights import WEIGHTS_FILE
from evals.fit import fit_weights


def test_fit_gives_a_weight_per_feature_and_leaves_the_file_alone(assistant):
    before = WEIGHTS_FILE.read_text()
    fit = fit_weights(assistant, "tiny", split=None, write=False)
    assert list(fit.weights) == list(FEATURES)
    assert fit.weights["ledger_outvoted"] == assistant.settings.grounded.weights["ledger_outvoted"]  # pinned
    assert fit.examples > fit.positives > 0 and fit.questions > 0
    assert 0.0 <= fit.baseline <= 1.0 and 0.0 <= fit.accuracy <= 1.0
    assert WEIGHTS_FILE.read_text() == before
    assert set(json.loads(before)) == set(FEATURES)  # the shipped weights cover every feature
