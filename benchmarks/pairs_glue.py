"""Benchmark: llmkit's classification recipe on GLUE sentence pairs (MRPC, STS-B) against a plain Trainer, in one run.

    .venv/bin/python benchmarks/pairs_glue.py --task mrpc [--epochs 2] [--seed 42] [--rounds 1] [--shared ../shared]
                                              [--no-trainer]
    .venv/bin/python benchmarks/pairs_glue.py --task stsb [--epochs 3]

Setting (the same for both contenders): the packaged all-MiniLM-L6-v2, the full GLUE train set of the task (MRPC
3,668 pairs, STS-B 5,749), batch 32, lr 5e-5, no warmup, no weight decay, max length 128, fp32 on this CPU; metrics
on the full dev set (MRPC 408: accuracy and F1 of the paraphrase class; STS-B 1,500: Pearson and Spearman). The
texts are the pair as BERT reads it (`[CLS] a [SEP] b [SEP]` with segment ids). Contenders: llmkit (`data.problem`
single_label or regression, packed random batches) and `transformers.Trainer` with its defaults (random batches
padded to the longest pair), seeded alike so the classifier head starts the same. The GLUE files are read with
quoting off (their texts hold unbalanced double quotes, see ../shared/data/glue/SOURCE.txt) and handed to both as
the same rows. Throughput counts real (non-padding) tokens per second of training-loop time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr, spearmanr

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
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    set_seed,
)

from llmkit.config import load_config  # noqa: E402
from llmkit.models import packaged_minilm  # noqa: E402
from llmkit.registry import get_recipe  # noqa: E402
from llmkit.runner import train  # noqa: E402

BATCH, LR, MAX_LENGTH, SEED = 32, 5e-5, 128, 42
# task -> (folder, first text, second text, label column, problem)
TASKS = {
    "mrpc": ("MRPC", "#1 String", "#2 String", "Quality", "single_label"),
    "stsb": ("STS-B", "sentence1", "sentence2", "score", "regression"),
}


def read_pairs(path: Path, task: str) -> list[dict]:
    """The GLUE file's pairs as {sentence1, sentence2, label} rows (quoting off, BOM stripped)."""
    _, first, second, label, problem = TASKS[task]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    cast = float if problem == "regression" else int
    return [{"sentence1": r[first], "sentence2": r[second], "label": cast(r[label])} for r in rows]


def scores(task: str, predictions: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """The task's GLUE metrics, computed here for the Trainer (llmkit reports its own)."""
    if task == "stsb":
        return {
            "pearson": float(pearsonr(predictions, labels)[0]),
            "spearmanr": float(spearmanr(predictions, labels)[0]),
        }
    true_positive = float(((predictions == 1) & (labels == 1)).sum())
    f1 = 2 * true_positive / ((predictions == 1).sum() + (labels == 1).sum())
    return {"accuracy": float((predictions == labels).mean()), "f1_positive": float(f1)}


def run_llmkit(task: str, files: tuple[Path, Path], output: Path, epochs: int, seed: int = SEED) -> dict:
    problem = TASKS[task][4]
    overrides = [
        f"output_dir={output}",
        "model.name=minilm",
        f"data.train={files[0]}",
        f"data.validation={files[1]}",
        "data.text_column=sentence1",
        "data.text_pair_column=sentence2",
        f"data.problem={problem}",
        f"data.max_length={MAX_LENGTH}",
        f"train.epochs={epochs}",
        f"train.batch_size={BATCH}",
        f"train.lr={LR}",
        "train.warmup_ratio=0",
        "train.weight_decay=0",
        "train.log_every=1000",
        f"seed={seed}",
    ]
    if problem == "single_label":
        overrides.append("data.positive_label=1")
    recipe = get_recipe("classification")
    metrics = train(recipe, load_config(recipe.config, None, overrides))
    trained = metrics["train"]
    names = ("pearson", "spearmanr") if problem == "regression" else ("accuracy", "f1_positive")
    return {
        **{name: metrics["eval"][name] for name in names},
        "train_seconds": trained["train_seconds"],
        "real_tokens": trained["real_tokens"],
        "positions": round(trained["real_tokens"] / (1 - trained["padding_fraction"])),
    }


def run_trainer(task: str, rows: tuple[list[dict], list[dict]], output: Path, epochs: int, seed: int = SEED) -> dict:
    regression = TASKS[task][4] == "regression"
    tokenizer = AutoTokenizer.from_pretrained(packaged_minilm())
    set_seed(seed)  # the classifier head's initialisation, as llmkit seeds it
    model = AutoModelForSequenceClassification.from_pretrained(
        packaged_minilm(), num_labels=1 if regression else 2, problem_type="regression" if regression else None
    )

    def encode(part):
        encoded = tokenizer(
            [r["sentence1"] for r in part], [r["sentence2"] for r in part], truncation=True, max_length=MAX_LENGTH
        )
        return Dataset.from_dict({**encoded, "labels": [r["label"] for r in part]})

    train_set, dev_set = encode(rows[0]), encode(rows[1])
    collate = DataCollatorWithPadding(tokenizer)
    trainer, seconds, positions = train_with_trainer(model, train_set, collate, output, seed, num_train_epochs=epochs)
    logits = trainer.predict(dev_set).predictions
    predictions = logits.squeeze(-1) if regression else logits.argmax(-1)
    return {
        **scores(task, predictions, np.array(dev_set["labels"])),
        "train_seconds": seconds,
        "real_tokens": epochs * sum(len(ids) for ids in train_set["input_ids"]),
        "positions": positions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=sorted(TASKS), required=True)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--no-trainer", action="store_true", help="run llmkit alone")
    parser.add_argument("--seed", type=int, default=SEED, help="training seed of both contenders")
    add_rounds_argument(parser)
    args = parser.parse_args()
    folder = args.shared / "data" / "glue" / TASKS[args.task][0]
    if not folder.exists():
        sys.exit(f"{folder} not found: pass --shared (the GLUE train.tsv and dev.tsv of the task)")
    rows = (read_pairs(folder / "train.tsv", args.task), read_pairs(folder / "dev.tsv", args.task))
    out = ROOT / "benchmarks" / "results" / f"pairs_{args.task}_seed{args.seed}.json"

    load_before = os.getloadavg()[0]
    peak = matmul_gflops()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = []
        for name, part in zip(("train", "dev"), rows, strict=True):
            files.append(tmp / f"{name}.jsonl")
            files[-1].write_text("".join(json.dumps(r) + "\n" for r in part), encoding="utf-8")
        runs = {"llmkit": lambda out: run_llmkit(args.task, tuple(files), out, args.epochs, args.seed)}
        if not args.no_trainer:
            runs["trainer_default"] = lambda out: run_trainer(args.task, rows, out, args.epochs, args.seed)
        results = take_turns(runs, args.rounds, tmp)
    model = AutoModelForSequenceClassification.from_pretrained(packaged_minilm(), num_labels=2)
    mean_length = results["llmkit"]["real_tokens"] / len(rows[0]) / args.epochs / args.rounds
    per_token = flops_per_token(model, mean_length)
    facts = {
        "task": args.task,
        "epochs": args.epochs,
        "seed": args.seed,
        "rounds": args.rounds,
        "train_pairs": len(rows[0]),
        "dev_pairs": len(rows[1]),
        "load_average_before": load_before,
    }
    write_report(out, results, per_token, peak, facts)


if __name__ == "__main__":
    main()
