"""Token classification (named entities): fine-tune an encoder to tag each word, e.g. as a person, place or date.

Run it:
    make finetune RECIPE=ner                     MiniLM on the bundled data/ner sentences
    llmkit train ner --config recipes/configs/ner/default.yaml train.epochs=3
    llmkit train ner data.train=train.txt data.validation=dev.txt data.tag_column=3 data.scheme=IOB1   (CoNLL-2003)
    llmkit train ner data.train=conll2003 data.tokens_column=tokens data.tags_column=ner_tags     (hub, online)
    llmkit predict runs/ner --text "Ada Lee flew to Paris on 3 March 2021."

What it does:
    - data: CoNLL column files (`.conll`/`.txt`, or any file that is not a table, such as CoNLL-2003's own
      `eng.train`: one token per line, the tag in column `data.tag_column`, a blank line between sentences,
      `-DOCSTART-` lines skipped), json/jsonl/parquet files or hub datasets with a list of
      tokens and a list of tags per row (string tags, or integer ids of a hub dataset's ClassLabel)
    - tags in IOB1, IOB2 (BIO) or BIOES (`data.scheme`), converted to IOB2; the tag set (`O`, then `B-`/`I-` of each
      entity type) is saved in the model config's `id2label`, so `pipeline("token-classification",
      model=OUTPUT_DIR, aggregation_strategy="first")` groups the entities (`"simple"` groups sub-tokens by their
      own tags, which only `data.label_all_subtokens=true` trains)
    - sub-words aligned with the fast tokenizer's `word_ids()`: the first sub-token of a word carries its tag, the
      rest -100 (`data.label_all_subtokens=true` labels them too, with the word's I- tag, in training); GPT-2 and
      RoBERTa tokenizers get `add_prefix_space`
    - entity-level precision, recall and F1 (exact span and type, the CoNLL convention) and token accuracy, through
      `llmkit/metrics/entities.py`; per-type scores in OUTPUT_DIR/entity_scores.json
    - `predict`: the entities of each text with their type, text, character offsets and score
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import datasets
import torch
from transformers import AutoModelForTokenClassification, DataCollatorForTokenClassification

from llmkit import metrics, pieces
from llmkit.config import DataSourceConfig, ModelConfig, RunConfig
from llmkit.data import (
    batches_by_length,
    check_utf8,
    load_split,
    prepare_once,
    require_columns,
    resolve_path,
    row_location,
    subset,
)
from llmkit.errors import ConfigError, UserError
from llmkit.metrics.entities import spans  # the entities predict returns are the ones the metric counts
from llmkit.models import TrainedRun, check_fits, ensure_pad_token, load_model, load_model_config, load_tokenizer
from llmkit.recipe import CardInfo, Metric, Recipe, Task, output_path

logger = logging.getLogger("llmkit")

COLUMN_SUFFIXES = (".conll", ".txt", ".iob", ".bio")
TABLE_SUFFIXES = (".csv", ".tsv", ".json", ".jsonl", ".parquet")  # anything else that is a file: CoNLL columns
PREFIXES = {"IOB1": ("B", "I"), "IOB2": ("B", "I"), "BIOES": ("B", "I", "E", "S")}
WORD = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")  # words, keeping "O'Neil" and "U.N" whole; punctuation alone


@dataclass
class DataConfig(DataSourceConfig):
    """Where the tagged sentences come from and how to read them."""

    train: str = "data/ner/train.conll"
    """Training data: a CoNLL column file (.conll/.txt, or any other file that is not a table: `eng.train`), a
    json/jsonl/parquet file of token and tag lists, or a hub dataset id."""
    validation: str | None = "data/ner/validation.conll"
    """Validation data (the same forms), or null to train without evaluation."""
    tokens_column: str = "tokens"
    """Column holding each sentence's tokens (tables and hub datasets)."""
    tags_column: str = "tags"
    """Column holding each sentence's tags: strings, or a hub ClassLabel's ids."""
    tag_column: int = -1
    """CoNLL files: which whitespace-separated column holds the tag (-1: the last; CoNLL-2003's NER tag is 3)."""
    scheme: Literal["IOB1", "IOB2", "BIOES"] = "IOB2"
    """The data's tag scheme; tags are converted to IOB2 (BIO)."""
    labels: list[str] | None = None
    """The IOB2 tags in id order (`[O, B-PER, I-PER, ...]`). Unset: `O`, then B- and I- of each type in the
    training data, types sorted; a tag outside a declared set is an error."""
    label_all_subtokens: bool = False
    """Train every sub-token of a word (with the word's I- tag after the first) instead of the first alone."""
    max_length: int = 128
    """Longer sentences are truncated to this many tokens (their last words are not scored)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_length < 2:
            raise ConfigError(f"'max_length' must be at least 2, got {self.max_length}")
        if self.labels is not None and "O" not in self.labels:
            raise ConfigError(f"'labels' must include the outside tag O, got {self.labels}")


@dataclass
class Config(RunConfig):
    """Token classification (named entity) run."""

    output_dir: str = "runs/ner"
    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)


def build(config: Config, accelerator: Any) -> Task:
    """Read and check the sentences, load tokenizer and model, align the tags; return the task the runner trains."""
    data = config.data
    names, train_sentences, eval_sentences = prepare_once(accelerator, lambda: read_splits(config))
    model_config = load_model_config(
        config.model,
        num_labels=len(names),
        id2label=dict(enumerate(names)),
        label2id={name: i for i, name in enumerate(names)},
    )
    check_fits(model_config, data.max_length, "data.max_length")
    # Byte-level BPE (GPT-2, RoBERTa) needs a leading space on every word to tokenize words as it does in text.
    prefix_space = {"add_prefix_space": True} if model_config.model_type in ("gpt2", "roberta") else {}
    tokenizer = load_tokenizer(config.model, **prefix_space)
    check_tokenizer(tokenizer)
    ensure_pad_token(tokenizer, model_config)
    train, validation = prepare_once(
        accelerator,
        lambda: (
            encode(train_sentences, tokenizer, names, data, data.label_all_subtokens),
            encode(eval_sentences, tokenizer, names, data, False) if eval_sentences else None,
        ),
    )
    model = load_model(AutoModelForTokenClassification, config.model, model_config)
    pieces.own_loss(model)  # the model's own loss, also over a batch's length-sorted pieces
    entities = metrics.load("entities")

    def compute_metrics(outputs: dict[str, Any]) -> dict[str, float]:
        predicted, gold = word_tags(outputs["predictions"], outputs["labels"], names)
        scores = entities.compute(predictions=predicted, references=gold)
        if accelerator.is_main_process:
            output_path(config, "entity_scores.json").write_text(json.dumps(scores, indent=1))
        return {name: scores[name] for name in ("precision", "recall", "f1", "accuracy")}

    padded = DataCollatorForTokenClassification(tokenizer)
    return Task(
        model=model,
        tokenizer=tokenizer,
        train_dataset=train,
        eval_dataset=validation,
        collate_fn=padded,
        # Random batches, run in length-sorted pieces (`train.batching=auto`); pieces cut right-padded rows.
        packed_collate_fn=pieces.PiecesCollator(padded, ("input_ids",)) if tokenizer.padding_side == "right" else None,
        lengths=[len(ids) for ids in train["input_ids"]],
        eval_lengths=[len(ids) for ids in validation["input_ids"]] if validation is not None else None,
        eval_step=lambda model, batch, outputs: {"predictions": outputs.logits.argmax(-1), "labels": batch["labels"]},
        compute_metrics=compute_metrics if validation is not None else None,
        peft_task_type="TOKEN_CLS",
        resolved={"data.labels": names},  # the tag set in id order, for verbs that read new data (evaluate)
    )


def check_tokenizer(tokenizer: Any) -> None:
    if not getattr(tokenizer, "is_fast", False):
        raise UserError(
            "model.tokenizer: token classification needs a fast (tokenizers-backed) tokenizer to align words and "
            "sub-words (word_ids). Fix: use a checkpoint that ships a tokenizer.json."
        )


# --------------------------------------------------------------------------------------------------------------
# Reading and checking


def read_splits(config: Config) -> tuple[list[str], list[dict], list[dict]]:
    """The tag set and the training and validation sentences (`{"tokens", "tags", "where"}`, tags in IOB2)."""
    data = config.data
    train = subset(
        read_sentences(data.train, data.train_split, "data.train", data), data.max_train_examples, config.seed
    )
    validation = (
        read_sentences(data.validation, data.validation_split, "data.validation", data) if data.validation else []
    )
    names = data.labels or tag_set(train)
    known = set(names)
    for sentence in train + validation:
        unknown = [tag for tag in sentence["tags"] if tag not in known]
        if unknown:
            raise UserError(
                f"{sentence['where']}: tag {unknown[0]!r} is not in the tag set {names}. Fix: correct the tag, or "
                "declare every tag with data.labels=[...]."
            )
    return names, train, validation


def tag_set(sentences: list[dict]) -> list[str]:
    """`O`, then `B-TYPE` and `I-TYPE` for every entity type in the sentences, types sorted."""
    types = sorted({tag[2:] for sentence in sentences for tag in sentence["tags"] if tag != "O"})
    return ["O", *(f"{prefix}-{kind}" for kind in types for prefix in ("B", "I"))]


def read_sentences(source: str, split: str, key: str, data: DataConfig) -> list[dict[str, Any]]:
    """Sentences from a CoNLL column file, a table of token and tag lists, or a hub dataset; tags made IOB2."""
    path = resolve_path(source)
    # CoNLL-2003's own files are eng.train, eng.testa, eng.testb: a file that is no table is read as columns.
    if path.suffix.lower() in COLUMN_SUFFIXES or (path.is_file() and path.suffix.lower() not in TABLE_SUFFIXES):
        if not path.is_file():
            raise UserError(f"{key}: file {path} does not exist. Fix: correct the path or create the file.")
        raw = read_conll(path, key, data.tag_column)
    else:
        raw = read_table(source, split, key, data)
    sentences = [{**sentence, "tags": to_iob2(sentence["tags"], data.scheme, sentence["where"])} for sentence in raw]
    if not sentences:
        raise UserError(f"{key}: {source} holds no sentences. Fix: add tagged sentences or point {key} elsewhere.")
    return sentences


def read_conll(path: Path, key: str, tag_column: int) -> list[dict[str, Any]]:
    """One token per line (`TOKEN ... TAG`), a blank line between sentences, `-DOCSTART-` lines skipped."""
    check_utf8(path, key)
    sentences: list[dict[str, Any]] = []
    tokens: list[str] = []
    tags: list[str] = []
    for number, line in enumerate([*path.read_text(encoding="utf-8").splitlines(), ""], start=1):
        fields = line.split()
        if not fields or fields[0] == "-DOCSTART-":
            if tokens:
                sentences.append({"tokens": tokens, "tags": tags, "where": f"{path}:{number - len(tokens)}"})
            tokens, tags = [], []
            continue
        if len(fields) < 2 or not -len(fields) <= tag_column < len(fields):
            raise UserError(
                f"{key}: {path}:{number}: the line {line.strip()!r} has {len(fields)} column(s), so token and tag "
                f"(column {tag_column}) do not pair up. Fix: give every token line its tag, or set data.tag_column."
            )
        tokens.append(fields[0])
        tags.append(fields[tag_column])
    return sentences


def read_table(source: str, split: str, key: str, data: DataConfig) -> list[dict[str, Any]]:
    """Rows with a token list and a tag list (string tags, or the ids of a hub ClassLabel)."""
    dataset = load_split(source, split=split, config_name=data.dataset_config, key=key)
    require_columns(dataset, {"data.tokens_column": data.tokens_column, "data.tags_column": data.tags_column}, source)
    feature = dataset.features.get(data.tags_column)
    names = getattr(getattr(feature, "feature", None), "names", None)  # Sequence(ClassLabel) on the hub
    sentences = []
    for row, record in enumerate(dataset):
        where = row_location(row, key, source)
        tokens, tags = record[data.tokens_column], record[data.tags_column]
        if names is not None:
            tags = [names[tag] for tag in tags]
        if not isinstance(tokens, list) or not isinstance(tags, list) or len(tokens) != len(tags) or not tokens:
            count = len(tags) if isinstance(tags, list) else "no list of"
            raise UserError(
                f"{where}: {len(tokens) if isinstance(tokens, list) else 'no list of'} tokens but {count} tags. "
                "Fix: give every sentence one tag per token."
            )
        sentences.append({"tokens": [str(t) for t in tokens], "tags": [str(t) for t in tags], "where": where})
    return sentences


def to_iob2(tags: list[str], scheme: str, where: str) -> list[str]:
    """The tags in IOB2: IOB1's entity-opening I- becomes B-; BIOES's S- becomes B-, its E- becomes I-."""
    converted: list[str] = []
    previous = "O"
    for tag in tags:
        prefix, _, kind = tag.partition("-")
        if tag != "O" and (prefix not in PREFIXES[scheme] or not kind):
            allowed = ", ".join(f"{p}-TYPE" for p in PREFIXES[scheme])
            raise UserError(
                f"{where}: tag {tag!r} is not a {scheme} tag (O, {allowed}). Fix: correct it, or set data.scheme "
                "to the data's scheme (IOB1, IOB2 or BIOES)."
            )
        prefix = {"S": "B", "E": "I"}.get(prefix, prefix)
        if scheme == "IOB1" and prefix == "I" and previous[2:] != kind:
            prefix = "B"  # IOB1 opens an entity with I- unless it directly follows one of the same type
        previous = "O" if tag == "O" else f"{prefix}-{kind}"
        converted.append(previous)
    return converted


# --------------------------------------------------------------------------------------------------------------
# Sub-word alignment and scoring


def encode(
    sentences: list[dict], tokenizer: Any, names: list[str], data: DataConfig, all_subtokens: bool
) -> datasets.Dataset:
    """Tokenize the words; the first sub-token of each word gets its tag id, the others -100 (or its I- tag)."""
    index = {name: i for i, name in enumerate(names)}
    encoded = tokenizer(
        [sentence["tokens"] for sentence in sentences],
        is_split_into_words=True,
        truncation=True,
        max_length=data.max_length,
    )
    labels = []
    for row, sentence in enumerate(sentences):
        previous, aligned = None, []
        for word in encoded.word_ids(row):
            tag = sentence["tags"][word] if word is not None else None
            if word is None or (word == previous and not all_subtokens):
                aligned.append(-100)
            else:
                aligned.append(index[f"I-{tag[2:]}" if word == previous and tag != "O" else tag])
            previous = word
        labels.append(aligned)
    columns = {name: encoded[name] for name in encoded}
    return datasets.Dataset.from_dict({**columns, "labels": labels})


def word_tags(predictions: list[torch.Tensor], labels: list[torch.Tensor], names: list[str]) -> tuple[list, list]:
    """Predicted and gold tags of the scored positions (each word's first sub-token), sentence by sentence."""
    predicted, gold = [], []
    for row_predictions, row_labels in zip(predictions, labels, strict=True):
        scored = row_labels != -100
        predicted.append([names[i] for i in row_predictions[scored].tolist()])
        gold.append([names[i] for i in row_labels[scored].tolist()])
    return predicted, gold


# --------------------------------------------------------------------------------------------------------------
# Inference


def predict(run: TrainedRun, records: list[dict[str, str]], options: dict[str, Any]) -> list[dict[str, Any]]:
    """The entities in each record's `text`: `{"entities": [{"type", "text", "start", "end", "score"}], "summary"}`.

    Records are batched by length (characters, a proxy for tokens: little padding to compute), answered in order."""
    tokenizer, model = run.tokenizer(), run.model(AutoModelForTokenClassification)
    names = [model.config.id2label[i] for i in range(model.config.num_labels)]
    results: list[dict[str, Any]] = [{} for _ in records]
    for chosen in batches_by_length([len(record["text"]) for record in records], options["batch_size"]):
        texts = [records[i]["text"] for i in chosen]
        words = [[(m.start(), m.end()) for m in WORD.finditer(text)] or [(0, 0)] for text in texts]
        encoded = tokenizer(
            [[text[a:b] for a, b in spans_] for text, spans_ in zip(texts, words, strict=True)],
            is_split_into_words=True,
            truncation=True,
            max_length=run.config.data.max_length,
            padding=True,
            return_tensors="pt",
        )
        with torch.no_grad():
            probabilities = model(**encoded.to(run.device)).logits.softmax(-1).cpu()
        for row, (index, text, offsets) in enumerate(zip(chosen, texts, words, strict=True)):
            results[index] = text_entities(text, offsets, encoded.word_ids(row), probabilities[row], names)
    return results


def text_entities(text: str, offsets: list, word_ids: list, probabilities: torch.Tensor, names: list[str]) -> dict:
    """The entities of one text from its first sub-tokens' tag probabilities."""
    firsts = {}
    for position, word in enumerate(word_ids):
        if word is not None and word not in firsts:
            firsts[word] = position
    best = probabilities[list(firsts.values())].max(-1) if firsts else None
    tags = [names[i] for i in best.indices.tolist()] if best is not None else []
    entities = []
    for kind, first, last in spans(tags):
        begin, end = offsets[first][0], offsets[last][1]
        score = float(best.values[first : last + 1].mean())
        entities.append({"type": kind, "text": text[begin:end], "start": begin, "end": end, "score": score})
    summary = "; ".join(f"{e['type']}: {e['text']}" for e in entities) or "(no entities)"
    return {"summary": summary, "entities": entities}


RECIPE = Recipe(
    name="ner",
    description="token classification (named entities) with BERT-style encoders or GPT-2",
    config=Config,
    build=build,
    metrics=(
        Metric("precision", higher_is_better=True, description="predicted entities that are exactly right"),
        Metric("recall", higher_is_better=True, description="gold entities found exactly"),
        Metric("f1", higher_is_better=True, description="entity-level F1 (exact span and type)"),
        Metric("accuracy", higher_is_better=True, description="words tagged correctly"),
    ),
    default_metric="f1",
    predict=predict,
    predict_fields=("text",),
    card=CardInfo(
        pipeline_tag="token-classification",
        task_name="Named entity recognition",
        examples=(
            {"text": "Ada Lee flew to Paris on 3 March 2021."},
            {"text": "The Red Cross opened an office in Lagos."},
        ),
        usage=(
            "from transformers import pipeline\n\n"
            'tagger = pipeline("token-classification", model="{where}", aggregation_strategy="first")\n'
            'print(tagger("Ada Lee flew to Paris on 3 March 2021."))'
        ),
    ),
)
