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


def test_positive_class_f1_on_known_inputs():
    # class 1: tp=2 (rows 0, 3), predicted 3, actual 2 -> 2 * 2 / (3 + 2)
    result = metrics.load("f1").compute(predictions=[1, 0, 1, 1], references=[1, 0, 0, 1], positive=1)
    assert result["f1"] == pytest.approx(0.8)


def test_matthews_correlation_on_known_inputs():
    # tp=2 tn=1 fp=1 fn=0: (tp*tn - fp*fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn)) = 2 / sqrt(3 * 2 * 2 * 1)
    result = metrics.load("matthews_correlation").compute(predictions=[1, 0, 1, 1], references=[1, 0, 0, 1])
    assert result["matthews_correlation"] == pytest.approx(2 / 12**0.5)
    assert metrics.load("matthews_correlation").compute(predictions=[1, 1], references=[0, 1]) == {
        "matthews_correlation": 0.0
    }


def test_multi_label_metrics_on_known_inputs():
    # (example, label) decisions: tp=2, fp=1, fn=1 -> micro-F1 2*2/(2*2+1+1); label 0: P=1/2 R=1 -> 2/3,
    # label 1: P=1 R=1/2 -> 2/3, label 2 absent from both sides: left out; exact match: the first example only
    predictions = [[1, 0, 0], [1, 1, 0], [0, 0, 0]]
    references = [[1, 0, 0], [0, 1, 0], [0, 1, 0]]
    result = metrics.load("multilabel").compute(predictions=predictions, references=references)
    assert result == pytest.approx({"f1_micro": 4 / 6, "f1_macro": 2 / 3, "exact_match": 1 / 3})


def test_correlations_on_known_inputs():
    # Spearman: the ranks agree exactly; Pearson by hand: mean 2 and 2, deviations (-1, 0, 1) and (-1.5, 0.5, 1)
    result = metrics.load("correlation").compute(predictions=[1.0, 2.0, 3.0], references=[0.5, 2.5, 3.0])
    assert result["spearmanr"] == pytest.approx(1.0)
    assert result["pearson"] == pytest.approx(2.5 / (2**0.5 * 3.5**0.5))
    assert result["mse"] == pytest.approx((0.25 + 0.25 + 0) / 3)
    # A constant prediction ranks nothing: 0, not NaN, so it never looks like the best checkpoint.
    constant = metrics.load("correlation").compute(predictions=[1.0, 1.0, 1.0], references=[0.5, 2.5, 3.0])
    assert constant["pearson"] == constant["spearmanr"] == 0.0
