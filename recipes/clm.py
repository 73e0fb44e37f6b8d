"""Causal language modelling (GPT-2): pretrain from scratch, or continue pretraining a checkpoint.

Run it:
    make pretrain RECIPE=clm                 # a small GPT-2 from scratch on data/lm, with a BPE trained on it
    llmkit train clm --config recipes/configs/clm/default.yaml train.max_steps=300
    llmkit train clm model=gpt2 model.init=pretrained data.train=notes.txt       # continue pretraining GPT-2
    llmkit train clm model.n_layer=4 model.n_embd=256 tokenizer.vocab_size=16000 data.block_size=256
    llmkit train clm data.train=corpus.jsonl data.text_column=body data.streaming=true train.max_steps=5000
    llmkit generate runs/clm --prompt "One cold morning" --temperature 0.8 --top-k 50
    llmkit predict runs/clm --prompt "Dear Mother,"

What it does:
    - text from .txt files (one document per blank-line-separated block), csv/jsonl/parquet text columns or a hub
      dataset, optionally streamed (`data.streaming=true`) so the corpus never has to fit in memory
    - the checkpoint's tokenizer, or a byte-level BPE trained on the corpus (`tokenizer.train=true`), saved with
      the model so `AutoTokenizer.from_pretrained(OUTPUT_DIR)` works
    - documents are joined with EOS and packed into blocks of `data.block_size` tokens: no padding at all
    - validation loss and perplexity (token-weighted), next-token accuracy, and bits per byte, which compares
      models with different tokenizers: total nats / (ln 2 * UTF-8 bytes of the text the tokens spell)
    - samples from fixed prompts (`sampling.prompts`) at each evaluation, in `OUTPUT_DIR/samples.jsonl`

Blocks are not masked at document boundaries: after an EOS the model may still attend to the previous document,
as GPT-2 was trained. It learns that EOS starts a new text, and full causal attention keeps the fast fused attention
kernel; see the README for the reasoning.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import yaml
from transformers import AutoModelForCausalLM

from llmkit import metrics
from llmkit.config import ModelConfig, RunConfig
from llmkit.data import prepare_once
from llmkit.errors import UserError
from llmkit.generation import SamplingConfig, generate, load_generator
from llmkit.runner import Task
from llmkit.text import (
    CorpusConfig,
    TokenizerConfig,
    examples_dataset,
    get_tokenizer,
    load_lm_model,
    open_documents,
    pack,
    stack,
    token_statistics,
    tokenize,
)

logger = logging.getLogger("llmkit")

PREDICT_FIELDS: tuple[str, ...] = ("prompt",)
SAMPLES_FILE = "samples.jsonl"


@dataclass
class Config(RunConfig):
    """Causal language-model pretraining run."""

    output_dir: str = "runs/clm"
    model: ModelConfig = field(default_factory=lambda: ModelConfig(name="gpt2", init="scratch"))
    data: CorpusConfig = field(default_factory=CorpusConfig)
    tokenizer: TokenizerConfig = field(default_factory=TokenizerConfig)
    sampling: SamplingConfig = field(default_factory=SamplingConfig)


def build(config: Config, accelerator: Any) -> Task:
    """Read the corpus, get the tokenizer and model, pack the blocks; return the task the runner trains."""
    data = config.data
    train_documents = open_documents(data, "train")
    validation_documents = open_documents(data, "validation") if data.validation else None
    tokenizer = prepare_once(accelerator, lambda: get_tokenizer(config.model, config.tokenizer, train_documents, "bpe"))
    eos = tokenizer.eos_token_id
    if eos is None:
        raise UserError(
            "tokenizer: it has no EOS token, which separates the packed documents. Fix: use a tokenizer with "
            "an EOS token (model.tokenizer=...), or train one with tokenizer.train=true."
        )
    model = load_lm_model(AutoModelForCausalLM, config.model, tokenizer, data.block_size)

    def blocks(documents: Iterable[str]) -> Iterator[list[int]]:
        return pack(([*ids, eos] for ids in tokenize(tokenizer, documents, special_tokens=False)), data.block_size)

    def with_text_size(block: list[int]) -> dict[str, Any]:
        # The text that the predicted tokens (all but the first) spell, for bits per byte and nats per character.
        text = tokenizer.decode(block[1:], skip_special_tokens=True)
        return {"input_ids": block, "meta_bytes": len(text.encode("utf-8")), "meta_chars": len(text)}

    def examples() -> tuple[Any, Any]:
        train = examples_dataset(
            lambda: ({"input_ids": block} for block in blocks(train_documents)),
            data.streaming,
            "data.train",
            data.block_size,
        )
        validation = None
        if validation_documents is not None:
            validation = examples_dataset(
                lambda: (with_text_size(block) for block in blocks(validation_documents)),
                data.streaming,
                "data.validation",
                data.block_size,
            )
        return train, validation

    # Materialised blocks are made once and shared; a stream is read by every process as it trains.
    train, validation = examples() if data.streaming else prepare_once(accelerator, examples)
    language_modeling = metrics.load("language_modeling")

    def eval_step(model: torch.nn.Module, batch: dict[str, torch.Tensor], outputs: Any) -> dict[str, torch.Tensor]:
        counts = token_statistics(outputs.logits, batch["labels"], shift=True)
        return {**counts, "bytes": batch["meta_bytes"], "chars": batch["meta_chars"]}

    def compute_metrics(outputs: dict[str, torch.Tensor]) -> dict[str, float]:
        names = ("nats", "tokens", "correct", "bytes", "chars")
        return language_modeling.compute(**{name: outputs[name].tolist() for name in names})

    output = Path(config.output_dir)

    def write_samples(model: torch.nn.Module, step: int, scores: dict[str, float]) -> None:
        if not config.sampling.prompts:
            return
        texts = generate(model, tokenizer, config.sampling.prompts, config.sampling)
        with (output / SAMPLES_FILE).open("a", encoding="utf-8") as samples:
            for prompt, text in zip(config.sampling.prompts, texts, strict=True):
                samples.write(json.dumps({"step": step, "prompt": prompt, "text": text}) + "\n")
        logger.info("sample at step %d: %s%s", step, config.sampling.prompts[0], texts[0])

    return Task(
        model=model,
        tokenizer=tokenizer,
        train_dataset=train,
        eval_dataset=validation,
        collate_fn=collate,
        eval_step=eval_step,
        compute_metrics=compute_metrics,
        metric_for_best=config.train.metric_for_best or "loss",
        greater_is_better=config.train.metric_for_best not in (None, "loss", "perplexity", "bits_per_byte"),
        after_evaluate=write_samples,
    )


def collate(examples: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
    """Blocks are full, so no padding: the labels are the inputs (the model shifts them)."""
    batch = stack(examples)
    batch["labels"] = batch["input_ids"]
    return batch


def predict(output_dir: Path, records: list[dict[str, str]], batch_size: int = 32) -> list[dict[str, Any]]:
    """Continue each record's `prompt` with the trained model, sampling as the run's `sampling` section says."""
    model, tokenizer = load_generator(output_dir)
    settings = SamplingConfig()
    run_config = Path(output_dir) / "run_config.yaml"
    if run_config.is_file():
        settings = SamplingConfig(**yaml.safe_load(run_config.read_text(encoding="utf-8")).get("sampling", {}))
    prompts = [record.get("prompt", "") for record in records]
    return [
        {"prompt": prompt, "generated": text}
        for prompt, text in zip(prompts, generate(model, tokenizer, prompts, settings), strict=True)
    ]
