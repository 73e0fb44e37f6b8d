"""Cross-entropy over a large vocabulary without the `[tokens x vocab]` logits: the output layer and the loss,
computed a chunk of positions at a time.

A causal LM's training step normally materialises the logits of every position (GPT-2: 50,257 per token, about
0.8 GB in fp32 for 4,096 tokens), then their log-softmax, then their gradient, each as large. Here each chunk's
logits live only while that chunk is processed: the forward pass computes the chunk's loss and, since the loss is a
scalar that is always back-propagated in training, the chunk's gradients with respect to the hidden states and the
output weights right away (the softmax minus the one-hot target, times the hidden states), so the backward pass
only scales them. Nothing is recomputed and at most `chunk_size x vocab` logits exist at once. The loss and the
gradients equal the plain `lm_head` + `cross_entropy` ones to float rounding (tests/test_chunked_loss.py).

Written here rather than taken from a library: Liger-Kernel's fused linear cross-entropy does the same with Triton
kernels (GPU only), and transformers has no chunked loss for training.
"""

from __future__ import annotations

import functools
import types
from typing import Any

import torch
from torch import nn
from transformers import GPT2LMHeadModel
from transformers.modeling_outputs import CausalLMOutputWithCrossAttentions

IGNORE_INDEX = -100
DEFAULT_CHUNK = 512  # positions per chunk: 512 x 50,257 fp32 logits are 0.1 GB (as fast here as 1,024, 0.1 GB less)
SHIFT_FREE = 40.0  # target logits within +-40: exp(logits) without the max shift (see _softmax_parts)
LARGEST_SUM = 1e30  # a sum of exps above this (a logit above ~69) means the chunk is redone with the shift


class LinearCrossEntropy(torch.autograd.Function):
    """Mean cross-entropy of `hidden @ weight.T` against `targets` (IGNORE_INDEX ignored), a chunk at a time."""

    @staticmethod
    def forward(ctx: Any, hidden: torch.Tensor, weight: torch.Tensor, targets: torch.Tensor, chunk: int) -> Any:
        ctx.weight_dtype = weight.dtype
        count = (targets != IGNORE_INDEX).sum().clamp(min=1)
        wanted = ctx.needs_input_grad[0] or ctx.needs_input_grad[1]
        exact = torch.promote_types(hidden.dtype, torch.float32)  # bf16/fp16 logits are summed in fp32
        grad_hidden = torch.empty_like(hidden) if wanted else None
        grad_weight = torch.zeros_like(weight, dtype=exact) if wanted else None
        total = torch.zeros((), dtype=exact, device=hidden.device)
        exps = None  # each chunk's logits are written over the last one's: no fresh 0.1 GB to page in per chunk
        for start in range(0, hidden.shape[0], chunk):
            rows, goal = hidden[start : start + chunk], targets[start : start + chunk]
            valid, picked = goal != IGNORE_INDEX, goal.clamp(min=0)
            exps, norm, loss = _softmax_parts(rows, weight, picked, valid, exact, exps)
            total += loss
            if not wanted:
                continue
            # d loss / d logits = exps / norm - one-hot, on the valid rows (divided by `count` at the end). The
            # 1 / norm goes on the chunk's rows and the one-hot part is a row lookup, so the (vocab x rows)
            # exps are only read by the two matmuls: no further passes over them.
            scale = (valid / norm).unsqueeze(1)
            rows, own = rows.to(exact), weight[picked].to(exact)
            grad_hidden[start : start + chunk] = ((exps.T @ weight.to(exact)) * scale - own * valid[:, None]).to(
                hidden.dtype
            )
            grad_weight.addmm_(exps, rows * scale)
            grad_weight.index_add_(0, picked[valid], rows[valid], alpha=-1)
        if wanted:
            ctx.save_for_backward(grad_hidden.div_(count), grad_weight.div_(count))
        return total / count

    @staticmethod
    def backward(ctx: Any, grad_loss: torch.Tensor) -> Any:
        grad_hidden, grad_weight = ctx.saved_tensors
        return grad_hidden * grad_loss, (grad_weight * grad_loss).to(ctx.weight_dtype), None, None


def _softmax_parts(
    rows: torch.Tensor,
    weight: torch.Tensor,
    picked: torch.Tensor,
    valid: torch.Tensor,
    exact: torch.dtype,
    reuse: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A chunk's `exp(logits - shift)`, laid out (vocab x rows) in the logits' own memory (the chunk's only large
    tensor), each position's sum of them, and the chunk's summed loss `log(sum) + shift - logit of the target` over
    the valid rows.

    The (vocab x rows) layout, `weight @ rows.T`, is the product this CPU computes fastest: measured for 512 rows of
    384 against GPT-2's 50,257 x 384 weight, 127 GFLOP/s against 78 for `rows @ weight.T`, and the whole chunk
    (logits, softmax passes, both gradient products) 1.23x faster. `reuse`, the previous chunk's tensor, takes
    the logits when it has their shape and dtype (6% faster over a step's eight chunks than fresh memory each).

    The shift guards `exp` against overflow. The usual one, each position's largest logit, costs two passes over
    the logits (the max, then the subtraction); while every target's logit lies within +-SHIFT_FREE the shift is
    left out (0), which cannot overflow unless some logit exceeds the target's by about 70 nats (a loss above 70):
    then the sums show it and the chunk is recomputed with the max shift. Leaving it out cannot underflow either,
    as each sum holds its target's exp(logit) > exp(-SHIFT_FREE)."""
    logits = _logits(rows, weight, exact, reuse)
    chosen = logits[picked, torch.arange(rows.shape[0], device=rows.device)]
    if chosen.abs().max() < SHIFT_FREE:
        exps = logits.exp_()
        norm = exps.sum(0)
        if norm.max() < LARGEST_SUM:  # False for inf and nan too
            return exps, norm, ((norm.log() - chosen) * valid).sum()
        logits = _logits(rows, weight, exact, exps)
    top = logits.amax(0, keepdim=True)
    exps = logits.sub_(top).exp_()
    norm = exps.sum(0)
    return exps, norm, ((norm.log() + top.squeeze(0) - chosen) * valid).sum()


def _logits(rows: torch.Tensor, weight: torch.Tensor, exact: torch.dtype, reuse: torch.Tensor | None) -> torch.Tensor:
    """`weight @ rows.T` in the `exact` dtype, written into `reuse` when it has their shape and dtype."""
    shape = (weight.shape[0], rows.shape[0])
    if reuse is not None and reuse.shape == shape and weight.dtype == exact:
        return torch.mm(weight, rows.T, out=reuse)
    return (weight @ rows.T).to(exact)


def linear_cross_entropy(
    hidden: torch.Tensor, weight: torch.Tensor, targets: torch.Tensor, chunk: int = DEFAULT_CHUNK
) -> torch.Tensor:
    """`cross_entropy(hidden @ weight.T, targets, ignore_index=-100)` (mean over the counted targets) without the
    full logits; `hidden` is (tokens, hidden), `weight` (vocab, hidden), `targets` (tokens,)."""
    return LinearCrossEntropy.apply(hidden, weight, targets, chunk)


def chunk_causal_lm_loss(model: nn.Module, chunk: int = DEFAULT_CHUNK) -> bool:
    """Make a GPT-2 LM compute its training loss with `linear_cross_entropy`; True if it applied.

    Only training steps with labels change, and they return the loss without logits; evaluation (which reads the
    logits for its metrics) and generation keep the model's own forward. Patches the instance in memory only, so
    parameter names, checkpoints and saved models are unchanged. `model` may be wrapped by peft. A model with
    forward hooks or a forward of its own is left alone: either may read the logits (translation's loss does).
    """
    model = model.get_base_model() if hasattr(model, "get_base_model") else model
    head = model.get_output_embeddings() if isinstance(model, GPT2LMHeadModel) else None
    if head is None or head.bias is not None or model._forward_hooks or "forward" in vars(model):
        return False
    model.forward = types.MethodType(_chunked_forward(type(model).forward, chunk), model)
    return True


def _chunked_forward(forward: Any, chunk: int) -> Any:
    # The model's own signature: `generate` reads it to decide which inputs (attention mask, positions) to pass.
    @functools.wraps(forward)
    def chunked(self: GPT2LMHeadModel, input_ids: Any = None, labels: Any = None, **kwargs: Any) -> Any:
        if labels is None or not self.training or kwargs.get("return_dict") is False:
            return forward(self, input_ids=input_ids, labels=labels, **kwargs)
        kwargs.pop("logits_to_keep", None)
        body = self.transformer(input_ids=input_ids, **kwargs)
        hidden = body.last_hidden_state[:, :-1]  # position t predicts token t + 1
        targets = labels[:, 1:].to(hidden.device)
        weight = self.get_output_embeddings().weight
        loss = linear_cross_entropy(hidden.reshape(-1, hidden.shape[-1]), weight, targets.reshape(-1), chunk)
        return CausalLMOutputWithCrossAttentions(loss=loss, cache=body.cache)

    return chunked
