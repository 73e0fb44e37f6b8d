"""SQuAD exact match and F1 (v1.1 and v2.0), in percent, each the maximum over an example's gold answers.

Answers are compared after the standard SQuAD normalisation: lower-case, drop ASCII punctuation, drop the articles
a/an/the, collapse whitespace. F1 is the harmonic mean of token precision and recall. An unanswerable question
(SQuAD v2) has no gold answers and counts as correct only when the prediction is empty; with
`with_negative=True` the HasAns/NoAns breakdown is added.
"""

import collections
import re
import string

import datasets
import evaluate

_DESCRIPTION = "SQuAD exact match and token F1 (percent), max over gold answers; v2 adds HasAns/NoAns scores."
_INPUTS = """
Args:
    predictions (list of str): the predicted answer text of each question ("" means no answer).
    references (list of list of str): the gold answer texts of each question (empty for unanswerable ones).
    with_negative (bool): also report HasAns_* and NoAns_* scores (SQuAD v2). Default False.
Returns:
    exact_match (float), f1 (float) in [0, 100], with HasAns/NoAns exact, f1 and total for v2.
"""

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower-case, strip punctuation and articles, and collapse whitespace, as the official SQuAD script does."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, gold: str) -> float:
    return float(normalize_answer(prediction) == normalize_answer(gold))


def token_f1(prediction: str, gold: str) -> float:
    predicted, expected = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not predicted or not expected:
        # An empty answer is right only against an empty answer (the SQuAD v2 rule).
        return float(predicted == expected)
    common = sum((collections.Counter(predicted) & collections.Counter(expected)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted), common / len(expected)
    return 2 * precision * recall / (precision + recall)


class Squad(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_INPUTS,
            features=datasets.Features(
                {"predictions": datasets.Value("string"), "references": datasets.Sequence(datasets.Value("string"))}
            ),
        )

    def _compute(self, predictions, references, with_negative=False):
        scores = {"has": ([], []), "no": ([], [])}
        for prediction, golds in zip(predictions, references, strict=True):
            golds = [g for g in golds if normalize_answer(g)] or [""]
            kind = "has" if golds != [""] else "no"
            scores[kind][0].append(max(exact_match(prediction, g) for g in golds))
            scores[kind][1].append(max(token_f1(prediction, g) for g in golds))
        exact = scores["has"][0] + scores["no"][0]
        f1 = scores["has"][1] + scores["no"][1]
        result = {"exact_match": _percent(exact), "f1": _percent(f1)}
        if with_negative:
            for kind, name in (("has", "HasAns"), ("no", "NoAns")):
                result[f"{name}_exact"] = _percent(scores[kind][0])
                result[f"{name}_f1"] = _percent(scores[kind][1])
                result[f"{name}_total"] = len(scores[kind][0])
        return result


def _percent(values: list[float]) -> float:
    return 100.0 * sum(values) / len(values) if values else 0.0
