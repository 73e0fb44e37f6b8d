"""Text classification: fine-tune a BERT-style encoder or GPT-2 to label text (`sentiment` is this recipe too).

Run it:
    make finetune RECIPE=sentiment                               the bundled sentiment data (runs/sentiment)
    llmkit train classification --config recipes/configs/sentiment/default.yaml train.epochs=2
    llmkit train classification model.name=gpt2 data.train=reviews.jsonl data.text_column=review
    llmkit predict runs/sentiment --text "A wonderful, warm film."     (or --file reviews.txt, or stdin; --json)
    ACCELERATE_USE_CPU=1 accelerate launch --multi_gpu --num_processes 2 -m llmkit train sentiment

What it does:
    - any `AutoModelForSequenceClassification` checkpoint: the packaged MiniLM (offline) by default, any hub id or
      local folder; GPT-2 gets its missing pad token set up automatically
    - data from local csv/tsv/json/jsonl/parquet files or a hub dataset, with configurable text and label columns
    - string labels are mapped to ids and the mapping is saved in the model config (`id2label`), so
      `pipeline("text-classification", model=OUTPUT_DIR)` prints label names
    - packed training batches for BERT-family models (`llmkit/packing.py`): random batches without padding
    - accuracy and macro-F1, computed through the evaluate modules llmkit ships
    - `predict`: the label and the probability of every label for each text
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import datasets
import torch
from transformers import AutoModelForSequenceClassification, DataCollatorWithPadding

from llmkit import metrics, packing
from llmkit.config import DataSourceConfig, ModelConfig, RunConfig
from llmkit.data import load_split, prepare_once, require_columns, row_location, subset
from llmkit.errors import ConfigError, UserError
from llmkit.models import TrainedRun, check_fits, ensure_pad_token, load_model, load_model_config, load_tokenizer
from llmkit.recipe import CardInfo, Metric, Recipe, Task


@dataclass
class DataConfig(DataSourceConfig):
    """Where the labelled text comes from and how to read it."""

    train: str = "data/sentiment/train.csv"
    """Training data: a csv/tsv/json/jsonl/parquet file, or a hub dataset id."""
    validation: str | None = "data/sentiment/validation.csv"
    """Validation data (a file or hub dataset id), or null to train without evaluation."""
    text_column: str = "text"
    """Column holding the text."""
    label_column: str = "label"
    """Column holding the label (a string, or an integer id)."""
    labels: list[str] | None = None
    """The label names in id order. Unset: the sorted distinct labels of the training data."""
    max_length: int = 128
    """Longer texts are truncated to this many tokens."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_length < 2:
            raise ConfigError(f"'max_length' must be at least 2, got {self.max_length}")
        if self.labels is not None and len(set(self.labels)) < 2:
            raise ConfigError(f"'labels' needs at least two distinct names, got {self.labels}")


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
    tokenizer = load_tokenizer(config.model)
    model_config = load_model_config(config.model)
    check_fits(model_config, config.data.max_length, "data.max_length")
    names, train, validation = prepare_once(accelerator, lambda: prepare_data(config, tokenizer))
    model_config.num_labels = len(names)  # the setter makes placeholder names; the real ones follow
    model_config.id2label, model_config.label2id = dict(enumerate(names)), {name: i for i, name in enumerate(names)}
    ensure_pad_token(tokenizer, model_config)
    model = load_model(AutoModelForSequenceClassification, config.model, model_config)
    collate = DataCollatorWithPadding(tokenizer, pad_to_multiple_of=8 if accelerator.device.type == "cuda" else None)
    accuracy, f1 = metrics.load("accuracy"), metrics.load("f1")

    def compute_metrics(outputs: dict[str, torch.Tensor]) -> dict[str, float]:
        inputs = {"predictions": outputs["predictions"], "references": outputs["references"]}
        return {**accuracy.compute(**inputs), **f1.compute(**inputs)}

    return Task(
        model=model,
        tokenizer=tokenizer,
        train_dataset=train,
        eval_dataset=validation,
        collate_fn=collate,
        lengths=list(train["meta_length"]),
        eval_lengths=list(validation["meta_length"]) if validation is not None else None,
        eval_step=lambda model, batch, outputs: {
            "predictions": outputs.logits.argmax(-1),
            "references": batch["labels"],
        },
        compute_metrics=compute_metrics,
        packed_collate_fn=packing.packing_collator(model, collate),
        peft_task_type="SEQ_CLS",
    )


def prepare_data(config: Config, tokenizer: Any) -> tuple[list[str], datasets.Dataset, datasets.Dataset | None]:
    """The label names and the tokenized training and validation sets."""
    data = config.data
    raw_train = _load(data.train, data.train_split, "data.train", data)
    names = data.labels or _label_names(raw_train, data.label_column)
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
    require_columns(dataset, {"data.text_column": data.text_column, "data.label_column": data.label_column}, source)
    return dataset


def _label_names(train: datasets.Dataset, column: str) -> list[str]:
    """The label names in id order: integer ids 0..N-1 as they are, other labels sorted.

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


def _tokenize(
    dataset: datasets.Dataset, source: str, key: str, tokenizer: Any, names: list[str], data: DataConfig
) -> datasets.Dataset:
    """Check every row's text and label, then tokenize (no padding: the collator pads each batch)."""
    texts = list(dataset[data.text_column])
    for row, text in enumerate(texts):
        if not isinstance(text, str) or not text.strip():
            where = row_location(row, key, source)
            raise UserError(
                f"{where}: column '{data.text_column}' must hold non-empty text, got {text!r}. "
                "Fix: correct or remove the row, or point data.text_column at the text column."
            )
    labels = _label_ids(dataset, source, key, names, data)
    encoded = tokenizer(texts, truncation=True, max_length=data.max_length)
    columns = {name: encoded[name] for name in encoded}
    columns["labels"] = labels
    columns["meta_length"] = [len(ids) for ids in encoded["input_ids"]]  # for the sampler, not the model
    return datasets.Dataset.from_dict(columns)


def predict(run: TrainedRun, records: list[dict[str, str]], options: dict[str, Any]) -> list[dict[str, Any]]:
    """Label each record's `text`: `{"label", "score", "scores": {label: probability}}`."""
    tokenizer = run.tokenizer()
    model = run.model(AutoModelForSequenceClassification)
    names = [model.config.id2label[i] for i in range(model.config.num_labels)]
    results = []
    for start in range(0, len(records), options["batch_size"]):
        texts = [record["text"] for record in records[start : start + options["batch_size"]]]
        batch = tokenizer(
            texts, truncation=True, max_length=run.config.data.max_length, padding=True, return_tensors="pt"
        )
        with torch.no_grad():
            probabilities = model(**batch.to(run.device)).logits.softmax(-1)
        for row in probabilities.tolist():
            best = max(range(len(row)), key=row.__getitem__)
            results.append({"label": names[best], "score": row[best], "scores": dict(zip(names, row, strict=True))})
    return results


RECIPE = Recipe(
    name="classification",
    description="text classification with BERT-style encoders or GPT-2",
    config=Config,
    build=build,
    metrics=(
        Metric("accuracy", higher_is_better=True, description="share of texts given their label"),
        Metric("f1", higher_is_better=True, description="macro-averaged F1 over the labels"),
    ),
    default_metric="accuracy",
    predict=predict,
    predict_fields=("text",),
    card=CardInfo(
        pipeline_tag="text-classification",
        task_name="Text classification",
        example='"A wonderful, warm and funny film."',
        limitations="Scores are softmax probabilities of the training labels, not calibrated confidences.",
    ),
)
SENTIMENT = replace(
    RECIPE,
    name="sentiment",
    description="text classification (sentiment) with BERT-style encoders or GPT-2",
    config=SentimentConfig,
    card=replace(RECIPE.card, tags=("sentiment-analysis",)),
)
