"""The language-model corpus machinery: documents, packing, per-example statistics, the metric module."""

import math

import pytest
import torch

from llmkit import metrics
from llmkit.corpus import CorpusConfig, open_documents, pack, token_statistics
from llmkit.errors import UserError


def corpus(tmp_path, name, text, **settings):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return CorpusConfig(train=str(path), validation=None, **settings)


def test_pack_cuts_exact_blocks_and_drops_the_remainder():
    assert list(pack([[1, 2, 3], [4, 5], [6, 7, 8, 9, 10]], 4)) == [[1, 2, 3, 4], [5, 6, 7, 8]]
    assert list(pack([[1, 2]], 3)) == []


@pytest.mark.parametrize("streaming", [False, True])
def test_text_files_hold_one_document_per_blank_line_block(tmp_path, streaming):
    text = "First doc line one.\nStill the first.\n\nSecond doc.\n\n\n  \nThird doc.\n"
    documents = list(open_documents(corpus(tmp_path, "c.txt", text, streaming=streaming), "train"))
    assert documents == ["First doc line one.\nStill the first.", "Second doc.", "Third doc."]


def test_a_folder_holds_one_document_per_file(tmp_path):
    (tmp_path / "a.txt").write_text("alpha\nbeta\n")
    (tmp_path / "b.txt").write_text("gamma\n")
    assert open_documents(CorpusConfig(train=str(tmp_path)), "train") == ["alpha\nbeta", "gamma"]


def test_jsonl_text_column(tmp_path):
    config = corpus(tmp_path, "c.jsonl", '{"body": "one"}\n{"body": "two"}\n', text_column="body")
    assert open_documents(config, "train") == ["one", "two"]


@pytest.mark.parametrize("streaming", [False, True])
def test_bad_corpora_are_named(tmp_path, streaming):
    with pytest.raises(UserError, match="contains no text"):
        open_documents(corpus(tmp_path, "blank.txt", "  \n\n \t\n", streaming=streaming), "train")
    with pytest.raises(UserError, match="has no column 'text'.*Columns: body"):
        open_documents(corpus(tmp_path, "c.jsonl", '{"body": "x"}\n', streaming=streaming), "train")
    with pytest.raises(UserError, match=r"n.jsonl:2: column 'text' must hold text, got 7"):
        open_documents(corpus(tmp_path, "n.jsonl", '{"text": "x"}\n{"text": 7}\n', streaming=streaming), "train")


def test_token_statistics_match_hand_computed_values():
    logits = torch.tensor([[[2.0, 0.0], [0.0, 1.0], [1.0, 1.0]]])
    labels = torch.tensor([[0, 1, -100]])
    stats = token_statistics(logits, labels, shift=False)
    expected = -math.log(math.exp(2) / (math.exp(2) + 1)) - math.log(math.e / (math.e + 1))
    assert stats["nats"].item() == pytest.approx(expected)
    assert stats["tokens"].tolist() == [2] and stats["correct"].tolist() == [2]
    shifted = token_statistics(logits, torch.tensor([[5, 1, 0]]), shift=True)  # positions 0, 1 predict 1, 0
    assert shifted["tokens"].tolist() == [2] and shifted["correct"].tolist() == [0]


def test_language_modeling_metric_weights_tokens_not_examples():
    results = metrics.load("language_modeling").compute(
        nats=[2.0, 10.0], tokens=[1, 4], correct=[1, 2], bytes=[4, 20], chars=[4, 20]
    )
    assert results["loss"] == pytest.approx(12 / 5)
    assert results["perplexity"] == pytest.approx(math.exp(12 / 5))
    assert results["accuracy"] == pytest.approx(3 / 5)
    assert results["bits_per_byte"] == pytest.approx(12 / (math.log(2) * 24))
    assert results["nats_per_char"] == pytest.approx(12 / 24)
