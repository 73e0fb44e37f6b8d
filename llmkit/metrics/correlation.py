"""Regression: Pearson and Spearman correlation between predicted and true scores, and the mean squared error.

GLUE's metrics for STS-B. scipy computes the correlations; a constant prediction has no defined correlation and
scores 0 (it ranks nothing), instead of scipy's NaN, so a collapsed model cannot be picked as the best checkpoint.
"""

import math

import datasets
import evaluate
import numpy as np
from scipy.stats import pearsonr, spearmanr

_DESCRIPTION = "Pearson and Spearman correlation and mean squared error of predicted scores."
_INPUTS = """
Args:
    predictions (list of float): predicted scores.
    references (list of float): true scores.
Returns:
    pearson (float), spearmanr (float): correlations in [-1, 1]; mse (float): mean squared error.
"""


class Correlation(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_INPUTS,
            features=datasets.Features(
                {"predictions": datasets.Value("float64"), "references": datasets.Value("float64")}
            ),
        )

    def _compute(self, predictions, references):
        predictions = np.asarray(predictions, dtype=np.float64)
        references = np.asarray(references, dtype=np.float64)
        constant = np.ptp(predictions) == 0 or np.ptp(references) == 0
        pearson = 0.0 if constant else float(pearsonr(predictions, references)[0])
        spearman = 0.0 if constant else float(spearmanr(predictions, references)[0])
        return {
            "pearson": pearson if math.isfinite(pearson) else 0.0,
            "spearmanr": spearman if math.isfinite(spearman) else 0.0,
            "mse": float(np.mean((predictions - references) ** 2)),
        }
