"""The training speed-ups keep results: same logits and gradients, dropout with the right statistics."""

import copy

import pytest
import torch
from test_attention import NOTHING_DROPPED
from transformers import AutoModelForSequenceClassification, BertConfig, GPT2Config

from llmkit import attention, fastpath


def tiny_classifier(attn_implementation: str) -> torch.nn.Module:
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=50, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64, num_labels=3
    )
    config._attn_implementation = attn_implementation
    return AutoModelForSequenceClassification.from_config(config).eval()


@pytest.mark.parametrize("attn_implementation", ["sdpa", "eager"])
def test_first_token_only_keeps_logits_and_gradients(attn_implementation):
    plain = tiny_classifier(attn_implementation)
    fast = copy.deepcopy(plain)
    assert fastpath.first_token_only(fast)
    assert_same_logits_and_gradients(plain, fast)
    assert list(fast.state_dict()) == list(plain.state_dict())


def assert_same_logits_and_gradients(plain: torch.nn.Module, fast: torch.nn.Module) -> dict[str, torch.Tensor]:
    """Run one padded batch through both models and compare; returns the batch."""
    batch = {
        "input_ids": torch.randint(1, 50, (3, 7)),
        "attention_mask": torch.tensor([[1] * 7, [1] * 4 + [0] * 3, [1] * 2 + [0] * 5]),
    }
    outputs = [model(**batch, labels=torch.tensor([0, 2, 1])) for model in (plain, fast)]
    for output in outputs:
        output.loss.backward()
    torch.testing.assert_close(outputs[1].logits, outputs[0].logits)
    for (name, a), (_, b) in zip(plain.named_parameters(), fast.named_parameters(), strict=True):
        torch.testing.assert_close(b.grad, a.grad, msg=name)
    return batch


def test_first_token_only_leaves_other_models_alone():
    config = GPT2Config(n_layer=1, n_embd=16, n_head=2, vocab_size=40, pad_token_id=0)
    assert not fastpath.first_token_only(AutoModelForSequenceClassification.from_config(config))


def test_fast_dropout_statistics_and_gradient():
    torch.manual_seed(0)
    layer = fastpath.FastDropout(0.1).train()
    inputs = torch.ones(1000, 1001, requires_grad=True)  # an odd count: the last 64-bit word is partly used
    outputs = layer(inputs)
    dropped = (outputs == 0).double().mean().item()
    assert abs(dropped - 0.1) < 5 * (0.1 * 0.9 / inputs.numel()) ** 0.5
    torch.testing.assert_close(outputs[outputs != 0], torch.full_like(outputs[outputs != 0], 1 / 0.9))
    outputs.sum().backward()
    torch.testing.assert_close(inputs.grad, outputs.detach())
    assert torch.equal(layer.eval()(inputs), inputs)


def test_fast_dropout_follows_the_seed_and_is_swapped_in():
    layer = fastpath.FastDropout(0.5)
    masks = []
    for _ in range(2):
        torch.manual_seed(3)
        masks.append(layer(torch.ones(64)) == 0)
    assert torch.equal(masks[0], masks[1]) and 0 < masks[0].sum() < 64
    model = tiny_classifier("sdpa")
    done = fastpath.speed_up(model, torch.device("cpu"))
    assert len(done) == 3
    assert not any(type(module) is torch.nn.Dropout for module in model.modules())


@pytest.mark.parametrize("attn_implementation", ["sdpa", "eager"])
def test_fast_attention_dropout_keeps_the_model_while_it_trains(attn_implementation, monkeypatch):
    plain = tiny_classifier(attn_implementation).train()
    for module in plain.modules():
        if isinstance(module, torch.nn.Dropout):
            module.p = NOTHING_DROPPED
    fast = copy.deepcopy(plain)
    assert fastpath.fast_attention_dropout(fast) == 2
    drawn, drop_mask = [], attention.drop_mask
    monkeypatch.setattr(attention, "drop_mask", lambda *args: drawn.append(args) or drop_mask(*args))
    batch = assert_same_logits_and_gradients(plain, fast)
    assert len(drawn) == 2  # both layers took the new path
    fast.eval()
    with torch.no_grad():
        fast(**batch)
    assert len(drawn) == 2  # evaluation keeps torch's kernels
