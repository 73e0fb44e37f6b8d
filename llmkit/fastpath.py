"""Training speed-ups that leave a model's results as they were.

- `first_token_only`: a BERT-family sequence classifier reads only the first ([CLS]) position of the last encoder
  layer, so that layer computes queries, the attention output and the feed-forward block for that position alone;
  keys and values still see every token. The logits and gradients are the same (to rounding); the last layer's cost
  drops from `length` positions to one, about 1/6 of a 6-layer model's work.
- `fast_dropout`: on the CPU, dropout masks drawn as four 16-bit numbers from each 64-bit random word instead of one
  `bernoulli_` draw per element (about 4x faster here). Elements are dropped with probability `round(p * 65536) /
  65536` (0.100006 for p = 0.1) and the rest scaled by `1 / (1 - p)`, as in `torch.nn.Dropout`; the masks come from
  torch's seeded generator, so runs stay reproducible and resumable.
- `fast_attention_dropout`: on the CPU, BERT-family self-attention goes through `llmkit.attention.attend` while it
  trains: attention with dropout computed a cache-sized block at a time, with masks drawn as `fast_dropout` draws
  them. torch's own falls back to a reference path that writes every attention weight to memory several times
  (MiniLM's attention with dropout on 384-token QA windows: torch's 5.4x, `attend` 3.6x its cost without dropout,
  `benchmarks/attention_dropout.py`).
  Evaluation and other devices keep torch's kernels.

All three patch module instances in memory only: parameter names, checkpoints and saved models are unchanged.
"""

from __future__ import annotations

import types

import torch
from torch import nn
from transformers import BertForSequenceClassification
from transformers.models.bert.modeling_bert import BertSelfAttention

from llmkit.attention import attend, drop_mask


class FastDropout(nn.Dropout):
    """`nn.Dropout` with a cheaper mask on the CPU (see the module docstring)."""

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p in (0, 1) or inputs.device.type != "cpu":
            return super().forward(inputs)
        return inputs.masked_fill(drop_mask(inputs.shape, self.p), 0).mul_(1 / (1 - self.p))


def speed_up(model: nn.Module, device: torch.device) -> list[str]:
    """Apply every speed-up that fits `model` on `device`; returns what was done, for the log."""
    done = []
    if first_token_only(model):
        done.append("last layer computes the [CLS] position only")
    if device.type == "cpu" and (count := fast_dropout(model)):
        done.append(f"{count} dropout layers use 16-bit masks")
    if device.type == "cpu" and (count := fast_attention_dropout(model)):
        done.append(f"{count} attention layers drop weights with 16-bit masks")
    return done


def fast_dropout(model: nn.Module) -> int:
    """Swap every plain `nn.Dropout` in `model` for `FastDropout`; returns how many were swapped."""
    swapped = 0
    for module in model.modules():
        for name, child in module.named_children():
            if type(child) is nn.Dropout:
                setattr(module, name, FastDropout(child.p, child.inplace))
                swapped += 1
    return swapped


def fast_attention_dropout(model: nn.Module) -> int:
    """Make every BERT self-attention of `model` compute its weights with `attend` while it trains on the CPU;
    returns how many were changed. Decoder (causal) attention is left alone."""
    changed = 0
    for module in model.modules():
        if isinstance(module, BertSelfAttention) and not module.is_causal:
            module.forward = types.MethodType(_self_attention_forward, module)
            changed += 1
    return changed


def first_token_only(model: nn.Module) -> bool:
    """Make a BERT sequence classifier's last layer compute the first position only; True if it applied.

    `model` may be wrapped by peft. Other architectures are left alone (False).
    """
    model = unwrapped(model)
    if not isinstance(model, BertForSequenceClassification) or model.config.is_decoder:
        return False
    layers = model.bert.encoder.layer
    layers[-1].forward = types.MethodType(_first_token_layer_forward, layers[-1])
    return True


def unwrapped(model: nn.Module) -> nn.Module:
    """The model itself, also when peft wraps it."""
    return model.get_base_model() if hasattr(model, "get_base_model") else model


def _self_attention_forward(
    attention: BertSelfAttention,
    hidden_states: torch.Tensor,
    attention_mask: torch.Tensor | None = None,
    cache: object = None,
    **kwargs,
) -> tuple[torch.Tensor, None]:
    """`BertSelfAttention.forward` through `attend` when training on the CPU; the class's forward otherwise."""
    dropout = attention.dropout.p if attention.training else 0.0
    if dropout == 0 or cache is not None or hidden_states.device.type != "cpu" or kwargs.get("output_attentions"):
        return type(attention).forward(attention, hidden_states, attention_mask, cache=cache, **kwargs)
    shape = (*hidden_states.shape[:-1], -1, attention.attention_head_size)
    query, key, value = (
        projection(hidden_states).view(shape).transpose(1, 2)
        for projection in (attention.query, attention.key, attention.value)
    )
    context = attend(query, key, value, attention_mask, dropout, attention.scaling)
    return context.transpose(1, 2).reshape(*hidden_states.shape[:-1], -1), None


def _first_token_layer_forward(layer: nn.Module, hidden_states: torch.Tensor, attention_mask=None, *args, **kwargs):
    """`BertLayer.forward` for the first position only: shape (batch, 1, hidden)."""
    if attention_mask is not None:
        attention_mask = attention_mask[:, :, :1]
    return query_subset_layer(layer, hidden_states, hidden_states[:, :1], attention_mask)


def query_subset_layer(
    layer: nn.Module,
    hidden_states: torch.Tensor,
    queries: torch.Tensor,
    attention_mask: torch.Tensor | None,
    rows: torch.Tensor | None = None,
) -> torch.Tensor:
    """A `BertLayer` computed for some positions only; keys and values still come from every position.

    Args:
        hidden_states: The layer's input, (batch, length, hidden).
        queries: The positions to compute, (n, 1, hidden).
        attention_mask: What each query may attend to, (n, 1, 1, length): bool, or additive floats.
        rows: For each query, the row of `hidden_states` it belongs to; by default query i reads row i.
    """
    attention = layer.attention.self
    heads, size = attention.num_attention_heads, attention.attention_head_size

    def split(states: torch.Tensor) -> torch.Tensor:
        return states.view(*states.shape[:2], heads, size).transpose(1, 2)

    keys, values = split(attention.key(hidden_states)), split(attention.value(hidden_states))
    if rows is not None:
        keys, values = keys[rows], values[rows]
    if attention_mask is not None and attention_mask.dtype != torch.bool:
        attention_mask = attention_mask.to(hidden_states.dtype)
    context = attend(
        split(attention.query(queries)),
        keys,
        values,
        attention_mask,
        attention.dropout.p if layer.training else 0.0,
        attention.scaling,
    )
    attended = layer.attention.output(context.transpose(1, 2).reshape(queries.shape[0], 1, heads * size), queries)
    return layer.output(layer.intermediate(attended), attended)
