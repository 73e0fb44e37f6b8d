"""`llmkit evaluate`: every recipe's own metrics on any data; on its validation set it reproduces metrics.json."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers import ROOT, reset_accelerate, run_recipe
from huggingface_hub import ModelCard
from test_bad_input import fails_cleanly

from llmkit.cli import main
from llmkit.config import load_config
from llmkit.registry import get_recipe
from llmkit.scoring import evaluate_runs

QUICK = ("train.max_steps=2", "train.batch_size=8", "data.max_train_examples=32")
# recipe -> (settings of a tiny run, its validation data)
CASES = {
    "qa": (("data.max_length=256", "data.doc_stride=64"), "data/qa/validation.json"),
    "ner": ((), "data/ner/validation.conll"),
    "clm": (("model.init=pretrained", "sampling.prompts=[]"), "data/lm/validation.txt"),
    "mlm": (("model.init=pretrained", "tokenizer.train=false"), "data/lm/validation.txt"),
    "translation": (
        ("model.form=decoder-only", "model.init=pretrained", "generate.max_new_tokens=8"),
        "data/translation/validation",
    ),
}


def snapshot(folder):
    """Every file of a run folder with its bytes, except the eval/ results evaluate adds."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).parts[0] != "eval"
    }


def test_a_run_evaluated_on_its_validation_set_reproduces_its_metrics(sentiment_run, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(sentiment_run, run)
    before = snapshot(run)
    reset_accelerate()
    main(["evaluate", str(run), "--data", "data/sentiment/validation.csv", "--json"])
    record = json.loads(capsys.readouterr().out)
    assert record["metrics"] == json.loads((run / "metrics.json").read_text())["eval"]
    rows = len((ROOT / "data/sentiment/validation.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert record["rows"] == rows and record["recipe"] == "sentiment" and record["examples_per_s"] > 0
    assert json.loads((run / "eval" / "validation.json").read_text()) == record
    assert snapshot(run) == before  # nothing but eval/ changed


@pytest.mark.slow
@pytest.mark.parametrize("recipe", sorted(CASES))
def test_every_recipe_reproduces_its_validation_metrics(recipe, tiny_bert, tiny_gpt2, tmp_path):
    settings, validation = CASES[recipe]
    model = tiny_gpt2 if recipe in ("clm", "translation") else tiny_bert
    out = tmp_path / "run"
    metrics = run_recipe(recipe, f"model.name={model}", f"output_dir={out}", *QUICK, *settings)
    reset_accelerate()
    [record] = evaluate_runs([out], validation, name="own")
    assert record["metrics"] == pytest.approx(metrics["eval"], rel=1e-6, abs=1e-9)


def test_adapter_runs_and_other_data(tiny_bert, tmp_path, capsys):
    out = tmp_path / "lora"
    run_recipe("sentiment", f"model.name={tiny_bert}", f"output_dir={out}", "peft.method=lora", *QUICK, "train.lr=2e-3")
    other = tmp_path / "reviews.csv"
    rows = ["a wonderful warm film,positive", "a dull and tiresome film,negative"] * 3
    other.write_text("\n".join(["text,label", *rows]) + "\n", encoding="utf-8")
    reset_accelerate()
    main(["evaluate", str(out), "--data", str(other), "--name", "mine", "--update-card"])
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["run", "rows", "loss", "accuracy", "f1", "matthews_correlation"]
    assert table[1].split()[:2] == [str(out), "6"]
    record = json.loads((out / "eval" / "mine.json").read_text())
    assert record["rows"] == 6 and 0 <= record["metrics"]["accuracy"] <= 1
    card = ModelCard.load(out / "README.md")
    names = [result.metric_name for result in card.data.eval_results]
    assert "validation accuracy" in names and "mine accuracy" in names  # the training result is kept
    reset_accelerate()
    main(["evaluate", str(out), "--data", str(other), "--name", "mine", "--update-card"])
    again = [result.metric_name for result in ModelCard.load(out / "README.md").data.eval_results]
    assert again.count("mine accuracy") == 1  # evaluating again replaces, not repeats


def test_settings_change_how_the_data_is_read(sentiment_run, tmp_path):
    other = tmp_path / "reviews.jsonl"
    other.write_text('{"review": "a wonderful film", "stars": "positive"}\n', encoding="utf-8")
    reset_accelerate()
    [record] = evaluate_runs(
        [sentiment_run], str(other), name="stars", overrides=["data.text_column=review", "data.label_column=stars"]
    )
    assert record["rows"] == 1 and record["settings"] == ["data.text_column=review", "data.label_column=stars"]
    shutil.rmtree(sentiment_run / "eval")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda run, tmp: ["evaluate", str(tmp / "nothing"), "--data", "x.csv"], "does not exist"),
        (
            lambda run, tmp: [
                "evaluate",
                str(run),
                "--data",
                str(_write(tmp / "bad.csv", "words,label\nhi,positive\n")),
            ],
            "has no column 'text' (from data.text_column)",
        ),
        (lambda run, tmp: ["evaluate", str(run), "--data", "data/sentiment/validation.csv", "--name", "a/b"], "--name"),
        (lambda run, tmp: ["evaluate", str(run), "--data", "no-such-user/no-such-set"], "no-such-user/no-such-set"),
    ],
)
def test_bad_input_is_one_line_and_leaves_the_run_alone(sentiment_run, tmp_path, capsys, make, message):
    run = tmp_path / "run"
    shutil.copytree(sentiment_run, run)
    before = snapshot(run)
    err = fails_cleanly(capsys, *make(run, tmp_path))
    assert message in err
    assert snapshot(run) == before and not (run / "eval").exists()


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_evaluate_reads_the_run_config_of_the_recipe_that_trained_it(sentiment_run):
    recipe = get_recipe("sentiment")
    config = load_config(recipe.config, sentiment_run / "run_config.yaml", recipe="sentiment")
    assert config.data.labels == ["negative", "positive"]  # recorded by training, so new data maps to the same ids
