"""Extractive question answering (SQuAD v1.1 and v2.0): fine-tune an encoder to point at the answer span.

Run it:
    make finetune RECIPE=qa
    llmkit train qa --config recipes/configs/qa/default.yaml train.epochs=3
    llmkit train qa --config recipes/configs/qa/squad_v2.yaml
    llmkit train qa data.train=train.jsonl data.validation=dev.jsonl data.context_column=passage
    llmkit predict runs/qa --question "Who built it?" --context "It was built by Ada Lee in 1901."

What it does:
    - data in the SQuAD JSON layout (`data/paragraphs/qas`), flat csv/jsonl/json/parquet files with question, context
      and answers ({"text": [...], "answer_start": [...]}) columns, or a hub dataset (e.g. `squad`); every column
      name is configurable
    - SQuAD v2 unanswerable questions (`is_impossible` or no answers); `data.version_2_with_negative` is detected
      from the data when unset (with a warning), and the resolved value is saved in run_config.yaml
    - checks before training that each `answer_start` points at its answer text (listing the offending ids), or
      repairs offsets that are off by a few characters with `data.fix_offsets=true`
    - long contexts are split into overlapping windows (`data.max_length`, `data.doc_stride`); a window that does
      not hold the answer is labelled with the no-answer (CLS) position
    - training batches are random draws of windows, each computed in length-sorted pieces (`llmkit/pieces.py`:
      each piece padded only to its longest window, attention no wider than a window); the loss is each window's
      start and end cross-entropy over its own positions (padding logits never compete), however a batch is cut
    - post-processing takes the n-best start/end logits over all windows of a question, keeps spans of at most
      `data.max_answer_length` tokens, applies the v2 null-score threshold, and maps tokens back to the context
      text; predictions go to OUTPUT_DIR/predictions.json (and v2 no-answer odds to null_odds.json)
    - SQuAD exact match and F1 (with HasAns/NoAns for v2) through the evaluate module llmkit ships
    - any `AutoModelForQuestionAnswering` checkpoint: the packaged MiniLM (offline) by default, BERT-family hub
      ids, GPT-2 (it has no CLS token, so its first token stands for "no answer")
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import AutoModelForQuestionAnswering, DataCollatorWithPadding

from llmkit import metrics, pieces
from llmkit.config import DataSourceConfig, ModelConfig, RunConfig
from llmkit.data import batches_by_length, prepare_once, subset
from llmkit.errors import ConfigError, UserError
from llmkit.models import TrainedRun, check_fits, ensure_pad_token, load_model, load_model_config, load_tokenizer
from llmkit.recipe import CardInfo, Metric, Recipe, Task
from recipes.qa_data import load_examples, make_example, resolve_version_2


@dataclass
class DataConfig(DataSourceConfig):
    """Where the questions come from, how to read them, and how answers are found."""

    train: str = "data/qa/train.json"
    """Training data: a SQuAD-layout .json file, a csv/jsonl/json/parquet file of flat rows, or a hub dataset id."""
    validation: str | None = "data/qa/validation.json"
    """Validation data (same forms), or null to train without evaluation."""
    id_column: str = "id"
    """Column (or SQuAD question key) holding a question's id; row numbers are used when a flat file lacks it."""
    question_column: str = "question"
    """Column (or SQuAD question key) holding the question."""
    context_column: str = "context"
    """Column (or SQuAD paragraph key) holding the passage the answer is taken from."""
    answers_column: str = "answers"
    """Column (or SQuAD question key) holding the answers: {"text": [...], "answer_start": [...]} or a list of
    {"text", "answer_start"} records (a JSON string of either in csv files)."""
    version_2_with_negative: bool | None = None
    """SQuAD v2 mode: questions may have no answer. Unset: on when the data holds unanswerable questions."""
    fix_offsets: bool = False
    """Repair answer_start values that are off by up to 10 characters instead of stopping."""
    max_length: int = 384
    """Tokens per window (question + context + special tokens)."""
    doc_stride: int = 128
    """Tokens shared by consecutive windows of a long context."""
    max_answer_length: int = 30
    """Longest answer, in tokens, the post-processing may return."""
    n_best: int = 20
    """Start and end positions considered per window."""
    null_score_threshold: float = 0.0
    """v2: answer "" when the no-answer score beats the best span's score by more than this."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.doc_stride < 1 or self.doc_stride >= self.max_length:
            raise ConfigError(f"'doc_stride' must be between 1 and max_length - 1, got {self.doc_stride}")
        for name in ("max_answer_length", "n_best"):
            if getattr(self, name) < 1:
                raise ConfigError(f"'{name}' must be at least 1, got {getattr(self, name)}")


@dataclass
class Config(RunConfig):
    """Extractive question-answering run."""

    output_dir: str = "runs/qa"
    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)


def build(config: Config, accelerator: Any) -> Task:
    """Load and check the data, tokenizer and model; return the task the runner trains."""
    tokenizer = load_tokenizer(config.model)
    model_config = load_model_config(config.model)
    check_model_fits(tokenizer, model_config, config.data)
    ensure_pad_token(tokenizer, model_config)
    version_2, eval_examples, train_features, eval_features = prepare_once(
        accelerator, lambda: prepare_data(config, tokenizer)
    )
    # The v2 mode detected from the data is recorded in run_config.yaml (`Task.resolved`), for `predict`.
    data = replace(config.data, version_2_with_negative=version_2)
    model = load_model(AutoModelForQuestionAnswering, config.model, model_config)
    pieces.own_span_loss(model)  # each window's loss over its own positions, also over a batch's pieces
    squad = metrics.load("squad")
    collate = DataCollatorWithPadding(tokenizer, pad_to_multiple_of=8 if accelerator.device.type == "cuda" else None)

    def compute_metrics(outputs: dict[str, Any]) -> dict[str, float]:
        answers = best_answers(eval_examples, eval_features, outputs["start_logits"], outputs["end_logits"], data)
        if accelerator.is_main_process:
            write_predictions(Path(config.output_dir), eval_examples, answers, version_2)
        return squad.compute(
            predictions=[answer["answer"] for answer in answers],
            references=[example["answers"]["text"] for example in eval_examples],
            with_negative=version_2,
        )

    return Task(
        model=model,
        tokenizer=tokenizer,
        train_dataset=model_rows(train_features),
        eval_dataset=model_rows(eval_features) if eval_features else None,
        collate_fn=collate,
        # Random batches, run in length-sorted pieces (`train.batching=auto`); pieces cut right-padded rows.
        packed_collate_fn=pieces.PiecesCollator(collate, ("input_ids",)) if tokenizer.padding_side == "right" else None,
        lengths=[len(ids) for ids in train_features["input_ids"]],
        eval_lengths=[len(ids) for ids in eval_features["input_ids"]] if eval_features else None,
        eval_step=lambda model, batch, outputs: {
            "loss": feature_losses(outputs, batch),
            "start_logits": outputs.start_logits.float(),
            "end_logits": outputs.end_logits.float(),
        },
        compute_metrics=compute_metrics if eval_features else None,
        peft_task_type="QUESTION_ANS",
        resolved={"data.version_2_with_negative": version_2},
    )


def prepare_data(config: Config, tokenizer: Any) -> tuple[bool, list[dict], dict[str, list], dict[str, list] | None]:
    """Read and check the questions, resolve the v2 mode, and cut them into windows."""
    data = config.data
    train_examples = load_examples(data.train, data.train_split, "data.train", data)
    eval_examples = (
        load_examples(data.validation, data.validation_split, "data.validation", data) if data.validation else []
    )
    version_2 = resolve_version_2(data.version_2_with_negative, train_examples + eval_examples)
    train_examples = subset(train_examples, data.max_train_examples, config.seed)
    train_features = tokenize(train_examples, tokenizer, data)
    eval_features = tokenize(eval_examples, tokenizer, data) if eval_examples else None
    return version_2, eval_examples, train_features, eval_features


def feature_losses(outputs: Any, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Each window's loss (mean of start and end cross-entropy over its own positions, as in training), so
    evaluation averages exactly over windows."""
    mask = batch["attention_mask"]
    start = pieces.window_losses(outputs.start_logits, batch["start_positions"], mask)
    return (start + pieces.window_losses(outputs.end_logits, batch["end_positions"], mask)) / 2


def check_model_fits(tokenizer: Any, model_config: Any, data: DataConfig) -> None:
    """Offsets need a fast tokenizer, and a window cannot be longer than the model's position table."""
    if not getattr(tokenizer, "is_fast", False):
        raise UserError(
            "model.tokenizer: question answering needs a fast (tokenizers-backed) tokenizer for its offset mapping. "
            "Fix: use a checkpoint that ships a tokenizer.json."
        )
    check_fits(model_config, data.max_length, "data.max_length")


# --------------------------------------------------------------------------------------------------------------
# Windows (features) and their labels


def tokenize(examples: list[dict[str, Any]], tokenizer: Any, data: DataConfig) -> dict[str, list]:
    """Cut each question + context into windows and label where the answer starts and ends in each.

    Returns columns, one entry per window: the model inputs, `start_positions`/`end_positions` (the no-answer
    position when the window misses the answer), `example_index`, `cls_index`, and `context_offsets` (character
    spans of context tokens, None for question, special and padding tokens).
    """
    # Leading spaces in questions only waste window room.
    questions = [example["question"].lstrip() for example in examples]
    check_question_room(examples, questions, tokenizer, data)
    encoded = tokenizer(
        questions,
        [example["context"] for example in examples],
        truncation="only_second",
        max_length=data.max_length,
        stride=data.doc_stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )
    features: dict[str, list] = {name: encoded[name] for name in tokenizer.model_input_names if name in encoded}
    features.update(example_index=encoded["overflow_to_sample_mapping"], context_offsets=[], cls_index=[])
    features.update(start_positions=[], end_positions=[])
    for window, ids in enumerate(encoded["input_ids"]):
        sequence = encoded.sequence_ids(window)
        offsets = [
            span if part == 1 else None for span, part in zip(encoded["offset_mapping"][window], sequence, strict=True)
        ]
        # Models without a CLS token (GPT-2) use their first token for "no answer".
        cls = ids.index(tokenizer.cls_token_id) if tokenizer.cls_token_id in ids else 0
        span = answer_tokens(offsets, examples[features["example_index"][window]]["answers"])
        features["context_offsets"].append(offsets)
        features["cls_index"].append(cls)
        features["start_positions"].append(span[0] if span else cls)
        features["end_positions"].append(span[1] if span else cls)
    return features


def check_question_room(examples: list[dict], questions: list[str], tokenizer: Any, data: DataConfig) -> None:
    """Each window must leave more than `doc_stride` tokens for the context, or it cannot slide along it."""
    special = tokenizer.num_special_tokens_to_add(pair=True)
    for example, ids in zip(examples, tokenizer(questions, add_special_tokens=False)["input_ids"], strict=True):
        room = data.max_length - special - len(ids)
        if room <= data.doc_stride:
            raise UserError(
                f"question {example['id']} has {len(ids)} tokens, which leaves {room} of data.max_length="
                f"{data.max_length} tokens for the context, but it needs more than data.doc_stride={data.doc_stride}. "
                "Fix: raise data.max_length, lower data.doc_stride, or shorten the question."
            )


def answer_tokens(offsets: list[tuple[int, int] | None], answers: dict[str, list]) -> tuple[int, int] | None:
    """First and last token of the first answer, or None when there is none or the window does not hold all of it."""
    if not answers["text"]:
        return None
    first = answers["answer_start"][0]
    last = first + len(answers["text"][0])
    context = [i for i, span in enumerate(offsets) if span is not None]
    if not context or offsets[context[0]][0] > first or offsets[context[-1]][1] < last:
        return None
    start = next(i for i in context if offsets[i][1] > first)
    end = next(i for i in reversed(context) if offsets[i][0] < last)
    return start, end


def model_rows(features: dict[str, list], labels: bool = True) -> list[dict[str, Any]]:
    """One dict per window with what the model takes."""
    names = [n for n in features if n not in ("example_index", "context_offsets", "cls_index")]
    if not labels:
        names = [n for n in names if n not in ("start_positions", "end_positions")]
    return [{name: features[name][i] for name in names} for i in range(len(features["input_ids"]))]


# --------------------------------------------------------------------------------------------------------------
# From logits back to answer text


def best_answers(
    examples: list[dict[str, Any]],
    features: dict[str, list],
    start_logits: list[Any],
    end_logits: list[Any],
    data: DataConfig,
) -> list[dict[str, Any]]:
    """The best span of each example over all its windows.

    Args:
        examples: The questions (their contexts give the answer text).
        features: Windows from `tokenize`.
        start_logits: One 1-D array per window, in window order (positions past the window's tokens are ignored).
        end_logits: The same for span ends.
        data: n_best, max_answer_length, v2 mode and null_score_threshold.

    Returns:
        Per example: `answer` ("" for no answer), `start`/`end` character offsets, `score` (the answer's
        probability among the n-best spans and, in v2, no-answer) and `null_odds` (no-answer score minus the
        best span's score), and `n_best`: the distinct best spans, each with `answer`, `start`, `end`, `score`.
    """
    windows: list[list[int]] = [[] for _ in examples]
    for window, example in enumerate(features["example_index"]):
        windows[example].append(window)
    results = []
    for example, own in zip(examples, windows, strict=True):
        spans, null = [], float("inf")
        for window in own:
            offsets = features["context_offsets"][window]
            starts = np.asarray(start_logits[window], dtype=np.float64)[: len(offsets)]
            ends = np.asarray(end_logits[window], dtype=np.float64)[: len(offsets)]
            cls = features["cls_index"][window]
            # The weakest no-answer score over the windows: one window holding the answer is enough.
            null = min(null, starts[cls] + ends[cls])
            for i in np.argsort(starts)[::-1][: data.n_best]:
                for j in np.argsort(ends)[::-1][: data.n_best]:
                    if offsets[i] is None or offsets[j] is None or j < i or j - i + 1 > data.max_answer_length:
                        continue
                    spans.append((starts[i] + ends[j], offsets[i][0], offsets[j][1]))
        results.append(choose_answer(example["context"], spans, null, data))
    return results


def choose_answer(context: str, spans: list[tuple[float, int, int]], null: float, data: DataConfig) -> dict:
    spans = sorted(spans, reverse=True)[: data.n_best]
    scores = np.array([score for score, _, _ in spans] + ([null] if data.version_2_with_negative else []))
    probabilities = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum() if len(scores) else scores
    null_odds = float(null - spans[0][0]) if spans else float("inf")
    if not spans or (data.version_2_with_negative and null_odds > data.null_score_threshold):
        score = float(probabilities[-1]) if data.version_2_with_negative else 0.0
        return {"answer": "", "start": None, "end": None, "score": score, "null_odds": null_odds, "n_best": []}
    n_best, seen = [], set()
    for (_, start, end), probability in zip(spans, probabilities, strict=False):
        if (start, end) not in seen:  # overlapping windows can propose the same span twice
            seen.add((start, end))
            n_best.append(_span(context, start, end, float(probability)))
    return {**n_best[0], "null_odds": null_odds, "n_best": n_best}


def _span(context: str, start: int, end: int, score: float) -> dict[str, Any]:
    # Byte-level tokens (GPT-2) carry their leading space: keep it out of the answer.
    start += len(context[start:end]) - len(context[start:end].lstrip())
    return {"answer": context[start:end], "start": start, "end": end, "score": score}


def write_predictions(output: Path, examples: list[dict], answers: list[dict], version_2: bool) -> None:
    """predictions.json (id -> answer text) and, for v2, null_odds.json, in the official SQuAD formats."""
    output.mkdir(parents=True, exist_ok=True)
    predictions = {example["id"]: answer["answer"] for example, answer in zip(examples, answers, strict=True)}
    (output / "predictions.json").write_text(json.dumps(predictions, indent=1, ensure_ascii=False), encoding="utf-8")
    if version_2:
        odds = {example["id"]: answer["null_odds"] for example, answer in zip(examples, answers, strict=True)}
        (output / "null_odds.json").write_text(json.dumps(odds, indent=1), encoding="utf-8")


# --------------------------------------------------------------------------------------------------------------
# Inference (the `llmkit predict` contract)


def predict(run: TrainedRun, records: list[dict[str, str]], options: dict[str, Any]) -> list[dict[str, Any]]:
    """Answer each record's `question` from its `context`: `answer` ("" when a v2 model finds none), `score`,
    `start`/`end` character offsets into the context, and `n_best`: the best spans (`data.n_best` at most), each
    with its answer, offsets and score, best first. Windows are batched by length (little padding to compute)."""
    # Records name their fields as `predict_fields` do, whatever the training data's columns were called.
    data = replace(
        run.config.data, id_column="id", question_column="question", context_column="context", answers_column="answers"
    )
    examples = [
        make_example(f"record {n + 1}", {"answers": None, **record}, record.get("context"), data, str(n))
        for n, record in enumerate(records)
    ]
    tokenizer = run.tokenizer()
    model = run.model(AutoModelForQuestionAnswering)
    features = tokenize(examples, tokenizer, data)
    rows, collate = model_rows(features, labels=False), DataCollatorWithPadding(tokenizer)
    starts, ends = [None] * len(rows), [None] * len(rows)
    for chosen in batches_by_length([len(ids) for ids in features["input_ids"]], options["batch_size"]):
        with torch.no_grad():
            outputs = model(**collate([rows[i] for i in chosen]).to(run.device))
        for i, start, end in zip(chosen, outputs.start_logits.cpu(), outputs.end_logits.cpu(), strict=True):
            starts[i], ends[i] = start, end
    answers = best_answers(examples, features, starts, ends, data)
    return [{key: answer[key] for key in ("answer", "score", "start", "end", "n_best")} for answer in answers]


RECIPE = Recipe(
    name="qa",
    description="extractive question answering (SQuAD v1.1/v2.0) with BERT-style encoders",
    config=Config,
    build=build,
    metrics=(
        Metric("exact_match", higher_is_better=True, description="percent of answers equal to a gold answer"),
        Metric("f1", higher_is_better=True, description="token F1 against the best gold answer, in percent"),
        *(
            Metric(f"{part}_{name}", higher_is_better=name != "total", description=f"v2: {name} on {part} questions")
            for part in ("HasAns", "NoAns")
            for name in ("exact", "f1", "total")
        ),
    ),
    default_metric="f1",
    predict=predict,
    predict_fields=("question", "context"),
    card=CardInfo(
        pipeline_tag="question-answering",
        task_name="Extractive question answering",
        examples=(
            {"question": "Who built it?", "context": "The bridge was built by Ada Lee in 1901 and still stands."},
            {
                "question": "When does the market open?",
                "context": "The town market opens at seven on Saturdays and closes at noon.",
            },
        ),
        usage=(
            "import torch\n"
            "from transformers import AutoModelForQuestionAnswering, AutoTokenizer\n\n"
            'tokenizer = AutoTokenizer.from_pretrained("{where}")\n'
            'model = AutoModelForQuestionAnswering.from_pretrained("{where}")\n'
            'question, context = "Who built it?", "It was built by Ada Lee in 1901."\n'
            'inputs = tokenizer(question, context, return_tensors="pt")\n'
            "with torch.no_grad():\n"
            "    outputs = model(**inputs)\n"
            "start, end = int(outputs.start_logits.argmax()), int(outputs.end_logits.argmax())\n"
            "print(tokenizer.decode(inputs.input_ids[0, start : end + 1]))"
        ),
    ),
)
