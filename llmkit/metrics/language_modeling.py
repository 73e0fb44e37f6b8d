"""Language-modelling metrics from per-example sums: token-weighted loss, perplexity, accuracy, bits per byte.

Each example brings the summed negative log-likelihood (nats) of the tokens it predicts, how many tokens that is,
how many of them the model ranked first, and optionally the UTF-8 bytes and characters of the text they spell.
Summing before dividing weights every token equally, however many each example has (masked LM varies).
"""

import math

import datasets
import evaluate
import numpy as np

_DESCRIPTION = (
    "loss = sum(nats) / sum(tokens); perplexity = exp(loss); accuracy = sum(correct) / sum(tokens); "
    "bits_per_byte = sum(nats) / (ln 2 * sum(bytes)); nats_per_char = sum(nats) / sum(chars)."
)
_INPUTS = """
Args:
    nats (list of float): summed negative log-likelihood of each example's predicted tokens, in nats.
    tokens (list of int): predicted tokens per example.
    correct (list of int): predicted tokens that were the model's top choice.
    bytes (list of int): UTF-8 bytes of the text the predicted tokens spell (0 when unknown).
    chars (list of int): characters of that text (0 when unknown).
Returns:
    loss, perplexity, accuracy; bits_per_byte and nats_per_char when bytes and chars are given.
"""


class LanguageModeling(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_INPUTS,
            features=datasets.Features(
                {
                    "nats": datasets.Value("float64"),
                    "tokens": datasets.Value("int64"),
                    "correct": datasets.Value("int64"),
                    "bytes": datasets.Value("int64"),
                    "chars": datasets.Value("int64"),
                }
            ),
        )

    def _compute(self, nats, tokens, correct, bytes, chars):
        nats = float(np.sum(nats))
        tokens = int(np.sum(tokens))
        if tokens == 0:
            return {"loss": 0.0, "perplexity": 1.0, "accuracy": 0.0}
        loss = nats / tokens
        results = {"loss": loss, "perplexity": math.exp(min(loss, 700.0)), "accuracy": int(np.sum(correct)) / tokens}
        if int(np.sum(bytes)) > 0:
            results["bits_per_byte"] = nats / (math.log(2) * int(np.sum(bytes)))
        if int(np.sum(chars)) > 0:
            results["nats_per_char"] = nats / int(np.sum(chars))
        return results
