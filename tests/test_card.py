"""The model card: Hub metadata that parses with huggingface_hub, and a body built from the run's own files."""

from __future__ import annotations

import json

import pytest
from huggingface_hub import ModelCard

from llmkit.card import build_model_card, write_model_card
from llmkit.config import load_config
from llmkit.registry import get_recipe
from llmkit.rundir import save_config

EVAL = {"loss": 0.4321, "accuracy": 0.875, "f1": 0.8612}


def fake_run(folder, *overrides, recipe="sentiment", metrics=True):
    """A run folder as the runner leaves it, without training: config, log and (optionally) final metrics."""
    folder.mkdir(parents=True, exist_ok=True)
    save_config(load_config(get_recipe("sentiment").config, None, overrides), folder / "run_config.yaml", recipe)
    log = [
        {"kind": "train", "step": 5, "loss": 0.6},
        {"kind": "eval", "step": 5, "loss": 0.5, "accuracy": 0.75, "f1": 0.7},
        {"kind": "train", "step": 10, "loss": 0.4},
    ]
    (folder / "train_log.jsonl").write_text("".join(json.dumps(r) + "\n" for r in log))
    if metrics:
        train = {"steps": 10, "epochs": 1.0, "train_seconds": 3725.0, "real_tokens_per_s": 1234.5}
        summary = {**train, "hardware": "1 x NVIDIA H100 80GB HBM3, bf16"}
        (folder / "metrics.json").write_text(json.dumps({"recipe": recipe, "eval": EVAL, "train": summary}))
    return folder


def parsed(card):
    """The card as the Hub reads it: from its text."""
    return ModelCard(str(card))


def test_card_of_the_packaged_minilm_run(tmp_path):
    folder = fake_run(tmp_path / "my-run", "model.name=minilm")
    path = write_model_card(folder)
    card = ModelCard.load(path)
    data = card.data
    assert data.library_name == "transformers"
    assert data.base_model == "sentence-transformers/all-MiniLM-L6-v2"
    assert data.license == "apache-2.0"  # read from the packaged checkpoint's own card
    assert data.language == "en"
    assert data.pipeline_tag == "text-classification"
    assert data.tags == ["llmkit", "sentiment", "sentiment-analysis"]
    assert data.datasets is None  # local files are not hub datasets
    assert data.model_name == "my-run"
    results = {r.metric_type: r.metric_value for r in data.eval_results}
    assert results == EVAL
    assert {(r.task_type, r.dataset_type, r.dataset_name) for r in data.eval_results} == {
        ("text-classification", "validation.csv", "validation.csv (local file)")
    }
    text = card.text
    assert "| accuracy | 0.8750 |" in text
    assert "| lr | `0.0001` |" not in text and "| lr | `5e-05` |" in text  # the run's resolved values
    assert "Training took 1h 02m 05s for 10 optimizer steps" in text
    assert "1 x NVIDIA H100 80GB HBM3, bf16" in text
    assert "![Training and validation curves](training_curves.png)" not in text  # no plot in this folder
    assert f'pipeline("text-classification", model="{folder}")' in text
    assert "## Limitations" in text


def test_card_for_a_hub_dataset_and_repository(tmp_path):
    folder = fake_run(
        tmp_path / "run",
        "model.name=bert-base-uncased",
        "data.train=glue",
        "data.validation=glue",
        "data.dataset_config=sst2",
        "train.lr=3e-5",
    )
    (folder / "training_curves.png").write_bytes(b"png")
    card = parsed(build_model_card(folder, repo_id="me/bert-sst2"))
    assert card.data.base_model == "bert-base-uncased"
    assert card.data.license is None  # not known offline, so not claimed
    assert card.data.datasets == ["glue"]
    assert card.data.model_name == "bert-sst2"
    result = card.data.eval_results[0]
    assert (result.dataset_type, result.dataset_config, result.dataset_split) == ("glue", "sst2", "validation")
    assert 'model="me/bert-sst2"' in card.text
    assert "hf download me/bert-sst2" in card.text
    assert "![Training and validation curves](training_curves.png)" in card.text
    assert "| lr | `3e-05` |" in card.text


def test_adapter_runs_are_described_as_adapters(tmp_path):
    folder = fake_run(tmp_path / "run", "model.name=bert-base-uncased")
    (folder / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA", "r": 8}))
    card = parsed(build_model_card(folder))
    assert card.data.library_name == "peft"
    assert "peft" in card.data.tags
    assert "This repository holds a LORA adapter" in card.text
    assert "pip install peft" in card.text


def test_scratch_runs_claim_no_base_model(tmp_path):
    folder = fake_run(tmp_path / "run", "model.name=bert", "model.init=scratch")
    card = parsed(build_model_card(folder))
    assert card.data.base_model is None
    assert "randomly initialised `bert` architecture" in card.text


def test_unfinished_run_reports_the_last_logged_evaluation(tmp_path):
    folder = fake_run(tmp_path / "run", metrics=False)
    card = parsed(build_model_card(folder))
    assert {r.metric_type: r.metric_value for r in card.data.eval_results} == {"loss": 0.5, "accuracy": 0.75, "f1": 0.7}
    assert "Training in progress: this snapshot was taken at step 10" in card.text


def test_recipe_without_card_info_gets_a_generic_card(tmp_path):
    folder = fake_run(tmp_path / "run", recipe="some-future-recipe")
    card = parsed(build_model_card(folder))
    assert card.data.pipeline_tag is None
    assert {r.task_type for r in card.data.eval_results} == {"some-future-recipe"}
    assert "AutoModel.from_pretrained" in card.text


def test_run_without_validation_has_no_model_index(tmp_path):
    folder = fake_run(tmp_path / "run", "data.validation=null", metrics=False)
    (folder / "train_log.jsonl").write_text(json.dumps({"kind": "train", "step": 1, "loss": 0.7}) + "\n")
    card = parsed(build_model_card(folder))
    assert card.data.eval_results is None
    assert "no evaluation results" in card.text


def test_finished_run_writes_its_card(sentiment_run):
    card = ModelCard.load(sentiment_run / "README.md")
    metrics = json.loads((sentiment_run / "metrics.json").read_text())
    assert {r.metric_type: r.metric_value for r in card.data.eval_results} == pytest.approx(metrics["eval"])
    assert metrics["train"]["hardware"].startswith("1 x CPU")
    assert "![Training and validation curves](training_curves.png)" in card.text
    assert str(card) == str(build_model_card(sentiment_run))  # the card is a pure function of the folder
