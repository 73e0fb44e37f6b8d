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
        texts: The corpus, as an iterable of strings (read once).
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
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    tokenizer.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=BERT_SPECIALS))
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
    )
