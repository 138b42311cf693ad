"""Where the grounded answerer's feature weights live: weights.json beside this module, written by
`newsdesk fit-weights` (evals/fit.py) and read as the defaults of GroundedConfig.weights."""

from __future__ import annotations

import json
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("weights.json")


def default_weights() -> dict[str, float]:
    return {name: float(value) for name, value in json.loads(WEIGHTS_FILE.read_text()).items()}
