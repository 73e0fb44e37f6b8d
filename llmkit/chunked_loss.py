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
DEFAULT_CHUNK = 1024  # positions per chunk: 1,024 x 50,257 fp32 logits are 0.2 GB


class LinearCrossEntropy(torch.autograd.Function):
    """Mean cross-entropy of `hidden @ weight.T` against `targets` (IGNORE_INDEX ignored), a chunk at a time."""

    @staticmethod
    def forward(ctx: Any, hidden: torch.Tensor, weight: torch.Tensor, targets: torch.Tensor, chunk: int) -> Any:
        ctx.weight_dtype = weight.dtype
        count = (targets != IGNORE_INDEX).sum().clamp(min=1)
        wanted = ctx.needs_input_grad[0] or ctx.needs_input_grad[1]
        grad_hidden = torch.zeros_like(hidden) if wanted else None
        exact = torch.promote_types(hidden.dtype, torch.float32)  # bf16/fp16 logits are summed in fp32
        grad_weight = torch.zeros_like(weight, dtype=exact) if wanted else None
        total = torch.zeros((), dtype=exact, device=hidden.device)
        for start in range(0, hidden.shape[0], chunk):
            rows, goal = hidden[start : start + chunk], targets[start : start + chunk]
            logits = (rows @ weight.T).to(exact)
            valid = goal != IGNORE_INDEX
            picked = goal.clamp(min=0).unsqueeze(1)
            log_norm = torch.logsumexp(logits, dim=-1)
            total += ((log_norm - logits.gather(1, picked).squeeze(1)) * valid).sum()
            if wanted:
                # d loss / d logits = softmax - one-hot, for the valid rows; divided by `count` at the end.
                gradient = logits.sub_(log_norm.unsqueeze(1)).exp_()
                gradient.scatter_add_(1, picked, -torch.ones_like(picked, dtype=gradient.dtype))
                gradient.mul_(valid.unsqueeze(1))
                grad_hidden[start : start + chunk] = (gradient @ weight.to(exact)).to(hidden.dtype)
                grad_weight.addmm_(gradient.T, rows.to(exact))
        if wanted:
            ctx.save_for_backward(grad_hidden.div_(count), grad_weight.div_(count))
        return total / count

    @staticmethod
    def backward(ctx: Any, grad_loss: torch.Tensor) -> Any:
        grad_hidden, grad_weight = ctx.saved_tensors
        return grad_hidden * grad_loss, (grad_weight * grad_loss).to(ctx.weight_dtype), None, None


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
    forward hooks is left alone: a hook may read the logits (translation's label smoothing does).
    """
    model = model.get_base_model() if hasattr(model, "get_base_model") else model
    head = model.get_output_embeddings() if isinstance(model, GPT2LMHeadModel) else None
    if head is None or head.bias is not None or model._forward_hooks:
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
        return CausalLMOutputWithCrossAttentions(loss=loss, past_key_values=body.past_key_values)

    return chunked
