"""Benchmark: llmkit's translation recipe against `Seq2SeqTrainer` on Multi30k English->German, in one run.

    .venv/bin/python benchmarks/translation_multi30k.py [--max-steps 450] [--threads 2] [--shared ../shared]
    .venv/bin/python benchmarks/translation_multi30k.py --max-steps 3 --max-train-pairs 640 --test-sentences 20
        (a smoke run: under a minute of this CPU)

Setting (the same for both contenders): a Marian-style Transformer (3+3 layers, d_model 256, 4 heads, FFN 512)
built from scratch, with a joint byte-level BPE tokenizer (8,000 tokens) that llmkit trains on the training pairs
and saves in its run folder; Multi30k train (29,000 pairs; `--max-train-pairs` takes llmkit's seeded subset),
`--max-steps` optimizer steps (450 by default, about one epoch) of batch 64, AdamW (fused; no decay on biases and
LayerNorm weights) with lr 1.5e-3, weight decay 0.01, int(5%) warmup steps and linear decay, gradient norm clipped
at 1.0, label smoothing 0.1, fp32 on this CPU, seed 42, no evaluation or checkpoints during training.
Contenders run in turn in one process: llmkit trains first (it makes the tokenizer), then the Trainer, then each
translates test_2016_flickr (1,000 sentences; `--test-sentences` takes the first N) greedily (or `--num-beams`),
100 sentences a batch, at most 64 new tokens (llmkit's `generate.max_new_tokens`, from its generation_config.json).

- llmkit: `llmkit.runner.train` in-process with `train.profile=true` (`--no-profile` drops it), then the recipe's
  `predict` on the loaded run (the model is loaded before the clock starts). It trains on random batches, each
  computed in length-sorted pieces (`batching=auto`, llmkit/pieces.py; `--llmkit-batching grouped` for its
  length-grouped batches), and translates sentences sorted by length.
- Trainer: `Seq2SeqTrainer` with `DataCollatorForSeq2Seq(tokenizer, model=model)` (labels padded with -100, decoder
  inputs shifted from them), `label_smoothing_factor=0.1`, random batches (`--trainer-sampling group_by_length` for
  its length grouping), then `trainer.predict(test_set)` with `predict_with_generate=True`, in the test set's order.
  It loads llmkit's tokenizer, trains on the ids of llmkit's own `translation.encode_pairs` (the same truncation at
  128 tokens, which no Multi30k sentence reaches), and builds `MarianMTModel` from the config.json llmkit wrote,
  under `transformers.set_seed(42)`: its initial weights equal llmkit's (the script rebuilds llmkit's model with
  `translation.build_model` under the same seed and reports `initial_weights_identical`). Batch order and dropout
  masks differ between the two.

Reported per contender: sacreBLEU corpus BLEU and chrF on the test set (llmkit.metrics "sacrebleu"; signatures
printed), the mean training loss, training-loop seconds (llmkit's `train_seconds`; the Trainer's `train_runtime`),
real tokens per second (source plus target tokens of the batches actually trained on, and source tokens alone),
the source padding fraction and generation sentences per second; then llmkit / Trainer ratios for tokens/s and
sentences/s, the BLEU and chrF differences, each contender's MFU (see `add_mfu`; over the fp32 matmul rate
measured at the start), llmkit's time per loop phase, and the machine load (`uptime`) before
and after. The Trainer's tokens are counted in `training_step` (non-padding input ids plus labels other than -100);
llmkit's by replaying its sampler over the same ids, checked against the source tokens its runner
counted. Results go to benchmarks/results/translation_multi30k.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from datasets import Dataset  # noqa: E402
from sentiment_sst2 import matmul_gflops  # noqa: E402
from transformers import (  # noqa: E402
    AutoConfig,
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
    DataCollatorForSeq2Seq,
    GenerationConfig,
    MarianMTModel,
    Seq2SeqTrainer,
    Seq2SeqTrainingArguments,
    set_seed,
)

from llmkit import metrics  # noqa: E402
from llmkit.config import load_config  # noqa: E402
from llmkit.data import LengthGroupedSampler, subset  # noqa: E402
from llmkit.models import open_run  # noqa: E402
from llmkit.parallel_text import Pairs, load_pairs  # noqa: E402
from llmkit.rundir import LOG_FILE  # noqa: E402
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
BATCH, EVAL_BATCH, LR, WARMUP, WEIGHT_DECAY, SMOOTHING, SEED = 64, 100, 1.5e-3, 0.05, 0.01, 0.1, 42


def main() -> None:
    args = parse_args()
    data = Path(args.shared) / "data" / "multi30k"
    if not (data / "train.en").is_file():
        sys.exit(f"Multi30k not found under {data}; pass --shared")
    torch.set_num_threads(args.threads)
    output = Path(args.output or tempfile.mkdtemp(prefix="multi30k-"))
    lines = {
        lang: (data / f"test_2016_flickr.{lang}").read_text(encoding="utf-8").splitlines() for lang in ("en", "de")
    }
    sources, references = ([line.strip() for line in lines[lang][: args.test_sentences]] for lang in ("en", "de"))
    load_before = uptime()
    peak = matmul_gflops()
    config = load_config(translation.Config, None, llmkit_overrides(args, data, output / "llmkit"))
    llmkit = train_llmkit(config)
    # Everything the Trainer sees comes from llmkit's run: its tokenizer, its token ids, its model config.
    tokenizer = AutoTokenizer.from_pretrained(config.output_dir)
    encoded = translation.encode_pairs(
        training_pairs(data, config), translation.TokenizerPair(tokenizer, tokenizer), "seq2seq", config.data, ""
    )
    grouped = config.train.batching == "grouped"  # `auto`: random batches, run in length-sorted pieces
    counts = llmkit_token_counts(encoded, llmkit["steps"], llmkit.pop("runner_source_tokens"), config.seed, grouped)
    llmkit.update(counts)
    test_ids = translation.encode_sources(sources, tokenizer, "seq2seq", config.data.max_source_length)
    model, identical = trainer_model(config, tokenizer)
    trainer, trainer_results = train_trainer(model, tokenizer, encoded, output / "trainer", args)
    contenders = {"llmkit": llmkit, "trainer": trainer_results}
    predictions = {
        "llmkit": translate_with_llmkit(Path(config.output_dir), sources, llmkit),
        "trainer": translate_with_trainer(trainer, tokenizer, test_ids, args.num_beams, trainer_results),
    }
    signatures = score(predictions, references, contenders, output)
    add_mfu(contenders, model, peak)
    facts = {
        "steps": args.max_steps,
        "train_pairs": len(encoded),
        "test_sentences": len(sources),
        "num_beams": args.num_beams,
        "trainer_sampling": args.trainer_sampling,
        "llmkit_batching": args.llmkit_batching,
        "torch_threads": args.threads,
        "matmul_gflops": peak,
        "initial_weights_identical": identical,
        "signatures": signatures,
        "uptime_before": load_before,
        "uptime_after": uptime(),
        "examples": [
            {"source": s, "reference": r, "llmkit": a, "trainer": b}
            for s, r, a, b in zip(sources[:3], references, predictions["llmkit"], predictions["trainer"], strict=False)
        ],
    }
    write_report(contenders, facts)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"), help="folder holding data/multi30k")
    parser.add_argument("--max-steps", type=int, default=450, help="optimizer steps of batch 64, both contenders")
    parser.add_argument("--max-train-pairs", type=int, default=None, help="llmkit's seeded subset (smoke runs)")
    parser.add_argument("--test-sentences", type=int, default=None, help="translate the first N test sentences")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads(), help="torch threads")
    parser.add_argument("--num-beams", type=int, default=1, help="1 is greedy decoding")
    parser.add_argument("--trainer-sampling", choices=["random", "group_by_length"], default="random")
    parser.add_argument("--llmkit-batching", choices=["auto", "grouped", "random"], default="auto")
    parser.add_argument("--no-profile", action="store_true", help="leave out llmkit's train.profile")
    parser.add_argument("--output", default=None, help="folder for both runs (default: a temporary one)")
    return parser.parse_args()


def llmkit_overrides(args: argparse.Namespace, data: Path, output: Path) -> list[str]:
    """The benchmark setting as `llmkit train translation` overrides."""
    steps = args.max_steps
    return [f"model.{key}={value}" for key, value in MODEL.items()] + [
        f"output_dir={output}",
        "overwrite_output_dir=true",
        f"seed={SEED}",
        f"data.train={data / 'train'}",
        "data.validation=null",  # both are scored on the test set after training
        *([f"data.max_train_examples={args.max_train_pairs}"] if args.max_train_pairs else []),
        f"label_smoothing={SMOOTHING}",
        f"generate.num_beams={args.num_beams}",
        f"train.max_steps={steps}",
        f"train.batch_size={BATCH}",
        f"train.lr={LR}",
        f"train.warmup_ratio={WARMUP}",  # the runner warms up for int(ratio * steps), the Trainer's warmup_steps
        f"train.weight_decay={WEIGHT_DECAY}",
        "train.max_grad_norm=1.0",
        "train.mixed_precision=no",
        f"train.save_every={steps}",  # one checkpoint, after the loop (its time is not training-loop time)
        "train.log_every=50",  # a loss line every 50 steps: the mean training loss below comes from them
        "train.report_to=[none]",
        f"train.batching={args.llmkit_batching}",
        *([] if args.no_profile else ["train.profile=true"]),
    ]


def train_llmkit(config: translation.Config) -> dict:
    """Train llmkit's recipe in-process; its training-loop seconds, steps, loss and (if asked) time per phase."""
    summary = train(translation.RECIPE, config)["train"]
    log = (Path(config.output_dir) / LOG_FILE).read_text(encoding="utf-8").splitlines()
    windows = [record for record in map(json.loads, log) if record["kind"] == "train"]
    # Each log line holds the mean loss since the previous one: weigh it by its steps for the run's mean.
    steps = np.diff([0] + [w["step"] for w in windows])
    return {
        "steps": summary["steps"],
        "epochs": summary["epochs"],
        "train_seconds": summary["train_seconds"],
        "mean_train_loss": float(np.dot(steps, [w["loss"] for w in windows]) / steps.sum()),
        "source_padding_fraction": summary["padding_fraction"],
        "runner_source_tokens": summary["real_tokens"],
        **({"profile": summary["profile"]} if "profile" in summary else {}),
    }


def training_pairs(data: Path, config: translation.Config) -> Pairs:
    """The pairs llmkit trained on, in its order (`translation.prepare_pairs`, without training a tokenizer)."""
    pairs = load_pairs(str(data / "train"), source_lang="en", target_lang="de", key="data.train")
    chosen = subset(list(zip(pairs.sources, pairs.targets, strict=True)), config.data.max_train_examples, config.seed)
    return Pairs([source for source, _ in chosen], [target for _, target in chosen])


def llmkit_token_counts(encoded: list[dict], steps: int, runner_source_tokens: int, seed: int, grouped: bool) -> dict:
    """Source and target tokens of llmkit's first `steps` batches, replaying its runner's sampler (random, or
    length-grouped by source length, `Runner._train_dataloader`); the source count must equal the runner's own."""
    sampler = LengthGroupedSampler([len(e["input_ids"]) for e in encoded], BATCH, seed=seed, group_by_length=grouped)
    per_epoch = math.ceil(len(encoded) / BATCH)
    trained = []
    for epoch in range(math.ceil(steps / per_epoch)):
        sampler.set_epoch(epoch)
        trained += sampler.order().tolist()[: min(steps - epoch * per_epoch, per_epoch) * BATCH]
    source = sum(len(encoded[i]["input_ids"]) for i in trained)
    if source != runner_source_tokens:
        print(f"benchmark: replayed {source} source tokens but llmkit counted {runner_source_tokens}", flush=True)
    return {
        "source_tokens": source,
        "tokens": source + sum(len(encoded[i]["labels"]) for i in trained),
        "source_tokens_match_runner": source == runner_source_tokens,
    }


def trainer_model(config: translation.Config, tokenizer) -> tuple[MarianMTModel, bool]:
    """The Trainer's model: `MarianMTModel` from llmkit's config.json and generation_config.json, built right after
    `set_seed`; and whether its weights equal those llmkit's recipe builds under the same seed."""
    set_seed(config.seed)  # what llmkit's runner does before its recipe builds the model
    reference = translation.build_model(config.model, translation.TokenizerPair(tokenizer, tokenizer))
    set_seed(config.seed)
    model = MarianMTModel(AutoConfig.from_pretrained(config.output_dir))
    model.generation_config = GenerationConfig.from_pretrained(config.output_dir)
    theirs = reference.state_dict()
    identical = all(torch.equal(value, theirs[name]) for name, value in model.state_dict().items())
    return model, identical


class CountingTrainer(Seq2SeqTrainer):
    """A `Seq2SeqTrainer` that counts the real tokens of the batches it trains on: non-padding source positions
    (the attention mask) and labels other than -100. Counted here, not in the collator, because the data loader
    collates one batch ahead of the last step."""

    counts: dict[str, int] | None = None

    def training_step(self, model, inputs, num_items_in_batch=None):
        self.counts = self.counts or {"source_tokens": 0, "tokens": 0, "source_positions": 0}
        source, target = int(inputs["attention_mask"].sum()), int((inputs["labels"] != -100).sum())
        self.counts["source_tokens"] += source
        self.counts["tokens"] += source + target
        self.counts["source_positions"] += inputs["input_ids"].numel()
        return super().training_step(model, inputs, num_items_in_batch)


def train_trainer(model, tokenizer, encoded: list[dict], output: Path, args: argparse.Namespace) -> tuple:
    """Train with `Seq2SeqTrainer` in the benchmark's setting; returns the trainer and its training results."""
    settings = Seq2SeqTrainingArguments(
        output_dir=str(output),
        max_steps=args.max_steps,
        per_device_train_batch_size=BATCH,
        per_device_eval_batch_size=EVAL_BATCH,
        learning_rate=LR,
        warmup_steps=int(WARMUP * args.max_steps),
        lr_scheduler_type="linear",
        weight_decay=WEIGHT_DECAY,
        label_smoothing_factor=SMOOTHING,
        max_grad_norm=1.0,
        train_sampling_strategy=args.trainer_sampling,
        predict_with_generate=True,
        seed=SEED,
        use_cpu=True,
        dataloader_pin_memory=False,
        eval_strategy="no",
        save_strategy="no",
        logging_strategy="no",
        report_to="none",
        disable_tqdm=True,
    )
    train_set = Dataset.from_dict({key: [e[key] for e in encoded] for key in ("input_ids", "labels")})
    collate = DataCollatorForSeq2Seq(tokenizer, model=model)
    trainer = CountingTrainer(
        model=model, args=settings, train_dataset=train_set, data_collator=collate, processing_class=tokenizer
    )
    result = trainer.train()
    counts = trainer.counts
    return trainer, {
        "steps": result.global_step,
        "train_seconds": result.metrics["train_runtime"],
        "mean_train_loss": result.training_loss,
        "source_padding_fraction": 1 - counts["source_tokens"] / counts["source_positions"],
        "source_tokens": counts["source_tokens"],
        "tokens": counts["tokens"],
    }


def translate_with_llmkit(run_folder: Path, sources: list[str], results: dict) -> list[str]:
    """llmkit's translations of `sources` (the recipe's `predict`, as `llmkit translate` runs it); the generation
    time goes into `results`. The run's model is loaded first, so the clock sees translation only, as the
    Trainer's does."""
    run = open_run(run_folder, translation.RECIPE)
    run.model(AutoModelForSeq2SeqLM)
    run.tokenizer()
    options = {"batch_size": EVAL_BATCH, **{option.name: None for option in translation.GENERATE_OPTIONS}}
    started = time.perf_counter()
    translations = [r["translation"] for r in translation.predict(run, [{"text": s} for s in sources], options)]
    results["generation_seconds"] = time.perf_counter() - started
    return translations


def translate_with_trainer(trainer, tokenizer, test_ids: list[list[int]], num_beams: int, results: dict) -> list[str]:
    """The Trainer's translations (`predict` with `predict_with_generate`); the generation time goes into
    `results`."""
    test_set = Dataset.from_dict({"input_ids": test_ids})  # no labels: predict would also compute a test loss
    # transformers 5's DataCollatorForSeq2Seq gives a label-less batch `labels: None`, and Seq2SeqTrainer, seeing
    # the key, runs a loss forward that fails; dropping the empty key restores the label-less predict path.
    collate = trainer.data_collator
    trainer.data_collator = lambda features: {k: v for k, v in collate(features).items() if v is not None}
    max_new_tokens = trainer.model.generation_config.max_new_tokens  # llmkit's generate.max_new_tokens
    started = time.perf_counter()
    output = trainer.predict(test_set, max_new_tokens=max_new_tokens, num_beams=num_beams)
    results["generation_seconds"] = time.perf_counter() - started
    # Rows of different batches are joined with -100 padding, which is no token id.
    ids = np.where(output.predictions != -100, output.predictions, tokenizer.pad_token_id)
    return [text.strip() for text in tokenizer.batch_decode(ids, skip_special_tokens=True)]


def score(predictions: dict[str, list[str]], references: list[str], contenders: dict, output: Path) -> dict:
    """Add each contender's BLEU and chrF to `contenders`, write its translations to `output`; the signatures."""
    sacrebleu = metrics.load("sacrebleu")
    for name, hypotheses in predictions.items():
        scores = sacrebleu.compute(predictions=hypotheses, references=references)
        contenders[name].update(bleu=scores["bleu"], chrf=scores["chrf"])
        (output / f"test_2016_flickr.{name}.de").write_text("".join(p + "\n" for p in hypotheses), encoding="utf-8")
    return {"bleu": scores["bleu_signature"], "chrf": scores["chrf_signature"]}


def add_mfu(contenders: dict[str, dict], model: torch.nn.Module, peak: float) -> None:
    """Each contender's model FLOPs utilisation over the measured fp32 matmul rate. Training FLOPs are 6 per matmul
    weight a token passes (PaLM's 6N): the encoder's for each source token, the decoder's (cross-attention
    included) and the output layer's for each target token; attention scores, under 2% at Multi30k's lengths, and
    padding are left out."""

    def matmul_weights(module: torch.nn.Module) -> int:
        return sum(p.numel() for name, p in module.named_parameters() if p.ndim == 2 and "embed" not in name)

    per_source = 6 * matmul_weights(model.get_encoder())
    per_target = 6 * (matmul_weights(model.get_decoder()) + model.get_output_embeddings().weight.numel())
    for result in contenders.values():
        flops = per_source * result["source_tokens"] + per_target * (result["tokens"] - result["source_tokens"])
        result["mfu"] = flops / result["train_seconds"] / (peak * 1e9)


def write_report(contenders: dict[str, dict], facts: dict) -> None:
    """Rates, ratios and differences; write benchmarks/results/translation_multi30k.json and print a table."""
    for result in contenders.values():
        result["tokens_per_s"] = result["tokens"] / result["train_seconds"]
        result["source_tokens_per_s"] = result["source_tokens"] / result["train_seconds"]
        result["generation_sentences_per_s"] = facts["test_sentences"] / result["generation_seconds"]
    ours, theirs = contenders["llmkit"], contenders["trainer"]
    comparison = {
        "tokens_per_s_ratio": ours["tokens_per_s"] / theirs["tokens_per_s"],
        "generation_sentences_per_s_ratio": ours["generation_sentences_per_s"] / theirs["generation_sentences_per_s"],
        "bleu_difference": ours["bleu"] - theirs["bleu"],
        "chrf_difference": ours["chrf"] - theirs["chrf"],
    }
    report = {**facts, "llmkit": ours, "trainer": theirs, "llmkit_vs_trainer": comparison}
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    text = json.dumps(report, indent=1, ensure_ascii=False)
    (results / "translation_multi30k.json").write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"BLEU {facts['signatures']['bleu']}\nchrF {facts['signatures']['chrf']}")
    print(f"fp32 matmul: {facts['matmul_gflops']:.0f} GFLOP/s")
    print(
        f"{'contender':<10}{'BLEU':>7}{'chrF':>7}{'loss':>7}{'train s':>9}{'tokens/s':>10}{'padding':>9}{'sent/s':>8}"
        f"{'MFU':>7}"
    )
    for name, result in contenders.items():
        print(
            f"{name:<10}{result['bleu']:>7.2f}{result['chrf']:>7.2f}{result['mean_train_loss']:>7.3f}"
            f"{result['train_seconds']:>9.1f}{result['tokens_per_s']:>10.0f}{result['source_padding_fraction']:>9.1%}"
            f"{result['generation_sentences_per_s']:>8.2f}{result['mfu']:>7.1%}"
        )
    print(
        f"llmkit / Trainer: {comparison['tokens_per_s_ratio']:.2f}x training tokens/s, "
        f"{comparison['generation_sentences_per_s_ratio']:.2f}x generation sentences/s; BLEU "
        f"{comparison['bleu_difference']:+.2f}, chrF {comparison['chrf_difference']:+.2f}"
    )
    if "profile" in ours:
        print("llmkit loop phases (s): " + ", ".join(f"{k} {v:.1f}" for k, v in ours["profile"].items()))
    print(f"uptime before: {facts['uptime_before']}\nuptime after:  {facts['uptime_after']}")


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
