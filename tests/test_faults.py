"""Faults a run must survive: preemption signals, hard kills, NaNs, full or unwritable disks, damaged checkpoints."""

import errno
import importlib
import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import torch
from helpers import run_recipe
from safetensors import SafetensorError
from safetensors.torch import load_file
from torch.optim.optimizer import register_optimizer_step_post_hook

from llmkit import checkpoints as checkpointing
from llmkit.config import load_config
from llmkit.errors import ConfigError, UserError
from llmkit.guard import EXIT_PREEMPTED, Preempted, TrainingDiverged
from llmkit.registry import get_recipe
from llmkit.rundir import require_finished_run

ROOT = Path(__file__).resolve().parent.parent
VALIDATION = ROOT / "data" / "sentiment" / "validation.csv"
# Grad accumulation 2, an evaluation (and best-metric update) every 2 steps, 5 steps per epoch, dropout on.
TINY = (
    "train.batch_size=16",
    "train.grad_accum_steps=2",
    "train.lr=2e-3",
    "train.eval_every=2",
    "train.log_every=2",
    "data.max_train_examples=160",
)


@pytest.fixture(scope="module")
def validation(tmp_path_factory):
    """The first 64 validation rows: evaluating often stays cheap."""
    path = tmp_path_factory.mktemp("data") / "validation.csv"
    path.write_text("".join(VALIDATION.read_text().splitlines(keepends=True)[:65]))
    return path


@pytest.fixture(scope="module")
def tiny(tiny_bert, validation):
    """Model and validation overrides for every run in this file."""
    return (f"model.name={tiny_bert}", f"data.validation={validation}")


def run(out, tiny, *extra):
    return run_recipe("sentiment", f"output_dir={out}", *tiny, *TINY, *extra)


RESUMABLE = ("train.max_steps=8", "train.save_every=2", "train.keep_last=1")


@pytest.fixture(scope="module")
def uninterrupted(tiny, tmp_path_factory):
    """The run every interrupted-and-resumed run must reproduce."""
    out = tmp_path_factory.mktemp("uninterrupted")
    run(out, tiny, *RESUMABLE)
    return out


def assert_same_run(expected, actual):
    """Bit-identical weights, and the same evaluations and best checkpoint metric."""
    assert_same_weights(expected, actual)
    metrics = [json.loads((out / "metrics.json").read_text()) for out in (expected, actual)]
    assert metrics[0]["eval"] == metrics[1]["eval"]
    assert metrics[0]["best"]["value"] == metrics[1]["best"]["value"]
    assert [r for r in log(expected) if r["kind"] == "eval"] == [r for r in log(actual) if r["kind"] == "eval"]


def log(out):
    return [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]


def assert_same_weights(a, b, tolerance=0.0):
    expected, actual = load_file(a / "model.safetensors"), load_file(b / "model.safetensors")
    assert expected.keys() == actual.keys()
    for name in expected:
        difference = (expected[name] - actual[name]).abs().max()
        assert difference <= tolerance, (name, float(difference))


def checkpoints(out):
    return sorted(p.name for p in (out / "checkpoints").iterdir())


@pytest.fixture
def signal_after_step(monkeypatch):
    """Send this process a signal right after its N-th optimizer step (the runner's guard catches it)."""
    handles = []

    def arm(signum, step):
        count = {"steps": 0}

        def hook(optimizer, args, kwargs):
            count["steps"] += 1
            if count["steps"] == step:
                signal.raise_signal(signum)

        handles.append(register_optimizer_step_post_hook(hook))

    yield arm
    for handle in handles:
        handle.remove()


@pytest.mark.parametrize(
    ("signum", "signal_after", "stopped_at"),
    [(signal.SIGTERM, 3, 4), pytest.param(signal.SIGINT, 4, 5, marks=pytest.mark.slow)],
    ids=["SIGTERM-on-a-checkpoint-step", "SIGINT-between-checkpoints"],
)
def test_signal_checkpoints_the_step_and_resume_is_exact(
    tiny, uninterrupted, tmp_path, signal_after_step, signum, signal_after, stopped_at
):
    out = tmp_path / "run"
    handler = signal.getsignal(signum)
    signal_after_step(signum, signal_after)
    # The signal lands after one update; the next step is under way, so it finishes and is checkpointed.
    with pytest.raises(Preempted, match=rf"stopped by {signum.name} after step {stopped_at}; .*=latest"):
        run(out, tiny, *RESUMABLE)
    assert checkpoints(out)[-1] == f"step-{stopped_at:07d}"
    assert not (out / "model.safetensors").exists()
    assert signal.getsignal(signum) == handler  # the runner's handlers are gone again
    run(out, tiny, *RESUMABLE, "resume_from_checkpoint=latest")
    assert_same_run(uninterrupted, out)  # data order, RNG, schedule, accumulation, best metric all resumed


def inject_nan_loss(monkeypatch, forward_call):
    """Make the `forward_call`-th training forward pass return a NaN loss."""
    from dataclasses import replace

    from recipes import classification

    build = classification.SENTIMENT.build
    calls = {"n": 0}

    def poisoned(module, inputs, output):
        if module.training:
            calls["n"] += 1
            if calls["n"] == forward_call:
                output.loss = output.loss * float("nan")
        return output

    def build_with_nan(config, accelerator):
        task = build(config, accelerator)
        task.model.register_forward_hook(poisoned)
        return task

    monkeypatch.setattr(classification, "SENTIMENT", replace(classification.SENTIMENT, build=build_with_nan))


def test_nan_loss_stops_naming_step_and_last_checkpoint(tiny, tmp_path, monkeypatch):
    out = tmp_path / "run"
    inject_nan_loss(monkeypatch, forward_call=5)  # the first micro-batch of step 3
    with pytest.raises(TrainingDiverged, match=r"step 3: .* not finite.*Last good checkpoint: .*step-0000002"):
        run(out, tiny, "train.max_steps=6", "train.save_every=2")
    assert checkpoints(out) == ["step-0000002"]
    assert not (out / "model.safetensors").exists()  # no poisoned model


@pytest.mark.slow
def test_nan_loss_skipped_by_config(tiny, tmp_path, monkeypatch, caplog):
    out = tmp_path / "run"
    inject_nan_loss(monkeypatch, forward_call=6)  # the second micro-batch of step 3
    metrics = run(out, tiny, "train.max_steps=4", "train.on_nonfinite=skip")
    assert metrics["train"]["steps"] == 4
    assert "step 3: the loss (nan) or gradient norm (nan) is not finite; skipping" in caplog.text
    weights = load_file(out / "model.safetensors")
    assert all(torch.isfinite(t).all() for t in weights.values())


def refuses_writes(folder):
    try:
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return True
    return False


def test_unwritable_output_fails_before_training(tiny, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if not refuses_writes(locked):  # root writes anywhere: take a file system that refuses even root
            locked = Path("/sys")
            if not locked.is_dir() or not refuses_writes(locked):
                pytest.skip("no folder on this machine refuses writes")
        with pytest.raises(UserError, match=r"output_dir: cannot write to .*Fix: choose a writable output_dir"):
            run(locked / "run", tiny, "train.max_steps=2")
    finally:
        (tmp_path / "locked").chmod(0o755)


def test_full_disk_fails_before_training(tiny, tmp_path, monkeypatch):
    monkeypatch.setattr(checkpointing.shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**9, 10**9, 4096))
    with pytest.raises(UserError, match=r"has 4 KB free, but a checkpoint and the final model need about \d+ KB"):
        run(tmp_path / "run", tiny, "train.max_steps=2")
    assert not (tmp_path / "run").exists()


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.slow
def test_disk_full_while_checkpointing_keeps_previous(tiny, tmp_path, monkeypatch):
    out = tmp_path / "run"
    save_state = checkpointing.Accelerator.save_state
    calls = {"n": 0}

    def fill_disk(self, output_dir, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            Path(output_dir).mkdir(parents=True)
            (Path(output_dir) / "model.safetensors").write_bytes(b"half")
            no_space()
        return save_state(self, output_dir, **kwargs)

    monkeypatch.setattr(checkpointing.Accelerator, "save_state", fill_disk)
    with pytest.raises(
        UserError, match=r"step-0000004: No space left on device\. The previous checkpoint \(.*step-0000002\) is intact"
    ):
        run(out, tiny, "train.max_steps=6", "train.save_every=2")
    assert checkpoints(out) == ["step-0000002"]  # the partial step-0000004.tmp is gone
    monkeypatch.undo()
    # The resumed run fills the disk again, this time while writing the final model...
    monkeypatch.setattr("transformers.PreTrainedModel.save_pretrained", no_space)
    with pytest.raises(UserError, match=r"cannot write the model to .*: No space left on device\. .*step-0000006\) is"):
        run(out, tiny, "train.max_steps=6", "train.save_every=2", "resume_from_checkpoint=latest")
    monkeypatch.undo()
    # ...and the next attempt only has to write it: the step-6 checkpoint holds the finished run.
    metrics = run(out, tiny, "train.max_steps=6", "train.save_every=2", "resume_from_checkpoint=latest")
    assert metrics["train"]["steps"] == 6
    final_eval = [r for r in log(out) if r["kind"] == "eval"][-1]
    assert final_eval["step"] == 6 and metrics["eval"]["accuracy"] == final_eval["accuracy"]
    assert (out / "model.safetensors").is_file()


def test_damaged_and_foreign_checkpoints_are_refused(tiny, tmp_path, caplog):
    caplog.set_level(logging.INFO, "llmkit")
    out = tmp_path / "run"
    args = ("train.max_steps=4", "train.save_every=2", "train.keep_last=2")
    run(out, tiny, *args)
    latest = out / "checkpoints" / "step-0000004"
    size = (latest / "model.safetensors").stat().st_size
    with (latest / "model.safetensors").open("r+b") as weights:
        weights.truncate(size // 2)
    with pytest.raises(UserError, match=rf"step-0000004 is damaged: model.safetensors has {size // 2} bytes, {size}"):
        run(out, tiny, *args, f"resume_from_checkpoint={latest}")
    # `latest` passes over it to the intact step-2 checkpoint (what a requeued job needs).
    run(out, tiny, *args, "resume_from_checkpoint=latest")
    assert "skipping damaged checkpoint" in caplog.text and "resumed from" in caplog.text
    assert f"{out / 'checkpoints' / 'step-0000002'} at step 2" in caplog.text

    with pytest.raises(UserError, match=r"holds a different model \(architecture fingerprint"):
        run(out, tiny, *args, "resume_from_checkpoint=latest", "model.num_hidden_layers=1")
    marker = out / "checkpoints" / "step-0000004" / checkpointing.STATE_FILE
    marker.write_text(marker.read_text().replace('"recipe": "sentiment"', '"recipe": "clm"'))
    with pytest.raises(UserError, match=r"was written by recipe 'clm', not 'sentiment'"):
        run(out, tiny, *args, "resume_from_checkpoint=latest")


# ------------------------------------------------------------------------------------------------------------------
# Real processes, real signals


def launch(out, tiny, fault, *extra, processes=1):
    """`llmkit train` in a subprocess with `fault` injected (see tests/fault_injection.py)."""
    if processes == 1:
        command = [sys.executable, str(ROOT / "tests" / "fault_injection.py")]
    else:
        command = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2"]
        command += ["--main_process_port", "29531", str(ROOT / "tests" / "fault_injection.py")]
    command += ["train", "sentiment", f"output_dir={out}", *tiny, *TINY, *extra]
    env = {**os.environ, "LLMKIT_FAULT": fault, "ACCELERATE_USE_CPU": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


@pytest.mark.slow
def test_sigkill_at_random_steps_then_resume_equals_uninterrupted(tiny, uninterrupted, tmp_path, caplog):
    out, rng, resume = tmp_path / "run", random.Random(8), "resume_from_checkpoint=latest"
    first = launch(out, tiny, f"kill-after-step:{rng.randint(3, 6)}", *RESUMABLE, resume)
    assert first.returncode == -signal.SIGKILL, first.stderr[-3000:]
    second = launch(out, tiny, f"kill-while-saving:{rng.randint(1, 2)}", *RESUMABLE, resume)
    assert second.returncode == -signal.SIGKILL, second.stderr[-3000:]
    assert "resumed from" in second.stderr
    assert checkpoints(out)[-1].endswith(".tmp")  # killed mid-write: left unfinished, the previous one intact
    run(out, tiny, *RESUMABLE, resume)
    assert "skipping incomplete checkpoint" in caplog.text
    assert_same_run(uninterrupted, out)


@pytest.mark.slow
def test_sigterm_under_two_processes_then_resume_on_one(tiny, tmp_path):
    args = ("train.max_steps=6", "model.hidden_dropout_prob=0", "model.attention_probs_dropout_prob=0")
    full, stopped = tmp_path / "full", tmp_path / "stopped"
    result = launch(stopped, tiny, "term-after-step:2:1", *args, processes=2)  # only rank 1 is signalled
    assert "stopped by SIGTERM after step 3" in result.stderr or "after step 3" in result.stderr, result.stderr[-3000:]
    assert f"exitcode  : {EXIT_PREEMPTED}" in result.stderr  # each rank exited with the preemption status
    assert checkpoints(stopped) == ["step-0000003"]  # the ranks agreed on the step and saved once
    run(full, tiny, *args)
    run(stopped, tiny, *args, "resume_from_checkpoint=latest")  # on one process this time
    assert_same_weights(full, stopped, tolerance=1e-4)


# A run folder never lies: writes that fail in any library, overwrites, resumes that are not exact, changed settings.


def safetensors_full_disk(*args, **kwargs):
    raise SafetensorError("Error while serializing: IoError(Os { code: 28, kind: StorageFull })")


def torch_full_disk(*args, **kwargs):
    raise RuntimeError("[enforce fail at inline_container.cc:778] . PytorchStreamWriter failed writing file data/0")


@pytest.mark.parametrize(
    ("target", "failure", "reason"),
    [
        ("accelerate.utils.other.safe_save_file", safetensors_full_disk, "SafetensorError: Error while serializing"),
        ("torch.save", torch_full_disk, "RuntimeError: [enforce fail"),
    ],
)
def test_any_librarys_write_failure_in_a_checkpoint_is_one_line(tiny, tmp_path, monkeypatch, target, failure, reason):
    out = tmp_path / "run"
    module, _, name = target.rpartition(".")
    real = getattr(importlib.import_module(module), name)

    def second_checkpoint_fails(*args, **kwargs):
        where = " ".join(str(a) for a in [*args, *kwargs.values()] if isinstance(a, str | Path))
        return failure() if "step-0000004" in where else real(*args, **kwargs)

    monkeypatch.setattr(target, second_checkpoint_fails)
    with pytest.raises(UserError, match=r"cannot write checkpoint .*step-0000004: (.*)\. The previous checkpoint") as e:
        run(out, tiny, "train.max_steps=6", "train.save_every=2")
    assert reason in str(e.value) and "\n" not in str(e.value)
    assert checkpoints(out) == ["step-0000002"]  # no step-0000004.tmp left behind


def test_a_failing_plot_reports_the_write_and_leaves_an_unfinished_run(tiny, tmp_path, monkeypatch):
    out = tmp_path / "run"

    def broken_plot(history, path):
        raise ValueError("Image size of 100000x400 pixels is too large")

    monkeypatch.setattr("llmkit.runner.plot_training_curves", broken_plot)
    with pytest.raises(UserError, match=r"cannot write the model to .*: ValueError: Image size"):
        run(out, tiny, "train.max_steps=2")
    with pytest.raises(UserError, match="is not a finished llmkit run"):
        require_finished_run(out, "predict")  # metrics.json, the completeness mark, was never written


def test_overwriting_a_run_removes_its_results_before_training(tiny, tmp_path, monkeypatch):
    out = tmp_path / "run"
    run(out, tiny, "train.max_steps=2")
    (out / "eval").mkdir()
    (out / "eval" / "dev.json").write_text("{}")  # an `llmkit evaluate` result of the model being replaced

    def killed(self, *args):
        raise KeyboardInterrupt

    monkeypatch.setattr("llmkit.runner.Runner._run_epoch", killed)
    with pytest.raises(KeyboardInterrupt):  # stopped mid-run: the folder must not pass as the old finished run
        run(out, tiny, "train.max_steps=2", "overwrite_output_dir=true")
    files = {path.name for path in out.iterdir()}
    assert not files & {"metrics.json", "model.safetensors", "README.md", "training_curves.png", "checkpoints", "eval"}
    with pytest.raises(UserError, match="is not a finished llmkit run"):
        require_finished_run(out, "predict")


def test_a_refused_resume_writes_nothing(tiny, tmp_path):
    out = tmp_path / "run"
    run(out, tiny, "train.max_steps=2", "train.save_every=2")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(UserError, match="differ from .* and change what is trained: train.lr: 0.002 -> 0.5"):
        run(out, tiny, "train.max_steps=4", "train.save_every=2", "resume_from_checkpoint=latest", "train.lr=0.5")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before  # no config rewrite, no TB file
    fresh = tmp_path / "fresh"
    with pytest.raises(UserError, match="is not a complete llmkit checkpoint"):
        run(fresh, tiny, "train.max_steps=2", f"resume_from_checkpoint={tmp_path / 'nowhere'}")
    assert not fresh.exists()  # nothing left that would block the next plain run


def test_resume_with_changed_settings_lists_them_unless_allowed(tiny, tmp_path):
    out = tmp_path / "run"
    run(out, tiny, "train.max_steps=4", "train.save_every=2")
    (out / "model.safetensors").unlink()  # resumable from its checkpoints
    (out / "metrics.json").unlink()
    other = tmp_path / "other.csv"
    other.write_text("text,label\n" + "good,positive\nbad,negative\n" * 20)
    change = ("train.lr=0.5", f"data.train={other}")
    with pytest.raises(UserError) as refused:
        run(out, tiny, "train.max_steps=4", "train.save_every=2", "resume_from_checkpoint=latest", *change)
    assert "train.lr: 0.002 -> 0.5" in str(refused.value) and "data.train:" in str(refused.value)
    assert "resume_allow_changes=true" in str(refused.value)
    # Bookkeeping may change freely, and a confirmed change goes ahead.
    run(out, tiny, "train.max_steps=4", "train.save_every=2", "resume_from_checkpoint=latest", "train.log_every=1")
    (out / "metrics.json").unlink()
    run(
        out,
        tiny,
        "train.max_steps=4",
        "train.save_every=2",
        "resume_from_checkpoint=latest",
        *change,
        "resume_allow_changes=true",
    )


def test_a_checkpoint_changed_after_writing_is_not_resumed(tiny, tmp_path):
    out = tmp_path / "run"
    run(out, tiny, "train.max_steps=2", "train.save_every=2")
    checkpoint = out / "checkpoints" / "step-0000002"
    states = sorted(checkpoint.glob("random_states_*.pkl"))
    data = bytearray(states[0].read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size: a size check alone would accept it
    states[0].write_bytes(bytes(data))
    with pytest.raises(UserError, match=r"random_states_0.pkl does not match the checksum written with it"):
        run(out, tiny, "train.max_steps=2", f"resume_from_checkpoint={checkpoint}")
    recorded = json.loads((checkpoint / "llmkit_state.json").read_text())["checkpoint"]["files"]
    assert all(len(entry["sha256"]) == 64 for entry in recorded.values())


def test_throughput_counts_every_attempt(tiny, tmp_path):
    out = tmp_path / "run"
    run(out, tiny, "train.max_steps=4", "train.save_every=4", "train.log_every=2")
    (out / "metrics.json").unlink()
    metrics = run(
        out, tiny, "train.max_steps=4", "train.save_every=4", "train.log_every=2", "resume_from_checkpoint=latest"
    )
    # Resumed at the final step: nothing left to train, yet the run's throughput is its first attempt's.
    assert metrics["train"]["real_tokens"] > 0 and metrics["train"]["real_tokens_per_s"] > 0


def test_a_key_set_twice_in_yaml_names_both_lines(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("train:\n  lr: 1.0e-4\n  epochs: 2\n  lr: 3.0e-4\n")
    with pytest.raises(ConfigError, match=rf"{path}:4: 'train.lr' is set twice \(also on line 2\)"):
        load_config(get_recipe("sentiment").config, path)


# Early stopping and the best model at the end.


def test_early_stopping_ends_the_run_and_says_why(tiny, tmp_path, caplog):
    out = tmp_path / "run"
    caplog.set_level(logging.INFO, logger="llmkit")
    # A learning rate this small leaves the accuracy where it is: no evaluation improves on the first.
    settings = ("train.max_steps=20", "train.lr=1e-9", "train.early_stopping_patience=2", "train.save_every=2")
    metrics = run(out, tiny, *settings)
    assert metrics["train"]["steps"] == 6  # evaluations at steps 2, 4 and 6: the 2nd and 3rd did not improve
    assert metrics["train"]["stopped_early"].startswith("accuracy did not improve by more than 0.0")
    assert "stopping early at step 6" in caplog.text
    # Resuming the early-stopped run continues it consistently: it stays stopped at step 6.
    (out / "metrics.json").unlink()
    again = run(out, tiny, *settings, "resume_from_checkpoint=latest")
    assert again["train"]["steps"] == 6 and again["eval"] == metrics["eval"]


def test_load_best_at_end_writes_the_best_checkpoints_weights(tiny, tmp_path):
    out = tmp_path / "run"
    settings = ("train.max_steps=8", "train.save_every=2", "train.keep_last=1", "train.load_best_at_end=true")
    metrics = run(out, tiny, *settings, "train.lr=5e-3")
    best = metrics["best"]
    assert best["loaded_at_end"] and best["checkpoint"].endswith(f"step-{best['step']:07d}")
    evaluations = {r["step"]: r for r in log(out) if r["kind"] == "eval"}
    assert best["value"] == max(r["accuracy"] for r in evaluations.values())
    assert metrics["eval"]["accuracy"] == evaluations[best["step"]]["accuracy"]
    assert_same_weights(out, Path(best["checkpoint"]))  # the checkpoint's model.safetensors
    assert f"The weights are those of step {best['step']}, the best by accuracy" in (out / "README.md").read_text()


def test_early_stopping_needs_validation_data(tiny_bert, tmp_path):
    with pytest.raises(UserError, match="need validation data"):
        run_recipe(
            "sentiment",
            f"model.name={tiny_bert}",
            "data.validation=null",
            "train.early_stopping_patience=1",
            f"output_dir={tmp_path / 'out'}",
        )
