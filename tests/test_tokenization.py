import pytest

from llmkit.tokenization import train_tokenizer

TEXTS = ["The quick brown fox jumps over the lazy dog.", "A lazy afternoon, a quick nap!"] * 20


@pytest.mark.parametrize("kind", ["bpe", "wordpiece"])
def test_trained_tokenizer_round_trips(kind, tmp_path):
    from transformers import AutoTokenizer

    tokenizer = train_tokenizer(TEXTS, kind, vocab_size=200)
    tokenizer.save_pretrained(tmp_path)
    reloaded = AutoTokenizer.from_pretrained(tmp_path)
    text = "the quick dog naps." if kind == "wordpiece" else "The quick dog naps."
    ids = reloaded(text)["input_ids"]
    assert reloaded.decode(ids, skip_special_tokens=True) == text
    assert ids == tokenizer(text)["input_ids"]


def test_bpe_has_eos_and_wordpiece_has_mask_and_cls():
    bpe = train_tokenizer(TEXTS, "bpe", vocab_size=200)
    assert bpe.eos_token == "<|endoftext|>" and bpe.pad_token is None
    wordpiece = train_tokenizer(TEXTS, "wordpiece", vocab_size=200)
    ids = wordpiece("a fox")["input_ids"]
    assert ids[0] == wordpiece.cls_token_id and ids[-1] == wordpiece.sep_token_id
    assert wordpiece.mask_token_id is not None


@pytest.mark.parametrize("kind", ["bpe", "wordpiece"])
def test_the_same_corpus_gives_the_same_token_ids(kind):
    # The tokenizers library numbers WordPiece tokens in hash-map order: without llmkit's fixed numbering, five
    # trainings on one corpus give several different id maps, and a seeded from-scratch run another model.
    vocabularies = [train_tokenizer(TEXTS, kind, vocab_size=200).get_vocab() for _ in range(5)]
    assert all(vocabulary == vocabularies[0] for vocabulary in vocabularies)
