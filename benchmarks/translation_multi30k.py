"""Benchmark: llmkit's translation recipe on Multi30k English->German (test_2016_flickr), trained on this CPU.

    .venv/bin/python benchmarks/translation_multi30k.py [--budget-minutes 24] [--threads 2] [--shared ../shared]

Setting: a Marian-style Transformer (3+3 layers, d_model 256, 4 heads, FFN 512) built from scratch, with a joint
byte-level BPE tokenizer (8,000 tokens) trained on the training pairs; Multi30k train (29,000 pairs), batch 64,
lr 1.5e-3 with 5% warmup and linear decay, label smoothing 0.1, fp32. A 20-step calibration run measures the step
time and sets `train.max_steps` so that training fills `--budget-minutes` (default 24, which with setup, calibration
and test decoding keeps the whole script within 30 minutes of this 2-core CPU); `--max-steps` fixes it instead.
The model is scored on test_2016_flickr (1,000 sentences) with sacreBLEU corpus BLEU and chrF (signatures printed),
decoding greedily or with `--num-beams`.

Reported: training throughput in real tokens per second (source tokens, as the runner counts them, and source
plus target tokens), generation speed in sentences per second on the test set, BLEU and chrF, and the machine
load (`uptime`) at the start and the end. Results go to benchmarks/results/translation_multi30k.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
from transformers import AutoTokenizer

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from llmkit import metrics  # noqa: E402
from llmkit.config import load_config  # noqa: E402
from llmkit.predict import predict  # noqa: E402
from llmkit.runner import train  # noqa: E402
from recipes import translation  # noqa: E402

MODEL = {
    "name": "marian",
    "init": "scratch",
    "tokenizer_vocab_size": 8000,
    "d_model": 256,
    "encoder_layers": 3,
    "decoder_layers": 3,
    "encoder_attention_heads": 4,
    "decoder_attention_heads": 4,
    "encoder_ffn_dim": 512,
    "decoder_ffn_dim": 512,
    "max_position_embeddings": 256,
    "scale_embedding": True,
    "dropout": 0.1,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"), help="folder holding data/multi30k")
    parser.add_argument("--budget-minutes", type=float, default=24.0, help="training-loop time to fill")
    parser.add_argument("--max-steps", type=int, default=0, help="optimizer steps (batch 64); 0: fill the budget")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads(), help="torch threads")
    parser.add_argument("--num-beams", type=int, default=1, help="1 is greedy decoding")
    parser.add_argument("--output", default=None, help="run folder (default: a temporary one)")
    args = parser.parse_args()
    data = Path(args.shared) / "data" / "multi30k"
    if not (data / "train.en").is_file():
        sys.exit(f"Multi30k not found under {data}; pass --shared")
    torch.set_num_threads(args.threads)
    output = Path(args.output or tempfile.mkdtemp(prefix="multi30k-"))
    overrides = [f"model.{key}={value}" for key, value in MODEL.items()] + [
        "overwrite_output_dir=true",
        f"data.train={data / 'train'}",
        "data.validation=null",  # scored on the test set below; validation generation would eat the time budget
        "label_smoothing=0.1",
        f"generate.num_beams={args.num_beams}",
        "train.batch_size=64",
        "train.eval_batch_size=100",
        "train.lr=1.5e-3",
        "train.warmup_ratio=0.05",
        "train.weight_decay=0.01",
        "train.log_every=50",
    ]
    load_before = uptime()
    max_steps = args.max_steps or steps_for_budget(overrides, output / "calibration", args.budget_minutes)
    overrides += [f"output_dir={output}", f"train.max_steps={max_steps}", f"train.save_every={max_steps}"]
    config = load_config(translation.Config, None, overrides)
    started = time.perf_counter()
    result = train(translation.RECIPE, config)
    train_wall = time.perf_counter() - started

    sources = (data / "test_2016_flickr.en").read_text(encoding="utf-8").splitlines()
    references = (data / "test_2016_flickr.de").read_text(encoding="utf-8").splitlines()
    started = time.perf_counter()
    predictions = [r["translation"] for r in predict(output, [{"text": s} for s in sources], 100)]
    generate_seconds = time.perf_counter() - started
    scores = metrics.load("sacrebleu").compute(predictions=predictions, references=references)
    (output / "test_2016_flickr.hyp.de").write_text("".join(p + "\n" for p in predictions), encoding="utf-8")

    tokenizer = AutoTokenizer.from_pretrained(output)
    pairs = translation.Pairs(
        *[(data / f"train.{lang}").read_text(encoding="utf-8").splitlines() for lang in ("en", "de")]
    )
    tokenizers = translation.TokenizerPair(tokenizer, tokenizer)
    encoded = translation.encode_pairs(pairs, tokenizers, "seq2seq", config.data, "")
    pair_tokens = sum(len(e["input_ids"]) + len(e["labels"]) for e in encoded)
    summary = result["train"]
    report = {
        "test_2016_flickr": {
            "bleu": round(scores["bleu"], 2),
            "chrf": round(scores["chrf"], 2),
            "bleu_signature": scores["bleu_signature"],
            "chrf_signature": scores["chrf_signature"],
        },
        "steps": summary["steps"],
        "epochs": round(summary["epochs"], 3),
        "train_loop_seconds": round(summary["train_seconds"], 1),
        "train_wall_seconds_with_setup": round(train_wall, 1),
        "source_tokens_per_s": round(summary["real_tokens_per_s"], 1),
        "source_plus_target_tokens_per_s": round(pair_tokens * summary["epochs"] / summary["train_seconds"], 1),
        "generation_sentences_per_s": round(len(sources) / generate_seconds, 2),
        "budget_minutes": None if args.max_steps else args.budget_minutes,
        "num_beams": args.num_beams,
        "torch_threads": args.threads,
        "uptime_before": load_before,
        "uptime_after": uptime(),
        "examples": [
            {"source": s, "reference": r, "hypothesis": p}
            for s, r, p in list(zip(sources, references, predictions, strict=True))[:5]
        ],
    }
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / "translation_multi30k.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(report, indent=1, ensure_ascii=False))


def steps_for_budget(overrides: list[str], output: Path, minutes: float, steps: int = 20) -> int:
    """Train `steps` steps to time them; return how many steps fill `minutes` of training-loop time."""
    settings = [*overrides, f"output_dir={output}", f"train.max_steps={steps}", f"train.save_every={steps}"]
    summary = train(translation.RECIPE, load_config(translation.Config, None, settings))["train"]
    seconds_per_step = summary["train_seconds"] / summary["steps"]
    budget = max(1, int(minutes * 60 / seconds_per_step))
    print(f"benchmark: {seconds_per_step:.2f} s/step -> {budget} steps in {minutes:g} min", flush=True)
    return budget


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
