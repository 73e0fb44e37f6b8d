"""Check: given the Trainer's dropout masks, llmkit's SST-2 run is the default Trainer's run, to the last dev example.

    .venv/bin/python benchmarks/sst2_same_masks.py [--shared ../shared] [--seeds 42 43 44]

`benchmarks/sentiment_sst2.py` compares llmkit and a plain `Trainer` from the same seed: the same classifier head,
the same random batches, different dropout masks. This script removes that last difference. llmkit runs with its
speed-ups off (packing, the [CLS]-only last layer and the 16-bit masks change which masks are drawn, not how many
elements are dropped) on padded random batches, and its first training step starts from the random state the
Trainer's does (the Trainer seeds again once the model is built, then its DataLoader draws one number, its workers'
base seed). Each seed's dev accuracy must then equal the Trainer's; the script exits with status 1 if one does not.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from sentiment_sst2 import ROOT, SEED, llmkit_overrides, run_trainer, sst2_rows, write_tsv

from llmkit import fastpath
from llmkit.config import load_config
from llmkit.registry import get_recipe
from llmkit.runner import train

sys.path.insert(0, str(ROOT / "tests"))
from helpers import trainers_random_state  # shared with tests/test_packing.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=3200)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--seeds", type=int, nargs="+", default=[SEED])
    args = parser.parse_args()
    train_rows, dev_rows = sst2_rows(args.shared, args.examples)
    recipe = get_recipe("sentiment")
    mismatches = 0
    print(f"{'seed':<6}{'llmkit, same masks':>20}{'Trainer':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        train_file, dev_file = write_tsv(tmp / "train.tsv", train_rows), write_tsv(tmp / "dev.tsv", dev_rows)
        for seed in args.seeds:
            fastpath.speed_up = trainers_random_state(seed)
            overrides = [*llmkit_overrides(train_file, dev_file, tmp / f"llmkit-{seed}", seed), "train.batching=random"]
            ours = train(recipe, load_config(recipe.config, None, overrides))["eval"]["accuracy"]
            theirs = run_trainer(train_rows, dev_rows, tmp / f"trainer-{seed}", "random", seed)["accuracy"]
            mismatches += ours != theirs
            print(f"{seed:<6}{ours:>20.4f}{theirs:>10.4f}", flush=True)
    print("identical on every seed" if not mismatches else f"{mismatches} seed(s) differ")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
