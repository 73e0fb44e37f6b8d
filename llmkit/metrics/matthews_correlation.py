"""Matthews correlation coefficient: GLUE's metric for CoLA, a balanced score even when classes are unequal.

It is the correlation between predicted and true classes, from -1 (always wrong) through 0 (no better than
chance) to 1 (always right); scikit-learn's implementation, which also covers more than two classes.
"""

import warnings

import datasets
import evaluate
from sklearn.metrics import matthews_corrcoef

_DESCRIPTION = "Matthews correlation coefficient between predicted and true class ids, in [-1, 1]."
_INPUTS = """
Args:
    predictions (list of int): predicted class ids.
    references (list of int): true class ids.
Returns:
    matthews_correlation (float): the coefficient; 0 when either side holds a single class.
"""


class MatthewsCorrelation(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_INPUTS,
            features=datasets.Features({"predictions": datasets.Value("int64"), "references": datasets.Value("int64")}),
        )

    def _compute(self, predictions, references):
        with warnings.catch_warnings():  # one class on both sides is a defined 0, not something to warn about
            warnings.simplefilter("ignore", UserWarning)
            return {"matthews_correlation": float(matthews_corrcoef(references, predictions))}
