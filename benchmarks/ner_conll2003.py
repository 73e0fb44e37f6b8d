"""Benchmark: llmkit's ner recipe on CoNLL-2003 against a plain `transformers.Trainer`, in one run.

    .venv/bin/python benchmarks/ner_conll2003.py [--epochs 1] [--rounds 1] [--shared ../shared] [--no-trainer]

Setting (the same for both contenders): the packaged all-MiniLM-L6-v2, CoNLL-2003 `eng.train` (14,041 sentences)
for training and `eng.testa` (3,250) as the dev set, the NER tag (the last column) converted from the files' IOB1
to IOB2 by llmkit's reader for both, batch 32, lr 5e-5, no warmup, no weight decay, max length 128, fp32 on this
CPU. The first sub-token of each word carries its tag (the transformers token-classification example's rule),
and both contenders are scored by llmkit's entity metric (exact span and type, micro-averaged, the seqeval/CoNLL
convention) on the same words. The Trainer runs with its defaults (random batches padded to the longest sentence,
`DataCollatorForTokenClassification`), seeded as llmkit is, so the tagging head starts the same. Throughput counts
real (non-padding) tokens per second of training-loop time.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from datasets import Dataset  # noqa: E402
from sentiment_sst2 import (  # noqa: E402
    add_rounds_argument,
    flops_per_token,
    matmul_gflops,
    take_turns,
    train_with_trainer,
    write_report,
)
from transformers import (  # noqa: E402
    AutoModelForTokenClassification,
    AutoTokenizer,
    DataCollatorForTokenClassification,
    set_seed,
)

from llmkit import metrics  # noqa: E402
from llmkit.config import load_config  # noqa: E402
from llmkit.models import packaged_minilm  # noqa: E402
from llmkit.registry import get_recipe  # noqa: E402
from llmkit.runner import train  # noqa: E402
from recipes import ner  # noqa: E402

BATCH, LR, MAX_LENGTH, SEED = 32, 5e-5, 128, 42
TRAIN_SENTENCES = 14041  # in eng.train (../shared/data/conll2003/SOURCE.txt)


def overrides(shared: Path, output: Path, epochs: int) -> list[str]:
    conll = shared / "data" / "conll2003"
    return [
        f"output_dir={output}",
        "model.name=minilm",
        f"data.train={conll / 'eng.train'}",
        f"data.validation={conll / 'eng.testa'}",
        "data.scheme=IOB1",
        f"data.max_length={MAX_LENGTH}",
        f"train.epochs={epochs}",
        f"train.batch_size={BATCH}",
        f"train.lr={LR}",
        "train.warmup_ratio=0",
        "train.weight_decay=0",
        "train.log_every=1000",
        f"seed={SEED}",
    ]


def run_llmkit(settings: list[str]) -> dict:
    recipe = get_recipe("ner")
    result = train(recipe, load_config(recipe.config, None, settings))
    trained = result["train"]
    return {
        **{name: result["eval"][name] for name in ("f1", "precision", "recall")},
        "train_seconds": trained["train_seconds"],
        "real_tokens": trained["real_tokens"],
        "positions": round(trained["real_tokens"] / (1 - trained["padding_fraction"])),
    }


def align(sentences: list[dict], tokenizer, index: dict[str, int]) -> Dataset:
    """The transformers example's alignment: a word's first sub-token gets its tag, the rest and specials -100."""
    encoded = tokenizer([s["tokens"] for s in sentences], is_split_into_words=True, truncation=True, max_length=128)
    labels = []
    for row, sentence in enumerate(sentences):
        previous, aligned = None, []
        for word in encoded.word_ids(row):
            aligned.append(-100 if word is None or word == previous else index[sentence["tags"][word]])
            previous = word
        labels.append(aligned)
    return Dataset.from_dict({**encoded, "labels": labels})


def run_trainer(settings: list[str], output: Path, epochs: int) -> dict:
    config = load_config(get_recipe("ner").config, None, settings)
    names, train_sentences, dev_sentences = ner.read_splits(config)  # the same sentences and IOB2 tags
    index = {name: i for i, name in enumerate(names)}
    tokenizer = AutoTokenizer.from_pretrained(packaged_minilm())
    set_seed(SEED)
    model = AutoModelForTokenClassification.from_pretrained(
        packaged_minilm(), num_labels=len(names), id2label=dict(enumerate(names)), label2id=index
    )
    train_set, dev_set = align(train_sentences, tokenizer, index), align(dev_sentences, tokenizer, index)
    collate = DataCollatorForTokenClassification(tokenizer)
    trainer, seconds, positions = train_with_trainer(model, train_set, collate, output, SEED, num_train_epochs=epochs)
    output_ = trainer.predict(dev_set)
    predicted, gold = [], []
    for logits, labels in zip(output_.predictions.argmax(-1), output_.label_ids, strict=True):
        scored = labels != -100
        predicted.append([names[i] for i in logits[scored]])
        gold.append([names[i] for i in labels[scored]])
    scores = metrics.load("entities").compute(predictions=predicted, references=gold)
    return {
        **{name: scores[name] for name in ("f1", "precision", "recall")},
        "train_seconds": seconds,
        "real_tokens": epochs * sum(len(ids) for ids in train_set["input_ids"]),
        "positions": positions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--no-trainer", action="store_true", help="run llmkit alone")
    add_rounds_argument(parser)
    args = parser.parse_args()
    if not (args.shared / "data" / "conll2003" / "eng.train").is_file():
        sys.exit(f"CoNLL-2003 not found under {args.shared}/data/conll2003: pass --shared")
    load_before = os.getloadavg()[0]
    peak = matmul_gflops()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        runs = {"llmkit": lambda out: run_llmkit(overrides(args.shared, out, args.epochs))}
        if not args.no_trainer:
            trainer_settings = overrides(args.shared, tmp / "unused", args.epochs)
            runs["trainer_default"] = lambda out: run_trainer(trainer_settings, out, args.epochs)
        results = take_turns(runs, args.rounds, tmp)
    model = AutoModelForTokenClassification.from_pretrained(packaged_minilm(), num_labels=9)
    mean_length = results["llmkit"]["real_tokens"] / TRAIN_SENTENCES / args.epochs / args.rounds
    per_token = flops_per_token(model, mean_length)
    out = ROOT / "benchmarks" / "results" / "ner_conll2003.json"
    facts = {"epochs": args.epochs, "rounds": args.rounds, "load_average_before": load_before}
    write_report(out, results, per_token, peak, facts)


if __name__ == "__main__":
    main()
