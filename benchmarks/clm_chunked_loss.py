"""Benchmark: the chunked linear + cross-entropy loss (`train.chunked_loss`) against the model's own loss, on the
clm benchmark's shape (GPT-2, 4 layers x 384, the GPT-2 vocabulary of 50,257, 16 x 256 tokens per step).

    python benchmarks/clm_chunked_loss.py                 # 2 rounds of 6 timed steps per variant
    python benchmarks/clm_chunked_loss.py --rounds 3 --steps 10

Each measurement is a fresh process (peak resident memory only grows within a process) that builds the model
from one seed, takes 2 warm-up and `--steps` timed AdamW steps on random tokens, and reports tokens/s, its peak
resident memory and the last loss; the variants take turns so machine noise touches both. The losses of the two
variants must agree (same seed, same batches).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VARIANTS = ("plain", "chunked")


def measure(variant: str, steps: int, batch: int, block: int) -> dict[str, float]:
    """Train `steps` steps in this process and report speed, peak memory and the last loss."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    from llmkit.chunked_loss import chunk_causal_lm_loss

    torch.manual_seed(0)
    config = GPT2Config(vocab_size=50257, n_positions=block, n_embd=384, n_layer=4, n_head=6)
    model = GPT2LMHeadModel(config).train()
    if variant == "chunked":
        assert chunk_causal_lm_loss(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    generator = torch.Generator().manual_seed(1)
    batches = [torch.randint(0, 50257, (batch, block), generator=generator) for _ in range(steps + 2)]
    start, loss = 0.0, None
    for number, ids in enumerate(batches):
        if number == 2:
            start = time.perf_counter()
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    seconds = time.perf_counter() - start
    return {
        "tokens_per_s": steps * batch * block / seconds,
        "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "loss": float(loss),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--block-size", type=int, default=256)
    parser.add_argument("--one", choices=VARIANTS, help=argparse.SUPPRESS)  # a child process: measure one variant
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.steps, args.batch_size, args.block_size)))
        return
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in VARIANTS}
    for _ in range(args.rounds):
        for name in VARIANTS:
            child = [sys.executable, __file__, "--one", name, "--steps", str(args.steps)]
            child += ["--batch-size", str(args.batch_size), "--block-size", str(args.block_size)]
            output = subprocess.run(child, capture_output=True, text=True, check=True).stdout
            runs[name].append(json.loads(output.strip().splitlines()[-1]))
            print(name, runs[name][-1], flush=True)
    summary = {
        name: {key: statistics.median(run[key] for run in found) for key in found[0]} for name, found in runs.items()
    }
    summary["speed_ratio"] = summary["chunked"]["tokens_per_s"] / summary["plain"]["tokens_per_s"]
    summary["memory_ratio"] = summary["chunked"]["peak_rss_gb"] / summary["plain"]["peak_rss_gb"]
    summary["loss_difference"] = abs(summary["chunked"]["loss"] - summary["plain"]["loss"])
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
