"""Benchmark: a GPT-2 from scratch on Tiny Shakespeare for a fixed CPU budget, through llmkit's clm recipe.

    python benchmarks/clm_tinyshakespeare.py                       # the 20-minute run of docs/benchmarks.md
    python benchmarks/clm_tinyshakespeare.py --budget-minutes 2    # a quick look
    make benchmark RECIPE=clm_tinyshakespeare ARGS="--budget-minutes 5"

The first 90% of ../shared/data/tinyshakespeare/input.txt (by characters) is the training text, the last 10% the
validation text, each one document, tokenized with the GPT-2 BPE in ../shared/tokenizers/gpt2. The script

1. measures this machine's fp32 matrix-multiply rate (square matmuls, the same thread count as training);
2. runs a few training steps of the chosen shape to measure the step time, and sets `train.max_steps` so that
   training fills the budget (the cosine schedule needs its length up front);
3. trains with `llmkit.runner.train` and the `clm` recipe, exactly as `llmkit train clm` would;
4. reports validation loss in nats per token, nats per character (loss x tokens / characters of the text those
   tokens spell, comparable with character-level models), bits per byte, training tokens per second, and model
   FLOPs utilisation: (6 N + 12 L d T) FLOPs per token x tokens per second / the measured matmul rate, where N
   counts the weights used in matrix multiplies (the tied embedding once, as the output layer) and the second term
   is attention (PaLM appendix B).

The reference point: a well-known minimal character-level GPT reaches 1.47 nats/char on this split on a GPU.
The budget is wall-clock training time on this machine, all cores in use; evaluation is not counted in it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402

# ../shared next to the checkout (or next to its parent, for git worktrees kept in a subfolder).
SHARED = next(
    (p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()), ROOT.parent / "shared"
)
DATA = SHARED / "data" / "tinyshakespeare" / "input.txt"
TOKENIZER = SHARED / "tokenizers" / "gpt2"
REFERENCE_NATS_PER_CHAR = 1.47


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget-minutes", type=float, default=20.0, help="wall-clock training time")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--tokenizer", type=Path, default=TOKENIZER, help="folder with vocab.json and merges.txt")
    parser.add_argument("--output", type=Path, default=ROOT / "runs" / "bench-clm-tinyshakespeare")
    parser.add_argument("--n-layer", type=int, default=4)
    parser.add_argument("--n-embd", type=int, default=384)
    parser.add_argument("--n-head", type=int, default=6)
    parser.add_argument("--block-size", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--calibration-steps", type=int, default=12)
    return parser.parse_args()


def matmul_flops_per_second(seconds: float = 4.0, size: int = 1536) -> float:
    """The fp32 rate of large square matrix multiplies on this machine, best of a few timed rounds."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    for _ in range(3):
        a @ b
    best = 0.0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        for _ in range(4):
            a @ b
        best = max(best, 4 * 2 * size**3 / (time.perf_counter() - start))
    return best


def prepare_data(args: argparse.Namespace, folder: Path) -> tuple[Path, Path, Path]:
    """Write the 90/10 split as one-document jsonl files, and the GPT-2 tokenizer as an AutoTokenizer folder."""
    from transformers import GPT2TokenizerFast

    text = args.data.read_text(encoding="utf-8")
    cut = int(len(text) * 0.9)
    train, validation = folder / "train.jsonl", folder / "validation.jsonl"
    train.write_text(json.dumps({"text": text[:cut]}) + "\n", encoding="utf-8")
    validation.write_text(json.dumps({"text": text[cut:]}) + "\n", encoding="utf-8")
    # transformers 5 silently ignores GPT2TokenizerFast(vocab_file=..., merges_file=...) (an empty vocabulary);
    # from_pretrained on the folder reads vocab.json and merges.txt.
    tokenizer = GPT2TokenizerFast.from_pretrained(str(args.tokenizer))
    if len(tokenizer) != 50257:
        sys.exit(f"benchmark: {args.tokenizer} did not load as the GPT-2 tokenizer ({len(tokenizer)} tokens)")
    tokenizer.save_pretrained(folder / "tokenizer")
    return train, validation, folder / "tokenizer"


def train_clm(overrides: list[str]) -> dict:
    """Train the clm recipe in this process, exactly as `llmkit train clm` does."""
    from accelerate.state import AcceleratorState, GradientState

    from llmkit.config import load_config
    from llmkit.runner import train
    from recipes import clm

    AcceleratorState._reset_state(reset_partial_state=True)
    GradientState._reset_state()
    return train(clm.RECIPE, load_config(clm.Config, None, overrides))


def flops_per_token(output: Path, n_layer: int, n_embd: int, block: int) -> tuple[float, int]:
    """Training FLOPs per token (forward and backward) and N, the weights used in matrix multiplies."""
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(output)
    # The tied embedding counts once, as the output layer; position lookups cost no multiplies.
    matmul_weights = model.num_parameters() - model.transformer.wpe.weight.numel()
    return 6 * matmul_weights + 12 * n_layer * n_embd * block, matmul_weights


def main() -> None:
    args = parse_args()
    for path in (args.data, args.tokenizer / "vocab.json", args.tokenizer / "merges.txt"):
        if not path.exists():
            sys.exit(f"benchmark: {path} is missing (see ../shared/data/README.md); nothing was run.")
    torch.set_num_threads(args.threads)
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="bench-clm-"))
    train_file, validation_file, tokenizer = prepare_data(args, work)
    common = [
        "model.name=gpt2",
        "model.init=scratch",
        f"model.tokenizer={tokenizer}",
        f"model.n_layer={args.n_layer}",
        f"model.n_embd={args.n_embd}",
        f"model.n_head={args.n_head}",
        f"model.n_positions={args.block_size}",
        f"data.train={train_file}",
        f"data.block_size={args.block_size}",
        f"train.batch_size={args.batch_size}",
        f"train.lr={args.lr}",
        "sampling.prompts=[]",
        "overwrite_output_dir=true",
    ]
    print(f"benchmark: measuring the fp32 matmul rate with {args.threads} thread(s) ...", flush=True)
    peak = matmul_flops_per_second()
    print(f"benchmark: fp32 matmul {peak / 1e9:.1f} GFLOP/s; calibrating the step time ...", flush=True)
    calibration = train_clm(
        [
            *common,
            "data.validation=null",
            f"output_dir={work / 'calibration'}",
            f"train.max_steps={args.calibration_steps}",
            "train.log_every=1",
        ]
    )
    log = [json.loads(line) for line in (work / "calibration" / "train_log.jsonl").read_text().splitlines()]
    # The first steps warm up allocators and kernels (in the documented run, 6 steps gave 11.9 s/step where the
    # long run then took 8.3): time the second half.
    rates = [r["tokens_per_s"] for r in log if r["kind"] == "train"]
    rates = rates[len(rates) // 2 :]
    tokens_per_step = args.batch_size * args.block_size
    seconds_per_step = tokens_per_step / (sum(rates) / len(rates))
    max_steps = max(1, int(args.budget_minutes * 60 / seconds_per_step))
    print(f"benchmark: {seconds_per_step:.2f} s/step -> {max_steps} steps in {args.budget_minutes:g} min", flush=True)
    del calibration

    cpu_start = time.process_time()
    metrics = train_clm(
        [
            *common,
            f"data.validation={validation_file}",
            f"output_dir={args.output}",
            f"train.max_steps={max_steps}",
            "train.scheduler=cosine",
            "train.warmup_ratio=0.02",
            "train.weight_decay=0.1",
            "train.save_every=1000000",
            "train.log_every=20",
            "train.eval_batch_size=8",  # 8 x 256 x 50257 fp32 logits are 0.4 GB already
        ]
    )
    cpu_seconds = time.process_time() - cpu_start
    flops, matmul_weights = flops_per_token(args.output, args.n_layer, args.n_embd, args.block_size)
    tokens_per_s = metrics["train"]["real_tokens_per_s"]
    evaluation = metrics["eval"]
    results = {
        "budget_minutes": args.budget_minutes,
        "shape": {
            "n_layer": args.n_layer,
            "n_embd": args.n_embd,
            "n_head": args.n_head,
            "block_size": args.block_size,
            "batch_size": args.batch_size,
            "matmul_weights": matmul_weights,
        },
        "steps": metrics["train"]["steps"],
        "train_seconds": metrics["train"]["train_seconds"],
        "process_cpu_seconds": cpu_seconds,
        "train_tokens": metrics["train"]["real_tokens"],
        "tokens_per_s": tokens_per_s,
        "validation_loss_nats_per_token": evaluation["loss"],
        "validation_nats_per_char": evaluation["nats_per_char"],
        "validation_bits_per_byte": evaluation["bits_per_byte"],
        "reference_nats_per_char": REFERENCE_NATS_PER_CHAR,
        "matmul_gflops": peak / 1e9,
        "model_gflops": flops * tokens_per_s / 1e9,
        "mfu": flops * tokens_per_s / peak,
        "threads": args.threads,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }
    (args.output / "benchmark.json").write_text(json.dumps(results, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=2))
    print(
        f"\n| {args.budget_minutes:g} min | {results['steps']} steps | {results['train_tokens']:,} tokens | "
        f"{evaluation['loss']:.3f} nats/token | {evaluation['nats_per_char']:.3f} nats/char "
        f"(reference {REFERENCE_NATS_PER_CHAR}) | {evaluation['bits_per_byte']:.3f} bits/byte | "
        f"{tokens_per_s:,.0f} tokens/s | MFU {results['mfu']:.0%} of {peak / 1e9:.1f} GFLOP/s |"
    )


if __name__ == "__main__":
    main()
