"""Training speed-ups that leave a model's results as they were.

- `first_token_only`: a BERT-family sequence classifier reads only the first ([CLS]) position of the last encoder
  layer, so that layer computes queries, the attention output and the feed-forward block for that position alone;
  keys and values still see every token. The logits and gradients are the same (to rounding); the last layer's cost
  drops from `length` positions to one, about 1/6 of a 6-layer model's work.
- `fast_dropout`: on the CPU, dropout masks drawn as four 16-bit numbers from each 64-bit random word instead of one
  `bernoulli_` draw per element (about 4x faster here). Elements are dropped with probability `round(p * 65536) /
  65536` (0.100006 for p = 0.1) and the rest scaled by `1 / (1 - p)`, as in `torch.nn.Dropout`; the masks come from
  torch's seeded generator, so runs stay reproducible and resumable.

Both patch module instances in memory only: parameter names, checkpoints and saved models are unchanged.
"""

from __future__ import annotations

import types

import torch
from torch import nn
from torch.nn import functional
from transformers import BertForSequenceClassification

WORD_LANES = 4  # 16-bit random numbers per 64-bit word


class FastDropout(nn.Dropout):
    """`nn.Dropout` with a cheaper mask on the CPU (see the module docstring)."""

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p in (0, 1) or inputs.device.type != "cpu":
            return super().forward(inputs)
        count = inputs.numel()
        words = torch.randint(-(2**63), 2**63 - 1, (-(-count // WORD_LANES),), dtype=torch.int64)
        lanes = words.view(torch.int16)[:count].view(inputs.shape)
        keep = lanes >= round(self.p * 65536) - 32768
        return inputs * keep.to(inputs.dtype).mul_(1 / (1 - self.p))


def speed_up(model: nn.Module, device: torch.device) -> list[str]:
    """Apply every speed-up that fits `model` on `device`; returns what was done, for the log."""
    done = []
    if first_token_only(model):
        done.append("last layer computes the [CLS] position only")
    if device.type == "cpu" and (count := fast_dropout(model)):
        done.append(f"{count} dropout layers use 16-bit masks")
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
    context = functional.scaled_dot_product_attention(
        split(attention.query(queries)),
        keys,
        values,
        attn_mask=attention_mask,
        dropout_p=attention.dropout.p if layer.training else 0.0,
        scale=attention.scaling,
    )
    attended = layer.attention.output(context.transpose(1, 2).reshape(queries.shape[0], 1, heads * size), queries)
    return layer.output(layer.intermediate(attended), attended)
