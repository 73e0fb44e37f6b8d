"""Masked language modelling (BERT): pretrain from scratch, or continue pretraining a checkpoint.

Run it:
    make pretrain RECIPE=mlm                 # a small BERT from scratch on data/lm, WordPiece trained on it
    llmkit train mlm --config recipes/configs/mlm/default.yaml mlm.whole_word_mask=true
    llmkit train mlm model=minilm model.init=pretrained tokenizer.train=false train.lr=1e-4   # continue MiniLM
    llmkit train mlm mlm.packing=false data.block_size=64          # one example per line, padded per batch
    llmkit train mlm data.train=corpus.parquet data.streaming=true train.max_steps=5000
    llmkit predict runs/mlm --text "the cat sat on the [MASK]."

What it does:
    - the same text sources, streaming and tokenizer training as `clm` (a WordPiece tokenizer here)
    - packing (documents as `[CLS] text [SEP]`, concatenated and cut into blocks) or per-line examples
    - dynamic masking: each time a batch is drawn, `mlm.probability` (15%) of its tokens are chosen; of those 80%
      become [MASK], 10% a random token and 10% stay; with `mlm.whole_word_mask` all pieces of a word go together.
      The validation set is masked once with a fixed seed, so evaluations compare like with like.
    - validation loss and perplexity weighted by masked tokens, and masked-token accuracy

The packaged MiniLM (`model=minilm`) is a sentence encoder shipped without its masked-LM head: continuing its
pretraining starts that head from random weights (a warning says so), so expect a high loss at first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import torch
from transformers import AutoModelForMaskedLM

from llmkit import metrics, pieces
from llmkit.config import ModelConfig, RunConfig
from llmkit.corpus import (
    CorpusConfig,
    Stream,
    TokenizerConfig,
    examples_dataset,
    load_lm_model,
    open_corpus,
    pack,
    token_statistics,
    tokenize,
)
from llmkit.data import prepare_once
from llmkit.errors import ConfigError, UserError
from llmkit.models import TrainedRun
from llmkit.recipe import CardInfo, Metric, PredictOption, Recipe, Task

logger = logging.getLogger("llmkit")


@dataclass
class MaskingConfig:
    """How examples are formed and masked."""

    probability: float = 0.15
    """Fraction of (non-special) tokens chosen for prediction."""
    whole_word_mask: bool = False
    """Choose whole words: every WordPiece of a chosen word is masked together."""
    packing: bool = True
    """Pack documents into full blocks; false makes each line of text one example, truncated to the block size."""

    def __post_init__(self) -> None:
        if not 0 < self.probability < 1:
            raise ConfigError(f"'probability' must be between 0 and 1, got {self.probability}")


@dataclass
class Config(RunConfig):
    """Masked language-model pretraining run."""

    output_dir: str = "runs/mlm"
    model: ModelConfig = field(default_factory=lambda: ModelConfig(name="bert", init="scratch"))
    data: CorpusConfig = field(default_factory=CorpusConfig)
    tokenizer: TokenizerConfig = field(default_factory=TokenizerConfig)
    mlm: MaskingConfig = field(default_factory=MaskingConfig)


def build(config: Config, accelerator: Any) -> Task:
    """Read the corpus, get the tokenizer and model, form the examples; return the task the runner trains."""
    data, masking = config.data, config.mlm
    train_documents, validation_documents, tokenizer = open_corpus(config, accelerator, "wordpiece")
    if tokenizer.mask_token_id is None or tokenizer.pad_token_id is None:
        raise UserError(
            "tokenizer: it has no mask or no pad token, which masked language modelling needs. Fix: use a BERT-style "
            "tokenizer (model.tokenizer=...), or train one with tokenizer.train=true."
        )
    model, fresh_head = load_masked_lm(config, tokenizer)
    pieces.own_loss(model)  # the model's own loss, also over a batch's length-sorted pieces
    masked = masking_function(config, tokenizer)

    def prepare() -> tuple[Any, Any]:
        return unmasked_and_validation(config, tokenizer, masked, train_documents, validation_documents)

    # Materialised examples are made once and shared; a stream is read by every process as it trains.
    unmasked, validation = prepare() if data.streaming else prepare_once(accelerator, prepare)
    train = MaskedStream(unmasked, masked) if data.streaming else MaskedEachEpoch(unmasked, masked)
    language_modeling = metrics.load("language_modeling")

    def compute_metrics(outputs: dict[str, torch.Tensor]) -> dict[str, float]:
        counts = {name: outputs[name].tolist() for name in ("nats", "tokens", "correct")}
        zeros = [0] * len(counts["tokens"])
        return language_modeling.compute(**counts, bytes=zeros, chars=zeros)

    lengths = None if masking.packing or data.streaming else [len(ids) for ids in unmasked]

    def padded(batch: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        return collate(batch, tokenizer.pad_token_id)

    return Task(
        model=model,
        tokenizer=tokenizer,
        train_dataset=train,
        eval_dataset=validation,
        collate_fn=padded,
        # Line-by-line texts: random batches run in length-sorted pieces (`train.batching=auto`); blocks need none.
        packed_collate_fn=pieces.PiecesCollator(padded, ("input_ids",)) if lengths is not None else None,
        lengths=lengths,
        eval_step=lambda model, batch, outputs: token_statistics(outputs.logits, batch["labels"], shift=False),
        compute_metrics=compute_metrics,
        fresh_modules=fresh_head,
    )


def load_masked_lm(config: Config, tokenizer: Any) -> tuple[Any, tuple[str, ...]]:
    """The masked LM for `tokenizer`, and its head's module names when the checkpoint had none (it starts random,
    with a warning, and adapters must then train and save it)."""
    model = load_lm_model(AutoModelForMaskedLM, config.model, tokenizer, config.data.block_size)
    architectures = model.config.architectures or []
    if config.model.init == "scratch" or any("MaskedLM" in a or "PreTraining" in a for a in architectures):
        return model, ()
    logger.warning(
        "%s was saved without a masked-LM head (architectures: %s): the head starts from random weights.",
        config.model.name,
        ", ".join(architectures) or "unknown",
    )
    return model, tuple(name for name, _ in model.named_children() if name != model.base_model_prefix)


def masking_function(config: Config, tokenizer: Any) -> Mask:
    """`masked(ids, epoch, index)`: the example's masked inputs and labels, a function of (seed, epoch, index)."""
    masker = Masker(tokenizer, config.mlm.probability, config.mlm.whole_word_mask)

    def masked(ids: list[int], epoch: int, index: int) -> dict[str, list[int]]:
        # The mask depends only on (seed, epoch, position), never on a running random state: the DataLoader
        # prepares batches ahead of the step, so a stateful stream would not resume exactly.
        generator = torch.Generator().manual_seed((config.seed * 1_000_003 + epoch) * 1_000_003 + index)
        inputs, labels = masker(torch.tensor([ids]), generator=generator)
        return {"input_ids": inputs[0].tolist(), "labels": labels[0].tolist()}

    return masked


def unmasked_and_validation(
    config: Config,
    tokenizer: Any,
    masked: Mask,
    train_documents: Iterable[str],
    validation_documents: Iterable[str] | None,
) -> tuple[Any, Any]:
    """Unmasked training examples (masked anew each epoch later) and the validation set, masked once."""
    data, packing = config.data, config.mlm.packing

    def examples(documents: Iterable[str]) -> Iterator[list[int]]:
        if packing:
            return pack(tokenize(tokenizer, documents, special_tokens=True), data.block_size)
        lines = (line.strip() for document in documents for line in document.splitlines() if line.strip())
        return tokenize(tokenizer, lines, special_tokens=True, max_length=data.block_size)

    unmasked = examples_dataset(lambda: examples(train_documents), data.streaming, "data.train", data.block_size)
    validation = None
    if validation_documents is not None:
        # Masked the same way at every evaluation (epoch -1), so evaluations compare like with like.
        validation = examples_dataset(
            lambda: (masked(ids, -1, i) for i, ids in enumerate(examples(validation_documents))),
            data.streaming,
            "data.validation",
            data.block_size,
        )
    return unmasked, validation


class Masker:
    """Chooses tokens for prediction and corrupts them 80/10/10 ([MASK] / random token / unchanged).

    The token-level rule matches BERT's and `DataCollatorForLanguageModeling`; whole-word masking is done here
    because that collator needs character offsets, which packed blocks no longer have, and it drops the 10/10
    corruption. A word's continuation pieces are the tokens starting with `##` (WordPiece).
    """

    def __init__(self, tokenizer: Any, probability: float, whole_word: bool) -> None:
        self.probability = probability
        self.mask_id = tokenizer.mask_token_id
        self.vocab_size = len(tokenizer)
        self.special = torch.tensor(sorted(set(tokenizer.all_special_ids)))
        self.continuation = None
        if whole_word:
            tokens = tokenizer.convert_ids_to_tokens(list(range(self.vocab_size)))
            self.continuation = torch.tensor([token.startswith("##") for token in tokens])
            if not self.continuation.any():
                raise UserError(
                    "mlm.whole_word_mask: the tokenizer has no '##' word pieces, so words cannot be told apart. "
                    "Fix: use a WordPiece tokenizer, or set mlm.whole_word_mask=false."
                )

    def __call__(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Masked inputs and labels (-100 where nothing is predicted) for a `[batch, length]` tensor of ids."""
        maskable = ~torch.isin(input_ids, self.special)
        if attention_mask is not None:
            maskable &= attention_mask.bool()
        chosen = torch.rand(input_ids.shape, generator=generator) < self.probability
        if self.continuation is None:
            chosen &= maskable
        else:
            # A piece follows the choice made for the first piece of its word.
            starts = ~self.continuation[input_ids] | ~maskable
            positions = torch.arange(input_ids.shape[1]).expand_as(input_ids)
            word_start = torch.where(starts, positions, 0).cummax(dim=1).values
            chosen = chosen.gather(1, word_start) & maskable
        labels = input_ids.masked_fill(~chosen, -100)
        roll = torch.rand(input_ids.shape, generator=generator)
        random_ids = torch.randint(self.vocab_size, input_ids.shape, generator=generator)
        inputs = torch.where(chosen & (roll < 0.8), self.mask_id, input_ids)
        inputs = torch.where(chosen & (roll >= 0.8) & (roll < 0.9), random_ids, inputs)
        return inputs, labels


Mask = Callable[[list[int], int, int], dict[str, list[int]]]


class MaskedEachEpoch(torch.utils.data.Dataset):
    """Training examples masked anew in each epoch (dynamic masking); the runner calls `set_epoch`."""

    def __init__(self, examples: list[list[int]], mask: Mask) -> None:
        self.examples, self.mask, self.epoch = examples, mask, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, index: int) -> dict[str, list[int]]:
        return self.mask(self.examples[index], self.epoch, index)


class MaskedStream(Stream):
    """The streamed version of `MaskedEachEpoch`: examples are masked as they pass."""

    def __init__(self, examples: Stream, mask: Mask) -> None:
        super().__init__(lambda: (mask(ids, self.epoch, index) for index, ids in enumerate(examples)))
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch


def collate(examples: list[dict[str, Any]], pad_id: int) -> dict[str, torch.Tensor]:
    """Pad to the longest example (packed blocks need none); padding is never a prediction target."""
    width = max(len(example["input_ids"]) for example in examples)

    def padded(key: str, value: int) -> torch.Tensor:
        return torch.tensor([e[key] + [value] * (width - len(e[key])) for e in examples])

    batch = {"input_ids": padded("input_ids", pad_id), "labels": padded("labels", -100)}
    if any(len(e["input_ids"]) < width for e in examples):
        batch["attention_mask"] = torch.tensor(
            [[1] * len(e["input_ids"]) + [0] * (width - len(e["input_ids"])) for e in examples]
        )
    return batch


def predict(run: TrainedRun, records: list[dict[str, str]], options: dict[str, Any]) -> list[dict[str, Any]]:
    """Fill each [MASK] in each record's `text` with the model's most likely token.

    Returns, per record: `filled` (the text with every mask filled), `predictions` (the chosen token per mask) and
    `fillings`: per mask, the `top_k` most likely tokens with their probabilities, best first.
    """
    tokenizer, model = run.tokenizer(), run.model(AutoModelForMaskedLM)
    results = []
    for start in range(0, len(records), options["batch_size"]):
        texts = [record.get("text", "") for record in records[start : start + options["batch_size"]]]
        batch = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
        with torch.no_grad():
            probabilities = model(**batch.to(run.device)).logits.softmax(-1).cpu()
        batch = batch.to("cpu")
        masked = batch["input_ids"] == tokenizer.mask_token_id
        best = probabilities.argmax(-1)
        top = probabilities.topk(min(options.get("top_k") or TOP_K.default, probabilities.shape[-1]), dim=-1)
        for row, text in enumerate(texts):
            filled = torch.where(masked[row], best[row], batch["input_ids"][row])
            real = batch["attention_mask"][row].bool()
            positions = masked[row].nonzero().flatten().tolist()
            fillings = [_fillings(tokenizer, top.indices[row, at], top.values[row, at]) for at in positions]
            results.append(
                {
                    "text": text,
                    "filled": tokenizer.decode(filled[real], skip_special_tokens=True),
                    "predictions": tokenizer.convert_ids_to_tokens(best[row][masked[row]].tolist()),
                    "fillings": fillings,
                }
            )
    return results


def _fillings(tokenizer: Any, ids: torch.Tensor, probabilities: torch.Tensor) -> list[dict[str, Any]]:
    tokens = tokenizer.convert_ids_to_tokens(ids.tolist())
    return [{"token": token, "score": p} for token, p in zip(tokens, probabilities.tolist(), strict=True)]


TOP_K = PredictOption("top_k", int, "the most likely fillings to list for each mask", default=5)

RECIPE = Recipe(
    name="mlm",
    description="masked language modelling (BERT): pretrain from scratch or continue a checkpoint",
    config=Config,
    build=build,
    metrics=(
        Metric("perplexity", higher_is_better=False, description="exp of the loss over masked tokens"),
        Metric("accuracy", higher_is_better=True, description="share of masked tokens predicted exactly"),
    ),
    default_metric="loss",
    predict=predict,
    predict_fields=("text",),
    predict_options=(TOP_K,),
    card=CardInfo(
        pipeline_tag="fill-mask",
        task_name="Masked language modelling",
        example='"the cat sat on the [MASK]."',
        examples=({"text": "the cat sat on the [MASK]."}, {"text": "she opened the [MASK] and walked in."}),
    ),
)
