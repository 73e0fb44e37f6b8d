"""The mlm recipe: masking statistics, whole-word masking, and tiny BERTs trained from scratch in-process."""

import itertools
import math
import shutil

import pytest
import torch
from helpers import run_recipe
from safetensors.torch import load_file
from test_clm import lm_corpus, train_losses  # noqa: F401 (a fixture)

from llmkit.config import load_config
from llmkit.errors import UserError
from llmkit.predict import predict
from llmkit.tokenization import train_tokenizer
from recipes import mlm

TINY = (
    "model.num_hidden_layers=2",
    "model.hidden_size=32",
    "model.num_attention_heads=2",
    "model.intermediate_size=64",
    "model.max_position_embeddings=64",
    "tokenizer.train=true",
    "tokenizer.vocab_size=300",
    "data.block_size=16",
    "train.batch_size=8",
    "train.eval_batch_size=16",
    "train.lr=1e-2",
    "train.log_every=2",
)
TEXTS = ["the farmer planted beans in the field behind the old barn", "unbelievably wonderful snowflakes"] * 30


@pytest.fixture(scope="module")
def tokenizer():
    return train_tokenizer(TEXTS, "wordpiece", vocab_size=120)


def test_masking_rates_are_15_percent_split_80_10_10(tokenizer):
    torch.manual_seed(0)
    ids = torch.randint(len(tokenizer.all_special_ids), len(tokenizer), (400, 250))
    ids[:, 0], ids[:, -1] = tokenizer.cls_token_id, tokenizer.sep_token_id
    inputs, labels = mlm.Masker(tokenizer, 0.15, whole_word=False)(ids)
    chosen = labels != -100
    assert torch.equal(labels[chosen], ids[chosen])
    assert not chosen[:, 0].any() and not chosen[:, -1].any()  # special tokens are never chosen
    assert chosen[:, 1:-1].float().mean().item() == pytest.approx(0.15, abs=0.005)
    masked = (inputs == tokenizer.mask_token_id) & chosen
    kept = (inputs == ids) & chosen
    replaced = chosen & ~masked & ~kept
    total = chosen.sum().item()
    assert masked.sum().item() / total == pytest.approx(0.8, abs=0.01)
    # A random replacement equals the original token 1 time in len(tokenizer): it then counts as kept.
    assert kept.sum().item() / total == pytest.approx(0.1 + 0.1 / len(tokenizer), abs=0.01)
    assert replaced.sum().item() / total == pytest.approx(0.1 - 0.1 / len(tokenizer), abs=0.01)
    assert torch.equal(inputs[~chosen], ids[~chosen])


def test_whole_word_masking_masks_every_piece_of_a_word(tokenizer):
    # Words the tokenizer never saw whole, so they split into pieces.
    encoded = tokenizer(["wonderbarn unbelievablebeans snowfarmer"] * 2000, return_tensors="pt")["input_ids"]
    pieces = tokenizer.convert_ids_to_tokens(encoded[0].tolist())
    assert any(piece.startswith("##") for piece in pieces)  # the words really are split
    word_of = []  # the index of the word each token belongs to (-1 for [CLS]/[SEP])
    for piece in pieces:
        if piece in ("[CLS]", "[SEP]"):
            word_of.append(-1)
        else:
            word_of.append(word_of[-1] if piece.startswith("##") else max(word_of) + 1)
    torch.manual_seed(0)
    _, labels = mlm.Masker(tokenizer, 0.15, whole_word=True)(encoded)
    chosen = labels != -100
    words = max(word_of) + 1
    for word in range(words):
        columns = [i for i, w in enumerate(word_of) if w == word]
        assert (chosen[:, columns].all(1) | ~chosen[:, columns].any(1)).all()  # all pieces or none
    first_pieces = [word_of.index(word) for word in range(words)]
    assert chosen[:, first_pieces].float().mean().item() == pytest.approx(0.15, abs=0.02)


def test_learns_and_reports_masked_accuracy(lm_corpus, tmp_path):  # noqa: F811
    out = tmp_path / "run"
    metrics = run_recipe("mlm", *TINY, *lm_corpus, f"output_dir={out}", "train.max_steps=30")
    curve = train_losses(out)
    assert curve[-1] < 0.8 * curve[0]
    evaluation = metrics["eval"]
    assert evaluation["loss"] < 0.8 * math.log(300)
    assert evaluation["perplexity"] == pytest.approx(math.exp(evaluation["loss"]))
    assert evaluation["accuracy"] > 0.1  # chance is 1/300
    filled = predict(out, [{"text": "the little fox ran to the [MASK]."}])[0]
    assert len(filled["predictions"]) == 1 and "[MASK]" not in filled["filled"]


def test_per_line_examples_are_padded_and_masked(lm_corpus):  # noqa: F811
    config = load_config(mlm.Config, None, [*TINY, *lm_corpus, "mlm.packing=false", "data.block_size=32"])
    task = mlm.build(config, None)
    assert max(len(example["input_ids"]) for example in task.train_dataset) == 32  # truncated
    assert all(example["input_ids"][-1] == task.tokenizer.sep_token_id for example in task.train_dataset)
    batch = task.collate_fn(
        [
            {"input_ids": [2, 40, 41, 3], "labels": [-100, 40, -100, -100]},
            {"input_ids": [2, 4, 3], "labels": [-100, 42, -100]},
        ]
    )
    assert batch["attention_mask"].tolist() == [[1, 1, 1, 1], [1, 1, 1, 0]]
    assert batch["input_ids"][1].tolist() == [2, 4, 3, task.tokenizer.pad_token_id]
    assert batch["labels"][1].tolist() == [-100, 42, -100, -100]  # padding is never a target


def test_streaming_and_resume_with_dynamic_masking(tiny_bert, lm_corpus, tmp_path):  # noqa: F811
    # A fixed tokenizer: WordPiece training in `tokenizers` breaks ties differently from one call to the next.
    fixed = (*TINY, *lm_corpus, "tokenizer.train=false", f"model.tokenizer={tiny_bert}")
    tasks = [mlm.build(load_config(mlm.Config, None, [*fixed, f"data.streaming={s}"]), None) for s in (False, True)]
    first = [[task.train_dataset[i] for i in range(16)] for task in tasks[:1]]
    first.append(list(itertools.islice(tasks[1].train_dataset, 16)))
    assert first[0] == first[1]  # the same blocks with the same masks
    tasks[0].train_dataset.set_epoch(1)
    assert [tasks[0].train_dataset[i] for i in range(16)] != first[0]  # masked anew in the next epoch
    assert list(tasks[1].eval_dataset) == tasks[0].eval_dataset  # the same fixed validation masks
    args = (*fixed, "data.streaming=true", "train.max_steps=6", "train.save_every=2")
    full, resumed = tmp_path / "full", tmp_path / "resumed"
    run_recipe("mlm", *args, f"output_dir={full}")
    (resumed / "checkpoints").mkdir(parents=True)
    shutil.copytree(full / "checkpoints" / "step-0000004", resumed / "checkpoints" / "step-0000004")
    run_recipe("mlm", *args, f"output_dir={resumed}", "resume_from_checkpoint=latest")
    expected, actual = load_file(full / "model.safetensors"), load_file(resumed / "model.safetensors")
    assert all(torch.equal(expected[name], actual[name]) for name in expected)
    assert train_losses(full) == train_losses(resumed)


def test_tokenizer_without_mask_token(tiny_gpt2, lm_corpus, tmp_path):  # noqa: F811
    with pytest.raises(UserError, match="no mask or no pad token"):
        run_recipe(
            "mlm", *TINY, *lm_corpus, "tokenizer.train=false", f"model.tokenizer={tiny_gpt2}", f"output_dir={tmp_path}"
        )
