"""The translation recipe on tiny models, in-process on CPU: all three model forms, metrics, masking, bad input."""

import json

import pytest
import sacrebleu
import torch
from helpers import ROOT, run_recipe

from llmkit import metrics
from llmkit.errors import UserError
from recipes import translation

PAIRS = [
    ("The dog sleeps.", "Der Hund schläft."),
    ("I read a book.", "Ich lese ein Buch."),
    ("We are at home.", "Wir sind zu Hause."),
    ("Anna drinks tea.", "Anna trinkt Tee."),
]
# Every step is an epoch here: evaluate and checkpoint once, at the end.
OVERFIT = (
    "train.batch_size=4",
    "train.eval_batch_size=4",
    "train.log_every=5",
    "train.warmup_ratio=0",
    "train.max_steps=80",
    "train.eval_every=80",
    "train.save_every=80",
    "train.lr=1e-2",
    "train.scheduler=constant",
)


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny models gain nothing from threads, and on a busy CPU spinning threads slow them down many times."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def write_pairs(folder, pairs=PAIRS, name="train"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.en").write_text("".join(s + "\n" for s, _ in pairs), encoding="utf-8")
    (folder / f"{name}.de").write_text("".join(t + "\n" for _, t in pairs), encoding="utf-8")
    return str(folder / name)


def losses(output_dir):
    lines = [json.loads(line) for line in (output_dir / "train_log.jsonl").read_text().splitlines()]
    return [r["loss"] for r in lines if r["kind"] == "train"]


def overfit(tmp_path, *overrides):
    data = write_pairs(tmp_path / "data")
    out = tmp_path / "run"
    result = run_recipe(
        "translation", f"data.train={data}", f"data.validation={data}", f"output_dir={out}", *OVERFIT, *overrides
    )
    return out, result


def assert_memorised(out, result):
    curve = losses(out)
    assert curve[-1] < 0.2 * curve[0]  # the loss falls
    predictions = (out / "predictions.txt").read_text(encoding="utf-8").splitlines()
    assert predictions == [t for _, t in PAIRS]  # greedy generation reproduces every target, in the original order
    assert result["eval"]["bleu"] == pytest.approx(100.0)
    assert translation.predict(out, [{"text": s} for s, _ in PAIRS[:2]]) == [{"translation": t} for _, t in PAIRS[:2]]


TINY_MARIAN = (
    "model.name=marian",
    "model.init=scratch",
    "model.tokenizer_vocab_size=300",
    "model.d_model=32",
    "model.encoder_layers=2",
    "model.decoder_layers=2",
    "model.encoder_attention_heads=2",
    "model.decoder_attention_heads=2",
    "model.encoder_ffn_dim=64",
    "model.decoder_ffn_dim=64",
    "model.max_position_embeddings=64",
    "model.dropout=0",
)


def test_seq2seq_from_scratch_memorises_pairs(tmp_path):
    out, result = overfit(tmp_path, *TINY_MARIAN)
    assert_memorised(out, result)


def test_bert_encoder_gpt2_decoder_memorises_pairs(tmp_path, tiny_bert, tiny_gpt2):
    out, result = overfit(
        tmp_path,
        "model.form=encoder-decoder",
        "model.init=pretrained",
        f"model.name={tiny_bert}",
        f"model.decoder={tiny_gpt2}",
    )
    assert_memorised(out, result)
    assert (out / translation.TARGET_TOKENIZER / "tokenizer.json").is_file()


def test_gpt2_decoder_only_memorises_pairs(tmp_path, tiny_gpt2):
    out, result = overfit(
        tmp_path, "model.form=decoder-only", "model.init=pretrained", f"model.name={tiny_gpt2}"
    )
    assert_memorised(out, result)
