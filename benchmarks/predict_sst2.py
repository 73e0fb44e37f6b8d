"""Benchmark: `llmkit predict` against `transformers.pipeline("text-classification")` on the SST-2 dev set.

    python benchmarks/predict_sst2.py                          # trains a small SST-2 run first (about 1 minute)
    python benchmarks/predict_sst2.py --run runs/sst2          # any finished single-text classification run
    python benchmarks/predict_sst2.py --rounds 5 --batch-size 32

Both answer the 872 dev sentences with the same model folder, batch 32, truncation at the run's max length, on the
CPU, in this one process: llmkit through the run's recipe (`llmkit.predict.open_for_prediction`, then its
`predict`, the path `llmkit predict` takes; the model loaded once), the peer through `pipeline(...)` built once on
the same folder. They take turns for `--rounds` rounds after a warm-up each, so machine noise touches both; the
report gives each one's median examples per second, the ratio, and how many labels agree.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from sentiment_sst2 import llmkit_overrides, sst2_rows, write_tsv  # noqa: E402

from llmkit.config import load_config  # noqa: E402
from llmkit.predict import PREDICT, open_for_prediction  # noqa: E402
from llmkit.registry import get_recipe  # noqa: E402
from llmkit.runner import train  # noqa: E402


def trained_run(folder: Path, shared: Path, examples: int) -> Path:
    """A sentiment run on `examples` SST-2 training sentences (the SST-2 benchmark's setting)."""
    train_rows, dev_rows = sst2_rows(shared, examples)
    data = folder / "data"
    data.mkdir(parents=True)
    files = write_tsv(data / "train.tsv", train_rows), write_tsv(data / "dev.tsv", dev_rows)
    overrides = llmkit_overrides(*files, folder / "run")
    recipe = get_recipe("sentiment")
    train(recipe, load_config(recipe.config, None, [*overrides, "train.report_to=[none]"]))
    return folder / "run"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, help="a finished single-text classification run (default: train one)")
    parser.add_argument("--examples", type=int, default=1600, help="training sentences when training a run")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the folder holding data/sst2")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    from transformers import pipeline

    run = args.run or trained_run(Path(tempfile.mkdtemp(prefix="predict-sst2-")), args.shared, args.examples)
    texts = [text for text, _ in sst2_rows(args.shared, 0)[1]]
    recipe, trained = open_for_prediction(run, PREDICT)
    max_length = trained.config.data.max_length
    peer = pipeline("text-classification", model=str(run), device="cpu")
    records = [{"text": text} for text in texts]
    answer = {
        "llmkit": lambda: [r["label"] for r in recipe.predict(trained, records, {"batch_size": args.batch_size})],
        "pipeline": lambda: [
            r["label"] for r in peer(texts, batch_size=args.batch_size, truncation=True, max_length=max_length)
        ],
    }
    labels = {name: call() for name, call in answer.items()}  # warm-up, and the answers compared
    rates: dict[str, list[float]] = {name: [] for name in answer}
    for _ in range(args.rounds):
        for name, call in answer.items():
            start = time.perf_counter()
            call()
            rates[name].append(len(texts) / (time.perf_counter() - start))
            print(f"{name}: {rates[name][-1]:.1f} examples/s", flush=True)
    summary = {
        "run": str(run),
        "examples": len(texts),
        "batch_size": args.batch_size,
        "examples_per_s": {name: statistics.median(found) for name, found in rates.items()},
        "same_labels": sum(a == b for a, b in zip(labels["llmkit"], labels["pipeline"], strict=True)),
    }
    summary["ratio"] = summary["examples_per_s"]["llmkit"] / summary["examples_per_s"]["pipeline"]
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
