"""`llmkit predict` on a finished sentiment run: inputs from arguments, files and stdin; text and JSON output."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import sys

import pytest
import torch
from helpers import rounded
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from llmkit.cli import main
from llmkit.predict import predict as predict_records

TEXTS = ["a wonderful, warm and funny film", "the worst hotel I have ever stayed in", "fine"]


@pytest.fixture(scope="module")
def expected(sentiment_run):
    """Label probabilities computed here, independently of the recipe's predict()."""
    tokenizer = AutoTokenizer.from_pretrained(sentiment_run)
    model = AutoModelForSequenceClassification.from_pretrained(sentiment_run).eval()
    with torch.no_grad():
        rows = [model(**tokenizer(text, return_tensors="pt")).logits.softmax(-1)[0].tolist() for text in TEXTS]
    names = [model.config.id2label[i] for i in range(model.config.num_labels)]
    return [dict(zip(names, row, strict=True)) for row in rows]


def predict(capsys, monkeypatch, *argv, stdin=None):
    """Run `llmkit predict ...`; return (exit status, stdout lines, stderr)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin) if stdin is not None else _Terminal())
    try:
        main(["predict", *argv])
        code = 0
    except SystemExit as exit_info:
        code = exit_info.code
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def check_json_lines(lines, expected):
    results = [json.loads(line) for line in lines]
    assert len(results) == len(expected)
    for result, scores in zip(results, expected, strict=True):
        assert result["scores"] == pytest.approx(scores, abs=1e-5)
        assert sum(result["scores"].values()) == pytest.approx(1.0)
        assert result["label"] == max(scores, key=scores.get)
        assert result["score"] == pytest.approx(max(scores.values()), abs=1e-5)


def test_one_text_from_the_command_line(sentiment_run, expected, capsys, monkeypatch):
    code, lines, err = predict(capsys, monkeypatch, str(sentiment_run), "--text", TEXTS[0])
    assert code == 0, err
    label = max(expected[0], key=expected[0].get)
    assert lines == [f"label={label}  score={expected[0][label]:.4f}"]


def test_text_file_json_output_in_batches(sentiment_run, expected, capsys, monkeypatch, tmp_path):
    inputs = tmp_path / "reviews.txt"
    inputs.write_text("\n".join(TEXTS) + "\n\n")  # blank lines are skipped
    code, lines, err = predict(
        capsys, monkeypatch, str(sentiment_run), "--file", str(inputs), "--json", "--batch-size", "2"
    )
    assert code == 0, err
    check_json_lines(lines, expected)


def test_jsonl_file_and_stdin(sentiment_run, expected, capsys, monkeypatch, tmp_path):
    records = tmp_path / "reviews.jsonl"
    records.write_text("".join(json.dumps({"text": t, "id": i}) + "\n" for i, t in enumerate(TEXTS)))
    code, lines, err = predict(capsys, monkeypatch, str(sentiment_run), "--file", str(records), "--json")
    assert code == 0, err
    check_json_lines(lines, expected)

    code, lines, err = predict(capsys, monkeypatch, str(sentiment_run), "--json", stdin="\n".join(TEXTS))
    assert code == 0, err
    check_json_lines(lines, expected)


@pytest.mark.parametrize(
    ("make_args", "stdin", "message"),
    [
        (lambda run, tmp: [str(tmp / "nowhere"), "--text", "x"], None, "does not exist"),
        (lambda run, tmp: [str(run / "checkpoints"), "--text", "x"], None, "is not a finished llmkit run"),
        (lambda run, tmp: [str(run)], None, "no input. Fix: pass --text TEXT, --file FILE, or pipe"),
        (lambda run, tmp: [str(run), "--file", str(tmp / "missing.txt")], None, "missing.txt does not exist"),
        (lambda run, tmp: [str(run), "--jsonl"], '{"text": "good"}\n{"text": oops}\n', "stdin:2:10: invalid JSON"),
        (lambda run, tmp: [str(run), "--jsonl"], '{"review": "good"}\n', "stdin:1: field(s) text missing or not text"),
        (lambda run, tmp: [str(run)], "\n\n", "stdin holds no inputs"),
        (lambda run, tmp: [str(run), "--text", "x", "--batch-size", "0"], None, "--batch-size must be at least 1"),
    ],
)
def test_bad_input_exits_2_with_one_line(sentiment_run, tmp_path, capsys, monkeypatch, make_args, stdin, message):
    code, lines, err = predict(capsys, monkeypatch, *make_args(sentiment_run, tmp_path), stdin=stdin)
    assert code == 2
    assert lines == []
    assert message in err
    assert err.count("llmkit: error:") == 1 and "Traceback" not in err


def test_help_lists_the_recipe_fields(sentiment_run, capsys, monkeypatch):
    code, lines, _ = predict(capsys, monkeypatch, str(sentiment_run), "--help")
    assert code == 0
    assert any("--text TEXT" in line for line in lines)


def test_recipe_without_predict_is_named(sentiment_run, capsys, monkeypatch):
    from recipes import classification

    monkeypatch.setattr(classification, "SENTIMENT", dataclasses.replace(classification.SENTIMENT, predict=None))
    code, _, err = predict(capsys, monkeypatch, str(sentiment_run), "--text", "x")
    assert code == 2
    assert "the 'sentiment' recipe does not support prediction yet" in err


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet"])
def test_a_table_is_read_by_its_columns(sentiment_run, expected, capsys, monkeypatch, tmp_path, suffix):
    import datasets

    table = datasets.Dataset.from_dict({"label": ["positive", "negative", "positive"], "text": TEXTS})
    path = tmp_path / f"reviews{suffix}"
    if suffix == ".parquet":
        table.to_parquet(path)
    else:
        table.to_csv(path, sep="\t" if suffix == ".tsv" else ",", index=False)
    code, lines, err = predict(capsys, monkeypatch, str(sentiment_run), "--file", str(path), "--json")
    assert code == 0, err
    check_json_lines(lines, expected)  # one result per row: the header and the label column are not inputs


def test_a_table_takes_the_column_the_run_trained_on(sentiment_run, expected, capsys, monkeypatch, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(sentiment_run, run)
    config = run / "run_config.yaml"
    config.write_text(config.read_text().replace("text_column: text", "text_column: review"))
    path = tmp_path / "reviews.csv"
    path.write_text("stars,review\n" + "".join(f'5,"{text}"\n' for text in TEXTS), encoding="utf-8")
    code, lines, err = predict(capsys, monkeypatch, str(run), "--file", str(path), "--json")
    assert code == 0, err
    check_json_lines(lines, expected)
    path.write_text("stars,words\n5,fine\n", encoding="utf-8")
    code, _, err = predict(capsys, monkeypatch, str(run), "--file", str(path))
    assert code == 2 and "has no column 'text' nor 'review' (the run's data.text_column)" in err


def test_classification_batches_by_length_and_answers_in_input_order(sentiment_run):
    texts = ["Fine.", "A long, slow and tedious film that never once finds its footing or its heart.", "Great fun!"]
    records = [{"text": text} for text in texts * 3]
    one_by_one = predict_records(sentiment_run, records, batch_size=1)
    batched = predict_records(sentiment_run, records, batch_size=4)  # batched by length, answered in input order
    assert [r["label"] for r in batched] == [r["label"] for r in one_by_one]
    for a, b in zip(batched, one_by_one, strict=True):
        assert a["scores"] == pytest.approx(b["scores"], abs=1e-5)
    assert batched[0]["scores"] == pytest.approx(batched[3]["scores"], abs=1e-6)  # the same text, the same answer


QA_CONTEXTS = [
    "Ada Lee built the mill.",
    "The bridge over the river was built in 1901 by Ada Lee, an engineer from the north who also designed the "
    "station, the market hall and two schools; it still stands and carries trains every day.",
]


@pytest.mark.xdist_group("demo")  # with the demo tests, which share these runs
@pytest.mark.parametrize(
    ("recipe", "records"),
    [
        ("qa", [{"question": "Who built it?", "context": c} for c in QA_CONTEXTS * 2]),
        ("ner", [{"text": t} for t in ["Ada Lee lives in Oslo .", "Bo went home .", "Mara Ost met Ada in Lund ."] * 2]),
    ],
)
def test_windows_and_texts_batch_by_length_and_answer_in_input_order(recipe_runs, recipe, records):
    one_by_one = predict_records(recipe_runs[recipe], records, batch_size=1)
    batched = predict_records(recipe_runs[recipe], records, batch_size=4)
    assert rounded(batched) == rounded(one_by_one)
    half = len(records) // 2
    assert rounded(batched[:half]) == rounded(batched[half:])  # the same records, the same answers
