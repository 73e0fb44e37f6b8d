"""Benchmark: llmkit's clm recipe against a plain `transformers.Trainer`, a GPT-2 from scratch on Tiny Shakespeare.

    python benchmarks/clm_tinyshakespeare.py                 # 30 steps per contender, one round
    python benchmarks/clm_tinyshakespeare.py --rounds 2      # llmkit, Trainer, llmkit, Trainer
    make benchmark RECIPE=clm_tinyshakespeare ARGS="--rounds 2 --steps 60"
    # a smoke run of a minute or two:
    python benchmarks/clm_tinyshakespeare.py --steps 2 --n-layer 1 --n-embd 64 --n-head 2 --block-size 64 --batch-size 2

Setting (the same for both contenders): the first 90% of ../shared/data/tinyshakespeare/input.txt (by characters)
is the training text, the last 10% the validation text, each one document, tokenized with the GPT-2 BPE in
../shared/tokenizers/gpt2, ended with EOS, concatenated and cut into blocks of 256 tokens (the remainder dropped).
A GPT-2 of 4 layers x 384 (6 heads) from one seed (42), batch 16, `--steps` AdamW steps (default 30), lr 1e-3 with
a cosine schedule and int(2% x steps) warmup steps, weight decay 0.1 (not on biases and LayerNorm weights), gradient
norm clipped at 1.0, fp32 on this CPU. Contenders:

- llmkit: `llmkit.runner.train` with the `clm` recipe, exactly as `llmkit train clm` would, with
  `train.profile=true` (seconds per phase of the loop);
- Trainer: `transformers.Trainer` with its defaults, on blocks made as the transformers `run_clm` example makes
  them (`group_texts`: concatenate every tokenizer column, cut into blocks), with the default causal-LM collator
  (`DataCollatorForLanguageModeling(mlm=False)`).

Each contender trains in a fresh process, so its peak resident memory (`ru_maxrss`) is its own; the contenders
take turns (`--rounds`), so machine noise touches both, and the summary takes each one's median over rounds. Both
processes record a hash of the initial weights and of the training blocks, which must agree. Reported per
contender: training-loop seconds (llmkit's `train_seconds`, the Trainer's `train_runtime`; neither counts set-up
or evaluation), training tokens and tokens per second, peak resident memory of the training process (read when
training has finished, so it includes llmkit's own end-of-run evaluation, which runs at batch 2 for that reason),
validation loss in nats per token and nats per character (loss x tokens / characters of the text those tokens
spell), and model FLOPs utilisation: (6 N + 12 L d T) FLOPs per token x tokens per second / the fp32
matrix-multiply rate this script measures (square matmuls, the training thread count), where N counts the weights
used in matrix multiplies (the tied embedding once, as the output layer) and the second term is attention (PaLM
appendix B). Both models are scored by one function here (`validation_loss`, batch 8) on the same validation
blocks, which are the blocks llmkit evaluates; llmkit's own evaluation is reported beside it. Then the ratios
llmkit / Trainer of tokens per second and of peak memory, and the relative validation-loss difference, against the
targets: at least 1.3x the tokens per second, at most 0.6x the peak memory, validation loss within 1%. Results go
to benchmarks/results/clm_tinyshakespeare.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

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
RESULTS = ROOT / "benchmarks" / "results" / "clm_tinyshakespeare.json"
CONTENDERS = ("llmkit", "trainer")
SEED, WARMUP_RATIO, WEIGHT_DECAY, MAX_GRAD_NORM = 42, 0.02, 0.1, 1.0
EVAL_BATCH = 8  # 8 x 256 x 50257 fp32 logits are 0.4 GB already
# llmkit evaluates inside `train`, before its process's peak is read; at batch 8 its logits could set that peak.
LLMKIT_EVAL_BATCH = 2
TARGETS = {"speedup": 1.3, "memory_ratio": 0.6, "loss_difference": 0.01}
# The settings a child process gets from its parent, as command-line options.
FORWARDED = ("steps", "data", "tokenizer", "n_layer", "n_embd", "n_head", "block_size", "batch_size", "lr", "threads")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="optimizer steps per contender")
    parser.add_argument("--rounds", type=int, default=1, help="turns each contender takes, alternating")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--tokenizer", type=Path, default=TOKENIZER, help="folder with vocab.json and merges.txt")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--n-layer", type=int, default=4)
    parser.add_argument("--n-embd", type=int, default=384)
    parser.add_argument("--n-head", type=int, default=6)
    parser.add_argument("--block-size", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--contender", choices=CONTENDERS, help=argparse.SUPPRESS)  # a child process: train one
    return parser.parse_args()


# --------------------------------------------------------------------------------------------------------------
# What both contenders share: the text, the validation blocks, the scoring, the checks that they start alike


def split_text(path: Path) -> tuple[str, str]:
    """The training text (the first 90% of the characters) and the validation text (the rest)."""
    text = path.read_text(encoding="utf-8")
    cut = int(len(text) * 0.9)
    return text[:cut], text[cut:]


def gpt2_tokenizer(folder: Path) -> Any:
    from transformers import GPT2TokenizerFast

    # transformers 5 silently ignores GPT2TokenizerFast(vocab_file=..., merges_file=...) (an empty vocabulary);
    # from_pretrained on the folder reads vocab.json and merges.txt.
    tokenizer = GPT2TokenizerFast.from_pretrained(str(folder))
    if len(tokenizer) != 50257:
        sys.exit(f"benchmark: {folder} did not load as the GPT-2 tokenizer ({len(tokenizer)} tokens)")
    return tokenizer


def tokenize_documents(tokenizer: Any, documents: list[str]) -> dict[str, list[list[int]]]:
    """Every tokenizer column of each document (stripped), ended with EOS, as llmkit reads and ends documents, so
    both contenders see the same token stream (with one document, the EOS falls in the dropped remainder)."""
    encoded = tokenizer([document.strip() for document in documents])
    ends = {"input_ids": tokenizer.eos_token_id, "attention_mask": 1}
    return {column: [[*row, ends[column]] for row in rows] for column, rows in encoded.items()}


def group_texts(columns: dict[str, list[list[int]]], block_size: int) -> dict[str, list[list[int]]]:
    """Concatenate each column's rows and cut them into blocks of `block_size`, dropping the remainder."""
    grouped = {}
    for column, rows in columns.items():
        stream = [token for row in rows for token in row]
        usable = len(stream) // block_size * block_size
        grouped[column] = [stream[start : start + block_size] for start in range(0, usable, block_size)]
    return grouped


def validation_set(tokenizer: Any, text: str, block_size: int) -> tuple[torch.Tensor, int]:
    """The validation blocks llmkit's clm recipe evaluates, and the characters of the text their predicted tokens
    (all but each block's first) spell, as the recipe counts them for nats per character."""
    blocks = group_texts(tokenize_documents(tokenizer, [text]), block_size)["input_ids"]
    chars = sum(len(tokenizer.decode(block[1:], skip_special_tokens=True)) for block in blocks)
    return torch.tensor(blocks), chars


def validation_loss(model: torch.nn.Module, blocks: torch.Tensor, batch_size: int = EVAL_BATCH) -> float:
    """Mean next-token loss (nats per predicted token) of `model` over `blocks`, every token weighted alike."""
    model.eval()
    nats, tokens = 0.0, 0
    with torch.no_grad():
        for ids in blocks.split(batch_size):
            logits = model(input_ids=ids).logits[:, :-1]
            targets = ids[:, 1:]
            loss = torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="sum"
            )
            nats, tokens = nats + float(loss), tokens + targets.numel()
    return nats / tokens


def digest(tensors: Iterable[torch.Tensor]) -> str:
    hasher = hashlib.sha256()
    for tensor in tensors:
        hasher.update(tensor.detach().contiguous().numpy().tobytes())
    return hasher.hexdigest()[:16]


def starting_point(model: torch.nn.Module, blocks: list[list[int]]) -> dict[str, Any]:
    """What must be the same for both contenders before training: initial weights, training blocks, attention."""
    parameters = sorted(model.named_parameters(), key=lambda item: item[0])
    return {
        "initial_weights_digest": digest(parameter for _, parameter in parameters),
        "train_blocks": len(blocks),
        "train_blocks_digest": digest([torch.tensor(blocks, dtype=torch.int64)]),
        "attention": model.config._attn_implementation,
        # The tied embedding counts once, as the output layer; position lookups cost no multiplies.
        "matmul_weights": model.num_parameters() - model.transformer.wpe.weight.numel(),
    }


def peak_rss_gb() -> float:
    # ru_maxrss survives fork and exec: a child starts from its parent's peak. The parent stays small (torch and
    # two matrices), below either child's own peak, so the figure is the child's.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def scored(model: torch.nn.Module, tokenizer: Any, args: argparse.Namespace) -> dict[str, float]:
    """The shared validation scores of a trained model (run after the training peak was read)."""
    blocks, chars = validation_set(tokenizer, split_text(args.data)[1], args.block_size)
    loss = validation_loss(model, blocks)
    return {"validation_loss": loss, "validation_nats_per_char": loss * blocks[:, 1:].numel() / chars}


# --------------------------------------------------------------------------------------------------------------
# The contenders, each in its own process


def run_llmkit(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Train the clm recipe in this process, exactly as `llmkit train clm` does, and score its model."""
    from transformers import AutoModelForCausalLM

    from llmkit.config import load_config
    from llmkit.runner import train
    from recipes import clm

    train_text, validation_text = split_text(args.data)
    files = {"train": work / "train.jsonl", "validation": work / "validation.jsonl"}
    for split, text in zip(files, (train_text, validation_text), strict=True):
        files[split].write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    tokenizer = gpt2_tokenizer(args.tokenizer)
    tokenizer.save_pretrained(work / "tokenizer")  # an AutoTokenizer folder, which model.tokenizer needs
    output = work / "run"
    facts: dict[str, Any] = {}

    def build(config: Any, accelerator: Any) -> Any:  # the recipe's own build, noting where training starts
        task = clm.build(config, accelerator)
        facts.update(starting_point(task.model, [example["input_ids"] for example in task.train_dataset]))
        return task

    overrides = [
        "model.name=gpt2",
        "model.init=scratch",
        *(f"model.{key}={value}" for key, value in model_shape(args).items()),
        f"model.tokenizer={work / 'tokenizer'}",
        f"data.train={files['train']}",
        f"data.validation={files['validation']}",
        f"data.block_size={args.block_size}",
        *(f"train.{key}={value}" for key, value in train_settings(args).items()),
        f"output_dir={output}",
        "overwrite_output_dir=true",
        "sampling.prompts=[]",
    ]
    metrics = train(dataclasses.replace(clm.RECIPE, build=build), load_config(clm.Config, None, overrides))
    peak = peak_rss_gb()
    summary = metrics["train"]
    return {
        **facts,
        "steps": summary["steps"],
        "train_seconds": summary["train_seconds"],
        "train_tokens": summary["real_tokens"],
        "peak_rss_gb": peak,
        **scored(AutoModelForCausalLM.from_pretrained(output), tokenizer, args),
        "llmkit_eval": metrics["eval"],
        "profile": summary.get("profile"),
    }


def model_shape(args: argparse.Namespace) -> dict[str, int]:
    return {"n_layer": args.n_layer, "n_embd": args.n_embd, "n_head": args.n_head, "n_positions": args.block_size}


def train_settings(args: argparse.Namespace) -> dict[str, Any]:
    """llmkit's `train.*` settings: the benchmark's hyper-parameters, one log line and one evaluation at the end."""
    return {
        "max_steps": args.steps,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "scheduler": "cosine",
        "warmup_ratio": WARMUP_RATIO,
        "weight_decay": WEIGHT_DECAY,
        "max_grad_norm": MAX_GRAD_NORM,
        "eval_every": args.steps,
        "eval_batch_size": LLMKIT_EVAL_BATCH,
        "log_every": 1_000_000,
        "save_every": 1_000_000,  # the run's end still checkpoints, outside the loop's time
        "report_to": "[none]",  # as the Trainer's report_to=none
        "profile": "true",
    }


def run_trainer(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Train a plain `transformers.Trainer` in this process, the way its examples do, and score its model."""
    from datasets import Dataset
    from transformers import (
        DataCollatorForLanguageModeling,
        GPT2Config,
        GPT2LMHeadModel,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    tokenizer = gpt2_tokenizer(args.tokenizer)
    tokenizer.pad_token = tokenizer.eos_token  # GPT-2 has none; the collator needs one (blocks are full anyway)
    columns = group_texts(tokenize_documents(tokenizer, [split_text(args.data)[0]]), args.block_size)
    eos = tokenizer.eos_token_id
    # llmkit's from-scratch config: GPT-2's defaults, the shape, and the tokenizer's vocabulary and special ids.
    config = GPT2Config(vocab_size=len(tokenizer), bos_token_id=eos, eos_token_id=eos, **model_shape(args))
    set_seed(SEED)  # as llmkit seeds before it builds the model, so both start from the same weights
    model = GPT2LMHeadModel(config)
    facts = starting_point(model, columns["input_ids"])
    training = TrainingArguments(
        output_dir=str(work / "trainer"),
        per_device_train_batch_size=args.batch_size,
        max_steps=args.steps,
        learning_rate=args.lr,
        lr_scheduler_type="cosine",
        warmup_steps=int(WARMUP_RATIO * args.steps),  # an int: a float below 1 would be read as a ratio
        weight_decay=WEIGHT_DECAY,
        max_grad_norm=MAX_GRAD_NORM,
        use_cpu=True,
        report_to="none",
        save_strategy="no",
        eval_strategy="no",
        logging_strategy="no",
        disable_tqdm=True,
        seed=SEED,
        include_num_input_tokens_seen="all",  # the Trainer's own count of the tokens it trained on
    )
    collator = DataCollatorForLanguageModeling(tokenizer, mlm=False)
    trainer = Trainer(model=model, args=training, train_dataset=Dataset.from_dict(columns), data_collator=collator)
    result = trainer.train()
    trainer.save_model()  # llmkit's train writes its model too
    peak = peak_rss_gb()
    return {
        **facts,
        "steps": result.global_step,
        "train_seconds": result.metrics["train_runtime"],
        "train_tokens": trainer.state.num_input_tokens_seen,
        "peak_rss_gb": peak,
        **scored(trainer.model, tokenizer, args),
    }


def run_contender(args: argparse.Namespace) -> dict[str, Any]:
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory(prefix=f"bench-clm-{args.contender}-") as work:
        run = run_llmkit if args.contender == "llmkit" else run_trainer
        record = run(args, Path(work))
    record["tokens_per_s"] = record["train_tokens"] / record["train_seconds"]
    return record


# --------------------------------------------------------------------------------------------------------------
# The parent: measure the machine, let the contenders take turns, summarise


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


def train_in_child(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """One contender's training in a fresh process (its log goes to this process's stderr)."""
    command = [sys.executable, __file__, "--contender", name]
    for key in FORWARDED:
        command += [f"--{key.replace('_', '-')}", str(getattr(args, key))]
    output = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def median_record(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Numbers: the median over rounds; sections: the same, key by key; anything else: the first round's."""
    summary = {}
    for key, first in records[0].items():
        if isinstance(first, bool) or not isinstance(first, int | float | dict):
            summary[key] = first
        elif isinstance(first, dict):
            summary[key] = median_record([record[key] for record in records])
        else:
            summary[key] = statistics.median(record[key] for record in records)
    return summary


def summarise(runs: dict[str, list[dict[str, Any]]], args: argparse.Namespace, matmul_rate: float) -> dict[str, Any]:
    """Each contender's medians and MFU, the llmkit / Trainer ratios, the targets and whether they are met."""
    results = {name: median_record(found) for name, found in runs.items()}
    ours, theirs = results["llmkit"], results["trainer"]
    per_token = 6 * ours["matmul_weights"] + 12 * args.n_layer * args.n_embd * args.block_size
    for result in results.values():
        result["model_gflops"] = per_token * result["tokens_per_s"] / 1e9
        result["mfu"] = per_token * result["tokens_per_s"] / matmul_rate
    ratios = {
        "speedup": ours["tokens_per_s"] / theirs["tokens_per_s"],
        "memory_ratio": ours["peak_rss_gb"] / theirs["peak_rss_gb"],
        "loss_difference": (ours["validation_loss"] - theirs["validation_loss"]) / theirs["validation_loss"],
    }
    met = {
        "speedup": ratios["speedup"] >= TARGETS["speedup"],
        "memory_ratio": ratios["memory_ratio"] <= TARGETS["memory_ratio"],
        "loss_difference": abs(ratios["loss_difference"]) <= TARGETS["loss_difference"],
    }
    checked = ("initial_weights_digest", "train_blocks_digest", "attention", "matmul_weights")
    same = {key: ours[key] == theirs[key] for key in checked}
    return {"results": results, "ratios": ratios, "targets": TARGETS, "met": met, "same_start": same}


def report(summary: dict[str, Any]) -> None:
    """Print the comparison as markdown table lines, with the checks and llmkit's profile."""
    results, ratios = summary["results"], summary["ratios"]
    print("\n| contender | steps | train s | tokens | tokens/s | peak RSS | val nats/token | val nats/char | MFU |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, label in (("llmkit", "llmkit"), ("trainer", "Trainer")):
        r = results[name]
        print(
            f"| {label} | {r['steps']:g} | {r['train_seconds']:.1f} | {r['train_tokens']:,.0f} | "
            f"{r['tokens_per_s']:,.0f} | {r['peak_rss_gb']:.2f} GB | {r['validation_loss']:.4f} | "
            f"{r['validation_nats_per_char']:.4f} | {r['mfu']:.1%} |"
        )
    print(
        f"| llmkit / Trainer | | | | {ratios['speedup']:.2f}x | {ratios['memory_ratio']:.2f}x | "
        f"{ratios['loss_difference']:+.2%} | | |"
    )
    targets, met = summary["targets"], summary["met"]
    print(
        f"\ntargets: >= {targets['speedup']}x tokens/s ({'met' if met['speedup'] else 'missed'}), <= "
        f"{targets['memory_ratio']}x peak memory ({'met' if met['memory_ratio'] else 'missed'}), validation loss "
        f"within {targets['loss_difference']:.0%} ({'met' if met['loss_difference'] else 'missed'})"
    )
    print(
        "the same for both:",
        ", ".join(f"{key} {'yes' if same else 'NO'}" for key, same in summary["same_start"].items()),
    )
    ours = results["llmkit"]
    own = ours["llmkit_eval"]["loss"]
    print(f"llmkit's own evaluation: loss {own:.4f} (this script's, on the same blocks: {ours['validation_loss']:.4f})")
    if ours.get("profile"):
        print("llmkit profile (s):", ", ".join(f"{phase} {seconds:.1f}" for phase, seconds in ours["profile"].items()))


def main() -> None:
    args = parse_args()
    if args.contender:
        print(json.dumps(run_contender(args)))
        return
    for path in (args.data, args.tokenizer / "vocab.json", args.tokenizer / "merges.txt"):
        if not path.exists():
            sys.exit(f"benchmark: {path} is missing (see ../shared/data/README.md); nothing was run.")
    load_before = os.getloadavg()
    torch.set_num_threads(args.threads)
    print(f"benchmark: measuring the fp32 matmul rate with {args.threads} thread(s) ...", flush=True)
    matmul_rate = matmul_flops_per_second()
    print(f"benchmark: fp32 matmul {matmul_rate / 1e9:.1f} GFLOP/s", flush=True)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in CONTENDERS}
    # Turns alternate, so a change in the machine's speed touches both contenders alike.
    for round_number in range(1, args.rounds + 1):
        for name in CONTENDERS:
            print(f"benchmark: round {round_number}/{args.rounds}: {name}, {args.steps} steps ...", flush=True)
            runs[name].append(train_in_child(name, args))
            print(f"benchmark: {name}: {json.dumps(runs[name][-1])}", flush=True)
    summary = {
        "settings": {key: getattr(args, key) for key in (*FORWARDED, "rounds")},
        "matmul_gflops": matmul_rate / 1e9,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "parent_peak_rss_gb": peak_rss_gb(),
        **summarise(runs, args, matmul_rate),
        "per_round": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2, default=str))  # paths as text
    report(summary)
    print(f"\nbenchmark: written to {args.out}")


if __name__ == "__main__":
    main()
