"""Benchmark: LoRA against full fine-tuning with llmkit's sentiment recipe on SST-2.

    nice .venv/bin/python benchmarks/peft_sst2.py [--examples 3200] [--shared ../shared]

Setting (as in benchmarks/sentiment_sst2.py): the packaged all-MiniLM-L6-v2, a shuffled 3,200-example subset of
SST-2 train (seed 42), 1 epoch, batch 32, no warmup, no weight decay, max length 128, fp32 on this CPU; accuracy on
the full SST-2 dev set (872). Full fine-tuning uses lr 5e-5; LoRA (r 8, alpha 16, dropout 0.05, on query, key,
value and every dense layer, classifier trained fully) uses lr 5e-4, the usual ten-times-higher LoRA rate, since
the adapters start from zero and are few.

Each contender runs in its own process, so peak memory (maximum resident set size) is its own. Seconds per step is
training-loop time (evaluation excluded) over optimizer steps.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from sentiment_sst2 import llmkit_overrides, sst2_rows, write_tsv  # noqa: E402

CONTENDERS = {
    "full": ["peft.method=none", "train.lr=5e-5"],
    "lora": ["peft.method=lora", "train.lr=5e-4"],
}


def run_one(name: str, train_file: Path, dev_file: Path, output: Path) -> dict:
    """Train one contender in this process and describe it (called in a child process)."""
    from llmkit.adapters import describe_parameters
    from llmkit.config import load_config
    from llmkit.registry import get_recipe
    from llmkit.runner import Runner, make_accelerator

    recipe = get_recipe("sentiment")
    overrides = [*llmkit_overrides(train_file, dev_file, output), *CONTENDERS[name]]  # later keys win
    config = load_config(recipe.config, None, overrides)
    runner = Runner(recipe, config, make_accelerator(config, Path(config.output_dir)), recipe.metric(None))
    model = runner.task.model
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    parameters = describe_parameters(model)
    metrics = runner.train()
    steps = metrics["train"]["steps"]
    return {
        "accuracy": metrics["eval"]["accuracy"],
        "trainable_parameters": trainable,
        "parameters": parameters,
        "steps": steps,
        "seconds_per_step": metrics["train"]["train_seconds"] / steps,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # Linux reports KiB
        "output_files": sorted(p.name for p in output.iterdir() if p.is_file()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=3200)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "peft_sst2.json")
    parser.add_argument("--child", nargs=4, metavar=("NAME", "TRAIN", "DEV", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        name, train_file, dev_file, output = args.child
        print(json.dumps(run_one(name, Path(train_file), Path(dev_file), Path(output))))
        return
    train_rows, dev_rows = sst2_rows(args.shared, args.examples)

    load_before = os.getloadavg()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        train_file, dev_file = write_tsv(tmp / "train.tsv", train_rows), write_tsv(tmp / "dev.tsv", dev_rows)
        for name in CONTENDERS:
            child = [sys.executable, __file__, "--child", name, str(train_file), str(dev_file), str(tmp / name)]
            done = subprocess.run(child, capture_output=True, text=True, check=False)
            if done.returncode:
                sys.exit(f"{name} failed:\n{done.stderr[-3000:]}")
            results[name] = json.loads(done.stdout.strip().splitlines()[-1])
    summary = {
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "examples": args.examples,
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2))
    print(f"load average (1, 5, 15 min): before {load_before}, after {summary['load_average_after']}")
    print(f"{'contender':<10}{'dev acc':>9}{'s/step':>8}{'peak RSS':>11}  parameters")
    for name, result in results.items():
        print(
            f"{name:<10}{result['accuracy']:>9.4f}{result['seconds_per_step']:>8.2f}"
            f"{result['peak_rss_mib']:>8.0f} MiB  {result['parameters']}"
        )


if __name__ == "__main__":
    main()
