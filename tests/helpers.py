"""Shared test helpers: tiny models built in the test session and in-process recipe runs."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from accelerate.state import AcceleratorState, GradientState
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import BertConfig, BertModel, GPT2Config, GPT2Model, PreTrainedTokenizerFast

from llmkit.config import load_config
from llmkit.registry import get_recipe
from llmkit.runner import train

ROOT = Path(__file__).resolve().parent.parent
SENTIMENT = ROOT / "data" / "sentiment"


def corpus() -> list[str]:
    """Text to train test tokenizers on: the bundled sentiment training sentences."""
    with (SENTIMENT / "train.csv").open(encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def make_tiny_bert(folder: Path, vocab_size: int = 800) -> Path:
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokenizer.train_from_iterator(corpus(), trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials))
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    tokenizer.decoder = decoders.WordPiece()
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )
    config = BertConfig(
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=256,
    )
    BertModel(config).save_pretrained(folder)
    wrapped.save_pretrained(folder)
    return folder


def make_tiny_gpt2(folder: Path, vocab_size: int = 600) -> Path:
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tokenizer.train_from_iterator(corpus(), trainer)
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token="<|endoftext|>", eos_token="<|endoftext|>", unk_token="<|endoftext|>"
    )
    config = GPT2Config(vocab_size=tokenizer.get_vocab_size(), n_positions=256, n_embd=32, n_layer=2, n_head=2)
    GPT2Model(config).save_pretrained(folder)
    wrapped.save_pretrained(folder)
    return folder


def reset_accelerate() -> None:
    """Forget accelerate's process-wide singletons so each in-process run starts clean."""
    AcceleratorState._reset_state(reset_partial_state=True)
    GradientState._reset_state()


def run_recipe(recipe: str, *overrides: str, config_file: str | None = None) -> dict[str, Any]:
    """Train a recipe in this process, as `llmkit train` would, and return its metrics."""
    reset_accelerate()
    module = get_recipe(recipe)
    config = load_config(module.Config, config_file, overrides)
    return train(recipe, config, module.build)
