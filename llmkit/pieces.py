"""Random batches computed in length-sorted pieces: less padding without changing what a batch is.

A random batch padded to its longest example spends much of its compute on padding (about half on Multi30k's
sentence pairs). Grouping examples of similar length into batches removes the padding but changes the training:
each batch then holds only short or only long examples, and a Transformer trained from scratch on Multi30k that way
had still not learned to read its source after 900 steps where random batches had (29.9 BLEU;
docs/benchmarks.md). Packing texts end to end (`llmkit.packing`) keeps the batch but needs a model whose forward
reads packed rows. This module keeps the batch and the model: the collator sorts the random batch's examples by
length and chooses where to cut it into pieces, and the model's forward runs each piece padded only to its own
longest example and adds up the pieces' summed losses before dividing by the batch's count of targets. The loss,
and so the gradient, is the padded batch's (to float rounding; tests/test_pieces.py); only the compute shrinks.

`PiecesCollator` wraps a padding collator and adds `piece_ends`; `own_loss` (token cross-entropy) and
`own_span_loss` (extractive QA's start and end) make the model's forward compute its loss itself, a piece at a time
(`split`) when the batch has `piece_ends`, whole otherwise. The translation, NER, line-by-line masked-LM and QA
recipes use both (`Task.packed_collate_fn`; `train.batching=auto|packed`).
"""

from __future__ import annotations

import functools
import inspect
import math
import types
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import torch
from torch import nn

PIECE_ENDS = "piece_ends"
IGNORE_INDEX = -100
# What one more piece costs, as a fraction of the positions the unsplit batch computes: the smaller matrices of
# each piece run below the large ones' rate. On Multi30k batches of 64 pairs (Marian 3+3 x 256, this CPU) a
# batch took 1.04 s whole, 0.74-0.80 s in 2 pieces, 0.66 s in 3, 0.75-0.77 s in 4 and 0.86 s in 8 equal pieces.
PIECE_COST = 0.05
SOURCE_KEYS = ("input_ids", "attention_mask", "token_type_ids")  # right-padded to the attention mask's width


class PiecesCollator:
    """Wraps a padding collator: the batch comes back sorted longest first, with `piece_ends` (the end offset of
    each piece). `keys` are the padded entries whose widths price a piece: a piece of n examples costs n times the
    sum of their longest lengths (an encoder-decoder computes both its source and its target)."""

    def __init__(self, collate: Callable[[list[dict]], dict[str, torch.Tensor]], keys: Sequence[str]) -> None:
        self.collate = collate
        self.keys = tuple(keys)

    def __call__(self, features: list[dict]) -> dict[str, torch.Tensor]:
        sizes = [[len(feature[key]) for key in self.keys] for feature in features]
        order = sorted(range(len(features)), key=lambda i: -sum(sizes[i]))
        batch = self.collate([features[i] for i in order])
        mask = batch.get("attention_mask")
        if mask is None:  # a collator that leaves the mask out when nothing is padded: the batch runs whole
            return batch
        if not bool((mask[:, :-1] >= mask[:, 1:]).all()):
            raise ValueError("PiecesCollator needs right-padded batches: pieces keep each row's leading columns")
        batch[PIECE_ENDS] = torch.tensor(split_points([sizes[i] for i in order]))
        return batch


def split_points(sizes: Sequence[Sequence[int]], piece_cost: float = PIECE_COST) -> list[int]:
    """End offsets of the contiguous pieces of `sizes` (each example's lengths, longest examples first) that make
    the least work: the positions computed (each piece's rows times the sum of its longest lengths) plus
    `piece_cost` times the unsplit batch's positions for each piece. Exact, by dynamic programming over the
    cut points (a batch of 64 takes a few milliseconds)."""
    count = len(sizes)
    if count == 0:
        return []
    whole = count * sum(max(column) for column in zip(*sizes, strict=True))
    overhead = piece_cost * whole
    best, cut = [0.0] + [math.inf] * count, [0] * (count + 1)
    for end in range(1, count + 1):
        widths = [0] * len(sizes[0])
        for start in range(end - 1, -1, -1):
            widths = [max(width, size) for width, size in zip(widths, sizes[start], strict=True)]
            cost = best[start] + (end - start) * sum(widths) + overhead
            if cost < best[end]:
                best[end], cut[end] = cost, start
    ends, end = [], count
    while end:
        ends.append(end)
        end = cut[end]
    return ends[::-1]


def split(inputs: dict[str, Any], ends: torch.Tensor, labels_follow_inputs: bool) -> Iterator[dict[str, Any]]:
    """The model inputs of each piece: its rows, and its columns up to its own longest example.

    `SOURCE_KEYS` are cut to the piece's attention-mask width; `labels` to that width too when they are aligned
    with the inputs (`labels_follow_inputs`: a causal LM), else to the piece's last target (an encoder-decoder's
    right-padded labels). Entries that are not per-example tensors pass unchanged."""
    rows = inputs["input_ids"].shape[0]
    for start, end, width in _spans(inputs["attention_mask"], ends):
        piece = {
            key: value[start:end] if torch.is_tensor(value) and value.dim() and value.shape[0] == rows else value
            for key, value in inputs.items()
        }
        for key in SOURCE_KEYS:
            if key in piece:
                piece[key] = piece[key][:, :width]
        if "labels" in piece:
            labels = piece["labels"]
            if not labels_follow_inputs:
                filled = torch.nonzero((labels != IGNORE_INDEX).any(0))
                width = int(filled.max()) + 1 if len(filled) else 1
            piece["labels"] = labels[:, :width]
        yield piece


def positions(batch: dict[str, torch.Tensor]) -> int:
    """The input positions a batch with `piece_ends` computes: each piece's rows times its own width."""
    return sum((end - start) * width for start, end, width in _spans(batch["attention_mask"], batch[PIECE_ENDS]))


def _spans(mask: torch.Tensor, ends: torch.Tensor) -> Iterator[tuple[int, int, int]]:
    """Each piece's first row, end row and width: its longest row of the (right-padded) attention mask."""
    widths, start = mask.sum(1), 0
    for end in ends.tolist():
        yield start, end, int(widths[start:end].max())
        start = end


def own_loss(model: nn.Module, *, smoothing: float = 0.0, causal: bool = False, decoder_inputs: bool = False) -> None:
    """Make `model` compute its loss itself: the mean token cross-entropy on its `labels` (-100 ignored), as the
    transformers models do, label-smoothed by `smoothing`, over the whole batch or over its pieces.

    The labels never reach the model's own forward, so it computes no loss of its own (for a large vocabulary, a
    softmax per step that would be thrown away). `causal`: position t predicts label t + 1 (a causal LM's labels
    are its inputs). `decoder_inputs`: an encoder-decoder, whose decoder reads its labels shifted right, as its own
    forward would make them (`prepare_decoder_input_ids_from_labels`). A batch with `piece_ends` runs a piece at a
    time and its loss is the sum over every piece's targets divided by the batch's count of targets: the padded
    batch's mean; the output then holds the loss alone (the pieces' logits have different widths). Calls without
    labels (generation) run as before. Patches the instance in memory only: parameter names and saved models are
    unchanged.
    """

    def token_loss(self: nn.Module, run: Callable[..., Any], part: dict[str, Any]) -> tuple[Any, Any, Any]:
        targets = part.pop("labels")
        if decoder_inputs and part.get("decoder_input_ids") is None:
            part["decoder_input_ids"] = self.prepare_decoder_input_ids_from_labels(targets)
        output = run(**part)
        logits = output.logits
        if causal:
            logits, targets = logits[:, :-1], targets[:, 1:]
        summed = torch.nn.functional.cross_entropy(
            logits.flatten(0, 1).float(), targets.flatten(), ignore_index=IGNORE_INDEX, label_smoothing=smoothing,
            reduction="sum",
        )  # fmt: skip
        return output, summed[None], (targets != IGNORE_INDEX).sum()[None]

    _compute_own_loss(model, "labels", token_loss, labels_follow_inputs=not decoder_inputs)


def own_span_loss(model: nn.Module) -> None:
    """Make an extractive QA model compute its loss itself, over the whole batch or over its pieces: the mean of
    the start and the end cross-entropy over the windows, each window's softmax over its own positions only.

    So the loss does not depend on how a batch is padded or cut (in a plain padded batch, as transformers computes
    it, a short window's padding logits also compete in its softmax). An answer position past
    its window's end is ignored, as `BertForQuestionAnswering` ignores one past the padded batch. The output of a
    batch with `piece_ends` holds the loss alone; calls without answer positions (prediction) run as before.
    """

    def span_loss(self: nn.Module, run: Callable[..., Any], part: dict[str, Any]) -> tuple[Any, Any, Any]:
        answers = part.pop("start_positions"), part.pop("end_positions")
        output = run(**part)
        mask = part["attention_mask"]
        lengths = mask.sum(1)
        sums, counts = [], []
        for logits, goal in zip((output.start_logits, output.end_logits), answers, strict=True):
            goal = goal.clamp(min=0)
            kept = goal < lengths
            sums.append((window_losses(logits, torch.where(kept, goal, 0), mask) * kept).sum())
            counts.append(kept.sum())
        return output, torch.stack(sums), torch.stack(counts)

    _compute_own_loss(model, "start_positions", span_loss, labels_follow_inputs=True)


def window_losses(logits: torch.Tensor, goal: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Each window's cross-entropy of its position logits (windows, positions) against `goal`, the softmax over the
    window's own positions (`mask`), so that padding never competes."""
    logits = logits.float().masked_fill(~mask.bool(), torch.finfo(torch.float32).min)
    return torch.nn.functional.cross_entropy(logits, goal, reduction="none")


def _compute_own_loss(model: nn.Module, answers: str, loss: Callable[..., Any], labels_follow_inputs: bool) -> None:
    """Patch `model.forward`: a call with `answers` (the name of its targets) goes through `loss`, once for the
    whole batch or once per piece; `loss(model, plain forward, inputs)` pops the targets from the inputs, runs the
    forward and returns its output, the summed losses and their counts (one entry per averaged term). The loss is
    the mean over terms of each term's sum over the pieces divided by its count."""
    plain = model.forward

    def forward(self: nn.Module, *args: Any, piece_ends: Any = None, **kwargs: Any) -> Any:
        if kwargs.get(answers) is None:
            kwargs.pop(answers, None)
            return plain(*args, **kwargs)
        parts = split(kwargs, piece_ends, labels_follow_inputs) if piece_ends is not None else [kwargs]
        total = count = output = None
        for part in parts:
            output, summed, counted = loss(self, functools.partial(plain, *args), part)
            total, count = (summed, counted) if total is None else (total + summed, count + counted)
        if piece_ends is not None:
            output = type(output)()
        output.loss = (total / count.clamp(min=1)).mean()
        return output

    forward.__signature__ = inspect.signature(type(model).forward)  # `generate` and the Trainer read the model's own
    model.forward = types.MethodType(forward, model)
