"""Accuracy: the fraction of predictions equal to their reference."""

import datasets
import evaluate
import numpy as np

_DESCRIPTION = "Accuracy = correct predictions / all predictions."
_INPUTS = """
Args:
    predictions (list of int): predicted class ids.
    references (list of int): true class ids.
Returns:
    accuracy (float): in [0, 1].
"""


class Accuracy(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_INPUTS,
            features=datasets.Features({"predictions": datasets.Value("int64"), "references": datasets.Value("int64")}),
        )

    def _compute(self, predictions, references):
        predictions = np.asarray(predictions)
        references = np.asarray(references)
        if len(references) == 0:
            return {"accuracy": 0.0}
        return {"accuracy": float((predictions == references).mean())}
