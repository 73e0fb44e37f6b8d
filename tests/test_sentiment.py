"""The sentiment recipe end to end on tiny models, in-process on CPU."""

import json
import shutil

import pytest
import torch
from helpers import run_recipe
from safetensors.torch import load_file
from transformers import AutoConfig, AutoModelForSequenceClassification, pipeline

from llmkit.errors import UserError

FAST = ("train.batch_size=16", "train.lr=2e-3", "train.log_every=2")


def losses(output_dir):
    lines = [json.loads(line) for line in (output_dir / "train_log.jsonl").read_text().splitlines()]
    return [r["loss"] for r in lines if r["kind"] == "train"]


def test_bert_learns_and_writes_a_model_folder(tiny_bert, tmp_path):
    out = tmp_path / "run"
    metrics = run_recipe("sentiment", f"model.name={tiny_bert}", f"output_dir={out}", "train.epochs=2", *FAST)
    curve = losses(out)
    assert sum(curve[-5:]) / 5 < 0.7 * sum(curve[:5]) / 5  # the loss falls
    assert metrics["eval"]["accuracy"] > 0.7  # chance is 0.5 on the balanced validation set
    assert 0.5 < metrics["eval"]["f1"] <= 1
    assert metrics["train"]["real_tokens_per_s"] > 0
    for name in (
        "model.safetensors",
        "config.json",
        "tokenizer.json",
        "run_config.yaml",
        "metrics.json",
        "train_log.jsonl",
        "training_curves.png",
    ):
        assert (out / name).is_file(), name
    assert any((out / "tensorboard").rglob("events.out.tfevents*"))
    assert AutoConfig.from_pretrained(out).id2label == {0: "negative", 1: "positive"}
    classify = pipeline("text-classification", model=str(out), device="cpu")
    assert classify("a wonderful, warm and funny film")[0]["label"] in ("negative", "positive")


def test_gpt2_gets_a_pad_token_and_trains(tiny_gpt2, tmp_path):
    out = tmp_path / "run"
    metrics = run_recipe("sentiment", f"model.name={tiny_gpt2}", f"output_dir={out}", "train.max_steps=6", *FAST)
    config = AutoConfig.from_pretrained(out)
    assert config.pad_token_id is not None
    assert metrics["train"]["steps"] == 6
    model = AutoModelForSequenceClassification.from_pretrained(out)
    assert model.config.pad_token_id == config.pad_token_id


def test_same_seed_same_losses(tiny_bert, tmp_path):
    args = (f"model.name={tiny_bert}", "train.max_steps=6", *FAST)
    run_recipe("sentiment", f"output_dir={tmp_path / 'a'}", *args)
    run_recipe("sentiment", f"output_dir={tmp_path / 'b'}", *args)
    assert losses(tmp_path / "a") == losses(tmp_path / "b")


def test_resume_equals_uninterrupted_run(tiny_bert, tmp_path):
    args = (f"model.name={tiny_bert}", "train.max_steps=12", "train.save_every=4", "train.keep_last=5", *FAST)
    full = tmp_path / "full"
    run_recipe("sentiment", f"output_dir={full}", *args)  # 12 steps, checkpoints every 4
    # An interrupted run: only the step-4 checkpoint (mid-epoch) survived.
    resumed = tmp_path / "resumed"
    (resumed / "checkpoints").mkdir(parents=True)
    shutil.copytree(full / "checkpoints" / "step-0000004", resumed / "checkpoints" / "step-0000004")
    run_recipe("sentiment", f"output_dir={resumed}", "resume_from_checkpoint=latest", *args)
    expected, actual = load_file(full / "model.safetensors"), load_file(resumed / "model.safetensors")
    assert expected.keys() == actual.keys()
    for name in expected:
        assert torch.equal(expected[name], actual[name]), name
    assert losses(full) == losses(resumed)


def test_string_labels_outside_declared_set(tiny_bert, tmp_path):
    data = tmp_path / "train.csv"
    data.write_text("text,label\ngreat,positive\nawful,negative\nmeh,neutral\n")
    with pytest.raises(UserError, match=r"train.csv:4: label 'neutral' is not one of the labels"):
        run_recipe(
            "sentiment",
            f"model.name={tiny_bert}",
            f"data.train={data}",
            "data.validation=null",
            "data.labels=[negative, positive]",
            f"output_dir={tmp_path / 'out'}",
        )


def test_missing_column_names_the_key(tiny_bert, tmp_path):
    data = tmp_path / "train.jsonl"
    data.write_text('{"review": "great", "label": "positive"}\n')
    with pytest.raises(UserError, match="has no column 'text' .*Fix: set data.text_column"):
        run_recipe(
            "sentiment",
            f"model.name={tiny_bert}",
            f"data.train={data}",
            "data.validation=null",
            f"output_dir={tmp_path / 'out'}",
        )


def test_refuses_to_overwrite_a_finished_run(tiny_bert, tmp_path):
    out = tmp_path / "run"
    run_recipe("sentiment", f"model.name={tiny_bert}", f"output_dir={out}", "train.max_steps=2", *FAST)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(UserError, match="already holds a run"):
        run_recipe("sentiment", f"model.name={tiny_bert}", f"output_dir={out}", "train.max_steps=2", *FAST)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_checkpoint_that_cannot_be_loaded_offline(tmp_path):
    with pytest.raises(UserError, match="cannot load tokenizer 'no-such-org/no-such-model': HF_HUB_OFFLINE"):
        run_recipe("sentiment", "model.name=no-such-org/no-such-model", f"output_dir={tmp_path}")


@pytest.mark.slow
def test_real_minilm_checkpoint_fine_tunes(tmp_path):
    out = tmp_path / "run"
    metrics = run_recipe(
        "sentiment", f"output_dir={out}", "train.max_steps=12", "data.max_train_examples=384", "train.lr=1e-4"
    )
    assert metrics["eval"]["accuracy"] > 0.6  # the pretrained encoder learns fast; chance is 0.5


def test_keeps_best_and_last_checkpoints(tiny_bert, tmp_path):
    out = tmp_path / "run"
    metrics = run_recipe(
        "sentiment",
        f"model.name={tiny_bert}",
        f"output_dir={out}",
        "train.max_steps=8",
        "train.save_every=2",
        "train.eval_every=2",
        "train.keep_last=1",
        *FAST,
    )
    kept = sorted(p.name for p in (out / "checkpoints").iterdir())
    best = metrics["best"]["checkpoint"]
    assert kept == sorted({"step-0000008", best.rsplit("/", 1)[-1]})
    evals = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines() if '"eval"' in line]
    assert metrics["best"]["value"] == max(r["accuracy"] for r in evals)


def test_mixed_precision_auto_is_full_precision_on_cpu():
    from llmkit.runner import pick_precision

    assert pick_precision("auto") == ("no" if not torch.cuda.is_available() else pick_precision("auto"))
    assert pick_precision("bf16") == "bf16"


def test_gradient_accumulation_equals_the_larger_batch(tiny_bert, tmp_path):
    no_dropout = ("model.hidden_dropout_prob=0", "model.attention_probs_dropout_prob=0", "train.batching=random")
    common = (f"model.name={tiny_bert}", "train.max_steps=4", "train.lr=2e-3", "train.log_every=1", *no_dropout)
    run_recipe("sentiment", f"output_dir={tmp_path / 'big'}", "train.batch_size=16", *common)
    run_recipe("sentiment", f"output_dir={tmp_path / 'acc'}", "train.batch_size=8", "train.grad_accum_steps=2", *common)
    big, accumulated = (
        load_file(tmp_path / "big" / "model.safetensors"),
        load_file(tmp_path / "acc" / "model.safetensors"),
    )
    for name, tensor in big.items():
        assert torch.allclose(tensor, accumulated[name], atol=1e-5), name
    assert losses(tmp_path / "big") == pytest.approx(losses(tmp_path / "acc"), abs=1e-5)
