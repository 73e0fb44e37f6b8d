"""The clm recipe end to end on tiny GPT-2s built from scratch, in-process on CPU."""

import itertools
import json
import math
import shutil

import pytest
import torch
from helpers import reset_accelerate, run_recipe
from safetensors.torch import load_file
from transformers import AutoTokenizer

from llmkit.cli import main
from llmkit.config import load_config
from llmkit.errors import UserError
from llmkit.predict import predict
from recipes import clm

SENTENCES = [
    "The little fox ran to the river and drank the cold water.",
    "A farmer planted beans in the field behind the old barn.",
    "Every morning the baker sold warm bread to the whole village.",
    "The children sang a song while the rain fell on the roof.",
]
TINY = (
    "model.n_layer=2",
    "model.n_embd=32",
    "model.n_head=2",
    "model.n_positions=64",
    "tokenizer.train=true",
    "tokenizer.vocab_size=300",
    "data.block_size=16",
    "train.batch_size=8",
    "train.eval_batch_size=16",
    "train.lr=1e-2",
    "train.log_every=2",
    "sampling.max_new_tokens=8",
)


@pytest.fixture
def lm_corpus(tmp_path):
    """A small, very repetitive corpus: documents of the sentences above, blank-line separated."""
    documents = [" ".join(SENTENCES[i % 4 :] + SENTENCES[: i % 4]) for i in range(24)]
    (tmp_path / "train.txt").write_text("\n\n".join(documents) + "\n")
    (tmp_path / "validation.txt").write_text("\n\n".join(documents[:4]) + "\n")
    return (f"data.train={tmp_path / 'train.txt'}", f"data.validation={tmp_path / 'validation.txt'}")


def train_losses(output_dir):
    records = [json.loads(line) for line in (output_dir / "train_log.jsonl").read_text().splitlines()]
    return [r["loss"] for r in records if r["kind"] == "train"]


def test_learns_a_repetitive_corpus_and_writes_samples(lm_corpus, tmp_path):
    out = tmp_path / "run"
    metrics = run_recipe("clm", *TINY, *lm_corpus, f"output_dir={out}", "train.max_steps=30", "train.eval_every=15")
    curve = train_losses(out)
    assert curve[-1] < 0.7 * curve[0]
    evaluation = metrics["eval"]
    assert evaluation["loss"] < 0.7 * math.log(300)  # a uniform guess scores ln(vocab)
    assert evaluation["perplexity"] == pytest.approx(math.exp(evaluation["loss"]))
    assert 0 < evaluation["bits_per_byte"] < 8 and evaluation["accuracy"] > 0.1  # chance is 1/300
    samples = [json.loads(line) for line in (out / clm.SAMPLES_FILE).read_text().splitlines()]
    assert [s["step"] for s in samples] == [15] * 3 + [30] * 3
    # The output folder loads with AutoTokenizer and the trained tokenizer round-trips text.
    tokenizer = AutoTokenizer.from_pretrained(out)
    text = "The farmer sold warm bread, 12 loaves!"
    assert tokenizer.decode(tokenizer(text)["input_ids"]) == text


def test_blocks_are_documents_joined_with_eos(lm_corpus, tmp_path):
    config = load_config(clm.Config, None, [*TINY, *lm_corpus, "data.validation=null"])
    task = clm.build(config, None)
    tokens = [token for example in task.train_dataset for token in example["input_ids"]]
    assert all(len(example["input_ids"]) == 16 for example in task.train_dataset)
    documents = (tmp_path / "train.txt").read_text().strip().split("\n\n")
    joined = "".join(document + "<|endoftext|>" for document in documents)
    text = task.tokenizer.decode(tokens)
    assert joined.startswith(text) and len(joined) - len(text) < 16 * 8  # only the partial last block is dropped
    batch = clm.collate(task.train_dataset[:3])
    assert batch["input_ids"].shape == (3, 16) and torch.equal(batch["labels"], batch["input_ids"])


def test_streaming_gives_the_same_batches(lm_corpus):
    tasks = [
        clm.build(load_config(clm.Config, None, [*TINY, *lm_corpus, f"data.streaming={s}"]), None)
        for s in (False, True)
    ]
    listed, streamed = (list(itertools.islice(task.train_dataset, 24)) for task in tasks)
    for start in range(0, 24, 8):
        one, two = clm.collate(listed[start : start + 8]), clm.collate(streamed[start : start + 8])
        assert torch.equal(one["input_ids"], two["input_ids"])
    assert list(tasks[1].eval_dataset) == tasks[0].eval_dataset


@pytest.mark.slow
def test_resume_equals_uninterrupted_run(lm_corpus, tmp_path):
    args = (*TINY, *lm_corpus, "train.max_steps=8", "train.save_every=4", "train.eval_every=4", "sampling.prompts=[]")
    full, resumed = tmp_path / "full", tmp_path / "resumed"
    run_recipe("clm", *args, f"output_dir={full}")
    (resumed / "checkpoints").mkdir(parents=True)
    shutil.copytree(full / "checkpoints" / "step-0000004", resumed / "checkpoints" / "step-0000004")
    run_recipe("clm", *args, f"output_dir={resumed}", "resume_from_checkpoint=latest")
    expected, actual = load_file(full / "model.safetensors"), load_file(resumed / "model.safetensors")
    for name in expected:
        assert torch.equal(expected[name], actual[name]), name
    assert train_losses(full) == train_losses(resumed)


@pytest.mark.slow
def test_streaming_run_trains_and_resumes(lm_corpus, tmp_path):
    args = (*TINY, *lm_corpus, "data.streaming=true", "train.max_steps=8", "train.save_every=4", "sampling.prompts=[]")
    args = (*args, "train.batch_size=64")  # 3 batches a pass, so the stream restarts twice and step 4 is mid-pass
    full, resumed = tmp_path / "full", tmp_path / "resumed"
    metrics = run_recipe("clm", *args, f"output_dir={full}")
    assert metrics["train"]["steps"] == 8 and metrics["train"]["epochs"] == 2
    (resumed / "checkpoints").mkdir(parents=True)
    shutil.copytree(full / "checkpoints" / "step-0000004", resumed / "checkpoints" / "step-0000004")
    run_recipe("clm", *args, f"output_dir={resumed}", "resume_from_checkpoint=latest")
    expected, actual = load_file(full / "model.safetensors"), load_file(resumed / "model.safetensors")
    assert all(torch.equal(expected[name], actual[name]) for name in expected)


def test_generate_and_predict(lm_corpus, tmp_path, capsys):
    out = tmp_path / "run"
    run_recipe("clm", *TINY, *lm_corpus, f"output_dir={out}", "train.max_steps=2", "sampling.prompts=[]")
    main(["generate", str(out), "--prompt", "The little fox", "--max-new-tokens", "5", "--temperature", "0"])
    printed = capsys.readouterr().out
    assert printed.startswith("The little fox") and len(printed.rstrip("\n")) > len("The little fox")
    records = predict(out, [{"prompt": "A farmer"}, {"prompt": ""}])
    assert [r["prompt"] for r in records] == ["A farmer", ""] and all(isinstance(r["generated"], str) for r in records)
    main(["predict", str(out), "--prompt", "A farmer", "--json"])
    assert json.loads(capsys.readouterr().out)["prompt"] == "A farmer"
    with pytest.raises(SystemExit):
        main(["generate", str(out), "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "(default: the run's setting, 0.8)" in help_text  # the run's sampling.temperature, not a placeholder


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (("data.block_size=128",), "larger than the model's context of 64"),
        (("data.train={short}",), "shorter than one block of data.block_size=16"),
        (("data.streaming=true",), "set train.max_steps"),
    ],
)
def test_bad_input_stops_before_training(lm_corpus, tmp_path, overrides, message):
    out = tmp_path / "run"
    (tmp_path / "short.txt").write_text("Too short.\n")
    overrides = [o.format(short=tmp_path / "short.txt") for o in overrides]
    validation = "data.validation=null"
    with pytest.raises(UserError, match=message):
        run_recipe("clm", *TINY, *lm_corpus, validation, "train.epochs=1", *overrides, f"output_dir={out}")
    assert not out.exists()


def test_tokenizer_without_eos_exits_2(tiny_bert, lm_corpus, tmp_path, capsys):
    reset_accelerate()
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "clm", *TINY, *lm_corpus, "tokenizer.train=false", f"model.tokenizer={tiny_bert}"])
    assert exit_info.value.code == 2
    assert "tokenizer: it has no EOS token" in capsys.readouterr().err
