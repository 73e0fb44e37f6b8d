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
kernel; see docs/recipes/pretraining.md for the reasoning.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import torch
from transformers import AutoModelForCausalLM

from llmkit import metrics
from llmkit.config import ModelConfig, RunConfig
from llmkit.corpus import (
    CorpusConfig,
    TokenizerConfig,
    examples_dataset,
    load_lm_model,
    open_corpus,
    pack,
    stack,
    token_statistics,
    tokenize,
)
from llmkit.data import prepare_once
from llmkit.errors import UserError
from llmkit.generation import SamplingConfig, generate, stream
from llmkit.models import TrainedRun
from llmkit.recipe import CardInfo, Metric, PredictOption, Recipe, Task, output_path

logger = logging.getLogger("llmkit")

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
    train_documents, validation_documents, tokenizer = open_corpus(config, accelerator, "bpe")
    if tokenizer.eos_token_id is None:
        raise UserError(
            "tokenizer: it has no EOS token, which separates the packed documents. Fix: use a tokenizer with "
            "an EOS token (model.tokenizer=...), or train one with tokenizer.train=true."
        )
    model = load_lm_model(AutoModelForCausalLM, config.model, tokenizer, data.block_size)

    def examples() -> tuple[Any, Any]:
        return block_examples(config, tokenizer, train_documents, validation_documents)

    # Materialised blocks are made once and shared; a stream is read by every process as it trains.
    train, validation = examples() if data.streaming else prepare_once(accelerator, examples)
    language_modeling = metrics.load("language_modeling")

    def eval_step(model: torch.nn.Module, batch: dict[str, torch.Tensor], outputs: Any) -> dict[str, torch.Tensor]:
        counts = token_statistics(outputs.logits, batch["labels"], shift=True)
        return {**counts, "bytes": batch["meta_bytes"], "chars": batch["meta_chars"]}

    def compute_metrics(outputs: dict[str, torch.Tensor]) -> dict[str, float]:
        names = ("nats", "tokens", "correct", "bytes", "chars")
        return language_modeling.compute(**{name: outputs[name].tolist() for name in names})

    return Task(
        model=model,
        tokenizer=tokenizer,
        train_dataset=train,
        eval_dataset=validation,
        collate_fn=collate,
        eval_step=eval_step,
        compute_metrics=compute_metrics,
        after_evaluate=lambda model, step, scores: write_samples(config, model, tokenizer, step),
        peft_task_type="CAUSAL_LM",
    )


def block_examples(
    config: Config, tokenizer: Any, train_documents: Iterable[str], validation_documents: Iterable[str] | None
) -> tuple[Any, Any]:
    """Training blocks and validation blocks (with the size of the text each spells), listed or streamed."""
    data, eos = config.data, tokenizer.eos_token_id

    def blocks(documents: Iterable[str]) -> Iterator[list[int]]:
        return pack(([*ids, eos] for ids in tokenize(tokenizer, documents, special_tokens=False)), data.block_size)

    def with_text_size(block: list[int]) -> dict[str, Any]:
        # The text that the predicted tokens (all but the first) spell, for bits per byte and nats per character.
        text = tokenizer.decode(block[1:], skip_special_tokens=True)
        return {"input_ids": block, "meta_bytes": len(text.encode("utf-8")), "meta_chars": len(text)}

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


def write_samples(config: Config, model: torch.nn.Module, tokenizer: Any, step: int) -> None:
    """Continue the fixed prompts (`sampling.prompts`) and append the texts to `samples.jsonl`."""
    if not config.sampling.prompts:
        return
    texts = generate(model, tokenizer, config.sampling.prompts, config.sampling)
    with output_path(config, SAMPLES_FILE).open("a", encoding="utf-8") as samples:
        for prompt, text in zip(config.sampling.prompts, texts, strict=True):
            samples.write(json.dumps({"step": step, "prompt": prompt, "text": text}) + "\n")
    logger.info("sample at step %d: %s%s", step, config.sampling.prompts[0], texts[0])


def collate(examples: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
    """Blocks are full, so no padding: the labels are the inputs (the model shifts them)."""
    batch = stack(examples)
    batch["labels"] = batch["input_ids"]
    return batch


def predict(run: TrainedRun, records: list[dict[str, str]], options: dict[str, Any]) -> list[dict[str, Any]]:
    """Continue each record's `prompt`, sampling as the run's `sampling` section says unless `options` say more."""
    model, tokenizer = run.model(AutoModelForCausalLM), run.tokenizer()
    prompts = [record.get("prompt", "") for record in records]
    return [
        {"prompt": prompt, "generated": text}
        for prompt, text in zip(prompts, generate(model, tokenizer, prompts, _sampling(run, options)), strict=True)
    ]


def predict_stream(run: TrainedRun, record: dict[str, str], options: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """`predict` for one record, the generated text yielded as it grows (a token at a time)."""
    model, tokenizer, prompt = run.model(AutoModelForCausalLM), run.tokenizer(), record.get("prompt", "")
    for text in stream(model, tokenizer, prompt, _sampling(run, options)):
        yield {"prompt": prompt, "generated": text}


def _sampling(run: TrainedRun, options: dict[str, Any]) -> SamplingConfig:
    """The run's sampling settings, changed by the options given (None: the run's own)."""
    changes = {o.name: options[o.name] for o in SAMPLING_OPTIONS if options.get(o.name) is not None}
    return dataclasses.replace(run.config.sampling, **changes)


SAMPLING_OPTIONS = (
    PredictOption("max_new_tokens", int, "tokens to generate per prompt", setting="sampling.max_new_tokens"),
    PredictOption("temperature", float, "softmax temperature; 0 is greedy", setting="sampling.temperature"),
    PredictOption("top_k", int, "sample among the k most likely tokens; 0 turns it off", setting="sampling.top_k"),
    PredictOption(
        "top_p", float, "sample among the most likely tokens adding up to p; 1 turns it off", setting="sampling.top_p"
    ),
    PredictOption(
        "repetition_penalty",
        float,
        "divide the scores of tokens already in the text by this",
        setting="sampling.repetition_penalty",
    ),
    PredictOption("seed", int, "seeds the sampling", setting="sampling.seed"),
)

RECIPE = Recipe(
    name="clm",
    description="causal language modelling (GPT-2): pretrain from scratch or continue a checkpoint",
    config=Config,
    build=build,
    metrics=(
        Metric("perplexity", higher_is_better=False, description="exp of the token-weighted loss"),
        Metric("accuracy", higher_is_better=True, description="share of next tokens ranked first"),
        Metric("bits_per_byte", higher_is_better=False, description="total bits / UTF-8 bytes of the text"),
        Metric("nats_per_char", higher_is_better=False, description="total nats / characters of the text"),
    ),
    default_metric="loss",
    predict=predict,
    predict_fields=("prompt",),
    predict_options=SAMPLING_OPTIONS,
    predict_stream=predict_stream,
    card=CardInfo(
        pipeline_tag="text-generation",
        task_name="Causal language modelling",
        example='"Dear Mother,"',
        examples=({"prompt": "Dear Mother,"}, {"prompt": "One cold morning"}, {"prompt": "Here is the weather for"}),
    ),
)
