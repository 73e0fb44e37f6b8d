"""Metric modules llmkit ships, loaded through `evaluate` from their files (hub metric names fail offline)."""

from pathlib import Path

import evaluate

METRICS_DIR = Path(__file__).resolve().parent


def load(name: str) -> evaluate.EvaluationModule:
    """Load the shipped metric module `name` (the file `llmkit/metrics/<name>.py`)."""
    return evaluate.load(str(METRICS_DIR / f"{name}.py"))
