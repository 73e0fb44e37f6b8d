"""Multi-label classification: micro- and macro-averaged F1, and exact-match (subset) accuracy.

Each example's predictions and references are 0/1 vectors over the labels. Micro-F1 counts every (example, label)
decision alike; macro-F1 averages the per-label F1 over the labels that appear in the predictions or the
references (a label absent from both has nothing to score, as in llmkit's single-label F1); exact match is the
share of examples whose whole label set is right. scikit-learn computes them.
"""

import datasets
import evaluate
import numpy as np
from sklearn.metrics import accuracy_score, f1_score

_DESCRIPTION = "Micro-F1, macro-F1 and exact-match accuracy of multi-label predictions (0/1 vectors)."
_INPUTS = """
Args:
    predictions (list of list of int): per example, 1 for each predicted label, else 0.
    references (list of list of int): per example, 1 for each true label, else 0.
Returns:
    f1_micro (float), f1_macro (float), exact_match (float): each in [0, 1].
"""


class MultiLabel(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_INPUTS,
            features=datasets.Features(
                {
                    "predictions": datasets.Sequence(datasets.Value("int64")),
                    "references": datasets.Sequence(datasets.Value("int64")),
                }
            ),
        )

    def _compute(self, predictions, references):
        predictions = np.asarray(predictions)
        references = np.asarray(references)
        present = np.flatnonzero((predictions + references).sum(axis=0))
        scores = {"f1_micro": 0.0, "f1_macro": 0.0}
        if present.size:
            scores["f1_micro"] = float(f1_score(references, predictions, average="micro", zero_division=0))
            scores["f1_macro"] = float(
                f1_score(references, predictions, labels=present, average="macro", zero_division=0)
            )
        return {**scores, "exact_match": float(accuracy_score(references, predictions))}
