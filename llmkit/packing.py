"""Packed batches: random batches that spend no compute on padding.

A random batch of texts of mixed lengths, padded to its longest, wastes much of its compute on padding (two thirds
on SST-2). Grouping texts of similar length into batches removes the padding but changes what a batch is: each
batch holds only short or only long texts, which changes the training itself (transformers' length-grouped Trainer
ends at chance accuracy on SST-2 in `benchmarks/sentiment_sst2.py`). Packing keeps every batch a random draw (the
batches a plain `Trainer` would see with the same seed) and lays its texts end to end in a few rows: each text
attends only to itself (a block-diagonal attention mask) and its positions restart at 0. Loss and gradients are
those of the padded batch, to rounding.

`PackingCollator` turns a padded batch into a packed one, marking which text each position holds in
`segment_ids` (-1 for the little padding left at row ends); `enable` teaches a model's forward to read such a
batch, and `packing_collator` does both for a recipe, which hands the collator to the runner
(`Task.packed_collate_fn`). Supported, with sdpa or eager attention: sequence classifiers, BERT-family
(`BertForSequenceClassification`) and GPT-2 (`GPT2ForSequenceClassification`: causal attention inside each text),
for single texts and sentence pairs and every problem type. Translation, NER, line-by-line masked-LM and extractive
QA models keep their random batches too, computed in length-sorted pieces (`llmkit.pieces`: QA windows are long and
attention over a packed row is as wide as the row, so pieces, each as wide as its longest window, cost less); the
runner uses length-grouped batches for other models.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from typing import Any

import torch
from torch import nn
from torch.nn import functional
from transformers import BertForSequenceClassification, GPT2ForSequenceClassification
from transformers.loss.loss_utils import ForSequenceClassificationLoss
from transformers.modeling_outputs import SequenceClassifierOutput

from llmkit.fastpath import query_subset_layer, unwrapped

SEGMENT_IDS = "segment_ids"
PER_POSITION = ("input_ids", "attention_mask", "token_type_ids")  # the entries packing rearranges


def can_pack(model: nn.Module) -> bool:
    """Whether `enable` supports `model` (which may be wrapped by peft)."""
    model = unwrapped(model)
    if not isinstance(model, tuple(PACKED_FORWARDS)) or model.config._attn_implementation not in ("sdpa", "eager"):
        return False
    if isinstance(model, GPT2ForSequenceClassification):  # it finds each text's end by its pad token
        return model.config.pad_token_id is not None
    return not model.config.is_decoder


def packing_collator(model: nn.Module, collate: Callable[[list[dict]], dict[str, torch.Tensor]]) -> Any:
    """A `PackingCollator` around `collate` for `model`, taught to read packed batches; None if it cannot."""
    if not can_pack(model):
        return None
    enable(model)
    return PackingCollator(collate, unwrapped(model).config.hidden_size)


def enable(model: nn.Module) -> None:
    """Make `model.forward` accept packed batches (a `segment_ids` entry); padded batches run as before."""
    model = unwrapped(model)
    if not can_pack(model):
        raise ValueError(f"{type(model).__name__} cannot run packed batches")
    plain = model.forward
    packed_forward = next(forward for kind, forward in PACKED_FORWARDS.items() if isinstance(model, kind))

    def forward(self: nn.Module, *args: Any, segment_ids: torch.Tensor | None = None, **kwargs: Any) -> Any:
        if segment_ids is None:
            return plain(*args, **kwargs)
        return packed_forward(self, segment_ids=segment_ids, **kwargs)

    # Keep the signature callers inspect (the Trainer drops dataset columns the forward does not name).
    forward.__signature__ = inspect.signature(type(model).forward)
    model.forward = types.MethodType(forward, model)


class PackingCollator:
    """Wraps a padding collator: its batch of n texts comes back as a few rows holding the texts end to end.

    Entries other than `input_ids`, `attention_mask` and `token_type_ids` (labels, `meta_` columns) keep one value
    per text, in the batch's order. `hidden_size` is the model's: it prices the attention (see `pack`).
    """

    def __init__(self, collate: Callable[[list[dict]], dict[str, torch.Tensor]], hidden_size: int) -> None:
        self.collate = collate
        self.hidden_size = hidden_size

    def __call__(self, features: list[dict]) -> dict[str, torch.Tensor]:
        return pack(self.collate(features), self.hidden_size)


def pack(batch: dict[str, torch.Tensor], hidden_size: int) -> dict[str, torch.Tensor]:
    """Rearrange a padded batch into packed rows (see `PackingCollator`).

    Texts go longest first into the first row with room. The row width is chosen per batch among those that
    spread the texts evenly over 1, 2, ... rows (never narrower than the longest text), to minimise the work:
    the positions computed, each costing `1 + width / (6 x hidden_size)` (the attention's share grows with the
    width). On SST-2 batches of 32 this leaves about 1% padding.
    """
    real = batch["attention_mask"].bool()
    lengths = real.sum(1).tolist()
    total, longest = sum(lengths), max(lengths)
    layouts = (_first_fit(lengths, max(longest, -(-total // count))) for count in range(-(-total // longest), 0, -1))
    rows = min(layouts, key=lambda layout: _cost(layout, lengths, hidden_size))
    width = _width(rows, lengths)
    segments = torch.full((len(rows), width), -1, dtype=torch.long)
    packed = {key: torch.zeros_like(segments) for key in ("input_ids", "token_type_ids") if key in batch}
    for row, texts in enumerate(rows):
        start = 0
        for text in texts:
            end = start + lengths[text]
            segments[row, start:end] = text
            for key, values in packed.items():
                values[row, start:end] = batch[key][text][real[text]]
            start = end
    rest = {key: value for key, value in batch.items() if key not in PER_POSITION}
    return {**rest, **packed, SEGMENT_IDS: segments}


def _first_fit(lengths: list[int], width: int) -> list[list[int]]:
    """Texts (indices into `lengths`), longest first, each into the first row of `width` with room."""
    rows: list[list[int]] = []
    room: list[int] = []
    for text in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        row = next((r for r, free in enumerate(room) if free >= lengths[text]), len(rows))
        if row == len(rows):
            rows.append([])
            room.append(width)
        rows[row].append(text)
        room[row] -= lengths[text]
    return rows


def _width(rows: list[list[int]], lengths: list[int]) -> int:
    """The width a layout needs: its fullest row."""
    return max(sum(lengths[text] for text in row) for row in rows)


def _cost(rows: list[list[int]], lengths: list[int], hidden_size: int) -> float:
    """The work of a layout, in positions: rows x width, each position's attention growing with the width."""
    width = _width(rows, lengths)
    return len(rows) * width * (1 + width / (6 * hidden_size))


def _packed_classifier_forward(
    model: BertForSequenceClassification,
    input_ids: torch.Tensor,
    segment_ids: torch.Tensor,
    token_type_ids: torch.Tensor | None = None,
    labels: torch.Tensor | None = None,
    **unused: Any,
) -> SequenceClassifierOutput:
    """`BertForSequenceClassification.forward` on a packed batch; logits come in the texts' original order."""
    bert = model.bert
    hidden, mask, starts = _packed_embeddings(bert, input_ids, segment_ids, token_type_ids)
    *layers, last = bert.encoder.layer
    for layer in layers:
        hidden = layer(hidden, mask)
    rows, cols = starts.nonzero(as_tuple=True)
    order = segment_ids[rows, cols].argsort()
    rows, cols = rows[order], cols[order]
    # The classifier reads each text's first ([CLS]) position, so the last layer computes those alone.
    first = query_subset_layer(last, hidden, hidden[rows, cols][:, None], mask[rows, :, cols][:, :, None], rows)
    logits = model.classifier(model.dropout(bert.pooler(first)))
    loss = None
    if labels is not None:
        # The loss BertForSequenceClassification computes, by the config's problem type.
        loss = ForSequenceClassificationLoss(labels, logits, model.config)
    return SequenceClassifierOutput(loss=loss, logits=logits)


def _packed_embeddings(
    bert: nn.Module, input_ids: torch.Tensor, segment_ids: torch.Tensor, token_type_ids: torch.Tensor | None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The embeddings of a packed batch, its attention mask, and where each text starts."""
    starts, positions = _text_positions(segment_ids)
    hidden = bert.embeddings(
        input_ids=input_ids,
        token_type_ids=token_type_ids if token_type_ids is not None else torch.zeros_like(input_ids),
        position_ids=positions,
    )
    mask = _attention_mask(segment_ids, bert.config._attn_implementation, hidden.dtype)
    return hidden, mask, starts


def _text_positions(segment_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Where each text of a packed batch starts (bool), and each position's index inside its text (0 for padding)."""
    real = segment_ids >= 0
    index = torch.arange(segment_ids.shape[1], device=segment_ids.device).expand_as(segment_ids)
    starts = real & (segment_ids != functional.pad(segment_ids, (1, 0), value=-1)[:, :-1])
    positions = (index - torch.where(starts, index, 0).cummax(dim=1).values).masked_fill(~real, 0)
    return starts, positions


def _attention_mask(
    segment_ids: torch.Tensor, attn_implementation: str, dtype: torch.dtype, causal: bool = False
) -> torch.Tensor:
    """(rows, 1, width, width): each position attends to its own text only (and, `causal`, to earlier positions);
    padding positions attend to one another, which keeps their softmax finite and touches nothing real. Boolean
    for sdpa, additive floats for eager attention."""
    mask = segment_ids[:, None, :, None] == segment_ids[:, None, None, :]
    if causal:
        width = segment_ids.shape[1]
        mask = mask & torch.ones(width, width, dtype=torch.bool, device=mask.device).tril()
    if attn_implementation == "eager":
        mask = torch.zeros(mask.shape, dtype=dtype, device=mask.device).masked_fill_(~mask, torch.finfo(dtype).min)
    return mask


def _packed_gpt2_classifier_forward(
    model: GPT2ForSequenceClassification,
    input_ids: torch.Tensor,
    segment_ids: torch.Tensor,
    token_type_ids: torch.Tensor | None = None,
    labels: torch.Tensor | None = None,
    **unused: Any,
) -> SequenceClassifierOutput:
    """`GPT2ForSequenceClassification.forward` on a packed batch: causal attention inside each text, and the
    logits of each text's last token that is not the pad token (the padded forward's rule), in the texts' order."""
    starts, positions = _text_positions(segment_ids)
    dtype = model.transformer.wte.weight.dtype
    mask = _attention_mask(segment_ids, model.config._attn_implementation, dtype, causal=True)
    # A 4-D mask goes to the attention as it is (transformers' masking_utils), so the texts stay apart.
    hidden = model.transformer(
        input_ids=input_ids, position_ids=positions, attention_mask=mask, token_type_ids=token_type_ids
    ).last_hidden_state
    flat = torch.arange(segment_ids.numel(), device=segment_ids.device).view_as(segment_ids)
    texts = int(segment_ids.max()) + 1
    candidates = (segment_ids >= 0) & (input_ids != model.config.pad_token_id)
    last = flat.new_full((texts,), -1).scatter_reduce(0, segment_ids[candidates], flat[candidates], "amax")
    # A text of pad tokens only: the padded forward reads its first position.
    first = flat.new_empty(texts).scatter_(0, segment_ids[starts], flat[starts])
    logits = model.score(hidden.flatten(0, 1)[torch.where(last >= 0, last, first)])
    loss = ForSequenceClassificationLoss(labels, logits, model.config) if labels is not None else None
    return SequenceClassifierOutput(loss=loss, logits=logits)


# The models `enable` teaches to read packed batches, and the forward each then runs.
PACKED_FORWARDS = {
    BertForSequenceClassification: _packed_classifier_forward,
    GPT2ForSequenceClassification: _packed_gpt2_classifier_forward,
}
