"""Blocked attention with dropout (`llmkit.attention.attend`): torch's attention when nothing is dropped, exact
gradients, the dropout mask's statistics, and blocks of every shape."""

import pytest
import torch
from torch.nn import functional

from llmkit import attention

NOTHING_DROPPED = 1e-9  # round(p * 65536) == 0: the masks keep every element, scaled by 1 / (1 - p), about 1


def inputs(mask_kind: str, shape=(2, 3, 5, 4), keys: int = 5, dtype=torch.float32) -> tuple:
    torch.manual_seed(0)
    batch, heads, queries, size = shape
    query = torch.randn(batch, queries, heads, size, dtype=dtype).transpose(1, 2).requires_grad_()  # as models do
    key, value = (torch.randn(batch, heads, keys, size, dtype=dtype, requires_grad=True) for _ in range(2))
    allowed = torch.rand(batch, 1, queries, keys) > 0.4
    allowed[..., 0] = True  # every query may attend somewhere
    masks = {
        "none": None,
        "bool": allowed,
        "additive": torch.zeros(allowed.shape, dtype=dtype).masked_fill(~allowed, torch.finfo(dtype).min),
        "per head": torch.randn(batch, heads, queries, keys, dtype=dtype),
    }
    return query, key, value, masks[mask_kind]


@pytest.mark.parametrize("block_weights", [1, 30, 1 << 20])  # one head per block, a few heads, whole batches
@pytest.mark.parametrize("mask_kind", ["none", "bool", "additive", "per head"])
def test_attend_is_torchs_attention_when_nothing_is_dropped(mask_kind, block_weights, monkeypatch):
    monkeypatch.setattr(attention, "BLOCK_WEIGHTS", block_weights)
    query, key, value, mask = inputs(mask_kind)
    results = []
    for attend in (attention.attend, None):
        if attend is None:
            out = functional.scaled_dot_product_attention(query, key, value, attn_mask=mask, scale=0.3)
        else:
            out = attend(query, key, value, mask, NOTHING_DROPPED, 0.3)
        results.append((out, *torch.autograd.grad(out.square().sum(), (query, key, value))))
    for ours, torchs in zip(*results, strict=True):
        torch.testing.assert_close(ours, torchs)


@pytest.mark.parametrize("block_weights", [1, 1 << 20])
def test_attend_gradients_are_exact_with_dropout(block_weights, monkeypatch):
    monkeypatch.setattr(attention, "BLOCK_WEIGHTS", block_weights)
    query, key, value, mask = inputs("bool", shape=(2, 2, 3, 4), keys=6, dtype=torch.float64)

    def dropped(query, key, value):
        torch.manual_seed(5)  # the same masks at every call
        return attention.attend(query, key, value, mask, 0.3, 0.5)

    assert torch.autograd.gradcheck(dropped, (query, key, value))


def test_attend_drops_weights_with_fast_dropout_masks():
    query, key, _, mask = inputs("bool", shape=(2, 3, 64, 4), keys=64)
    value = torch.eye(64).expand(2, 3, 64, 64)  # the output is the attention weights themselves
    weights = torch.softmax((query @ key.transpose(-1, -2) * 0.3).masked_fill(~mask, -torch.inf), dim=-1)
    dropped = attention.attend(query, key, value, mask, 0.25, 0.3).detach()
    zeroed = dropped[weights > 0] == 0
    assert abs(zeroed.double().mean().item() - 0.25) < 5 * (0.25 * 0.75 / zeroed.numel()) ** 0.5
    torch.testing.assert_close(dropped[dropped > 0], (weights / 0.75)[dropped > 0])
    torch.manual_seed(1)
    first = attention.attend(query, key, value, mask, 0.25, 0.3)
    torch.manual_seed(1)
    assert torch.equal(attention.attend(query, key, value, mask, 0.25, 0.3), first)  # the seed decides the masks


def test_drop_mask_statistics():
    torch.manual_seed(0)
    dropped = attention.drop_mask((1000, 1001), 0.1)  # an odd count: the last 64-bit word is partly used
    assert dropped.dtype == torch.bool and dropped.shape == (1000, 1001)
    assert abs(dropped.double().mean().item() - 0.1) < 5 * (0.1 * 0.9 / dropped.numel()) ** 0.5


def test_attend_refuses_a_mask_that_wants_gradients():
    query, key, value, mask = inputs("additive")
    with pytest.raises(ValueError, match="mask"):
        attention.attend(query, key, value, mask.requires_grad_(), 0.1, 0.3)
