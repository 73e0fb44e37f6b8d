"""Packed batches give the padded batch's loss, logits and gradients, and the runner trains with them."""

import copy

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification, BertConfig, GPT2Config

from llmkit import fastpath, packing


def tiny_classifier(attn_implementation: str = "sdpa", **overrides) -> torch.nn.Module:
    torch.manual_seed(0)
    settings = {"num_labels": 3, **overrides}
    config = BertConfig(
        vocab_size=50,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        hidden_dropout_prob=0,
        attention_probs_dropout_prob=0,
        **settings,
    )
    config._attn_implementation = attn_implementation
    return AutoModelForSequenceClassification.from_config(config)


def padded_batch(lengths: list[int], problem: str = "single_label_classification") -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(1)
    width = max(lengths)
    mask = torch.tensor([[1] * n + [0] * (width - n) for n in lengths])
    ids = torch.randint(1, 50, (len(lengths), width), generator=generator) * mask
    types = torch.randint(0, 2, ids.shape, generator=generator) * mask  # sentence pairs: segment ids 0 and 1
    labels = {
        "single_label_classification": lambda: torch.randint(0, 3, (len(lengths),), generator=generator),
        "multi_label_classification": lambda: torch.randint(0, 2, (len(lengths), 3), generator=generator).float(),
        "regression": lambda: torch.rand(len(lengths), generator=generator) * 5,
    }[problem]()
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types, "labels": labels}


def assert_same_gradients(plain: torch.nn.Module, packed_model: torch.nn.Module) -> None:
    for (name, a), (_, b) in zip(plain.named_parameters(), packed_model.named_parameters(), strict=True):
        torch.testing.assert_close(b.grad, a.grad, msg=name)


def assert_packed_equals_padded(plain: torch.nn.Module, packed_model: torch.nn.Module, batch: dict) -> object:
    """The packed batch gives the padded one's logits, loss and gradients; returns the padded outputs."""
    padded, packed = plain(**batch), packed_model(**packing.pack(batch, hidden_size=32))
    padded.loss.backward()
    packed.loss.backward()
    torch.testing.assert_close(packed.logits, padded.logits)
    torch.testing.assert_close(packed.loss, padded.loss)
    assert_same_gradients(plain, packed_model)
    return padded


def test_pack_lays_texts_end_to_end_without_losing_any():
    batch = {**padded_batch([7, 2, 5, 3, 1, 7]), "meta_length": torch.tensor([7, 2, 5, 3, 1, 7])}
    packed = packing.pack(batch, hidden_size=32)
    segments = packed["segment_ids"]
    assert segments.shape == (2, 13)  # 25 tokens: 7+5+1 | 7+3+2
    assert int((segments >= 0).sum()) == 25
    for text in range(6):
        where = segments == text
        assert int(where.sum()) == batch["attention_mask"][text].sum()
        row = where.any(1).nonzero().item()  # one text, one row, consecutive positions
        assert torch.equal(packed["input_ids"][where], batch["input_ids"][text][: int(where.sum())])
        assert torch.equal(packed["token_type_ids"][where], batch["token_type_ids"][text][: int(where.sum())])
        assert where[row].nonzero().flatten().diff().eq(1).all()
    assert torch.equal(packed["labels"], batch["labels"])
    assert torch.equal(packed["meta_length"], batch["meta_length"])
    assert "attention_mask" not in packed


def test_row_width_weighs_padding_against_attention():
    batch = padded_batch([7, 2, 5, 3, 1, 7])
    # Attention for free: one row, no padding. Attention dear: rows as wide as the longest text.
    assert packing.pack(batch, hidden_size=10**6)["segment_ids"].shape == (1, 25)
    assert packing.pack(batch, hidden_size=1)["segment_ids"].shape == (4, 7)


@pytest.mark.parametrize("attn_implementation", ["sdpa", "eager"])
@pytest.mark.parametrize("last_layer_first_token_only", [False, True])
def test_packed_forward_equals_the_padded_one(attn_implementation, last_layer_first_token_only):
    plain = tiny_classifier(attn_implementation)
    packed_model = copy.deepcopy(plain)
    if last_layer_first_token_only:
        fastpath.first_token_only(packed_model)
    packing.enable(packed_model)
    batch = padded_batch([9, 2, 5, 3, 1, 9, 4])
    padded = assert_packed_equals_padded(plain, packed_model, batch)
    # A padded batch still runs the ordinary forward.
    torch.testing.assert_close(packed_model(**batch).logits, padded.logits)


@pytest.mark.parametrize(("problem", "num_labels"), [("multi_label_classification", 3), ("regression", 1)])
def test_packed_forward_equals_the_padded_one_for_every_problem_type(problem, num_labels):
    plain = tiny_classifier(problem_type=problem, num_labels=num_labels)
    packed_model = copy.deepcopy(plain)
    packing.enable(packed_model)
    batch = padded_batch([9, 2, 5, 3, 1, 9, 4], problem)
    assert_packed_equals_padded(plain, packed_model, batch)


def tiny_gpt2_classifier(attn_implementation: str = "sdpa", **overrides) -> torch.nn.Module:
    torch.manual_seed(0)
    settings = {"num_labels": 3, "pad_token_id": 0, **overrides}
    config = GPT2Config(n_layer=2, n_embd=32, n_head=4, vocab_size=50, resid_pdrop=0, embd_pdrop=0, attn_pdrop=0)
    config.update(settings)
    config._attn_implementation = attn_implementation
    return AutoModelForSequenceClassification.from_config(config)


@pytest.mark.parametrize("attn_implementation", ["sdpa", "eager"])
def test_packed_gpt2_classifier_equals_the_padded_one(attn_implementation):
    """Causal attention inside each packed text, and each text's last non-pad token read, as the padded forward."""
    plain = tiny_gpt2_classifier(attn_implementation)
    packed_model = copy.deepcopy(plain)
    packing.enable(packed_model)
    batch = padded_batch([9, 2, 5, 3, 1, 9, 4])
    del batch["token_type_ids"]
    batch["input_ids"][2, 4] = 0  # a text ending in the pad token: both read its token before
    batch["input_ids"][4, 0] = 0  # a text of the pad token only: both read its first position
    assert_packed_equals_padded(plain, packed_model, batch)


def test_only_supported_models_pack():
    assert packing.can_pack(tiny_classifier())
    assert packing.can_pack(tiny_classifier(problem_type="multi_label_classification"))
    assert packing.can_pack(tiny_gpt2_classifier())
    assert not packing.can_pack(tiny_gpt2_classifier(pad_token_id=None))  # it could not find the texts' ends
    assert not packing.can_pack(tiny_classifier(is_decoder=True))
    gpt2_lm = AutoModelForCausalLM.from_config(GPT2Config(n_layer=1, n_embd=16, n_head=2, vocab_size=40))
    assert not packing.can_pack(gpt2_lm)
    with pytest.raises(ValueError, match="cannot run packed batches"):
        packing.enable(gpt2_lm)


def trainer_weights(settings: tuple[str, ...], folder) -> dict[str, torch.Tensor]:
    """The weights a default `Trainer` ends with, trained on the sentiment recipe's data and model from seed 7."""
    from accelerate import Accelerator
    from transformers import Trainer, TrainingArguments, set_seed

    from llmkit.config import load_config
    from llmkit.registry import get_recipe

    recipe = get_recipe("sentiment")
    set_seed(7)  # as the runner does before building the task: the same classifier head
    task = recipe.build(load_config(recipe.config, None, list(settings)), Accelerator(cpu=True))
    train_set = task.train_dataset.remove_columns([c for c in task.train_dataset.column_names if c.startswith("meta_")])
    args = TrainingArguments(
        output_dir=str(folder),
        per_device_train_batch_size=8,
        max_steps=6,
        learning_rate=1e-3,
        seed=7,
        use_cpu=True,
        report_to="none",
        save_strategy="no",
        logging_strategy="no",
        disable_tqdm=True,
    )
    Trainer(model=task.model, args=args, train_dataset=train_set, data_collator=task.collate_fn).train()
    return task.model.state_dict()


def assert_same_weights(folder, expected: dict[str, torch.Tensor]) -> None:
    from safetensors.torch import load_file

    ours = load_file(folder / "model.safetensors")
    for name, weight in expected.items():
        torch.testing.assert_close(ours[name], weight, atol=2e-5, rtol=1e-4, msg=f"{folder.name}: {name}")


def test_training_equals_a_plain_trainer_with_the_same_seed(tiny_bert, tmp_path):
    """Random batches, packed or padded, are the default Trainer's batches for the same seed: the same weights."""
    from helpers import run_recipe

    no_dropout = ("model.hidden_dropout_prob=0", "model.attention_probs_dropout_prob=0")
    settings = (f"model.name={tiny_bert}", *no_dropout, "train.batch_size=8", "train.max_steps=6", "train.lr=1e-3")
    padding = {
        batching: run_recipe(
            "sentiment", f"output_dir={tmp_path / batching}", f"train.batching={batching}", "seed=7", *settings
        )["train"]["padding_fraction"]
        for batching in ("packed", "random")
    }
    assert 0 < padding["packed"] < padding["random"]
    expected = trainer_weights(settings, tmp_path / "trainer")
    for batching in padding:
        assert_same_weights(tmp_path / batching, expected)


def test_with_the_trainers_dropout_masks_training_equals_the_trainers(tiny_bert, tmp_path, monkeypatch):
    """Dropout on: given the masks the Trainer draws, llmkit applies them where and as the Trainer does.

    With the speed-ups off (they change which masks are drawn, not how many are dropped), padded random batches and
    the Trainer's random state at the first step (`helpers.trainers_random_state`), the weights match.
    """
    from helpers import run_recipe, trainers_random_state

    monkeypatch.setattr(fastpath, "speed_up", trainers_random_state(7))
    settings = (f"model.name={tiny_bert}", "train.batch_size=8", "train.max_steps=6", "train.lr=1e-3")
    run_recipe("sentiment", f"output_dir={tmp_path / 'random'}", "train.batching=random", "seed=7", *settings)
    assert_same_weights(tmp_path / "random", trainer_weights(settings, tmp_path / "trainer"))
