"""Corpus BLEU and chrF as computed by the `sacrebleu` package, with their reproducibility signatures.

Scores are on sacreBLEU's 0-100 scale. The signatures (`nrefs:1|case:mixed|eff:no|tok:13a|...`) say exactly how
the scores were computed, so they can be compared with published figures.
"""

import datasets
import evaluate
import sacrebleu

_DESCRIPTION = "sacreBLEU corpus BLEU (default 13a tokenization) and chrF (character 6-grams, beta 2)."
_INPUTS = """
Args:
    predictions (list of str): one detokenized hypothesis per segment.
    references (list of str): one detokenized reference per segment.
Returns:
    bleu (float): corpus BLEU in [0, 100].
    chrf (float): corpus chrF in [0, 100].
    bleu_signature (str), chrf_signature (str): sacreBLEU's signatures of the two scores.
"""


class SacreBleu(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="Post, 2018. A Call for Clarity in Reporting BLEU Scores.",
            inputs_description=_INPUTS,
            features=datasets.Features(
                {"predictions": datasets.Value("string"), "references": datasets.Value("string")}
            ),
        )

    def _compute(self, predictions, references):
        bleu, chrf = sacrebleu.BLEU(), sacrebleu.CHRF()
        bleu_score = bleu.corpus_score(predictions, [references])
        chrf_score = chrf.corpus_score(predictions, [references])
        return {
            "bleu": bleu_score.score,
            "chrf": chrf_score.score,
            "bleu_signature": str(bleu.get_signature()),
            "chrf_signature": str(chrf.get_signature()),
        }
