"""Text classification: fine-tune a BERT-style encoder or GPT-2 to label texts or sentence pairs, or to score them.

Run it:
    make finetune RECIPE=sentiment                               the bundled sentiment data (runs/sentiment)
    make finetune RECIPE=classification CONFIG=recipes/configs/classification/paraphrase.yaml    sentence pairs
    make finetune RECIPE=classification CONFIG=recipes/configs/classification/similarity.yaml    regression
    llmkit train classification --config recipes/configs/classification/glue_mrpc.yaml         GLUE (online)
    llmkit train classification model.name=gpt2 data.train=reviews.jsonl data.text_column=review
    llmkit predict runs/sentiment --text "A wonderful, warm film."     (or --file reviews.csv, or stdin; --json)
    llmkit predict runs/paraphrase --text "It rained." --text_pair "There was rain."
    ACCELERATE_USE_CPU=1 accelerate launch --multi_gpu --num_processes 2 -m llmkit train sentiment

What it does:
    - any `AutoModelForSequenceClassification` checkpoint: the packaged MiniLM (offline) by default, any hub id or
      local folder; GPT-2 gets its missing pad token set up automatically
    - data from local csv/tsv/json/jsonl/parquet files or a hub dataset, with configurable text and label columns
    - sentence pairs (`data.text_pair_column`): BERT-style tokenizers join the texts with their separator and
      segment ids; tokenizers with no separator (GPT-2) get the EOS token between the two texts. Beyond
      `data.max_length`, `data.truncation` says which text loses tokens (the longer one first, by default)
    - `data.problem`: `single_label` (softmax + cross-entropy; accuracy, macro-F1, Matthews correlation and, with
      `data.positive_label`, that label's F1), `multi_label` (labels as a list column or a delimited string;
      sigmoid + binary cross-entropy, a label is predicted above `data.threshold`; micro/macro F1 and exact match)
      or `regression` (one output, mean squared error; Pearson, Spearman, MSE). There is no `auto`: a column of
      numbers can be class ids or scores, so the problem is said, not guessed
    - string labels are mapped to ids and the mapping is saved in the model config (`id2label`, and the problem
      type), so `pipeline("text-classification", model=OUTPUT_DIR)` prints label names (sigmoid scores for
      multi-label, the raw score for regression)
    - packed training batches for BERT-family and GPT-2 models (`llmkit/packing.py`): random batches without
      padding, for every problem type and for pairs
    - metrics computed through the evaluate modules llmkit ships; GLUE's nine tasks as configs in
      `recipes/configs/classification/glue_*.yaml`
    - `predict`: the label and the probability of every label (single-label), every label above the threshold
      (multi-label), or the score (regression)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import datasets
import torch
from torch.nn import functional
from transformers import AutoModelForSequenceClassification, BatchEncoding, DataCollatorWithPadding

from llmkit import metrics, packing
from llmkit.config import DataSourceConfig, ModelConfig, RunConfig
from llmkit.data import batches_by_length, load_split, prepare_once, require_columns, row_location, subset
from llmkit.errors import ConfigError, UserError
from llmkit.models import TrainedRun, check_fits, ensure_pad_token, load_model, load_model_config, load_tokenizer
from llmkit.recipe import CardInfo, Metric, PredictOption, Recipe, Task

# data.problem -> the transformers problem type, which picks the loss and the pipeline's score function
PROBLEM_TYPES = {
    "single_label": "single_label_classification",
    "multi_label": "multi_label_classification",
    "regression": "regression",
}
TRUNCATIONS = ("longest_first", "only_first", "only_second")
# The metrics each problem type reports, its default (best-checkpoint) metric first.
PROBLEM_METRICS = {
    "single_label": ("accuracy", "f1", "matthews_correlation"),
    "multi_label": ("f1_micro", "f1_macro", "exact_match"),
    "regression": ("pearson", "spearmanr", "mse"),
}
REGRESSION_OUTPUT = "score"  # the one output's name in id2label


@dataclass
class DataConfig(DataSourceConfig):
    """Where the labelled text comes from and how to read it."""

    train: str = "data/sentiment/train.csv"
    """Training data: a csv/tsv/json/jsonl/parquet file, or a hub dataset id."""
    validation: str | None = "data/sentiment/validation.csv"
    """Validation data (a file or hub dataset id), or null to train without evaluation."""
    text_column: str = "text"
    """Column holding the text (the first text of a pair)."""
    text_pair_column: str | None = None
    """Column holding the second text of a sentence pair (e.g. `sentence2`), or null for single texts."""
    label_column: str = "label"
    """Column holding the label: a string or integer id; a list or delimited string (multi_label); a number
    (regression)."""
    problem: str = "single_label"
    """single_label (one class per text), multi_label (any number of classes per text) or regression (a score)."""
    labels: list[str] | None = None
    """The label names in id order. Unset: the sorted distinct labels of the training data (a hub dataset's
    class names when its label column has them)."""
    label_delimiter: str = ","
    """multi_label: separates the labels of a row given as one string (`sports,politics`)."""
    threshold: float = 0.5
    """multi_label: a label is predicted when its probability is above this."""
    positive_label: str | None = None
    """single_label: also report `f1_positive`, the F1 of this label (GLUE's F1 for MRPC and QQP)."""
    max_length: int = 128
    """Longer inputs (a text, or both texts of a pair) are truncated to this many tokens."""
    truncation: str = "longest_first"
    """Which text of a pair loses tokens beyond max_length: longest_first (the longer one, token by token),
    only_first or only_second."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_length < 2:
            raise ConfigError(f"'max_length' must be at least 2, got {self.max_length}")
        if self.problem not in PROBLEM_TYPES:
            raise ConfigError(f"'problem' must be one of {', '.join(PROBLEM_TYPES)}, got {self.problem!r}")
        if self.truncation not in TRUNCATIONS:
            raise ConfigError(f"'truncation' must be one of {', '.join(TRUNCATIONS)}, got {self.truncation!r}")
        if not 0 < self.threshold < 1:
            raise ConfigError(f"'threshold' must be between 0 and 1, got {self.threshold}")
        if self.problem == "regression" and self.labels is not None:
            raise ConfigError("'labels' names classes, and a regression has none. Fix: remove data.labels.")
        if self.labels is not None and len(set(self.labels)) < (1 if self.problem == "multi_label" else 2):
            raise ConfigError(f"'labels' needs at least two distinct names, got {self.labels}")
        if self.positive_label is not None and self.problem != "single_label":
            raise ConfigError("'positive_label' is for single_label problems. Fix: remove data.positive_label.")
        if self.positive_label is not None and self.labels is not None and self.positive_label not in self.labels:
            raise ConfigError(f"'positive_label' {self.positive_label!r} is not one of the labels {self.labels}")


@dataclass
class Config(RunConfig):
    """Text classification run."""

    output_dir: str = "runs/classification"
    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)


@dataclass
class SentimentConfig(Config):
    """The classifier under its first name, `sentiment` (on the bundled sentiment data by default)."""

    output_dir: str = "runs/sentiment"


def build(config: Config, accelerator: Any) -> Task:
    """Load and check the data, tokenizer and model; return the task the runner trains."""
    data = config.data
    tokenizer = load_tokenizer(config.model)
    model_config = load_model_config(config.model)
    check_fits(model_config, data.max_length, "data.max_length")
    names, train, validation = prepare_once(accelerator, lambda: prepare_data(config, tokenizer))
    model_config.problem_type = PROBLEM_TYPES[data.problem]
    model_config.num_labels = len(names)  # the setter makes placeholder names; the real ones follow
    model_config.id2label, model_config.label2id = dict(enumerate(names)), {name: i for i, name in enumerate(names)}
    ensure_pad_token(tokenizer, model_config)
    model = load_model(AutoModelForSequenceClassification, config.model, model_config)
    collate = DataCollatorWithPadding(tokenizer, pad_to_multiple_of=8 if accelerator.device.type == "cuda" else None)
    return Task(
        model=model,
        tokenizer=tokenizer,
        train_dataset=train,
        eval_dataset=validation,
        collate_fn=collate,
        lengths=list(train["meta_length"]),
        eval_lengths=list(validation["meta_length"]) if validation is not None else None,
        eval_step=lambda model, batch, outputs: {
            "predictions": _decide(data, outputs.logits),
            "references": batch["labels"],
            "loss": _example_losses(data, outputs.logits, batch["labels"]),
        },
        compute_metrics=_metrics_computer(data, names),
        packed_collate_fn=packing.packing_collator(model, collate),
        peft_task_type="SEQ_CLS",
        # The label names in id order, for verbs that read new data (evaluate): its labels map to the same ids.
        resolved={} if data.problem == "regression" else {"data.labels": names},
    )


def _decide(data: DataConfig, logits: torch.Tensor) -> torch.Tensor:
    """The model's answer per example: a class id, a 0/1 vector over the labels, or a score."""
    if data.problem == "regression":
        return logits.squeeze(-1)
    if data.problem == "multi_label":
        return (logits.sigmoid() > data.threshold).long()
    return logits.argmax(-1)


def _example_losses(data: DataConfig, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Each example's own loss (the model's loss is the batch mean), so the validation loss is exact however the
    batches split across processes."""
    if data.problem == "regression":
        return (logits.squeeze(-1) - labels).pow(2)
    if data.problem == "multi_label":
        return functional.binary_cross_entropy_with_logits(logits, labels, reduction="none").mean(-1)
    return functional.cross_entropy(logits, labels, reduction="none")


def _metrics_computer(data: DataConfig, names: list[str]) -> Callable[[dict[str, Any]], dict[str, float]]:
    """`compute_metrics` for the problem type: the metrics `PROBLEM_METRICS` names (and `f1_positive`)."""
    if data.problem == "regression":
        correlation = metrics.load("correlation")
        return lambda outputs: correlation.compute(predictions=outputs["predictions"], references=outputs["references"])
    if data.problem == "multi_label":
        multilabel = metrics.load("multilabel")
        return lambda outputs: multilabel.compute(
            predictions=torch.stack(outputs["predictions"]).tolist(),
            references=torch.stack(outputs["references"]).long().tolist(),
        )
    accuracy, f1, matthews = metrics.load("accuracy"), metrics.load("f1"), metrics.load("matthews_correlation")

    def compute(outputs: dict[str, torch.Tensor]) -> dict[str, float]:
        inputs = {"predictions": outputs["predictions"], "references": outputs["references"]}
        scores = {**accuracy.compute(**inputs), **f1.compute(**inputs), **matthews.compute(**inputs)}
        if data.positive_label is not None:
            scores["f1_positive"] = f1.compute(**inputs, positive=names.index(data.positive_label))["f1"]
        return scores

    return compute


def prepare_data(config: Config, tokenizer: Any) -> tuple[list[str], datasets.Dataset, datasets.Dataset | None]:
    """The label (output) names and the tokenized training and validation sets."""
    data = config.data
    raw_train = _load(data.train, data.train_split, "data.train", data)
    names = _output_names(raw_train, data)
    train = subset(
        _tokenize(raw_train, data.train, "data.train", tokenizer, names, data), data.max_train_examples, config.seed
    )
    validation = None
    if data.validation:
        raw_validation = _load(data.validation, data.validation_split, "data.validation", data)
        validation = _tokenize(raw_validation, data.validation, "data.validation", tokenizer, names, data)
    return names, train, validation


def _load(source: str, split: str, key: str, data: DataConfig) -> datasets.Dataset:
    dataset = load_split(source, split=split, config_name=data.dataset_config, key=key)
    columns = {"data.text_column": data.text_column, "data.label_column": data.label_column}
    if data.text_pair_column is not None:
        columns["data.text_pair_column"] = data.text_pair_column
    require_columns(dataset, columns, source)
    return dataset


def _output_names(train: datasets.Dataset, data: DataConfig) -> list[str]:
    """The model's output names in id order: the labels, or the one score of a regression."""
    if data.problem == "regression":
        return [REGRESSION_OUTPUT]
    feature = train.features.get(data.label_column)
    if data.labels is not None:
        names = list(data.labels)
    elif data.problem == "multi_label":
        names = sorted({name for row in _label_sets(train, "data.train", "", data, None) for name in row})
        if not names:
            raise UserError(
                f"data.train: column '{data.label_column}' names no labels at all. Fix: check data.label_column."
            )
    elif isinstance(feature, datasets.ClassLabel):
        names = list(feature.names)  # a hub dataset's class names (GLUE's `equivalent`, `entailment`, ...)
    else:
        names = _label_names(train, data.label_column)
    if data.positive_label is not None and data.positive_label not in names:
        raise ConfigError(f"config: 'data.positive_label' {data.positive_label!r} is not one of the labels {names}")
    return names


def _label_names(train: datasets.Dataset, column: str) -> list[str]:
    """The single-label names in id order: integer ids 0..N-1 as they are, other labels sorted.

    Raises:
        UserError: When the training data holds fewer than two labels (a one-output head learns nothing), or
            integer ids with gaps ({0, 1, 7} would silently make eight classes).
    """
    values = {v for v in train[column] if v is not None}
    fix = "Fix: check data.label_column, or name every class in id order with data.labels=[...]."
    if len(values) < 2:
        raise UserError(
            f"data.train: column '{column}' holds {len(values)} distinct label(s) {sorted(values)}; a classifier "
            f"needs two or more. {fix}"
        )
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        if sorted(values) != list(range(len(values))):
            raise UserError(
                f"data.train: the integer labels {sorted(values)} are not the ids 0..{len(values) - 1}, so the class "
                f"count is unclear. {fix}"
            )
        return [str(v) for v in range(len(values))]
    return sorted(str(v) for v in values)


def _labels(dataset: datasets.Dataset, source: str, key: str, names: list[str], data: DataConfig) -> list[Any]:
    """Each row's training target: a class id, a 0/1 float vector over `names`, or a float score."""
    if data.problem == "regression":
        return _scores(dataset, source, key, data)
    if data.problem == "multi_label":
        index = {name: i for i, name in enumerate(names)}
        return [[float(name in row) for name in index] for row in _label_sets(dataset, key, source, data, names)]
    return _label_ids(dataset, source, key, names, data)


def _label_ids(dataset: datasets.Dataset, source: str, key: str, names: list[str], data: DataConfig) -> list[int]:
    """Map each row's label to its id, failing on the first label outside `names` with its file and line."""
    index = {name: i for i, name in enumerate(names)}
    ids = []
    for row, value in enumerate(dataset[data.label_column]):
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(names):
            ids.append(value)
        elif value is not None and str(value) in index:
            ids.append(index[str(value)])
        else:
            where = row_location(row, key, source)
            raise UserError(
                f"{where}: label {value!r} is not one of the labels {names}. Fix: correct the row, or declare "
                "the full label set with data.labels=[...]."
            )
    return ids


def _label_sets(
    dataset: datasets.Dataset, key: str, source: str, data: DataConfig, names: list[str] | None
) -> list[list[str]]:
    """Each row's multi-label set (a list, or a `data.label_delimiter`-separated string), checked against `names`.

    An empty list, string or csv cell is a text with none of the labels.
    """
    sets = []
    for row, value in enumerate(dataset[data.label_column]):
        if value is None:
            labels = []
        elif isinstance(value, str):
            labels = [part.strip() for part in value.split(data.label_delimiter) if part.strip()]
        elif isinstance(value, list) and all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
            labels = [str(v) for v in value]
        else:
            raise UserError(
                f"{row_location(row, key, source)}: column '{data.label_column}' must hold a list of labels or a "
                f"'{data.label_delimiter}'-separated string, got {value!r}. Fix: correct the row."
            )
        unknown = [label for label in labels if names is not None and label not in names]
        if unknown:
            raise UserError(
                f"{row_location(row, key, source)}: label(s) {unknown} are not among the labels {names}. Fix: "
                "correct the row, or declare the full label set with data.labels=[...]."
            )
        sets.append(labels)
    return sets


def _scores(dataset: datasets.Dataset, source: str, key: str, data: DataConfig) -> list[float]:
    """Each row's regression target as a finite float, failing on the first that is not a number."""
    scores = []
    for row, value in enumerate(dataset[data.label_column]):
        try:
            score = float(value) if not isinstance(value, bool) else math.nan
        except (TypeError, ValueError):
            score = math.nan
        if not math.isfinite(score):
            raise UserError(
                f"{row_location(row, key, source)}: column '{data.label_column}' must hold a number for a "
                f"regression, got {value!r}. Fix: correct the row, or check data.label_column and data.problem."
            )
        scores.append(score)
    return scores


def _texts(dataset: datasets.Dataset, source: str, key: str, column: str, setting: str) -> list[str]:
    """The column's texts, failing on the first row whose text is missing or blank."""
    texts = list(dataset[column])
    for row, text in enumerate(texts):
        if not isinstance(text, str) or not text.strip():
            where = row_location(row, key, source)
            raise UserError(
                f"{where}: column '{column}' must hold non-empty text, got {text!r}. "
                f"Fix: correct or remove the row, or point {setting} at the text column."
            )
    return texts


def encode(
    tokenizer: Any, data: DataConfig, texts: list[str], pairs: list[str] | None, **options: Any
) -> BatchEncoding:
    """Tokenize texts (and their pair texts) as training and `predict` both do.

    Tokenizers with a separator token (BERT's [SEP]) join a pair with it and mark the second text with segment ids;
    GPT-2's has none and would run the texts together, so its EOS token goes between them.
    """
    if pairs is None:
        return tokenizer(texts, truncation=True, max_length=data.max_length, **options)
    if tokenizer.sep_token is None:
        pairs = [tokenizer.eos_token + pair for pair in pairs]
    return tokenizer(texts, pairs, truncation=data.truncation, max_length=data.max_length, **options)


def _tokenize(
    dataset: datasets.Dataset, source: str, key: str, tokenizer: Any, names: list[str], data: DataConfig
) -> datasets.Dataset:
    """Check every row's texts and label, then tokenize (no padding: the collator pads each batch)."""
    texts = _texts(dataset, source, key, data.text_column, "data.text_column")
    pairs = None
    if data.text_pair_column is not None:
        pairs = _texts(dataset, source, key, data.text_pair_column, "data.text_pair_column")
    labels = _labels(dataset, source, key, names, data)
    encoded = encode(tokenizer, data, texts, pairs)
    columns = {name: encoded[name] for name in encoded}
    columns["labels"] = labels
    columns["meta_length"] = [len(ids) for ids in encoded["input_ids"]]  # for the sampler, not the model
    return datasets.Dataset.from_dict(columns)


def predict(run: TrainedRun, records: list[dict[str, str]], options: dict[str, Any]) -> list[dict[str, Any]]:
    """Label or score each record's `text` (and `text_pair`).

    Returns, per record: `{"label", "score", "scores": {label: probability}}` (single-label),
    `{"labels": [labels above the threshold], "scores": {label: probability}}` (multi-label) or `{"score"}`
    (regression). Records are batched by length (little padding to compute) and answered in their own order.
    """
    data = run.config.data
    tokenizer = run.tokenizer()
    model = run.model(AutoModelForSequenceClassification)
    names = [model.config.id2label[i] for i in range(model.config.num_labels)]
    threshold = options.get("threshold") or data.threshold
    pairs = [record["text_pair"] for record in records] if data.text_pair_column is not None else None
    encoded = encode(tokenizer, data, [record["text"] for record in records], pairs)
    results: list[dict[str, Any]] = [{} for _ in records]
    for chosen in batches_by_length([len(ids) for ids in encoded["input_ids"]], options["batch_size"]):
        batch = tokenizer.pad([{key: encoded[key][i] for key in encoded} for i in chosen], return_tensors="pt")
        with torch.no_grad():
            logits = model(**batch.to(run.device)).logits
        for index, result in zip(chosen, _results(logits, data.problem, names, threshold), strict=True):
            results[index] = result
    return results


def _results(logits: torch.Tensor, problem: str, names: list[str], threshold: float) -> list[dict[str, Any]]:
    """`predict`'s result for each row of a batch's logits."""
    if problem == "regression":
        return [{"score": score} for score in logits.squeeze(-1).tolist()]
    if problem == "multi_label":
        return [
            {
                "labels": [name for name, p in zip(names, row, strict=True) if p > threshold],
                "scores": dict(zip(names, row, strict=True)),
            }
            for row in logits.sigmoid().tolist()
        ]
    results = []
    for row in logits.softmax(-1).tolist():
        best = max(range(len(row)), key=row.__getitem__)
        results.append({"label": names[best], "score": row[best], "scores": dict(zip(names, row, strict=True))})
    return results


PAIR_EXAMPLES = (
    {"text": "The meeting moved to Friday.", "text_pair": "The meeting is now on Friday."},
    {"text": "She sold the old car last spring.", "text_pair": "She bought a new bicycle last spring."},
)
THRESHOLD = PredictOption(
    "threshold", float, "multi-label: predict the labels whose probability is above this", setting="data.threshold"
)


def specialize(recipe: Recipe, config: Config) -> Recipe:
    """The declaration of a run: its problem type's metrics, and the pair field when it reads sentence pairs."""
    data = config.data
    wanted = PROBLEM_METRICS[data.problem] + (("f1_positive",) if data.positive_label is not None else ())
    pair = data.text_pair_column is not None
    example = (
        '{"text": "The meeting moved to Friday.", "text_pair": "The meeting is now on Friday."}'
        if pair
        else recipe.card.example
    )
    examples = PAIR_EXAMPLES if pair else recipe.card.examples
    if data.problem == "multi_label":
        example += ", top_k=None"  # every label's sigmoid score, not just the best one
    return replace(
        recipe,
        metrics=tuple(metric for metric in recipe.metrics if metric.name in wanted),
        default_metric=wanted[0],
        predict_fields=("text", "text_pair") if pair else ("text",),
        predict_options=(THRESHOLD,) if data.problem == "multi_label" else (),
        card=replace(recipe.card, example=example, examples=examples),
    )


RECIPE = Recipe(
    name="classification",
    description="text and sentence-pair classification and regression with BERT-style encoders or GPT-2",
    config=Config,
    build=build,
    metrics=(
        Metric("accuracy", higher_is_better=True, description="single-label: share of texts given their label"),
        Metric("f1", higher_is_better=True, description="single-label: macro-averaged F1 over the labels"),
        Metric("matthews_correlation", higher_is_better=True, description="single-label: Matthews correlation"),
        Metric("f1_positive", higher_is_better=True, description="single-label: F1 of data.positive_label"),
        Metric("f1_micro", higher_is_better=True, description="multi-label: F1 over every (text, label) decision"),
        Metric("f1_macro", higher_is_better=True, description="multi-label: F1 averaged over the labels"),
        Metric("exact_match", higher_is_better=True, description="multi-label: share of texts with every label right"),
        Metric("pearson", higher_is_better=True, description="regression: Pearson correlation"),
        Metric("spearmanr", higher_is_better=True, description="regression: Spearman rank correlation"),
        Metric("mse", higher_is_better=False, description="regression: mean squared error"),
    ),
    default_metric="accuracy",
    predict=predict,
    predict_fields=("text",),
    card=CardInfo(
        pipeline_tag="text-classification",
        task_name="Text classification",
        example='"A wonderful, warm and funny film."',
        examples=(
            {"text": "A wonderful, warm and funny film."},
            {"text": "Two hours of my life I will never get back."},
            {"text": "The plot drags, but the cast is a joy to watch."},
        ),
        limitations="Scores are softmax (multi-label: sigmoid) outputs of the training labels, not calibrated "
        "confidences.",
    ),
    specialize=specialize,
)
SENTIMENT = replace(
    RECIPE,
    name="sentiment",
    description="text classification (sentiment) with BERT-style encoders or GPT-2",
    config=SentimentConfig,
    card=replace(RECIPE.card, tags=("sentiment-analysis",)),
)
