"""Classification beyond single texts: sentence pairs, multi-label and regression, GLUE configs, and their bad input."""

from __future__ import annotations

import csv
import json
import os
import random
from pathlib import Path

import datasets
import pytest
import torch
from helpers import ROOT, run_recipe
from scipy.stats import pearsonr
from test_bad_input import fails_cleanly
from test_predict import predict as predict_cli
from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer, pipeline

from llmkit.config import load_config
from llmkit.errors import ConfigError
from llmkit.predict import predict
from llmkit.registry import get_recipe
from llmkit.rundir import LOCK_FILE
from recipes import classification

WORDS = "the film was good bad great dull plot actors music story long short fun warm cold".split(" ")  # noqa: SIM905
FAST = ("train.max_steps=4", "train.batch_size=8", "train.lr=2e-3", "train.log_every=2")
GLUE_CONFIGS = sorted((ROOT / "recipes/configs/classification").glob("glue_*.yaml"))
# The columns and class names of each GLUE task on the hub (nyu-mll/glue); the test data below copies their shape.
GLUE_TASKS = {
    "cola": (("sentence",), ["unacceptable", "acceptable"]),
    "sst2": (("sentence",), ["negative", "positive"]),
    "mrpc": (("sentence1", "sentence2"), ["not_equivalent", "equivalent"]),
    "qqp": (("question1", "question2"), ["not_duplicate", "duplicate"]),
    "stsb": (("sentence1", "sentence2"), None),
    "mnli": (("premise", "hypothesis"), ["entailment", "neutral", "contradiction"]),
    "qnli": (("question", "sentence"), ["entailment", "not_entailment"]),
    "rte": (("sentence1", "sentence2"), ["entailment", "not_entailment"]),
    "wnli": (("sentence1", "sentence2"), ["not_entailment", "entailment"]),
}


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8)))


def pair_rows(count: int, seed: int) -> list[dict]:
    """Pairs whose label says whether the second text repeats the first."""
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        first = sentence(rng)
        second = first if i % 2 else sentence(rng)
        rows.append({"sentence1": first, "sentence2": second, "label": "same" if i % 2 else "different"})
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def train_classifier(model: Path, out: Path, train: Path, validation: Path, *settings: str) -> dict:
    """A tiny classification run on the given files; returns its metrics."""
    files = (f"output_dir={out}", f"data.train={train}", f"data.validation={validation}")
    return run_recipe("classification", f"model.name={model}", *files, *settings, *FAST)


def model_outputs(folder: Path, rows: list[dict], pair: str | None = None) -> torch.Tensor:
    """The logits of the trained model in `folder` on `rows`, computed here, not by llmkit."""
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSequenceClassification.from_pretrained(folder).eval()
    texts = [row["text"] if "text" in row else row["sentence1"] for row in rows]
    pairs = [row[pair] for row in rows] if pair else None
    with torch.no_grad():
        batch = tokenizer(texts, pairs, truncation=True, max_length=128, padding=True, return_tensors="pt")
        return model(**batch).logits


def test_pairs_reach_a_bert_tokenizer_as_two_segments(tiny_bert):
    config = load_config(classification.Config, None, ["data.text_pair_column=sentence2"])
    encoded = classification.encode(AutoTokenizer.from_pretrained(tiny_bert), config.data, ["a good film"], ["dull"])
    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    ids, types = encoded["input_ids"][0], encoded["token_type_ids"][0]
    assert ids.count(tokenizer.sep_token_id) == 2
    assert types == [0] * (ids.index(tokenizer.sep_token_id) + 1) + [1] * (
        len(ids) - ids.index(tokenizer.sep_token_id) - 1
    )


def test_longest_first_truncation_cuts_the_longer_text(tiny_bert):
    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    long, short = " ".join(["film"] * 40), "dull plot"
    for truncation in ("longest_first", "only_first"):
        config = load_config(classification.Config, None, ["data.max_length=12", f"data.truncation={truncation}"])
        ids = classification.encode(tokenizer, config.data, [long], [short])["input_ids"][0]
        assert len(ids) == 12
        assert tokenizer.decode(ids).endswith("[SEP] dull plot [SEP]")  # the short text is whole
    config = load_config(classification.Config, None, ["data.max_length=12", "data.truncation=only_second"])
    ids = classification.encode(tokenizer, config.data, [short], [long])["input_ids"][0]
    assert len(ids) == 12 and tokenizer.decode(ids).startswith("[CLS] dull plot [SEP]")


def test_gpt2_pairs_get_the_eos_token_between_the_texts(tiny_gpt2):
    tokenizer = AutoTokenizer.from_pretrained(tiny_gpt2)
    config = load_config(classification.Config, None, ["data.text_pair_column=sentence2"])
    ids = classification.encode(tokenizer, config.data, ["good film"], ["dull plot"])["input_ids"][0]
    eos = ids.index(tokenizer.eos_token_id)
    assert tokenizer.decode(ids[:eos]) == "good film" and tokenizer.decode(ids[eos + 1 :]) == "dull plot"


def test_sentence_pairs_train_predict_and_load_in_the_pipeline(tiny_bert, tmp_path, capsys, monkeypatch):
    train = write_jsonl(tmp_path / "train.jsonl", pair_rows(64, seed=0))
    validation = write_jsonl(tmp_path / "validation.jsonl", pair_rows(16, seed=1))
    out = tmp_path / "run"
    metrics = train_classifier(
        tiny_bert,
        out,
        train,
        validation,
        "data.text_column=sentence1",
        "data.text_pair_column=sentence2",
        "data.positive_label=same",
    )
    assert set(metrics["eval"]) == {"loss", "accuracy", "f1", "matthews_correlation", "f1_positive"}
    assert metrics["best"]["metric"] == "accuracy"
    rows = pair_rows(16, seed=1)
    expected = model_outputs(out, rows, pair="sentence2").softmax(-1)
    records = [{"text": row["sentence1"], "text_pair": row["sentence2"]} for row in rows]
    results = predict(out, records)
    names = [AutoConfig.from_pretrained(out).id2label[i] for i in range(2)]
    for result, row in zip(results, expected.tolist(), strict=True):
        assert result["scores"] == pytest.approx(dict(zip(names, row, strict=True)), abs=1e-5)
    code, lines, _ = predict_cli(capsys, monkeypatch, str(out), "--text", "good film", "--text_pair", "good film")
    assert code == 0 and lines[0].startswith("label=")
    code, _, err = predict_cli(capsys, monkeypatch, str(out), "--text", "good film")
    assert code == 2 and "--text_pair" in err
    classify = pipeline("text-classification", model=str(out), device="cpu")
    assert classify({"text": "good film", "text_pair": "good film"})["label"] in names
    assert "text_pair" in (out / "README.md").read_text()  # the card's example is a pair


def test_regression_scores_and_reports_correlations(tiny_bert, tmp_path, capsys, monkeypatch):
    rng = random.Random(0)
    rows = [{"text": sentence(rng)} for _ in range(80)]
    for row in rows:  # the score counts the positive words: learnable, and not constant
        row["score"] = float(sum(word in ("good", "great", "fun") for word in row["text"].split()))
    train, validation = write_csv(tmp_path / "train.csv", rows[:64]), write_csv(tmp_path / "valid.csv", rows[64:])
    out = tmp_path / "run"
    metrics = train_classifier(tiny_bert, out, train, validation, "data.label_column=score", "data.problem=regression")
    assert set(metrics["eval"]) == {"loss", "pearson", "spearmanr", "mse"}
    config = AutoConfig.from_pretrained(out)
    assert config.num_labels == 1 and config.problem_type == "regression" and config.id2label == {0: "score"}
    predicted = model_outputs(out, rows[64:]).squeeze(-1)
    truth = torch.tensor([row["score"] for row in rows[64:]])
    assert metrics["eval"]["pearson"] == pytest.approx(pearsonr(predicted.numpy(), truth.numpy())[0], abs=1e-4)
    assert metrics["eval"]["mse"] == pytest.approx(float(((predicted - truth) ** 2).mean()), rel=1e-4)
    results = predict(out, [{"text": row["text"]} for row in rows[64:]])
    assert [r["score"] for r in results] == pytest.approx(predicted.tolist(), abs=1e-5)
    code, lines, _ = predict_cli(capsys, monkeypatch, str(out), "--text", "good fun")
    assert code == 0 and float(lines[0]) == pytest.approx(predict(out, [{"text": "good fun"}])[0]["score"], abs=1e-4)


def test_multi_label_takes_lists_and_delimited_strings(tiny_bert, tmp_path, capsys, monkeypatch):
    rng = random.Random(0)
    rows = []
    for _ in range(80):
        text = sentence(rng)
        tags = [
            tag
            for tag, words in (("praise", {"good", "great"}), ("story", {"plot", "story"}))
            if words & set(text.split())
        ]
        rows.append({"text": text, "tags": tags})
    train = write_jsonl(tmp_path / "train.jsonl", rows[:64])  # labels as lists
    validation = write_csv(tmp_path / "valid.csv", [{**r, "tags": ";".join(r["tags"])} for r in rows[64:]])
    out = tmp_path / "run"
    metrics = train_classifier(
        tiny_bert,
        out,
        train,
        validation,
        "data.label_column=tags",
        "data.label_delimiter=;",
        "data.problem=multi_label",
    )
    assert set(metrics["eval"]) == {"loss", "f1_micro", "f1_macro", "exact_match"}
    config = AutoConfig.from_pretrained(out)
    assert config.problem_type == "multi_label_classification" and config.id2label == {0: "praise", 1: "story"}
    chosen = model_outputs(out, rows[64:]).sigmoid() > 0.5
    truth = torch.tensor([[name in row["tags"] for name in ("praise", "story")] for row in rows[64:]])
    assert metrics["eval"]["exact_match"] == pytest.approx(float((chosen == truth).all(1).float().mean()))
    results = predict(out, [{"text": row["text"]} for row in rows[64:]])
    assert [r["labels"] for r in results] == [
        [n for n, c in zip(("praise", "story"), row, strict=True) if c] for row in chosen.tolist()
    ]
    assert all(r["labels"] == ["praise", "story"] for r in predict(out, [{"text": "good"}], threshold=1e-6))
    code, lines, _ = predict_cli(capsys, monkeypatch, str(out), "--text", "good", "--threshold", "0.000001")
    assert code == 0 and lines[0] == "praise,story"


def glue_like_rows(task: str) -> tuple[dict[str, list], datasets.Features]:
    """A few rows with the columns and label type of the GLUE task on the hub (class labels as ClassLabel)."""
    columns, names = GLUE_TASKS[task]
    rng = random.Random(0)
    rows = {column: [sentence(rng) for _ in range(6)] for column in columns}
    features = {column: datasets.Value("string") for column in columns}
    if names is None:
        rows["label"], features["label"] = [0.0, 1.2, 2.4, 3.6, 4.8, 5.0], datasets.Value("float32")
    else:
        rows["label"], features["label"] = [i % len(names) for i in range(6)], datasets.ClassLabel(names=names)
    rows["idx"], features["idx"] = list(range(6)), datasets.Value("int32")
    return rows, datasets.Features(features)


@pytest.mark.parametrize("path", GLUE_CONFIGS, ids=lambda path: path.stem)
def test_glue_configs_read_data_shaped_like_their_task(path, tiny_bert, tmp_path):
    task = path.stem.removeprefix("glue_")
    rows, features = glue_like_rows(task)
    parquet = tmp_path / f"{task}.parquet"
    datasets.Dataset.from_dict(rows, features=features).to_parquet(parquet)
    recipe = get_recipe("classification")
    local = [
        f"data.train={parquet}",
        f"data.validation={parquet}",
        "data.dataset_config=null",
        f"model.name={tiny_bert}",
    ]
    config = load_config(recipe.config, path, local, recipe="classification")
    assert config.data.train == str(parquet)
    plain = load_config(recipe.config, path, recipe="classification")
    assert (plain.data.train, plain.data.dataset_config) == ("nyu-mll/glue", task)
    names, train, validation = classification.prepare_data(config, AutoTokenizer.from_pretrained(tiny_bert))
    assert names == (GLUE_TASKS[task][1] or ["score"])
    assert len(train) == len(validation) == 6
    assert ("token_type_ids" in train.column_names) and (max(map(max, train["token_type_ids"])) == 1) == (
        len(GLUE_TASKS[task][0]) == 2
    )
    declared = recipe.for_config(config)
    assert declared.metric(config.train.metric_for_best).name == config.train.metric_for_best
    assert declared.predict_fields == (("text", "text_pair") if len(GLUE_TASKS[task][0]) == 2 else ("text",))


@pytest.mark.parametrize(
    ("rows", "settings", "message"),
    [
        (
            [{"text": "good", "label": 1.0}, {"text": "bad", "label": "high"}],
            ["data.problem=regression"],
            "train.jsonl:2: column 'label' must hold a number for a regression, got 'high'",
        ),
        (
            [{"text": "good", "label": ["a"]}, {"text": "bad", "label": ["a", "zz"]}],
            ["data.problem=multi_label", "data.labels=[a, b]"],
            "train.jsonl:2: label(s) ['zz'] are not among the labels ['a', 'b']",
        ),
        (
            [{"text": "good", "pair": "fine", "label": "a"}, {"text": "bad", "pair": " ", "label": "b"}],
            ["data.text_pair_column=pair"],
            "train.jsonl:2: column 'pair' must hold non-empty text, got ' '",
        ),
        (
            [{"text": "good", "label": "a"}, {"text": "bad", "label": "b"}],
            ["data.text_pair_column=sentence2"],
            "data.text_pair_column",
        ),
        (
            [{"text": "good", "label": "a"}, {"text": "bad", "label": "b"}],
            ["data.positive_label=c"],
            "'data.positive_label' 'c' is not one of the labels ['a', 'b']",
        ),
        (
            [{"text": "good", "label": 1.0}, {"text": "bad", "label": 2.0}],
            ["data.problem=regression", "train.metric_for_best=accuracy"],
            "'train.metric_for_best'='accuracy' is not a metric",
        ),
    ],
)
def test_bad_rows_and_settings_stop_before_training(tiny_bert, capsys, tmp_path, rows, settings, message):
    train = write_jsonl(tmp_path / "train.jsonl", rows)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier work")
    argv = [f"model.name={tiny_bert}", f"output_dir={out}", f"data.train={train}", "data.validation=null", *settings]
    err = fails_cleanly(capsys, "train", "classification", *argv)
    assert message in err
    assert set(os.listdir(out)) - {LOCK_FILE} == {"keep.txt"}  # the lock stays: see llmkit.rundir.RunLock
    assert (out / "keep.txt").read_text() == "earlier work"


def test_problem_settings_are_checked_at_start_up():
    for setting, message in (
        ("data.problem=ordinal", "'data.problem' must be one of single_label, multi_label, regression"),
        ("data.truncation=middle", "'data.truncation' must be one of"),
        ("data.threshold=1.5", "'data.threshold' must be between 0 and 1"),
    ):
        with pytest.raises(ConfigError, match="command line: " + message):
            load_config(classification.Config, None, [setting])
