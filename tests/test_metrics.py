import pytest

from llmkit import metrics


def test_accuracy_on_known_inputs():
    result = metrics.load("accuracy").compute(predictions=[0, 1, 1, 0], references=[0, 1, 0, 0])
    assert result == {"accuracy": 0.75}


def test_macro_f1_on_known_inputs():
    # class 0: tp=2 fp=0 fn=1 -> f1 = 4/5; class 1: tp=1 fp=1 fn=0 -> f1 = 2/3; class 2: only predicted -> 0
    predictions = [0, 0, 1, 1, 2]
    references = [0, 0, 0, 1, 1]
    f1 = metrics.load("f1").compute(predictions=predictions, references=references)["f1"]
    # class 1 with the 2-prediction: tp=1, predicted=2, actual=2 -> 1/2; class 2: tp=0 -> 0
    expected = (2 * 2 / (2 + 3) + 2 * 1 / (2 + 2) + 0.0) / 3
    assert f1 == pytest.approx(expected)


def test_perfect_and_empty():
    assert metrics.load("f1").compute(predictions=[1, 0], references=[1, 0])["f1"] == 1.0
