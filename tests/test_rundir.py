"""The run folder's lock: one writer at a time, readers refused while it writes, nothing stale after a SIGKILL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from helpers import ROOT, run_recipe

from llmkit.cli import main
from llmkit.errors import UserError
from llmkit.rundir import LOCK_FILE, RunLock, reading

HOLD_LOCK = """
import sys, time
from pathlib import Path
from llmkit.rundir import RunLock
with RunLock(Path(sys.argv[1]), "llmkit train sentiment"):
    print("locked", flush=True)
    time.sleep(600)
"""


def test_a_second_writer_is_refused_naming_the_first(tmp_path):
    with RunLock(tmp_path, "first"):
        with pytest.raises(UserError, match=rf"{tmp_path} is in use by process {os.getpid()} \("):
            RunLock(tmp_path, "second").__enter__()
        with pytest.raises(UserError, match=rf"predict: {tmp_path} is being written by process {os.getpid()}"):
            reading(tmp_path, "predict").__enter__()
    with RunLock(tmp_path, "again"), reading(tmp_path / "elsewhere", "predict"):
        pass  # released on exit; a folder without a lock file reads freely


def test_training_into_a_folder_another_run_writes_is_refused(tiny_bert, tmp_path):
    out = tmp_path / "run"
    out.mkdir()  # the other run's folder
    with RunLock(out, "llmkit train sentiment"), pytest.raises(UserError, match=f"is in use by process {os.getpid()}"):
        run_recipe("sentiment", f"model.name={tiny_bert}", f"output_dir={out}", "train.max_steps=1")
    assert [path.name for path in out.iterdir()] == [LOCK_FILE]  # nothing was written


def test_predict_and_push_wait_for_no_one_but_refuse_while_a_run_writes(sentiment_run, tmp_path, capsys):
    folder = tmp_path / "run"
    shutil.copytree(sentiment_run, folder)
    with RunLock(folder, "llmkit train sentiment"):
        for argv in (["predict", str(folder), "--text", "fine"], ["push", str(folder), "--repo-id", "me/model"]):
            with pytest.raises(SystemExit) as exit_info:
                main(argv)
            assert exit_info.value.code == 2
            assert f"is being written by process {os.getpid()}" in capsys.readouterr().err
    main(["predict", str(folder), "--text", "fine"])
    assert "label=" in capsys.readouterr().out


def test_a_lock_left_by_a_killed_run_blocks_nothing(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(tmp_path)], stdout=subprocess.PIPE, env=env)
    try:
        assert holder.stdout.readline().strip() == b"locked"
        with pytest.raises(UserError, match=f"in use by process {holder.pid} \\(.*llmkit train sentiment"):
            RunLock(tmp_path, "second").__enter__()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    start = time.monotonic()
    with RunLock(tmp_path, "resume"):  # the kernel released the dead process's lock
        assert (tmp_path / LOCK_FILE).read_text().startswith(str(os.getpid()))
    assert time.monotonic() - start < 5


def test_every_file_of_a_run_gets_the_umasks_mode(sentiment_run):
    """transformers and accelerate write safetensors through private temporary files (0600): llmkit evens them out."""
    mask = os.umask(0)
    os.umask(mask)
    files = [path for path in sentiment_run.rglob("*") if path.is_file() and "tensorboard" not in path.parts]
    assert any(path.name == "model.safetensors" for path in files)
    assert {path.relative_to(sentiment_run).as_posix(): oct(path.stat().st_mode & 0o777) for path in files} == {
        path.relative_to(sentiment_run).as_posix(): oct(0o666 & ~mask) for path in files
    }
