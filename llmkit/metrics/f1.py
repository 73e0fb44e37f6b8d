"""Macro-averaged F1: the unweighted mean over classes of each class's F1.

Classes that appear in neither predictions nor references are left out; a class that appears in only one of them
scores 0, which is what makes macro-F1 punish a model that ignores a rare class.
"""

import datasets
import evaluate
import numpy as np

_DESCRIPTION = "Macro-F1 = mean over classes of 2 * precision * recall / (precision + recall)."
_INPUTS = """
Args:
    predictions (list of int): predicted class ids.
    references (list of int): true class ids.
    positive (int, optional): score only this class (binary F1, e.g. GLUE's F1 for MRPC) instead of the macro
        average.
Returns:
    f1 (float): macro-averaged F1 (or the positive class's F1) in [0, 1].
"""


class F1(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_INPUTS,
            features=datasets.Features({"predictions": datasets.Value("int64"), "references": datasets.Value("int64")}),
        )

    def _compute(self, predictions, references, positive=None):
        predictions = np.asarray(predictions)
        references = np.asarray(references)
        scores = []
        for label in np.union1d(predictions, references) if positive is None else [positive]:
            true_positive = np.sum((predictions == label) & (references == label))
            predicted = np.sum(predictions == label)
            actual = np.sum(references == label)
            scores.append(2 * true_positive / (predicted + actual) if predicted + actual else 0.0)
        return {"f1": float(np.mean(scores)) if scores else 0.0}
