"""Benchmark: llmkit's qa recipe against a plain `transformers.Trainer` on real SQuAD v1.1 questions, in one run.

    .venv/bin/python benchmarks/qa_squad.py [--max-train-examples 1500] [--rounds 1] [--predict-questions 300]
                                          # the defaults: roughly 15-20 minutes on this 2-core CPU
    .venv/bin/python benchmarks/qa_squad.py --train-articles 1 --validation-articles 1 --max-train-examples 40 \
        --predict-questions 20                      # a smoke run: under 2 minutes
    .venv/bin/python benchmarks/qa_squad.py --no-profile   # without llmkit's phase timings (`train.profile`)

Setting (the same for both contenders): ../shared/data/squad_v1.1/dev-part-a.json (the first 24 articles of the
official SQuAD v1.1 dev set) split by article: the first 20 articles train, the last 4 validate (no article in
both). A seeded random subset of `--max-train-examples` training questions (default 1,500, so that both contenders
fit the time on this shared CPU; 0 takes all 4,913), drawn by `llmkit.data.subset` with seed 42, the function the
recipe's `data.max_train_examples` goes through, so both train on exactly the same questions. The packaged
all-MiniLM-L6-v2 (a sentence encoder, never trained for QA) with a fresh QA head, seeded alike before loading, so
the head starts the same; windows of 256 tokens with doc stride 64; batch 16, lr 1e-4 with linear 10% warmup (the
same whole number of warmup steps), weight decay 0.01 (not on biases and LayerNorm weights), 1 epoch, seed 42,
fp32 on this CPU.

Contenders, taking turns (llmkit, then the Trainer; `--rounds` repeats the pair):
    - llmkit: `train` in-process, as `llmkit train qa` runs (its default `train.batching=auto`, so whatever
      batching the recipe offers for this model), with `train.profile=true` so metrics.json says where the loop's
      time went; no tracker (`train.report_to=[none]`), as the Trainer writes no logs.
    - the Trainer: the transformers QA example's preprocessing and post-processing, written here: every window
      padded to 256 (`padding="max_length"`, as that example does), `default_data_collator`, random batches; a
      window that does not hold the whole answer points at [CLS]; answers are the best start + end logit over each
      question's windows among the top 20 starts and ends, inside the context, at most 30 tokens long.
Both are scored by the same SQuAD scorer (`llmkit.metrics.load("squad")`) on every validation question.

Prediction: on the first `--predict-questions` validation questions, `llmkit.predict.predict` on llmkit's run
folder against plain transformers on the same folder, batch 32, both timed end to end (loading the model,
windows, forward passes, post-processing), taking turns for 2 rounds, each one's best time kept. The peer is not
`pipeline("question-answering")`: transformers 5 removed that task (`pipeline` raises a KeyError naming it), so
the peer does what that pipeline did: windows of 256 with stride 64 in input order, batches of 32 padded to
their longest, then the post-processing above with answers of at most 30 tokens (`data.max_answer_length`).

Reported (benchmarks/results/qa_squad.json and a table): per contender EM, F1, training seconds (the loop's time),
training questions/s, real (non-padding) tokens/s and the padding fraction, the ratios llmkit / Trainer and the
EM/F1 differences against the targets (at least 1.5x the Trainer's questions/s, EM and F1 no lower), whether both
trained on the same real tokens in the same number of steps (they should: same questions, same windows); llmkit's
phase seconds; each contender's MFU (FLOPs of real tokens per second over the fp32 matmul rate measured at the
start); prediction examples/s of both, their ratio, the fraction of identical answers and EM/F1 of both;
two trivial baselines that need no model (the context's first sentence; the sentence sharing the most words with
the question); the load average before and after, since other jobs share this machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
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
from sentiment_sst2 import Counting, flops_per_token, matmul_gflops  # noqa: E402
from transformers import (  # noqa: E402
    AutoModelForQuestionAnswering,
    AutoTokenizer,
    Trainer,
    TrainingArguments,
    default_data_collator,
    set_seed,
)

from llmkit import metrics  # noqa: E402
from llmkit.config import load_config  # noqa: E402
from llmkit.data import subset  # noqa: E402
from llmkit.models import packaged_minilm  # noqa: E402
from llmkit.predict import predict  # noqa: E402
from llmkit.registry import get_recipe  # noqa: E402
from llmkit.runner import train  # noqa: E402
from recipes.qa import DataConfig  # noqa: E402
from recipes.qa_data import load_examples  # noqa: E402

MAX_LENGTH, DOC_STRIDE, BATCH, EVAL_BATCH, LR, WARMUP, WEIGHT_DECAY, SEED = 256, 64, 16, 64, 1e-4, 0.1, 0.01, 42
# The example's post-processing limits, set to llmkit's defaults so both answer under the same rules.
MAX_ANSWER_LENGTH, N_BEST = DataConfig().max_answer_length, DataConfig().n_best
PREDICT_BATCH, PREDICT_ROUNDS = 32, 2
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
WORD = re.compile(r"\w+")


def first_sentence(question: str, context: str) -> str:
    return SENTENCE_END.split(context.strip())[0]


def best_overlap_sentence(question: str, context: str) -> str:
    """The sentence that shares the most (lower-cased) words with the question."""
    asked = set(WORD.findall(question.lower()))
    sentences = SENTENCE_END.split(context.strip())
    return max(sentences, key=lambda sentence: len(asked & set(WORD.findall(sentence.lower()))))


def score(examples: list[dict], predictions: list[str]) -> dict[str, float]:
    references = [example["answers"]["text"] for example in examples]
    return metrics.load("squad").compute(predictions=predictions, references=references)


def baselines(examples: list[dict]) -> dict[str, dict[str, float]]:
    return {
        rule.__name__: score(examples, [rule(e["question"], e["context"]) for e in examples])
        for rule in (first_sentence, best_overlap_sentence)
    }


def split_by_article(source: Path, folder: Path, train_articles: int, validation_articles: int) -> tuple[Path, Path]:
    document = json.loads(source.read_text(encoding="utf-8"))
    articles = document["data"]
    if train_articles + validation_articles > len(articles):
        sys.exit(f"{source} has {len(articles)} articles, fewer than {train_articles} + {validation_articles}")
    paths = folder / "train.json", folder / "validation.json"
    for path, part in zip(paths, (articles[:train_articles], articles[-validation_articles:]), strict=True):
        path.write_text(json.dumps({**document, "data": part}), encoding="utf-8")
    return paths


# --------------------------------------------------------------------------------------------------------------
# The Trainer's side: the transformers QA example's preprocessing and post-processing


def windows(tokenizer, examples: list[dict], padding: str | bool):
    """Each question + context cut into overlapping windows of MAX_LENGTH tokens, with character offsets."""
    return tokenizer(
        # As the example does: leading spaces in questions only waste window room.
        [example["question"].lstrip() for example in examples],
        [example["context"] for example in examples],
        truncation="only_second",
        max_length=MAX_LENGTH,
        stride=DOC_STRIDE,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        padding=padding,
    )


def answer_positions(offsets: list, sequence: list, answers: dict) -> tuple[int, int]:
    """First and last token of the first answer; (0, 0), the [CLS] token, when the window misses any of it."""
    context = [i for i, part in enumerate(sequence) if part == 1]
    if not answers["text"]:
        return 0, 0
    first = answers["answer_start"][0]
    last = first + len(answers["text"][0])
    if offsets[context[0]][0] > first or offsets[context[-1]][1] < last:
        return 0, 0
    start = max(i for i in context if offsets[i][0] <= first)
    end = min(i for i in context if offsets[i][1] >= last)
    return start, end


def train_windows(tokenizer, examples: list[dict]) -> Dataset:
    """The training windows, every one padded to MAX_LENGTH, labelled with where the answer starts and ends."""
    encoded = windows(tokenizer, examples, "max_length")
    offsets, owners = encoded["offset_mapping"], encoded["overflow_to_sample_mapping"]
    spans = [
        answer_positions(offsets[window], encoded.sequence_ids(window), examples[example]["answers"])
        for window, example in enumerate(owners)
    ]
    columns = {name: encoded[name] for name in tokenizer.model_input_names}
    return Dataset.from_dict(
        {**columns, "start_positions": [s for s, _ in spans], "end_positions": [e for _, e in spans]}
    )


def answer_windows(tokenizer, examples: list[dict], padding: str | bool) -> tuple[dict, list[int], list[list]]:
    """Windows to answer from: the model inputs (columns), each window's example, and its context offsets (None for
    question, special and padding tokens, so no answer can start or end there)."""
    encoded = windows(tokenizer, examples, padding)
    offsets = [
        [span if part == 1 else None for span, part in zip(spans, encoded.sequence_ids(window), strict=True)]
        for window, spans in enumerate(encoded["offset_mapping"])
    ]
    columns = {name: encoded[name] for name in tokenizer.model_input_names}
    return columns, encoded["overflow_to_sample_mapping"], offsets


def best_spans(examples: list[dict], example_index: list[int], offsets: list, start_logits, end_logits) -> list[str]:
    """Each example's answer: over its windows, the top N_BEST starts and ends that lie in the context with the end
    not before the start and at most MAX_ANSWER_LENGTH tokens apart; the best start + end logit wins ("" if none)."""
    best = [(-math.inf, "")] * len(examples)
    for window, example in enumerate(example_index):
        spans = offsets[window]
        starts = np.asarray(start_logits[window], dtype=np.float64)[: len(spans)]
        ends = np.asarray(end_logits[window], dtype=np.float64)[: len(spans)]
        for i in np.argsort(starts)[::-1][:N_BEST]:
            for j in np.argsort(ends)[::-1][:N_BEST]:
                if spans[i] is None or spans[j] is None or j < i or j - i + 1 > MAX_ANSWER_LENGTH:
                    continue
                if starts[i] + ends[j] > best[example][0]:
                    best[example] = (starts[i] + ends[j], examples[example]["context"][spans[i][0] : spans[j][1]])
    return [text for _, text in best]


def run_trainer(train_examples: list[dict], validation: list[dict], output: Path, epochs: int) -> dict:
    tokenizer = AutoTokenizer.from_pretrained(packaged_minilm())
    train_set = train_windows(tokenizer, train_examples)
    columns, example_index, offsets = answer_windows(tokenizer, validation, "max_length")
    set_seed(SEED)  # the QA head's initialisation, as llmkit seeds it
    model = AutoModelForQuestionAnswering.from_pretrained(packaged_minilm())
    steps = math.ceil(len(train_set) / BATCH) * epochs
    counting = Counting(default_data_collator)
    args = TrainingArguments(
        output_dir=str(output),
        num_train_epochs=epochs,
        per_device_train_batch_size=BATCH,
        per_device_eval_batch_size=EVAL_BATCH,
        learning_rate=LR,
        weight_decay=WEIGHT_DECAY,
        lr_scheduler_type="linear",
        # A whole number of steps: llmkit rounds 10% of the steps down, a ratio here would be rounded up.
        warmup_steps=int(WARMUP * steps),
        eval_strategy="no",
        save_strategy="no",
        logging_strategy="no",
        report_to="none",
        seed=SEED,
        use_cpu=True,
        disable_tqdm=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_set, data_collator=counting)
    result = trainer.train()
    positions = counting.positions  # read now: predict() below goes through the same collator
    start_logits, end_logits = trainer.predict(Dataset.from_dict(columns)).predictions
    answers = best_spans(validation, example_index, offsets, start_logits, end_logits)
    return {
        **score(validation, answers),
        "train_seconds": result.metrics["train_runtime"],
        "steps": result.global_step,
        "train_windows": len(train_set),
        "real_tokens": sum(map(sum, train_set["attention_mask"])) * epochs,
        "positions": positions,
    }


# --------------------------------------------------------------------------------------------------------------
# llmkit's side


def run_llmkit(train_file: Path, validation_file: Path, output: Path, args: argparse.Namespace) -> dict:
    overrides = [
        f"output_dir={output}",
        "model.name=minilm",
        f"data.train={train_file}",
        f"data.validation={validation_file}",
        f"data.max_length={MAX_LENGTH}",
        f"data.doc_stride={DOC_STRIDE}",
        f"train.epochs={args.epochs}",
        f"train.batch_size={BATCH}",
        f"train.eval_batch_size={EVAL_BATCH}",
        f"train.lr={LR}",
        f"train.warmup_ratio={WARMUP}",
        f"train.weight_decay={WEIGHT_DECAY}",
        "train.log_every=20",
        "train.report_to=[none]",  # the Trainer writes no logs either
        f"seed={SEED}",
    ]
    if args.max_train_examples:
        overrides.append(f"data.max_train_examples={args.max_train_examples}")
    if args.profile:
        overrides.append("train.profile=true")
    recipe = get_recipe("qa")
    result = train(recipe, load_config(recipe.config, None, overrides))
    trained = result["train"]
    return {
        "exact_match": result["eval"]["exact_match"],
        "f1": result["eval"]["f1"],
        "train_seconds": trained["train_seconds"],
        "steps": trained["steps"],
        "real_tokens": trained["real_tokens"],
        "positions": round(trained["real_tokens"] / (1 - trained["padding_fraction"])),
        **({"profile": trained["profile"]} if "profile" in trained else {}),
    }


def add_mfu(contenders: dict[str, dict], peak: float, windows: int) -> None:
    """Each contender's model FLOPs utilisation: the FLOPs of its real tokens (6 x non-embedding parameters per
    token, plus attention at the mean window length; `sentiment_sst2.flops_per_token`) per second, over the
    measured fp32 matmul rate. Padding computed is not counted: it is work, but not useful work."""
    model = AutoModelForQuestionAnswering.from_pretrained(packaged_minilm())
    per_token = flops_per_token(model, contenders["llmkit"]["real_tokens"] / windows)
    for result in contenders.values():
        result["mfu"] = result["real_tokens_per_s"] * per_token / (peak * 1e9)


def combine(runs: list[dict], questions: int) -> dict:
    """One contender's rounds: mean EM/F1, throughput over all their training time."""
    combined = {
        "exact_match": float(np.mean([run["exact_match"] for run in runs])),
        "f1": float(np.mean([run["f1"] for run in runs])),
        **{key: sum(run[key] for run in runs) for key in ("train_seconds", "real_tokens", "positions")},
        "steps_per_round": runs[0]["steps"],
    }
    combined["questions_per_s"] = questions * len(runs) / combined["train_seconds"]
    combined["real_tokens_per_s"] = combined["real_tokens"] / combined["train_seconds"]
    combined["padding_fraction"] = 1 - combined["real_tokens"] / combined["positions"]
    if len(runs) > 1:
        combined["rounds"] = runs
    elif "profile" in runs[0]:
        combined["profile"] = runs[0]["profile"]
    return combined


# --------------------------------------------------------------------------------------------------------------
# Prediction: llmkit predict against plain transformers on the same folder


def plain_predict(run: Path, records: list[dict], batch_size: int) -> list[str]:
    """What `pipeline("question-answering")` did before transformers 5 removed it: the folder's model on windows in
    input order, batches padded to their longest window, then the example's post-processing."""
    tokenizer = AutoTokenizer.from_pretrained(run)
    model = AutoModelForQuestionAnswering.from_pretrained(run).eval()
    columns, example_index, offsets = answer_windows(tokenizer, records, False)
    starts, ends = [], []
    with torch.inference_mode():
        for first in range(0, len(example_index), batch_size):
            batch = {name: column[first : first + batch_size] for name, column in columns.items()}
            outputs = model(**tokenizer.pad(batch, return_tensors="pt"))
            starts.extend(outputs.start_logits)
            ends.extend(outputs.end_logits)
    return best_spans(records, example_index, offsets, starts, ends)


def compare_prediction(run: Path, examples: list[dict]) -> dict:
    """Both answer the same questions, taking turns for PREDICT_ROUNDS rounds; each one's best time is kept."""
    records = [{"question": example["question"], "context": example["context"]} for example in examples]
    contenders = {
        "llmkit": lambda: [answer["answer"] for answer in predict(run, records, batch_size=PREDICT_BATCH)],
        "transformers": lambda: plain_predict(run, records, PREDICT_BATCH),
    }
    seconds, answers = dict.fromkeys(contenders, math.inf), {}
    for _ in range(PREDICT_ROUNDS):
        for name, call in contenders.items():
            start = time.perf_counter()
            answers[name] = call()
            seconds[name] = min(seconds[name], time.perf_counter() - start)
    rates = {name: len(records) / taken for name, taken in seconds.items()}
    same = sum(a == b for a, b in zip(answers["llmkit"], answers["transformers"], strict=True))
    return {
        "questions": len(records),
        "batch_size": PREDICT_BATCH,
        "examples_per_s": rates,
        "ratio": rates["llmkit"] / rates["transformers"],
        "identical_answers": same / len(records),
        "scores": {name: score(examples, found) for name, found in answers.items()},
    }


# --------------------------------------------------------------------------------------------------------------
# The run and its report


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--train-articles", type=int, default=20)
    parser.add_argument("--validation-articles", type=int, default=4)
    parser.add_argument("--max-train-examples", type=int, default=1500, help="0 trains on every training question")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1, help="llmkit-then-Trainer pairs to run")
    parser.add_argument("--predict-questions", type=int, default=300, help="validation questions timed in prediction")
    parser.add_argument("--no-profile", dest="profile", action="store_false", help="leave out train.profile")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "qa_squad.json")
    return parser.parse_args()


def compare(contenders: dict[str, dict]) -> dict:
    """llmkit / Trainer throughput, llmkit - Trainer quality, and whether the issue's targets are met."""
    ours, theirs = contenders["llmkit"], contenders["trainer"]
    ratios = {key: ours[key] / theirs[key] for key in ("questions_per_s", "real_tokens_per_s")}
    gaps = {key: ours[key] - theirs[key] for key in ("exact_match", "f1")}
    targets = {
        "questions_per_s_at_least_1.5x": ratios["questions_per_s"] >= 1.5,
        "exact_match_no_lower": gaps["exact_match"] >= 0,
        "f1_no_lower": gaps["f1"] >= 0,
    }
    # The same questions cut into the same windows give the same real tokens and steps: the setting is one.
    same = {key: ours[key] == theirs[key] for key in ("real_tokens", "steps_per_round")}
    return {"llmkit_over_trainer": ratios, "llmkit_minus_trainer": gaps, "targets_met": targets, "same": same}


def print_table(summary: dict) -> None:
    setting, contenders = summary["setting"], summary["contenders"]
    print(f"load average {summary['load_average_before'][0]:.1f} -> {summary['load_average_after'][0]:.1f}")
    print(
        f"{setting['train_questions_used']} of {setting['train_questions_available']} training questions, "
        f"{setting['epochs']} epoch(s), {setting['rounds']} round(s); {setting['validation_questions']} validation"
    )
    print(f"fp32 matmul: {summary['matmul_gflops']:.0f} GFLOP/s")
    print(
        f"{'contender':<10}{'EM':>7}{'F1':>7}{'train s':>9}{'questions/s':>13}{'real tok/s':>12}{'padding':>9}"
        f"{'MFU':>7}"
    )
    for name, result in contenders.items():
        print(
            f"{name:<10}{result['exact_match']:>7.1f}{result['f1']:>7.1f}{result['train_seconds']:>9.1f}"
            f"{result['questions_per_s']:>13.2f}{result['real_tokens_per_s']:>12.0f}{result['padding_fraction']:>9.1%}"
            f"{result['mfu']:>7.1%}"
        )
    ratios, gaps = summary["comparison"]["llmkit_over_trainer"], summary["comparison"]["llmkit_minus_trainer"]
    print(
        f"llmkit / Trainer: {ratios['questions_per_s']:.2f}x questions/s, {ratios['real_tokens_per_s']:.2f}x real "
        f"tokens/s; llmkit - Trainer: EM {gaps['exact_match']:+.1f}, F1 {gaps['f1']:+.1f}"
    )
    print(f"targets met: {summary['comparison']['targets_met']}; same data: {summary['comparison']['same']}")
    if "profile" in contenders["llmkit"]:
        phases = contenders["llmkit"]["profile"].items()
        print("llmkit seconds by phase: " + ", ".join(f"{phase} {seconds:.1f}" for phase, seconds in phases))
    shown = summary["prediction"]
    rates, scores = shown["examples_per_s"], shown["scores"]
    print(
        f"prediction, {shown['questions']} questions, batch {shown['batch_size']}: llmkit {rates['llmkit']:.1f}/s, "
        f"transformers {rates['transformers']:.1f}/s ({shown['ratio']:.2f}x); identical answers "
        f"{shown['identical_answers']:.1%}; EM/F1 llmkit {scores['llmkit']['exact_match']:.1f}/"
        f"{scores['llmkit']['f1']:.1f}, transformers {scores['transformers']['exact_match']:.1f}/"
        f"{scores['transformers']['f1']:.1f}"
    )
    for rule, found in summary["baselines_squad_validation"].items():
        print(f"baseline {rule}: EM {found['exact_match']:.1f}, F1 {found['f1']:.1f}")


def main() -> None:
    args = parse_args()
    source = args.shared / "data" / "squad_v1.1" / "dev-part-a.json"
    if not source.exists():
        sys.exit(f"SQuAD not found at {source}: pass --shared")
    load_before, started = os.getloadavg(), time.perf_counter()
    peak = matmul_gflops()
    bundled = load_examples(str(ROOT / "data" / "qa" / "validation.json"), "train", "bundled", DataConfig())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        train_file, validation_file = split_by_article(source, tmp, args.train_articles, args.validation_articles)
        available = load_examples(str(train_file), "train", "train", DataConfig())
        validation = load_examples(str(validation_file), "train", "validation", DataConfig())
        # The very questions llmkit's data.max_train_examples draws (same function, same seed).
        train_examples = subset(available, args.max_train_examples, SEED)
        runs: dict[str, list[dict]] = {"llmkit": [], "trainer": []}
        for round_ in range(args.rounds):  # taking turns, so a change in the machine's speed touches both
            runs["llmkit"].append(run_llmkit(train_file, validation_file, tmp / f"llmkit-{round_}", args))
            runs["trainer"].append(run_trainer(train_examples, validation, tmp / f"trainer-{round_}", args.epochs))
        prediction = compare_prediction(tmp / f"llmkit-{args.rounds - 1}", validation[: args.predict_questions])
    contenders = {name: combine(found, len(train_examples) * args.epochs) for name, found in runs.items()}
    add_mfu(contenders, peak, runs["trainer"][0]["train_windows"] * args.epochs * args.rounds)
    summary = {
        "setting": {
            "train_articles": args.train_articles,
            "validation_articles": args.validation_articles,
            "train_questions_available": len(available),
            "train_questions_used": len(train_examples),
            "train_windows": runs["trainer"][0]["train_windows"],
            "epochs": args.epochs,
            "rounds": args.rounds,
            "validation_questions": len(validation),
            "max_length": MAX_LENGTH,
            "doc_stride": DOC_STRIDE,
            "batch_size": BATCH,
            "lr": LR,
            "warmup_ratio": WARMUP,
            "weight_decay": WEIGHT_DECAY,
            "seed": SEED,
        },
        "matmul_gflops": peak,
        "contenders": contenders,
        "comparison": compare(contenders),
        "prediction": prediction,
        "baselines_squad_validation": baselines(validation),
        "baselines_bundled_validation": baselines(bundled),
        "wall_seconds": time.perf_counter() - started,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2))
    print_table(summary)


if __name__ == "__main__":
    main()
