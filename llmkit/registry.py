"""The recipes llmkit knows: adding one is one line here (plus its module, YAML and test)."""

from __future__ import annotations

import importlib
from types import ModuleType

from llmkit.errors import UserError

# name -> (module, one-line description)
RECIPES: dict[str, tuple[str, str]] = {
    "qa": ("recipes.qa", "extractive question answering (SQuAD v1.1/v2.0) with BERT-style encoders"),
    "clm": ("recipes.clm", "causal language modelling (GPT-2): pretrain from scratch or continue a checkpoint"),
    "mlm": ("recipes.mlm", "masked language modelling (BERT): pretrain from scratch or continue a checkpoint"),
    "sentiment": ("recipes.sentiment", "text classification (sentiment) with BERT-style encoders or GPT-2"),
    "translation": ("recipes.translation", "translation with seq2seq models, BERT/GPT-2 encoder-decoders or GPT-2"),
}


def get_recipe(name: str) -> ModuleType:
    """Import a recipe module by name; it defines `Config` and `build(config, accelerator) -> Task`."""
    if name not in RECIPES:
        known = ", ".join(sorted(RECIPES))
        raise UserError(f"unknown recipe '{name}'. Recipes: {known} (see `llmkit recipes`)")
    return importlib.import_module(RECIPES[name][0])
