"""Scaled dot-product attention with dropout on the CPU, computed a cache-sized block at a time.

torch's CPU attention kernels (flash attention) have no dropout, so `scaled_dot_product_attention` with dropout falls
back to its reference path: it writes every attention weight to memory several times over (the scores, the softmax,
a `bernoulli_` mask, the dropped weights) and keeps two of those tensors for the backward pass. For a QA batch of 16
windows of 384 tokens that is 28M weights per layer, and the memory traffic made MiniLM's attention cost about five
times what it costs without dropout (`benchmarks/attention_dropout.py`).

`attend` computes the same attention in blocks of (texts, heads) whose weights fit in the CPU's cache, keeping only
what the backward pass cannot rebuild: the dropout mask, one byte per weight. The backward pass recomputes the
weights from the queries and keys, as flash attention does, and gets
`sum_j dweights_ij * weights_ij` from the output and its gradient (`rowsum(dout * out)`), so it never needs the
dropped weights themselves. Masks are drawn as `llmkit.fastpath.FastDropout` draws them (four 16-bit numbers from
each 64-bit random word), from torch's seeded generator.

Written here because no library has it: torch's flex attention and its flash kernel take no dropout on the CPU.
"""

from __future__ import annotations

import math

import torch
from torch.nn import functional

WORD_LANES = 4  # 16-bit random numbers per 64-bit word
BLOCK_WEIGHTS = 1 << 18  # attention weights per block: 1 MiB of fp32, so a block's passes stay in the cache


def drop_mask(shape: torch.Size | tuple[int, ...], p: float) -> torch.Tensor:
    """A dropout mask of `shape`, True where an element is dropped: each is, with probability
    `round(p * 65536) / 65536`, from one 16-bit lane of a 64-bit random word."""
    count = math.prod(shape)
    words = torch.randint(-(2**63), 2**63 - 1, (-(-count // WORD_LANES),), dtype=torch.int64)
    return words.view(torch.int16)[:count].view(shape) < round(p * 65536) - 32768


def attend(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    mask: torch.Tensor | None,
    dropout: float,
    scale: float,
) -> torch.Tensor:
    """`functional.scaled_dot_product_attention(query, key, value, mask, dropout, scale=scale)`, in blocks on the
    CPU when it drops weights (see the module docstring); torch's kernels otherwise.

    Shapes are (batch, heads, length, head size). `mask` is what the attention implementations take: bool (True
    where a query may attend) or additive floats, broadcastable to (batch, heads, queries, keys). A query that may
    attend nowhere gets uniform weights here (torch gives zeros); packed and padded batches have none.
    """
    if dropout == 0 or query.device.type != "cpu":
        return functional.scaled_dot_product_attention(
            query, key, value, attn_mask=mask, dropout_p=dropout, scale=scale
        )
    if mask is not None and mask.requires_grad:
        raise ValueError("attend takes no gradient through the attention mask")
    if mask is not None and mask.dim() < 4:
        mask = mask.view((1,) * (4 - mask.dim()) + mask.shape)
    if mask is not None and mask.dtype == torch.bool:
        mask = torch.zeros(mask.shape, dtype=query.dtype).masked_fill_(~mask, torch.finfo(query.dtype).min)
    return _BlockedDropoutAttention.apply(query, key, value, mask, dropout, scale)


class _BlockedDropoutAttention(torch.autograd.Function):
    # The softmax scale goes on the queries and 1 / (1 - p) on the output and its gradient, once each, rather than on
    # every block's weights: those tensors are (length x head size), the weights (length x length).
    @staticmethod
    def forward(ctx, query, key, value, mask, dropout, scale):
        scaled, kept_scale = query * scale, 1 / (1 - dropout)
        out = torch.empty(query.shape[:-1] + value.shape[-1:], dtype=query.dtype)
        drops = []
        for rows, heads in _blocks(query, key):
            weights = _weights(scaled, key, mask, rows, heads)
            drops.append(drop_mask(weights.shape, dropout))
            torch.matmul(weights.masked_fill_(drops[-1], 0), value[rows, heads], out=out[rows, heads])
        out.mul_(kept_scale)
        ctx.save_for_backward(scaled, key, value, mask, out)
        ctx.drops, ctx.kept_scale, ctx.scale = drops, kept_scale, scale
        return out

    @staticmethod
    def backward(ctx, grad_out):
        scaled, key, value, mask, out = ctx.saved_tensors
        grad_query, grad_key, grad_value = (torch.empty(t.shape, dtype=t.dtype) for t in (scaled, key, value))
        # sum_j dweights_ij * weights_ij = dout_i . out_i, where weights are the dropped ones
        delta = (grad_out * out).sum(-1, keepdim=True)
        grad_kept = grad_out * ctx.kept_scale
        for (rows, heads), drop in zip(_blocks(scaled, key), ctx.drops, strict=True):
            weights = _weights(scaled, key, mask, rows, heads)
            dout = grad_kept[rows, heads]
            torch.matmul(weights.masked_fill(drop, 0).transpose(-1, -2), dout, out=grad_value[rows, heads])
            grad_weights = torch.matmul(dout, value[rows, heads].transpose(-1, -2)).masked_fill_(drop, 0)
            grad_scores = grad_weights.sub_(delta[rows, heads]).mul_(weights)
            torch.matmul(grad_scores, key[rows, heads], out=grad_query[rows, heads])
            torch.matmul(grad_scores.transpose(-1, -2), scaled[rows, heads], out=grad_key[rows, heads])
        return grad_query.mul_(ctx.scale), grad_key, grad_value, None, None, None


def _blocks(query: torch.Tensor, key: torch.Tensor) -> list[tuple[slice, slice]]:
    """(rows, heads) slices covering the batch, each holding about `BLOCK_WEIGHTS` attention weights or fewer
    (one head of one text at least)."""
    batch, heads, queries = query.shape[:3]
    per_head = queries * key.shape[2]
    if per_head * heads <= BLOCK_WEIGHTS:
        step = max(1, BLOCK_WEIGHTS // (per_head * heads))
        return [(slice(row, min(row + step, batch)), slice(None)) for row in range(0, batch, step)]
    step = max(1, BLOCK_WEIGHTS // per_head)
    return [
        (slice(row, row + 1), slice(head, min(head + step, heads)))
        for row in range(batch)
        for head in range(0, heads, step)
    ]


def _weights(scaled_query, key, mask, rows, heads) -> torch.Tensor:
    """The block's attention weights before dropout: the softmax of the scaled query . key plus the additive mask.

    Always `torch.softmax`, never `exp` of scores minus a saved log-sum-exp: torch's CPU `exp` leaves its fast path
    for inputs far below 0, such as masked scores (about 6x slower here), and softmax's own exp does not."""
    scores = torch.matmul(scaled_query[rows, heads], key[rows, heads].transpose(-1, -2))
    if mask is not None:
        scores.add_(mask[rows if mask.shape[0] > 1 else slice(None), heads if mask.shape[1] > 1 else slice(None)])
    return torch.softmax(scores, dim=-1)
