"""Chunked linear + cross-entropy: the loss and every gradient equal the plain full-logits path."""

from __future__ import annotations

import copy
import inspect

import pytest
import torch
from torch.nn import functional
from transformers import GPT2Config, GPT2LMHeadModel

from llmkit.chunked_loss import chunk_causal_lm_loss, linear_cross_entropy


def test_loss_and_gradients_equal_the_full_logits_path():
    generator = torch.Generator().manual_seed(0)
    hidden = torch.randn(37, 16, generator=generator, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(101, 16, generator=generator, dtype=torch.float64, requires_grad=True)
    targets = torch.randint(0, 101, (37,), generator=generator)
    targets[[0, 5, 36]] = -100  # padding and the last position: not counted
    plain = functional.cross_entropy(hidden @ weight.T, targets, ignore_index=-100)
    plain_grads = torch.autograd.grad(plain * 3.0, (hidden, weight))
    for chunk in (1, 8, 37, 100):  # chunks that split the rows unevenly, and one chunk for everything
        chunked = linear_cross_entropy(hidden, weight, targets, chunk)
        assert chunked.item() == pytest.approx(plain.item(), rel=1e-12)
        grads = torch.autograd.grad(chunked * 3.0, (hidden, weight))  # a scaled loss scales the gradients
        for got, expected in zip(grads, plain_grads, strict=True):
            torch.testing.assert_close(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    ("scale", "offset"),
    [
        (1.0, 0.0),  # logits near 0: exp without the max shift
        (1.0, -300.0),  # every logit far below 0 (a pretrained GPT-2's are around -100): the shifted path
        (40.0, 0.0),  # logits in the hundreds either side
    ],
)
def test_the_loss_is_exact_wherever_the_logits_lie(scale, offset):
    generator = torch.Generator().manual_seed(1)  # fp32: exp(-300) underflows to 0 there
    hidden = (scale * torch.randn(24, 8, generator=generator, dtype=torch.float32)).requires_grad_()
    weight = torch.randn(50, 8, generator=generator, dtype=torch.float32)
    weight = torch.cat([weight, torch.full((50, 1), offset, dtype=torch.float32)], 1).requires_grad_()
    ones = torch.ones(24, 1, dtype=torch.float32)
    targets = torch.randint(0, 50, (24,), generator=generator)
    inputs = torch.cat([hidden, ones], 1)
    plain = functional.cross_entropy(inputs @ weight.T, targets)
    chunked = linear_cross_entropy(inputs, weight, targets, chunk=8)
    assert chunked.item() == pytest.approx(plain.item(), rel=1e-5)
    for got, expected in zip(
        torch.autograd.grad(chunked, (hidden, weight)), torch.autograd.grad(plain, (hidden, weight)), strict=True
    ):
        torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-5)


def test_a_logit_far_above_its_target_is_recomputed_with_the_shift():
    hidden = torch.tensor([[1.0, 0.0], [0.0, 1.0]], requires_grad=True)
    weight = torch.tensor([[0.0, 0.0], [100.0, 0.0], [0.0, 1.0]], requires_grad=True)
    targets = torch.tensor([0, 2])  # target logits 0 and 1, in range; row 0's other logit is 100: exp overflows
    plain = functional.cross_entropy(hidden @ weight.T, targets)
    chunked = linear_cross_entropy(hidden, weight, targets)
    assert torch.isfinite(chunked)
    assert chunked.item() == pytest.approx(plain.item(), rel=1e-6)
    for got, expected in zip(
        torch.autograd.grad(chunked, (hidden, weight)), torch.autograd.grad(plain, (hidden, weight)), strict=True
    ):
        torch.testing.assert_close(got, expected)


def test_without_gradients_only_the_loss_is_computed():
    hidden, weight = torch.randn(10, 8), torch.randn(30, 8)
    targets = torch.randint(0, 30, (10,))
    with torch.no_grad():
        loss = linear_cross_entropy(hidden, weight, targets, chunk=4)
    assert loss.item() == pytest.approx(functional.cross_entropy(hidden @ weight.T, targets).item(), rel=1e-5)


def test_a_patched_gpt2_trains_as_the_plain_one():
    config = GPT2Config(
        vocab_size=211, n_positions=64, n_embd=32, n_layer=2, n_head=2, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0
    )
    torch.manual_seed(0)
    plain = GPT2LMHeadModel(config).train()
    patched = copy.deepcopy(plain)
    assert chunk_causal_lm_loss(patched, chunk=7)
    ids = torch.randint(0, 211, (3, 20))
    labels = ids.clone()
    labels[2, 15:] = -100  # a padded row
    mask = (labels != -100).long()
    expected = plain(input_ids=ids, attention_mask=mask, labels=labels)
    got = patched(input_ids=ids, attention_mask=mask, labels=labels)
    assert got.logits is None  # no full logits in a training step
    torch.testing.assert_close(got.loss, expected.loss, rtol=1e-6, atol=1e-6)
    expected.loss.backward()
    got.loss.backward()
    for (name, a), (_, b) in zip(plain.named_parameters(), patched.named_parameters(), strict=True):
        torch.testing.assert_close(b.grad, a.grad, rtol=1e-4, atol=1e-6, msg=name)
    patched.eval()  # evaluation keeps the logits its metrics read
    assert patched(input_ids=ids, labels=labels).logits.shape == (3, 20, 211)
    assert list(patched.state_dict()) == list(plain.state_dict())  # saved models are unchanged


def test_models_that_read_their_logits_are_left_alone():
    config = GPT2Config(vocab_size=50, n_positions=16, n_embd=16, n_layer=1, n_head=2)
    hooked = GPT2LMHeadModel(config)
    hooked.register_forward_hook(lambda module, args, output: output)  # e.g. a label-smoothed loss
    assert not chunk_causal_lm_loss(hooked)
    assert not chunk_causal_lm_loss(torch.nn.Linear(2, 2))


def test_generation_sees_the_models_own_signature():
    model = GPT2LMHeadModel(GPT2Config(vocab_size=50, n_positions=16, n_embd=16, n_layer=1, n_head=2))
    before = inspect.signature(model.forward)
    assert chunk_causal_lm_loss(model)
    assert inspect.signature(model.forward) == before  # or generate() stops passing the attention mask
