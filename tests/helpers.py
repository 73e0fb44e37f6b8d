"""Shared test helpers: tiny models built in the test session and in-process recipe runs."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch
from accelerate.state import AcceleratorState, GradientState
from transformers import AutoTokenizer, BertConfig, BertModel, GPT2Config, GPT2Model, set_seed

from llmkit.config import load_config
from llmkit.registry import get_recipe
from llmkit.runner import train
from llmkit.tokenization import train_tokenizer

ROOT = Path(__file__).resolve().parent.parent
SENTIMENT = ROOT / "data" / "sentiment"


def corpus() -> list[str]:
    """Text to train test tokenizers on: the bundled sentiment training sentences."""
    with (SENTIMENT / "train.csv").open(encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Draw from torch's generator seeded with `seed`, leaving the caller's random state as it was.

    The tiny models' weights must not depend on which tests ran before their fixture: on another machine (CI) a
    different order or a different float would give other weights, and a memorisation test a different result.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def make_tiny_bert(folder: Path, vocab_size: int = 800) -> Path:
    tokenizer = train_tokenizer(corpus(), "wordpiece", vocab_size)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=256,
    )
    with seeded(0):
        BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def make_tiny_gpt2(folder: Path, vocab_size: int = 600) -> Path:
    tokenizer = train_tokenizer(corpus(), "bpe", vocab_size)
    tokenizer.pad_token = None  # like GPT-2's own tokenizer
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=256, n_embd=32, n_layer=2, n_head=2)
    with seeded(0):
        GPT2Model(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def rounded(value: Any) -> Any:
    """Results with floats rounded to 3 places: merged or exported weights change the last bits."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [rounded(item) for item in value]
    return value


def reset_accelerate() -> None:
    """Forget accelerate's process-wide singletons so each in-process run starts clean."""
    AcceleratorState._reset_state(reset_partial_state=True)
    GradientState._reset_state()


def run_recipe(recipe: str, *overrides: str, config_file: str | None = None) -> dict[str, Any]:
    """Train a recipe in this process, as `llmkit train` would, and return its metrics."""
    reset_accelerate()
    declaration = get_recipe(recipe)
    config = load_config(declaration.config, config_file, overrides)
    return train(declaration, config)


def sentiment_accuracy(model: Any, folder: Path) -> tuple[float, torch.Tensor]:
    """Accuracy and logits of `model` on the bundled sentiment validation set, computed here, not by the runner."""
    with (SENTIMENT / "validation.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    tokenizer = AutoTokenizer.from_pretrained(folder)
    labels = torch.tensor([["negative", "positive"].index(row["label"]) for row in rows])
    model.eval()
    with torch.no_grad():
        batch = tokenizer([row["text"] for row in rows], truncation=True, max_length=128, padding=True)
        logits = model(**batch.convert_to_tensors("pt")).logits
    return float((logits.argmax(-1) == labels).float().mean()), logits


def trainers_random_state(seed: int) -> Callable[[torch.nn.Module, torch.device], list[str]]:
    """A stand-in for `llmkit.fastpath.speed_up`: no speed-ups, and the first training step draws the Trainer's masks.

    A default `Trainer` seeds again once the model is built, then its DataLoader draws one number (its workers' base
    seed) before the first step; the returned function makes the model's first training forward start from that state.
    """

    def speed_up(model: torch.nn.Module, device: torch.device) -> list[str]:
        def reseed(module: torch.nn.Module, args: Any, kwargs: Any) -> None:
            if module.training and not reseeded:
                set_seed(seed)
                torch.empty((), dtype=torch.int64).random_()
                reseeded.append(True)

        reseeded: list[bool] = []
        model.register_forward_pre_hook(reseed, with_kwargs=True)
        return []

    return speed_up
