"""What the language-model recipes (`clm`, `mlm`) share: the corpus, its tokenizer, packing, and the model.

A corpus is a sequence of documents. Plain-text files hold one document per blank-line-separated block (a file with
no blank lines, or each .txt file of a folder, is one document); csv/jsonl/parquet files and hub datasets hold one
document per row of a text column. With `data.streaming=true` nothing is materialised: documents are read,
tokenized and packed while training consumes them, so a corpus may be larger than memory.

Packing concatenates the tokenized documents and cuts the stream into blocks of exactly `block_size` tokens, so no
compute goes to padding; the incomplete last block is dropped (at most `block_size - 1` tokens of each split).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import datasets
import torch
from transformers import PreTrainedTokenizerBase

from llmkit.config import DataSourceConfig, ModelConfig
from llmkit.data import load_split, prepare_once, resolve_path, row_location, subset
from llmkit.errors import ConfigError, UserError
from llmkit.models import load_model, load_model_config, load_tokenizer
from llmkit.tokenization import train_tokenizer


@dataclass
class CorpusConfig(DataSourceConfig):
    """Where the text comes from and how it is cut into training examples."""

    train: str = "data/lm/train.txt"
    """Training text: a .txt file or a folder of .txt files, a csv/jsonl/parquet file, or a hub dataset id."""
    validation: str | None = "data/lm/validation.txt"
    """Validation text (same forms), or null to train without evaluation."""
    max_train_examples: int | None = None
    """Train on a random subset of this many documents (seeded), e.g. for quick experiments; not with streaming."""
    text_column: str = "text"
    """Column holding the text (csv/jsonl/parquet files and hub datasets)."""
    block_size: int = 128
    """Tokens per training example; at most the model's context length."""
    streaming: bool = False
    """Read, tokenize and pack the corpus while training instead of up front (needs `train.max_steps`)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.block_size < 2:
            raise ConfigError(f"'block_size' must be at least 2, got {self.block_size}")
        if self.streaming and self.max_train_examples:
            raise ConfigError("'max_train_examples' needs the whole corpus up front: not with streaming=true")


@dataclass
class TokenizerConfig:
    """Use the checkpoint's tokenizer, or train a new one on the training corpus."""

    train: bool = False
    """Train a tokenizer on the training text (byte-level BPE for `clm`, WordPiece for `mlm`)."""
    vocab_size: int = 8000
    """Vocabulary size of a trained tokenizer, special tokens included."""

    def __post_init__(self) -> None:
        if self.vocab_size < 300:
            raise ConfigError(
                f"'vocab_size' must be at least 300 (the byte alphabet and a few merges), got {self.vocab_size}"
            )


class Stream(torch.utils.data.IterableDataset):
    """A re-iterable dataset over what `generate()` yields; each worker process takes every n-th item."""

    def __init__(self, generate: Callable[[], Iterator[Any]]) -> None:
        self.generate = generate

    def __iter__(self) -> Iterator[Any]:
        worker = torch.utils.data.get_worker_info()
        items = self.generate()
        return itertools.islice(items, worker.id, None, worker.num_workers) if worker else items


def open_documents(corpus: CorpusConfig, split: Literal["train", "validation"]) -> Iterable[str]:
    """The documents of one split: a list, or a re-iterable `Stream` with `corpus.streaming`.

    Raises:
        UserError: The source cannot be read, has no such column, holds a row that is not text, or holds only
            whitespace (a stream is checked up to its first thousand documents).
    """
    key = f"data.{split}"
    source = getattr(corpus, split)
    hub_split = corpus.train_split if split == "train" else corpus.validation_split
    path = resolve_path(source)
    if path.is_dir():
        files = sorted(str(p) for p in path.glob("*.txt"))
        if not files:
            raise UserError(f"{key}: folder {path} holds no .txt files. Fix: point {key} at a folder of .txt files.")
        dataset = datasets.load_dataset(
            "text", data_files=files, split="train", sample_by="paragraph", streaming=corpus.streaming
        )
    else:
        dataset = load_split(
            source,
            split=hub_split,
            config_name=corpus.dataset_config,
            key=key,
            streaming=corpus.streaming,
            text_by="paragraph",
        )
    column = "text" if _is_text_file(path) else corpus.text_column

    def documents() -> Iterator[str]:
        for row, record in enumerate(dataset):
            if column not in record:
                columns = ", ".join(record)
                raise UserError(
                    f"{key}: {source} has no column '{column}' (from data.text_column). Columns: {columns}. "
                    "Fix: set data.text_column to the text column."
                )
            text = record[column]
            if not isinstance(text, str):
                raise UserError(
                    f"{row_location(row, key, source)}: column '{column}' must hold text, got {text!r}. "
                    "Fix: point data.text_column at a text column, or correct the row."
                )
            if text.strip():
                yield text.strip()

    if corpus.streaming:
        stream = Stream(documents)
        # Check what can be checked cheaply before training: the first thousand rows.
        if not list(itertools.islice(stream, 1000)):
            raise _no_text(key, source)
        return stream
    texts = list(documents())
    if not texts:
        raise _no_text(key, source)
    return texts


def _is_text_file(path: Path) -> bool:
    return path.is_dir() or path.suffix.lower() == ".txt"


def _no_text(key: str, source: str) -> UserError:
    return UserError(f"{key}: {source} contains no text (it is empty or only whitespace). Fix: add text to it.")


def open_corpus(config: Any, accelerator: Any, kind: Literal["bpe", "wordpiece"]) -> tuple[Any, Any, Any]:
    """A language-model run's training and validation documents and its tokenizer.

    Args:
        config: The run's config, with `data` (a `CorpusConfig`), `tokenizer` and `model` sections.
        accelerator: The run's accelerator; a tokenizer is trained once, on the main process (`prepare_once`).
        kind: The tokenizer family to train with `tokenizer.train=true`.

    Returns:
        `(train_documents, validation_documents or None, tokenizer)`.
    """
    train = open_documents(config.data, "train")
    if not config.data.streaming:
        train = subset(train, config.data.max_train_examples, config.seed)
    validation = open_documents(config.data, "validation") if config.data.validation else None
    tokenizer = prepare_once(accelerator, lambda: get_tokenizer(config.model, config.tokenizer, train, kind))
    return train, validation, tokenizer


def get_tokenizer(
    model: ModelConfig, settings: TokenizerConfig, documents: Iterable[str], kind: Literal["bpe", "wordpiece"]
) -> PreTrainedTokenizerBase:
    """The checkpoint's tokenizer, or one trained on `documents` (`bpe`: GPT-2 style, `wordpiece`: BERT style)."""
    if settings.train:
        return train_tokenizer(documents, kind, settings.vocab_size)
    return load_tokenizer(model)


def tokenize(
    tokenizer: PreTrainedTokenizerBase, texts: Iterable[str], special_tokens: bool, max_length: int | None = None
) -> Iterator[list[int]]:
    """Token ids of each text, tokenized a thousand at a time (the fast tokenizer works in parallel).

    Without `max_length` nothing is truncated: packing cuts long documents into blocks.
    """
    iterator = iter(texts)
    truncation = {"truncation": True, "max_length": max_length} if max_length else {}
    while batch := list(itertools.islice(iterator, 1000)):
        yield from tokenizer(batch, add_special_tokens=special_tokens, verbose=False, **truncation)["input_ids"]


def pack(token_lists: Iterable[list[int]], block_size: int) -> Iterator[list[int]]:
    """Concatenate token lists and cut them into blocks of exactly `block_size`; the remainder is dropped."""
    buffer: list[int] = []
    for ids in token_lists:
        buffer.extend(ids)
        while len(buffer) >= block_size:
            yield buffer[:block_size]
            del buffer[:block_size]


def examples_dataset(
    generate: Callable[[], Iterator[dict[str, Any]]], streaming: bool, key: str, block_size: int
) -> list[dict[str, Any]] | Stream:
    """Materialise the examples, or wrap them as a `Stream`; either way fail if there is not even one."""
    dataset: list[dict[str, Any]] | Stream = Stream(generate) if streaming else list(generate())
    if next(iter(dataset), None) is None:
        raise UserError(
            f"{key}: the text is shorter than one block of data.block_size={block_size} tokens, so it gives no "
            f"training example. Fix: add text, or lower data.block_size."
        )
    return dataset


def load_lm_model(auto_class: Any, model: ModelConfig, tokenizer: PreTrainedTokenizerBase, block_size: int) -> Any:
    """The model for `tokenizer`, from a checkpoint or from scratch, checked against the block size.

    From scratch the vocabulary and special token ids come from the tokenizer; a checkpoint paired with a
    tokenizer of another size gets its embeddings resized.
    """
    special = {
        name: getattr(tokenizer, name)
        for name in ("bos_token_id", "eos_token_id", "pad_token_id")
        if getattr(tokenizer, name) is not None
    }
    overrides = {"vocab_size": len(tokenizer), **special} if model.init == "scratch" else {}
    config = load_model_config(model, **overrides)
    context = getattr(config, "max_position_embeddings", None)
    if context is not None and block_size > context:
        raise UserError(
            f"config: data.block_size={block_size} is larger than the model's context of {context} tokens. "
            f"Fix: set data.block_size to {context} or less."
        )
    network = load_model(auto_class, model, config)
    if network.get_input_embeddings().num_embeddings < len(tokenizer):
        network.resize_token_embeddings(len(tokenizer))
    return network


def stack(examples: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
    """Collate equal-length examples (packed blocks) into tensors, key by key."""
    return {key: torch.tensor([example[key] for example in examples]) for key in examples[0]}


def token_statistics(logits: torch.Tensor, labels: torch.Tensor, shift: bool) -> dict[str, torch.Tensor]:
    """Per example: summed negative log-likelihood (nats), predicted tokens, and tokens ranked first.

    Args:
        logits: `[batch, length, vocab]` scores.
        labels: `[batch, length]` targets, -100 where nothing is predicted.
        shift: Causal LM: position t predicts label t+1.
    """
    if shift:
        logits, labels = logits[:, :-1], labels[:, 1:]
    scored = labels != -100
    nats = torch.nn.functional.cross_entropy(
        logits.float().transpose(1, 2), labels.masked_fill(~scored, 0), reduction="none"
    )
    correct = (logits.argmax(-1) == labels) & scored
    return {"nats": (nats * scored).sum(1), "tokens": scored.sum(1), "correct": correct.sum(1)}
