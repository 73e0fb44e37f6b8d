"""Benchmark: llmkit's sentiment recipe against a plain `transformers.Trainer` on SST-2, in one run.

    .venv/bin/python benchmarks/sentiment_sst2.py [--examples 3200] [--shared ../shared] [--seeds 42 43 44]

Setting (the same for every contender): the packaged all-MiniLM-L6-v2, a shuffled 3,200-example subset of SST-2 train
(seed 42), 1 epoch, batch 32, lr 5e-5, no warmup, no weight decay, max length 128, fp32 on this CPU; accuracy on the
full SST-2 dev set (872). Contenders: llmkit (random batches, packed: `llmkit/packing.py`), the Trainer with its
defaults (random batches padded to the longest example), and the Trainer with
`train_sampling_strategy="group_by_length"`. Every contender seeds torch before it loads the model, so the
classifier head starts the same, and llmkit's random batches are the default Trainer's for the same seed: the two
differ only in dropout masks. With several `--seeds` (training seeds; the subset stays fixed) each contender runs
once per seed, taking turns, and the table shows the mean accuracy and the throughput over all runs: one seed's
accuracy moves by several dev examples.

Throughput counts real (non-padding) tokens per second of training-loop time. Model FLOPs utilisation (MFU) divides
the model FLOPs spent on real tokens (6 x non-embedding parameters per token, plus attention) by the fp32
matrix-multiply rate this script measures on the same machine. The formula is the same for every contender: it
counts the whole model's FLOPs, although llmkit skips the last layer's non-[CLS] positions (`llmkit/fastpath.py`),
so for llmkit it is the useful-work rate rather than the hardware's. llmkit runs with `train.profile=true`, and the
summary says where its training-loop time went (data, forward, backward, optimizer; evaluation apart).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datasets import Dataset  # noqa: E402
from transformers import (  # noqa: E402
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    Trainer,
    TrainingArguments,
    set_seed,
)

from llmkit.config import load_config  # noqa: E402
from llmkit.models import packaged_minilm  # noqa: E402
from llmkit.registry import get_recipe  # noqa: E402
from llmkit.runner import train  # noqa: E402

BATCH, LR, MAX_LENGTH, SEED = 32, 5e-5, 128, 42


def read_tsv(path: Path) -> list[tuple[str, int]]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(row["sentence"], int(row["label"])) for row in rows]


def sst2_rows(shared: Path, examples: int) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The benchmark's data: a seeded shuffled subset of SST-2 train, and the whole dev set."""
    sst2 = shared / "data" / "sst2"
    if not sst2.exists():
        sys.exit(f"SST-2 not found under {sst2}: pass --shared")
    rows = read_tsv(sst2 / "train.tsv")
    order = np.random.default_rng(SEED).permutation(len(rows))[:examples]
    return [rows[i] for i in order], read_tsv(sst2 / "dev.tsv")


def write_tsv(path: Path, rows: list[tuple[str, int]]) -> Path:
    """Write rows as the `sentence<TAB>label` file llmkit reads; returns `path`."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("sentence\tlabel\n" + "".join(f"{t}\t{y}\n" for t, y in rows))
    return path


def matmul_gflops(size: int = 2048, repeats: int = 20) -> float:
    """The fp32 matrix-multiply rate of this machine, the denominator of MFU."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)
    start = time.perf_counter()
    for _ in range(repeats):
        torch.mm(a, b)
    return 2 * size**3 * repeats / (time.perf_counter() - start) / 1e9


def flops_per_token(model: torch.nn.Module, mean_length: float) -> float:
    """Training FLOPs per token: 6 per non-embedding parameter, plus attention scores and values."""
    config = model.config
    non_embedding = sum(p.numel() for n, p in model.named_parameters() if "embeddings" not in n)
    attention = 12 * config.num_hidden_layers * config.hidden_size * mean_length
    return 6 * non_embedding + attention


class Counting:
    """Wraps a collator and counts the positions its batches hold, padding included (the Trainer's work)."""

    def __init__(self, collate) -> None:
        self.collate, self.positions = collate, 0

    def __call__(self, features):
        batch = self.collate(features)
        self.positions += batch["input_ids"].numel()
        return batch


def train_with_trainer(model, train_set, collate, output: Path, seed: int, **arguments) -> tuple:
    """A plain `Trainer` run in the benchmarks' setting (batch, lr, fp32 on the CPU, no logging or saving; the rest
    the Trainer's defaults or `arguments`); returns the trainer, its training seconds and the positions computed.
    Shared with benchmarks/pairs_glue.py and benchmarks/ner_conll2003.py."""
    counting = Counting(collate)
    args = TrainingArguments(
        output_dir=str(output),
        per_device_train_batch_size=BATCH,
        per_device_eval_batch_size=64,
        learning_rate=LR,
        eval_strategy="no",
        save_strategy="no",
        report_to="none",
        seed=seed,
        use_cpu=True,
        disable_tqdm=True,
        logging_strategy="no",
        **arguments,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_set, data_collator=counting)
    result = trainer.train()
    return trainer, result.metrics["train_runtime"], counting.positions


def write_report(out: Path, results: dict, per_token: float, peak: float, facts: dict) -> None:
    """Add each contender's real tokens/s, padding and MFU, and llmkit's speed-up over the default Trainer; write the
    summary to `out` and print it (benchmarks/pairs_glue.py and benchmarks/ner_conll2003.py)."""
    for result in results.values():
        result["real_tokens_per_s"] = result["real_tokens"] / result["train_seconds"]
        result["padding_fraction"] = 1 - result["real_tokens"] / result["positions"]
        result["mfu"] = result["real_tokens_per_s"] * per_token / (peak * 1e9)
    summary = {**facts, "matmul_gflops": peak, "load_average_after": os.getloadavg()[0], "results": results}
    if "trainer_default" in results:
        ours, theirs = results["llmkit"]["real_tokens_per_s"], results["trainer_default"]["real_tokens_per_s"]
        summary["speedup_vs_trainer_default"] = ours / theirs
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


def add_rounds_argument(parser: argparse.ArgumentParser) -> None:
    """`--rounds`, as `take_turns` runs them (benchmarks/pairs_glue.py and benchmarks/ner_conll2003.py)."""
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="train both this many times, the order reversed every other round (llmkit first, then the Trainer "
        "first, ...), so that a drift in the machine's speed touches both alike; throughput sums all rounds",
    )


def take_turns(runs: dict[str, Callable[[Path], dict]], rounds: int, folder: Path) -> dict[str, dict]:
    """Run each contender (a function of its output folder) `rounds` times, the order reversed every other round;
    each contender's rounds `combined`."""
    done: dict[str, list[dict]] = {name: [] for name in runs}
    for number in range(rounds):
        for name in list(runs)[:: -1 if number % 2 else 1]:
            done[name].append(runs[name](folder / f"{name}-{number}"))
    return {name: combined(results) for name, results in done.items()}


def combined(rounds: list[dict]) -> dict:
    """One contender's result over rounds: the first round's metrics, the rounds' seconds, tokens and positions
    summed, and each round's own figures."""
    summed = {key: sum(r[key] for r in rounds) for key in ("train_seconds", "real_tokens", "positions")}
    each = [{"real_tokens_per_s": r["real_tokens"] / r["train_seconds"], **r} for r in rounds]
    return {**rounds[0], **summed, **({"rounds": each} if len(rounds) > 1 else {})}


def llmkit_overrides(train_file: Path, dev_file: Path, output: Path, seed: int = SEED) -> list[str]:
    """The benchmark setting as `llmkit train sentiment` overrides (shared with benchmarks/peft_sst2.py)."""
    return [
        f"output_dir={output}",
        "model.name=minilm",
        f"data.train={train_file}",
        f"data.validation={dev_file}",
        "data.text_column=sentence",
        f"data.max_length={MAX_LENGTH}",
        "train.epochs=1",
        f"train.batch_size={BATCH}",
        f"train.lr={LR}",
        "train.warmup_ratio=0",
        "train.weight_decay=0",
        "train.log_every=1000",
        f"seed={seed}",
    ]


def run_llmkit(train_file: Path, dev_file: Path, output: Path, seed: int) -> dict:
    recipe = get_recipe("sentiment")
    overrides = [*llmkit_overrides(train_file, dev_file, output, seed), "train.profile=true"]
    metrics = train(recipe, load_config(recipe.config, None, overrides))
    trained = metrics["train"]
    return {
        "accuracy": metrics["eval"]["accuracy"],
        "train_seconds": trained["train_seconds"],
        "real_tokens": trained["real_tokens"],
        "positions": round(trained["real_tokens"] / (1 - trained["padding_fraction"])),
        "profile": trained["profile"],
    }


def run_trainer(train_rows, dev_rows, output: Path, strategy: str, seed: int) -> dict:
    tokenizer = AutoTokenizer.from_pretrained(packaged_minilm())
    set_seed(seed)  # the classifier head's initialisation, as llmkit seeds it
    model = AutoModelForSequenceClassification.from_pretrained(packaged_minilm(), num_labels=2)

    def encode(rows):
        encoded = tokenizer([t for t, _ in rows], truncation=True, max_length=MAX_LENGTH)
        return Dataset.from_dict({**encoded, "labels": [label for _, label in rows]})

    train_set, dev_set = encode(train_rows), encode(dev_rows)
    collate = DataCollatorWithPadding(tokenizer)
    trainer, seconds, positions = train_with_trainer(
        model, train_set, collate, output, seed, num_train_epochs=1, train_sampling_strategy=strategy
    )
    predictions = trainer.predict(dev_set)
    accuracy = float((predictions.predictions.argmax(-1) == np.array(dev_set["labels"])).mean())
    real_tokens = sum(len(ids) for ids in train_set["input_ids"])
    return {
        "accuracy": accuracy,
        "train_seconds": seconds,
        "real_tokens": real_tokens,
        "positions": positions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=3200)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "sentiment_sst2.json")
    parser.add_argument("--seeds", type=int, nargs="+", default=[SEED], help="training seeds (the subset is fixed)")
    args = parser.parse_args()
    train_rows, dev_rows = sst2_rows(args.shared, args.examples)

    load_before = os.getloadavg()[0]
    peak = matmul_gflops()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        train_file, dev_file = write_tsv(tmp / "train.tsv", train_rows), write_tsv(tmp / "dev.tsv", dev_rows)
        # Contenders take turns for each seed, so a change in the machine's speed touches them alike.
        runs = [
            {
                "llmkit": run_llmkit(train_file, dev_file, tmp / f"llmkit-{seed}", seed),
                "trainer_default": run_trainer(train_rows, dev_rows, tmp / f"default-{seed}", "random", seed),
                "trainer_group_by_length": run_trainer(
                    train_rows, dev_rows, tmp / f"grouped-{seed}", "group_by_length", seed
                ),
            }
            for seed in args.seeds
        ]
    results = {
        name: {
            "accuracy": float(np.mean([run[name]["accuracy"] for run in runs])),
            "accuracy_per_seed": [run[name]["accuracy"] for run in runs],
            **{key: sum(run[name][key] for run in runs) for key in ("train_seconds", "real_tokens", "positions")},
        }
        for name in runs[0]
    }
    # Where llmkit's loop time went (train.profile), summed over the seeds.
    results["llmkit"]["profile"] = {
        phase: sum(run["llmkit"]["profile"][phase] for run in runs) for phase in runs[0]["llmkit"]["profile"]
    }
    model = AutoModelForSequenceClassification.from_pretrained(packaged_minilm(), num_labels=2)
    mean_length = results["llmkit"]["real_tokens"] / args.examples / len(args.seeds)
    per_token = flops_per_token(model, mean_length)
    for result in results.values():
        result["real_tokens_per_s"] = result["real_tokens"] / result["train_seconds"]
        result["mfu"] = result["real_tokens_per_s"] * per_token / (peak * 1e9)
        result["padding_fraction"] = 1 - result["real_tokens"] / result["positions"]
    ours = results["llmkit"]["real_tokens_per_s"]
    # For one seed the two runs share batches and initial weights, so the per-seed difference is a paired one.
    gaps = np.subtract(results["llmkit"]["accuracy_per_seed"], results["trainer_default"]["accuracy_per_seed"])
    gap_error = float(gaps.std(ddof=1) / np.sqrt(len(gaps))) if len(gaps) > 1 else float("nan")
    summary = {
        "matmul_gflops": peak,
        "seeds": args.seeds,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg()[0],
        "mean_real_tokens_per_example": mean_length,
        "results": results,
        "speedup_vs_trainer_default": ours / results["trainer_default"]["real_tokens_per_s"],
        "accuracy_gap_vs_trainer_default": {"mean": float(gaps.mean()), "standard_error": gap_error},
        "speedup_vs_trainer_group_by_length": ours / results["trainer_group_by_length"]["real_tokens_per_s"],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2))
    print(f"fp32 matmul: {peak:.0f} GFLOP/s; load average {load_before:.1f} -> {summary['load_average_after']:.1f}")
    print(f"seeds {args.seeds}: accuracy is their mean, throughput over all their training time")
    print(f"{'contender':<26}{'dev acc':>9}{'train s':>9}{'real tok/s':>12}{'MFU':>7}{'padding':>9}")
    for name, result in results.items():
        print(
            f"{name:<26}{result['accuracy']:>9.4f}{result['train_seconds']:>9.1f}"
            f"{result['real_tokens_per_s']:>12.0f}{result['mfu']:>7.1%}{result['padding_fraction']:>9.1%}"
        )
    print(f"llmkit / Trainer default: {summary['speedup_vs_trainer_default']:.2f}x")
    print(
        f"llmkit - Trainer default dev accuracy: {100 * gaps.mean():+.2f} points (paired; standard error "
        f"{100 * gap_error:.2f})"
    )
    print(f"llmkit / Trainer group_by_length: {summary['speedup_vs_trainer_group_by_length']:.2f}x")
    phases = results["llmkit"]["profile"].items()
    print("llmkit seconds by phase (train.profile): " + ", ".join(f"{phase} {sec:.1f}" for phase, sec in phases))


if __name__ == "__main__":
    main()
