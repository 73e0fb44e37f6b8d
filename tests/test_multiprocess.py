"""Several processes under `accelerate launch` train exactly what one process trains with the same global batch.

Each launch costs about 10 s of imports, so these tests are few, tiny and marked slow. Every launch rendezvouses on
a port that is free at the time, so parallel test runs on one host do not meet each other. FSDP cannot run here:
accelerate 1.15 turns FSDP into plain DDP on CPUs (`--cpu`), and without it a GPU-less host forms no process group,
so tests/test_launch.py checks the FSDP config instead.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_recipe, sentiment_accuracy
from safetensors.torch import load_file

from llmkit.models import load_trained_model

ROOT = Path(__file__).resolve().parent.parent
VALIDATION_SIZE = 450  # not a multiple of eval_batch_size=32: the last batch is padded across processes
TRAINING = (
    "train.max_steps=8",
    "train.batch_size=16",
    "train.lr=2e-3",
    "train.log_every=2",
    "train.eval_batch_size=32",
    "train.save_every=4",
    "model.hidden_dropout_prob=0",
    "model.attention_probs_dropout_prob=0",
)
LORA = ("peft.method=lora", "peft.dropout=0", "train.lr=5e-3")


def command(out, model, *launcher, extra=(), recipe="sentiment"):
    return [
        sys.executable,
        "-m",
        "accelerate.commands.launch",
        *launcher,
        "-m",
        "llmkit",
        "train",
        recipe,
        f"model.name={model}",
        f"output_dir={out}",
        *TRAINING,
        *extra,
    ]


def environment():
    return {**os.environ, "ACCELERATE_USE_CPU": "1", "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}


def launch(out, model, *launcher, extra=(), recipe="sentiment"):
    run = subprocess.run(
        command(out, model, *launcher, extra=extra, recipe=recipe),
        capture_output=True,
        text=True,
        env=environment(),
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert_two_ranks(out)
    return json.loads((out / "metrics.json").read_text())


def assert_two_ranks(out):
    """Rank 1 of one 2-process group wrote its random state (two separate runs would both be rank 0)."""
    assert (out / "checkpoints" / "step-0000008" / "random_states_1.pkl").is_file()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def two_processes():
    return ("--multi_gpu", "--num_processes", "2", "--main_process_port", str(free_port()))


def assert_same_run(expected, actual, expected_weights, actual_weights, tolerance=1e-4):
    assert actual["train"]["steps"] == expected["train"]["steps"] == 8
    assert actual["eval"].keys() == expected["eval"].keys()
    for name in expected["eval"]:
        assert actual["eval"][name] == pytest.approx(expected["eval"][name], abs=tolerance), name
    weights_one, weights_two = load_file(expected_weights), load_file(actual_weights)
    assert weights_one.keys() == weights_two.keys()
    for name, tensor in weights_one.items():
        assert (tensor - weights_two[name]).abs().max() < tolerance, name


def log_steps(out):
    records = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    return [(r["kind"], r["step"]) for r in records]


@pytest.mark.slow
def test_two_processes_and_two_machines_equal_one(tmp_path, tiny_bert):
    one = run_recipe("sentiment", f"model.name={tiny_bert}", f"output_dir={tmp_path / 'one'}", *TRAINING)
    two = launch(tmp_path / "two", tiny_bert, *two_processes())
    assert_same_run(one, two, tmp_path / "one" / "model.safetensors", tmp_path / "two" / "model.safetensors")
    assert log_steps(tmp_path / "two") == log_steps(tmp_path / "one")  # logged once, not once per process

    # Two "machines" on this host: two launchers, one process each, meeting at 127.0.0.1.
    out, port = tmp_path / "machines", free_port()
    launchers = [
        subprocess.Popen(
            command(
                out,
                tiny_bert,
                *("--config_file", "launch/two_machines.yaml", "--num_processes", "2"),
                *("--machine_rank", str(rank), "--main_process_ip", "127.0.0.1", "--main_process_port", str(port)),
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(),
            cwd=ROOT,
        )
        for rank in (0, 1)
    ]
    errors = [launcher.communicate(timeout=300)[1] for launcher in launchers]
    assert [launcher.returncode for launcher in launchers] == [0, 0], errors[0][-3000:] + errors[1][-3000:]
    assert_two_ranks(out)
    machines = json.loads((out / "metrics.json").read_text())
    assert_same_run(one, machines, tmp_path / "one" / "model.safetensors", out / "model.safetensors")


@pytest.mark.slow
def test_lora_on_two_processes_equals_one_and_resumes_on_one(tmp_path, tiny_bert):
    args = (f"model.name={tiny_bert}", *TRAINING, *LORA)
    one = run_recipe("sentiment", f"output_dir={tmp_path / 'one'}", *args)
    two = launch(tmp_path / "two", tiny_bert, *two_processes(), extra=LORA)
    adapter = "adapter_model.safetensors"
    assert_same_run(one, two, tmp_path / "one" / adapter, tmp_path / "two" / adapter)

    # Evaluation gathered exactly the 450 validation examples, none twice: the saved adapter, run here on the
    # whole set, gives the accuracy the two processes reported.
    accuracy, _ = sentiment_accuracy(load_trained_model(tmp_path / "two"), tmp_path / "two")
    assert two["eval"]["accuracy"] == pytest.approx(accuracy, abs=1e-9)
    assert round(accuracy * VALIDATION_SIZE) == pytest.approx(accuracy * VALIDATION_SIZE, abs=1e-6)

    # The 2-process checkpoint at step 4 resumes on 1 process and ends where the uninterrupted run ends.
    resumed = tmp_path / "resumed"
    (resumed / "checkpoints").mkdir(parents=True)
    shutil.copytree(tmp_path / "two" / "checkpoints" / "step-0000004", resumed / "checkpoints" / "step-0000004")
    again = run_recipe("sentiment", f"output_dir={resumed}", "resume_from_checkpoint=latest", *args)
    assert_same_run(one, again, tmp_path / "one" / adapter, resumed / adapter)


@pytest.mark.slow
def test_qa_on_two_processes_equals_one(tmp_path, tiny_bert):
    """A second recipe, whose evaluation gathers variable-length logits and maps windows back to questions.

    A small learning rate: Adam turns the reduction-order noise of near-zero gradients into updates of size lr,
    so two processes and one agree to about 8 steps x lr, which must stay below the tolerance. The reported QA
    losses differ by ~0.2% between the two (not yet explained; weights, answers and scores agree), so losses are
    compared loosely.
    """
    extra = ("data.max_length=128", "data.doc_stride=32", "train.lr=5e-6")
    one = run_recipe("qa", f"model.name={tiny_bert}", f"output_dir={tmp_path / 'one'}", *TRAINING, *extra)
    two = launch(tmp_path / "two", tiny_bert, *two_processes(), extra=extra, recipe="qa")
    assert two["train"]["steps"] == one["train"]["steps"] == 8
    assert (two["eval"]["exact_match"], two["eval"]["f1"]) == (one["eval"]["exact_match"], one["eval"]["f1"])
    assert two["eval"]["loss"] == pytest.approx(one["eval"]["loss"], rel=1e-2)
    assert train_losses(tmp_path / "two") == pytest.approx(train_losses(tmp_path / "one"), rel=1e-2)
    weights_one = load_file(tmp_path / "one" / "model.safetensors")
    weights_two = load_file(tmp_path / "two" / "model.safetensors")
    for name, tensor in weights_one.items():
        assert (tensor - weights_two[name]).abs().max() < 1e-4, name
    predictions = [json.loads((tmp_path / run / "predictions.json").read_text()) for run in ("one", "two")]
    assert len(predictions[0]) == 192  # every validation question answered once
    assert predictions[0] == predictions[1]


def train_losses(out):
    records = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    return [r["loss"] for r in records if r["kind"] == "train"]


PREPARE_ONCE = """
import sys
from pathlib import Path

import torch
from accelerate import Accelerator

from llmkit.data import prepare_once

accelerator, calls = Accelerator(), Path(sys.argv[1])


def prepare():
    with calls.open("a") as log:
        log.write(f"prepared by process {accelerator.process_index}\\n")
    return {"rows": [accelerator.process_index, 7]}


result = prepare_once(accelerator, prepare)
with calls.with_suffix(".results").open("a") as log:
    log.write(f"{result}\\n")
accelerator.wait_for_everyone()
torch.distributed.destroy_process_group()  # leaving it to interpreter exit can abort the process
"""


@pytest.mark.slow
def test_data_is_prepared_once_and_shared(tmp_path):
    script, calls = tmp_path / "prepare.py", tmp_path / "calls.txt"
    script.write_text(PREPARE_ONCE)
    launcher = [sys.executable, "-m", "accelerate.commands.launch", *two_processes(), str(script), str(calls)]
    run = subprocess.run(launcher, capture_output=True, text=True, env=environment(), cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert calls.read_text() == "prepared by process 0\n"
    assert calls.with_suffix(".results").read_text() == "{'rows': [0, 7]}\n" * 2
