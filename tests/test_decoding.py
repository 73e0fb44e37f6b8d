"""Greedy decoding that drops finished rows gives `generate`'s tokens."""

import copy

import pytest
import torch
from test_pieces import model_and_features

from llmkit import decoding
from recipes import translation


def end_steps(tokens: torch.Tensor, eos: int) -> list[int]:
    """The step at which each row first generates `eos` (99: never)."""
    return [int((row == eos).nonzero()[0]) if (row == eos).any() else 99 for row in tokens]


def settings_ending_at_different_steps(model, batch):
    """Greedy settings whose EOS the model reaches at different steps in different rows (or in some rows only):
    a token it generates early in some rows (random weights rarely produce the configured EOS at all)."""
    settings = copy.deepcopy(model.generation_config)
    settings.update(max_new_tokens=10, num_beams=1, do_sample=False, max_length=None)
    settings.eos_token_id = (
        model.get_output_embeddings().weight.shape[0] + 7
    )  # never generated: every row runs all 10 steps
    free = model.generate(
        input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], generation_config=settings
    )
    candidates = {int(token) for token in free[:, 1:6].flatten()}
    settings.eos_token_id = max(sorted(candidates), key=lambda token: len(set(end_steps(free, token))))
    return settings


@pytest.mark.parametrize("form", ["seq2seq", "encoder-decoder"])
def test_greedy_gives_generates_tokens_while_dropping_finished_rows(form, tiny_bert, tiny_gpt2):
    model, features = model_and_features(form, tiny_bert, tiny_gpt2)
    model.eval()
    torch.manual_seed(2)
    with torch.no_grad():  # weights large enough, and no token's embedding dominant, that sources matter
        for parameter in model.parameters():
            parameter.normal_(0, 0.5)
        for embedding in (model.get_input_embeddings(), model.get_output_embeddings()):
            embedding.weight.copy_(torch.nn.functional.normalize(embedding.weight, dim=1) * 4)
    pad_id = 0 if form == "seq2seq" else model.config.pad_token_id or 0
    generator = torch.Generator().manual_seed(3)
    rows = [{**f, "input_ids": [*torch.randint(5, 200, (k,), generator=generator).tolist(), *f["input_ids"]]}
            for k in (0, 1, 3, 6) for f in features]  # fmt: skip
    batch = translation.collate(rows, pad_id)
    settings = settings_ending_at_different_steps(model, batch)
    assert decoding.applies(model, settings)
    expected = model.generate(
        input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], generation_config=settings
    )
    got = decoding.greedy(model, batch["input_ids"], batch["attention_mask"], settings)
    assert torch.equal(got, expected)
    # Rows ended at different steps: finished rows were dropped while others went on.
    assert len(set(end_steps(got, settings.eos_token_id))) >= 2
    assert translation.generate(model, batch, form, settings).equal(expected)  # the recipe decodes this way


def test_other_searches_are_left_to_generate(tiny_bert, tiny_gpt2):
    model, _ = model_and_features("seq2seq", tiny_bert, tiny_gpt2)
    settings = copy.deepcopy(model.generation_config)
    settings.update(max_new_tokens=5, max_length=None)
    assert decoding.applies(model, settings)
    for change in ({"num_beams": 2}, {"do_sample": True}, {"repetition_penalty": 1.2}, {"forced_bos_token_id": 3}):
        changed = copy.deepcopy(settings)
        changed.update(**change)
        assert not decoding.applies(model, changed), change
        assert decoding.greedy(model, torch.ones(1, 3, dtype=torch.long), torch.ones(1, 3), changed) is None
    decoder_only, _ = model_and_features("decoder-only", tiny_bert, tiny_gpt2)
    assert not decoding.applies(decoder_only, decoder_only.generation_config)
