"""Benchmark: attention with dropout, `llmkit.attention.attend` against torch's `scaled_dot_product_attention`.

    python benchmarks/attention_dropout.py              # 3 rounds of each shape
    python benchmarks/attention_dropout.py --rounds 5

One attention call and its backward pass at MiniLM's shape (12 heads of 32) for the batches the benchmarks train on:
packed MRPC rows (17 rows of 109, two pairs each, a block-diagonal mask), SST-2 rows, and SQuAD windows (16 of 384,
no mask). Dropout 0.1 (training) for both contenders, and torch without dropout (its flash kernel) for scale. The
contenders take turns within each round, on the same tensors, so machine noise touches all of them; the figure is
the median over rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import torch
from torch.nn import functional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from llmkit.attention import attend  # noqa: E402

HEADS, HEAD_SIZE, DROPOUT = 12, 32, 0.1
# name -> (rows, width, texts per row)
SHAPES = {"MRPC packed": (17, 109, 2), "SST-2 packed": (12, 64, 3), "SQuAD windows": (16, 384, 1)}


def inputs(rows: int, width: int, texts: int) -> tuple[torch.Tensor, ...]:
    torch.manual_seed(0)
    query, key, value = (
        torch.randn(rows, width, HEADS, HEAD_SIZE).transpose(1, 2).requires_grad_() for _ in range(3)
    )  # (rows, heads, width, size) views, as the models make them
    segments = torch.arange(width).mul(texts).div(width, rounding_mode="floor").expand(rows, width)
    mask = segments[:, None, :, None] == segments[:, None, None, :] if texts > 1 else None
    return query, key, value, mask, torch.randn(rows, HEADS, width, HEAD_SIZE)


def contenders(query, key, value, mask) -> dict:
    scale = HEAD_SIZE**-0.5
    return {
        "llmkit": lambda: attend(query, key, value, mask, DROPOUT, scale),
        "torch": lambda: functional.scaled_dot_product_attention(
            query, key, value, attn_mask=mask, dropout_p=DROPOUT, scale=scale
        ),
        "torch, no dropout": lambda: functional.scaled_dot_product_attention(
            query, key, value, attn_mask=mask, scale=scale
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=10, help="timed calls per contender and round")
    args = parser.parse_args()
    report = {"load average before": os.getloadavg()[0]}
    for name, shape in SHAPES.items():
        query, key, value, mask, grad = inputs(*shape)
        calls = contenders(query, key, value, mask)
        seconds = {contender: [] for contender in calls}
        for _ in range(args.rounds):
            for contender, call in calls.items():
                call().backward(grad)  # warm-up
                start = time.perf_counter()
                for _ in range(args.calls):
                    call().backward(grad)
                seconds[contender].append((time.perf_counter() - start) / args.calls)
        ms = {contender: 1000 * statistics.median(times) for contender, times in seconds.items()}
        report[name] = {**{f"{c} ms": round(t, 2) for c, t in ms.items()}, "torch / llmkit": ms["torch"] / ms["llmkit"]}
        print(
            f"{name} {shape[0]} x {shape[1]}: llmkit {ms['llmkit']:.1f} ms, torch {ms['torch']:.1f} ms "
            f"({ms['torch'] / ms['llmkit']:.2f}x), torch without dropout {ms['torch, no dropout']:.1f} ms",
            flush=True,
        )
    report["load average after"] = os.getloadavg()[0]
    out = ROOT / "benchmarks" / "results" / "attention_dropout.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
