"""The question-answering recipe: windows and labels, post-processing, SQuAD metrics, bad input, end to end."""

import json
import logging

import numpy as np
import pytest
from helpers import ROOT, run_recipe
from transformers import BertTokenizer

from llmkit import metrics
from llmkit.cli import main
from llmkit.errors import UserError
from llmkit.predict import predict
from recipes.qa import DataConfig, best_answers, tokenize
from recipes.qa_data import load_examples, resolve_version_2

QA = ROOT / "data" / "qa"
WORDS = [f"w{i}" for i in range(20)]


def word_tokenizer():
    """A BERT tokenizer whose every word is one token, so token positions can be counted by hand."""
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = ["who", "built", "the", "mill", "?", "ada", "lee", *WORDS]
    return BertTokenizer(vocab={token: i for i, token in enumerate(special + words)})


def mill_example():
    # 20 context words, the answer "ada lee" is words 11 and 12
    context = " ".join([*WORDS[:11], "ada", "lee", *WORDS[11:18]])
    start = context.index("ada lee")
    return {"id": "mill", "question": "who built the mill ?", "context": context, **answer("ada lee", start)}


def answer(text, start):
    return {"answers": {"text": [text], "answer_start": [start]}}


def squad_file(path, paragraphs, version="1.1"):
    """Write a SQuAD-layout file of (context, [qa, ...]) paragraphs."""
    data = [{"title": "t", "paragraphs": [{"context": c, "qas": qas} for c, qas in paragraphs]}]
    path.write_text(json.dumps({"version": version, "data": data}, indent=1))
    return path


# --------------------------------------------------------------------------------------------------------------
# Windows and labels


def test_answer_positions_in_overlapping_windows():
    # max_length 16 = [CLS] + 5 question tokens + [SEP] + 8 context tokens + [SEP]; stride 3 -> windows start at
    # context words 0, 5, 10, 15. Context word k sits at position 7 + k - first word of the window.
    features = tokenize([mill_example()], word_tokenizer(), DataConfig(max_length=16, doc_stride=3))
    assert features["example_index"] == [0, 0, 0, 0]
    # window 1 (words 5-12): "ada lee" = words 11, 12 -> positions 13, 14; window 2 (words 10-17): 8, 9;
    # windows 0 and 3 miss the answer and point at [CLS] (position 0).
    assert features["start_positions"] == [0, 13, 8, 0]
    assert features["end_positions"] == [0, 14, 9, 0]
    offsets = features["context_offsets"][1]
    assert offsets[:7] == [None] * 7 and offsets[15] is None  # question and special tokens are not context
    context = mill_example()["context"]
    assert context[offsets[13][0] : offsets[14][1]] == "ada lee"


def test_answer_cut_by_a_window_edge_is_labelled_no_answer():
    # Window 0 ends at word 7; an answer "w7 w8" straddles windows 0 and 1, so only window 1 holds it.
    context = " ".join(WORDS)
    example = {
        "id": "x",
        "question": "who built the mill ?",
        "context": context,
        **answer("w7 w8", context.index("w7 w8")),
    }
    features = tokenize([example], word_tokenizer(), DataConfig(max_length=16, doc_stride=3))
    assert features["start_positions"][:2] == [0, 9] and features["end_positions"][:2] == [0, 10]


# --------------------------------------------------------------------------------------------------------------
# Post-processing


def logits_for(features, window, start_at, end_at):
    """Logits of -100 everywhere but 0 at [CLS] and the given positions, so only chosen spans can win."""
    starts, ends = (
        np.full(len(features["input_ids"][window]), -100.0),
        np.full(len(features["input_ids"][window]), -100.0),
    )
    starts[0] = ends[0] = 0.0
    for position, score in start_at.items():
        starts[position] = score
    for position, score in end_at.items():
        ends[position] = score
    return starts, ends


def test_post_processing_picks_the_best_valid_span_over_windows():
    data = DataConfig(max_length=16, doc_stride=3, max_answer_length=3)
    example = mill_example()
    features = tokenize([example], word_tokenizer(), data)
    windows = [logits_for(features, w, {}, {}) for w in range(4)]
    # Window 0: the highest scores sit on question tokens (1 -> 2), on an end before its start (13 -> 12) and on
    # spans (7 -> 11, 7 -> 12) longer than max_answer_length: every pairing of them is invalid.
    windows[0] = logits_for(features, 0, {1: 50, 13: 40, 7: 30}, {2: 50, 12: 40, 11: 30})
    # Window 1: "ada lee" (13 -> 14) scores 4 + 4; window 2: "w10 ada" (7 -> 8) scores 3 + 3.
    windows[1] = logits_for(features, 1, {13: 4}, {14: 4})
    windows[2] = logits_for(features, 2, {7: 3}, {8: 3})
    starts, ends = zip(*windows, strict=True)
    [result] = best_answers([example], features, list(starts), list(ends), data)
    assert result["answer"] == "ada lee"
    assert (result["start"], result["end"]) == (example["context"].index("ada lee"), example["context"].index(" w11"))
    assert result["null_odds"] == pytest.approx(0 - 8)  # the [CLS] scores are 0 in every window
    # v2: a no-answer score above the best span's wins once the threshold allows it.
    windows[3] = logits_for(features, 3, {0: 5}, {0: 5})
    starts, ends = zip(*windows, strict=True)
    v2 = DataConfig(max_length=16, doc_stride=3, max_answer_length=3, version_2_with_negative=True)
    # The weakest [CLS] score over windows (0, in windows 0-2) is the no-answer score: the span still wins.
    [result] = best_answers([example], features, list(starts), list(ends), v2)
    assert result["answer"] == "ada lee"
    v2.null_score_threshold = -9.0  # answer "" unless the span beats the null score by more than 9
    [result] = best_answers([example], features, list(starts), list(ends), v2)
    assert result["answer"] == "" and result["start"] is None and result["null_odds"] == pytest.approx(-8)


# --------------------------------------------------------------------------------------------------------------
# Metrics


@pytest.mark.parametrize(
    ("prediction", "golds", "exact", "f1"),
    [
        ("The Cat!", ["cat"], 100.0, 100.0),  # case, article and punctuation are ignored
        ("a  big\tdog.", ["big dog"], 100.0, 100.0),  # whitespace collapses
        ("the big red dog", ["red dog runs"], 0.0, 100 * 2 / 3),  # overlap 2 of 3 tokens each way
        ("red dog", ["a cat", "red dog runs", "dog"], 0.0, 100 * 0.8),  # best gold: p=1, r=2/3 -> 0.8
        ("dog dog", ["dog"], 0.0, 100 * 2 / 3),  # repeated tokens count once each: p=1/2, r=1
        ("an", ["apple"], 0.0, 0.0),  # a prediction that normalises to nothing matches nothing
        ("in 1814", ["1814", "in 1814"], 100.0, 100.0),
    ],
)
def test_squad_metric_on_normalisation_corner_cases(prediction, golds, exact, f1):
    result = metrics.load("squad").compute(predictions=[prediction], references=[golds])
    assert result == {"exact_match": pytest.approx(exact), "f1": pytest.approx(f1)}


def test_squad_v2_scores_no_answer_questions():
    result = metrics.load("squad").compute(
        predictions=["", "1878", "", "lee"],
        references=[[], [], ["ada lee"], ["ada lee"]],
        with_negative=True,
    )
    # no-answer: "" is right, "1878" is wrong; has-answer: "" is wrong, "lee" gets EM 0 and F1 2/3
    assert result == {
        "exact_match": pytest.approx(25.0),
        "f1": pytest.approx(100 * (1 + 0 + 0 + 2 / 3) / 4),
        "HasAns_exact": 0.0,
        "HasAns_f1": pytest.approx(100 / 3),
        "HasAns_total": 2,
        "NoAns_exact": 50.0,
        "NoAns_f1": 50.0,
        "NoAns_total": 2,
    }


# --------------------------------------------------------------------------------------------------------------
# Reading and checking data


def test_flat_files_honour_column_names(tmp_path):
    rows = [
        {"qid": "q1", "ask": "Who?", "passage": "Made by Ada Lee.", "gold": {"text": ["Ada Lee"], "answer_start": [8]}},
        {"qid": "q2", "ask": "When?", "passage": "It opened in 1901.", "gold": [{"text": "1901", "answer_start": 13}]},
    ]
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    data = DataConfig(id_column="qid", question_column="ask", context_column="passage", answers_column="gold")
    examples = load_examples(str(path), "train", "data.train", data)
    assert [e["context"] for e in examples] == ["Made by Ada Lee.", "It opened in 1901."]
    assert [e["id"] for e in examples] == ["q1", "q2"]
    assert examples[1]["answers"] == {"text": ["1901"], "answer_start": [13]}
    csv = tmp_path / "train.csv"
    csv.write_text(
        'question,context,answers\nWho?,Made by Ada Lee.,"{""text"": [""Ada Lee""], ""answer_start"": [8]}"\n'
    )
    [example] = load_examples(str(csv), "train", "data.train", DataConfig())
    assert example["id"] == "0" and example["answers"]["text"] == ["Ada Lee"]


def test_bundled_files_load_and_v2_is_detected(caplog):
    v1 = load_examples(str(QA / "validation.json"), "train", "data.validation", DataConfig())
    v2 = load_examples(str(QA / "validation_v2.json"), "train", "data.validation", DataConfig())
    assert len(v1) == 192 and len(v2) == 108
    assert resolve_version_2(None, v1) is False
    with caplog.at_level(logging.WARNING, logger="llmkit"):
        assert resolve_version_2(None, v2) is True
    assert "34 of 108 questions have no answer, so SQuAD v2 mode is on" in caplog.text
    with pytest.raises(UserError, match="version_2_with_negative=false, but 34 questions have no answer"):
        resolve_version_2(False, v2)


def test_wrong_offsets_are_listed_or_repaired(tmp_path, caplog):
    context = "The mill was built by Ada Lee in 1901 on the river."
    qas = [
        {"id": f"q{i}", "question": "Who built it?", "answers": [{"text": "Ada Lee", "answer_start": 20 + i % 3}]}
        for i in range(12)
    ]
    qas.append({"id": "gone", "question": "Who?", "answers": [{"text": "Bo Ray", "answer_start": 0}]})
    path = squad_file(tmp_path / "train.json", [(context, qas)])
    with pytest.raises(UserError) as error:
        load_examples(str(path), "train", "data.train", DataConfig())
    message = str(error.value)
    # answer_start 20 is off by two, 22 is right, 21 is off by one: 9 wrong plus the missing answer
    assert "data.train: 9 answer(s) are not found at their answer_start" in message
    assert "q0 ('Ada Lee' is not at 20), q1 ('Ada Lee' is not at 21), q3" in message
    assert "gone ('Bo Ray' is not in the context)" in message and "data.fix_offsets=true" in message
    qas.pop()
    squad_file(path, [(context, qas)])
    with caplog.at_level(logging.WARNING, logger="llmkit"):
        examples = load_examples(str(path), "train", "data.train", DataConfig(fix_offsets=True))
    assert "repaired 8 answer_start offsets" in caplog.text
    assert {e["answers"]["answer_start"][0] for e in examples} == {22}
    many = [dict(q, id=f"m{i}", answers=[{"text": "Bo Ray", "answer_start": 0}]) for i, q in enumerate(qas)]
    squad_file(path, [(context, many)])
    with pytest.raises(UserError, match=r"12 answer\(s\) .* m9 \('Bo Ray' is not in the context\) and 2 more"):
        load_examples(str(path), "train", "data.train", DataConfig(fix_offsets=True))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"data": [\n  {"paragraphs": [}\n]}', r"train.json:2:19: invalid JSON: Expecting value"),
        (
            '{"data": [{"paragraphs": [{"context": "x y", "qas": [{"id": "1", "answers": []}]}]}]}',
            "missing field 'question'",
        ),
        ('{"data": [{"paragraphs": [{"qas": []}]}]}', r"data\[0\].paragraphs\[0\]: missing field 'context'"),
        (
            '{"data": [{"paragraphs": [{"context": " ", "qas": [{"id": "1", "question": "q", "answers": []}]}]}]}',
            "the context is empty",
        ),
        (
            '{"data": [{"paragraphs": [{"context": "x", "qas": [{"question": "q", "answers": {"text": ["x"]}}]}]}]}',
            "answers must look like",
        ),
    ],
    ids=["malformed-json", "missing-question", "missing-context", "empty-context", "answers-without-start"],
)
def test_bad_files_are_named_with_their_location(tmp_path, content, expected):
    path = tmp_path / "train.json"
    path.write_text(content)
    with pytest.raises(UserError, match=expected):
        load_examples(str(path), "train", "data.train", DataConfig())


def test_question_longer_than_the_window():
    example = {**mill_example(), "question": "who built the mill ? " * 4}
    with pytest.raises(UserError, match="question mill has 20 tokens, which leaves -7 of data.max_length=16"):
        tokenize([example], word_tokenizer(), DataConfig(max_length=16, doc_stride=3))


def test_cli_exits_2_before_training(tmp_path, tiny_bert, capsys):
    path = tmp_path / "train.json"
    path.write_text('{"data": [')
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_info:
        main(
            ["train", "qa", f"model.name={tiny_bert}", f"data.train={path}", "data.max_length=200", f"output_dir={out}"]
        )
    assert exit_info.value.code == 2
    assert "train.json:1:11: invalid JSON" in capsys.readouterr().err
    assert not out.exists()


# --------------------------------------------------------------------------------------------------------------
# End to end


def small_split(source, target, articles):
    document = json.loads(source.read_text())
    document["data"] = document["data"][:articles]
    target.write_text(json.dumps(document))
    return target


def run_qa(model, train, validation, out, *overrides):
    """A short in-process run on small windows (later overrides win)."""
    return run_recipe(
        "qa",
        f"model.name={model}",
        f"data.train={train}",
        f"data.validation={validation}",
        f"output_dir={out}",
        "data.max_length=128",
        "data.doc_stride=32",
        "train.batch_size=8",
        *overrides,
    )


@pytest.mark.slow
def test_trains_writes_predictions_and_predicts(tiny_bert, tmp_path, capsys):
    train = small_split(QA / "train.json", tmp_path / "train.json", 8)
    validation = small_split(QA / "validation.json", tmp_path / "validation.json", 3)
    out = tmp_path / "run"
    result = run_qa(tiny_bert, train, validation, out, "train.max_steps=16", "train.lr=3e-3", "train.log_every=4")
    log = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    losses = [r["loss"] for r in log if r["kind"] == "train"]
    assert losses[-1] < losses[0]  # 4 windows of 4 steps: the loss falls
    # Random batches of windows in length-sorted pieces (llmkit/pieces.py): less padding than the same batches padded.
    padded = run_qa(tiny_bert, train, validation, tmp_path / "padded", "train.max_steps=4", "train.batching=random")
    assert result["train"]["padding_fraction"] < padded["train"]["padding_fraction"]
    predictions = json.loads((out / "predictions.json").read_text())
    examples = load_examples(str(validation), "", "", DataConfig())
    assert list(predictions) == [e["id"] for e in examples]
    # The reported scores are the shipped metric applied to the written predictions.
    rescored = metrics.load("squad").compute(
        predictions=list(predictions.values()), references=[e["answers"]["text"] for e in examples]
    )
    assert result["eval"]["f1"] == pytest.approx(rescored["f1"])
    assert result["eval"]["exact_match"] == pytest.approx(rescored["exact_match"])
    assert not (out / "null_odds.json").exists()
    # Inference through the predict contract, including a context that needs several windows.
    first = examples[0]
    long_context = " ".join([first["context"]] * 4)
    answers = predict(
        out,
        [{"question": first["question"], "context": first["context"]}, {"question": "Who?", "context": long_context}],
    )
    assert len(answers) == 2
    for record, context in zip(answers, (first["context"], long_context), strict=True):
        assert 0 <= record["score"] <= 1
        assert record["answer"] == context[record["start"] : record["end"]] and record["answer"].strip()
    with pytest.raises(UserError, match="record 1: the context is empty"):
        predict(out, [{"question": "Who?", "context": ""}])
    capsys.readouterr()
    main(["predict", str(out), "--question", first["question"], "--context", first["context"]])
    printed = capsys.readouterr().out
    assert printed.startswith(f"answer={answers[0]['answer']}  score=")


@pytest.mark.slow
def test_v2_data_gets_no_answer_scores_and_null_odds(tiny_bert, tmp_path):
    train = small_split(QA / "train_v2.json", tmp_path / "train.json", 1)
    validation = small_split(QA / "validation_v2.json", tmp_path / "validation.json", 1)
    out = tmp_path / "run"
    result = run_qa(tiny_bert, train, validation, out, "train.max_steps=2")
    examples = load_examples(str(validation), "", "", DataConfig())
    no_answer = sum(not e["answers"]["text"] for e in examples)
    assert result["eval"]["NoAns_total"] == no_answer > 0
    assert result["eval"]["HasAns_total"] == len(examples) - no_answer
    odds = json.loads((out / "null_odds.json").read_text())
    predictions = json.loads((out / "predictions.json").read_text())
    assert odds.keys() == predictions.keys()
    assert all((predictions[i] == "") == (odds[i] > 0) for i in odds)  # threshold 0
    assert "version_2_with_negative: true" in (out / "run_config.yaml").read_text()


@pytest.mark.slow
def test_gpt2_trains_with_its_first_token_as_no_answer(tiny_gpt2, tmp_path):
    train = small_split(QA / "train.json", tmp_path / "train.json", 1)
    out = tmp_path / "run"
    result = run_qa(tiny_gpt2, train, train, out, "data.max_length=200", "train.max_steps=2")
    assert result["train"]["steps"] == 2 and 0 <= result["eval"]["f1"] <= 100
    assert (out / "predictions.json").is_file()
