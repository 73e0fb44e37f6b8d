"""Entity-level precision, recall and F1 (the CoNLL/seqeval convention) and token accuracy for IOB2 tag sequences.

An entity is a maximal span that starts with `B-TYPE`, or with an `I-TYPE` that does not continue an entity of the
same type (after `O`, after another type, or at the start), and continues over `I-TYPE` tags of that type. A
predicted entity counts only when its start, end and type all equal a gold entity's. Scores are micro-averaged over
all entities; each type's precision, recall, F1 and gold count are reported as `TYPE_precision` and so on.
"""

import datasets
import evaluate

_DESCRIPTION = "Exact-span entity precision/recall/F1 (CoNLL convention) and token accuracy over IOB2 tags."
_INPUTS = """
Args:
    predictions (list of list of str): predicted tags per sentence (`O`, `B-PER`, `I-PER`, ...).
    references (list of list of str): gold tags, one per predicted tag.
Returns:
    precision, recall, f1 (float, in [0, 1]), accuracy (float: tags equal to gold), and per entity type
    TYPE_precision, TYPE_recall, TYPE_f1, TYPE_number (gold entities of the type).
"""


def spans(tags):
    """The entities of one tag sequence as (type, first token, last token)."""
    found, kind, start = [], None, 0
    for position, tag in enumerate([*tags, "O"]):
        prefix, _, name = tag.partition("-")
        continues = prefix == "I" and name == kind
        if kind is not None and not continues:
            found.append((kind, start, position - 1))
            kind = None
        if prefix in ("B", "I") and not continues:
            kind, start = name, position
    return found


def _scores(correct, predicted, gold):
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


class Entities(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_INPUTS,
            features=datasets.Features(
                {
                    "predictions": datasets.Sequence(datasets.Value("string")),
                    "references": datasets.Sequence(datasets.Value("string")),
                }
            ),
        )

    def _compute(self, predictions, references):
        counts = {}  # type -> [correct, predicted, gold]
        right = total = 0
        for predicted_tags, gold_tags in zip(predictions, references, strict=True):
            right += sum(p == g for p, g in zip(predicted_tags, gold_tags, strict=True))
            total += len(gold_tags)
            predicted, gold = set(spans(predicted_tags)), set(spans(gold_tags))
            for kind, *_ in predicted | gold:
                counts.setdefault(kind, [0, 0, 0])
            for entity in predicted:
                counts[entity[0]][1] += 1
                counts[entity[0]][0] += entity in gold
            for entity in gold:
                counts[entity[0]][2] += 1
        overall = [sum(values[i] for values in counts.values()) for i in range(3)]
        precision, recall, f1 = _scores(*overall)
        result = {"precision": precision, "recall": recall, "f1": f1, "accuracy": right / total if total else 0.0}
        for kind in sorted(counts):
            kind_precision, kind_recall, kind_f1 = _scores(*counts[kind])
            result.update(
                {
                    f"{kind}_precision": kind_precision,
                    f"{kind}_recall": kind_recall,
                    f"{kind}_f1": kind_f1,
                    f"{kind}_number": counts[kind][2],
                }
            )
        return result
