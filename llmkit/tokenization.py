"""Train a new tokenizer on a corpus with the `tokenizers` library, wrapped so `AutoTokenizer` loads it.

Two families: byte-level BPE as in GPT-2 (no unknown tokens, EOS `<|endoftext|>`) and WordPiece as in BERT
(lower-cased, `[CLS] text [SEP]`, `[PAD]`/`[MASK]`/`[UNK]`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import PreTrainedTokenizerFast

EOS = "<|endoftext|>"
BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def train_tokenizer(
    texts: Iterable[str], kind: Literal["bpe", "wordpiece"], vocab_size: int, model_max_length: int = 1024
) -> PreTrainedTokenizerFast:
    """Train a GPT-2-style (`bpe`) or BERT-style (`wordpiece`) tokenizer on `texts`.

    Args:
        texts: The corpus, as an iterable of strings (a re-iterable one is not copied).
        kind: `bpe` for byte-level BPE with an EOS token, `wordpiece` for lower-cased WordPiece.
        vocab_size: Target vocabulary size, special tokens included.
        model_max_length: Longest input the tokenizer will announce as allowed.
    """
    if kind == "bpe":
        tokenizer = Tokenizer(models.BPE())
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tokenizer.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(
            vocab_size=vocab_size, special_tokens=[EOS], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
        )
        tokenizer.train_from_iterator(texts, trainer)
        return PreTrainedTokenizerFast(
            tokenizer_object=tokenizer, bos_token=EOS, eos_token=EOS, unk_token=EOS, model_max_length=model_max_length
        )
    if iter(texts) is texts:  # a one-shot iterator: WordPiece reads the corpus twice
        texts = list(texts)
    tokenizer = _bert_pipeline(models.WordPiece(unk_token="[UNK]"))
    # Ties between equally frequent merges are broken by token id, and the trainer numbers continuation pieces
    # ("##e") in hash-map order: the same corpus would give other merges, and a seeded run another model, on
    # every call. Numbering every "##" character first, in a fixed order, makes training a function of the corpus.
    raw: set[str] = set()
    for text in texts:
        raw.update(text)
    characters = set("".join(map(tokenizer.normalizer.normalize_str, raw))) - {" "}  # the normalizer maps characters
    pieces = ["##" + c for c in sorted(characters)]
    tokenizer.train_from_iterator(
        texts, trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=BERT_SPECIALS + pieces)
    )
    # Only the real special tokens stay special (an added "##e" would be cut out of the text before WordPiece).
    tokenizer = _bert_pipeline(models.WordPiece(tokenizer.get_vocab(), unk_token="[UNK]"))
    tokenizer.add_special_tokens(BERT_SPECIALS)
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=model_max_length,
        # BERT's inputs: segment ids mark the second text of a pair (all 0 for a single text)
        model_input_names=["input_ids", "token_type_ids", "attention_mask"],
    )


def _bert_pipeline(model: models.WordPiece) -> Tokenizer:
    """A lower-casing, BERT-pre-tokenized tokenizer around `model`."""
    tokenizer = Tokenizer(model)
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    return tokenizer
