"""Benchmark: llmkit's qa recipe fine-tuning the packaged MiniLM on real SQuAD v1.1 questions, on this CPU.

    .venv/bin/python benchmarks/qa_squad.py [--max-train-examples 0] [--epochs 1] [--shared ../shared]

Setting: ../shared/data/squad_v1.1/dev-part-a.json (the first 24 articles of the official SQuAD v1.1 dev set) split by
article: the first 20 articles train, the last 4 validate (no article in both). The packaged all-MiniLM-L6-v2 (a
sentence encoder, never trained for QA), max length 256, doc stride 64, batch 16, lr 1e-4 with 10% warmup, fp32.
`--max-train-examples N` trains on a seeded random subset of the training questions when the shared CPU is too busy
for all of them in the time allowed; the output says so.

Reported: EM/F1 on the validation articles, next to two trivial baselines that need no model (the context's first
sentence; the sentence sharing the most words with the question), training questions per second (over the loop's
time) and evaluation questions per second (`predict` on the first `--predict-questions` validation questions, i.e.
tokenizing, the forward passes and post-processing, batch 64), and the
load average before and after, since other jobs share this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from llmkit import metrics  # noqa: E402
from llmkit.config import load_config  # noqa: E402
from llmkit.predict import predict  # noqa: E402
from llmkit.registry import get_recipe  # noqa: E402
from llmkit.runner import train  # noqa: E402
from recipes.qa import DataConfig  # noqa: E402
from recipes.qa_data import load_examples  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--train-articles", type=int, default=20)
    parser.add_argument("--validation-articles", type=int, default=4)
    parser.add_argument("--max-train-examples", type=int, default=0, help="0 trains on every training question")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--predict-questions", type=int, default=200, help="questions timed through predict()")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "qa_squad.json")
    args = parser.parse_args()
    source = args.shared / "data" / "squad_v1.1" / "dev-part-a.json"
    if not source.exists():
        sys.exit(f"SQuAD not found at {source}: pass --shared")

    load_before, started = os.getloadavg(), time.perf_counter()
    bundled = load_examples(str(ROOT / "data" / "qa" / "validation.json"), "train", "bundled", DataConfig())
    with tempfile.TemporaryDirectory() as tmp:
        train_file, validation_file = split_by_article(source, Path(tmp), args.train_articles, args.validation_articles)
        train_examples = load_examples(str(train_file), "train", "train", DataConfig())
        validation = load_examples(str(validation_file), "train", "validation", DataConfig())
        overrides = [
            f"output_dir={Path(tmp) / 'run'}",
            "model.name=minilm",
            f"data.train={train_file}",
            f"data.validation={validation_file}",
            "data.max_length=256",
            "data.doc_stride=64",
            f"train.epochs={args.epochs}",
            "train.batch_size=16",
            "train.eval_batch_size=64",
            "train.lr=1e-4",
            "train.warmup_ratio=0.1",
            "train.weight_decay=0.01",
            "train.log_every=20",
            "seed=42",
        ]
        if args.max_train_examples:
            overrides.append(f"data.max_train_examples={args.max_train_examples}")
        recipe = get_recipe("qa")
        result = train(recipe, load_config(recipe.config, None, overrides))
        trained_on = min(args.max_train_examples or len(train_examples), len(train_examples))
        timed = validation[: args.predict_questions]
        records = [{"question": e["question"], "context": e["context"]} for e in timed]
        predict_start = time.perf_counter()
        answers = predict(Path(tmp) / "run", records, batch_size=64)
        predict_seconds = time.perf_counter() - predict_start
    summary = {
        "setting": {
            "train_articles": args.train_articles,
            "validation_articles": args.validation_articles,
            "train_questions_available": len(train_examples),
            "train_questions_used": trained_on,
            "epochs": args.epochs,
            "validation_questions": len(validation),
        },
        "llmkit_minilm": result["eval"],
        "predict_rescored_first_questions": score(timed, [a["answer"] for a in answers]),
        "baselines_squad_validation": baselines(validation),
        "baselines_bundled_validation": baselines(bundled),
        "train_seconds": result["train"]["train_seconds"],
        "train_questions_per_s": trained_on * args.epochs / result["train"]["train_seconds"],
        "train_real_tokens_per_s": result["train"]["real_tokens_per_s"],
        "eval_seconds": predict_seconds,
        "eval_questions_per_s": len(timed) / predict_seconds,
        "wall_seconds": time.perf_counter() - started,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
