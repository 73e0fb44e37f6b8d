"""The run folder: what a run writes where, how its config is saved and read, and who may write it now.

    OUTPUT_DIR/
        run_config.yaml            the resolved configuration (a valid --config for the recipe)
        train_log.jsonl            every logged training step and evaluation
        metrics.json               final results; written last of the final files: a run without it is unfinished
        model.safetensors, config.json, tokenizer files      (or adapter_model.safetensors + adapter_config.json)
        README.md                  the model card
        compression.json           `llmkit quantize` / `llmkit export` folders: what was done and the size, speed and
                                   metric report (`llmkit.compress`); an ONNX folder holds model.onnx and
                                   onnx_parity.json in place of model.safetensors
        training_curves.png
        checkpoints/step-N/        resumable training state (`llmkit.checkpoints`)
        .llmkit.lock               held while a process writes the folder (`RunLock`)

Every other module takes these names from here.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from llmkit.config import to_dict
from llmkit.errors import ConfigError, UserError

RUN_CONFIG = "run_config.yaml"
METRICS_FILE = "metrics.json"
LOG_FILE = "train_log.jsonl"
CARD_FILE = "README.md"
PLOT_FILE = "training_curves.png"
ADAPTER_CONFIG = "adapter_config.json"
CHECKPOINTS = "checkpoints"
EVAL_DIR = "eval"  # `llmkit evaluate` results: eval/NAME.json, and eval/NAME/ for files a recipe writes
LOCK_FILE = ".llmkit.lock"
COMPRESSION_FILE = "compression.json"  # written by `llmkit quantize` and `llmkit export`: the method and its report
ONNX_FILE = "model.onnx"  # an `llmkit export` folder's model, run by onnxruntime
PARITY_FILE = "onnx_parity.json"  # how far the ONNX model's outputs are from the torch model's
WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "adapter_model.safetensors", ONNX_FILE)
# Files that describe the run rather than the weights; a merged folder keeps them so verbs still know the recipe.
DESCRIPTION_FILES = (RUN_CONFIG, METRICS_FILE)


def save_config(config: Any, path: Path, recipe: str) -> None:
    """Write the resolved configuration, so a run can be repeated and its outputs interpreted."""
    document = {"recipe": recipe, **to_dict(config)}
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def read_saved_config(path: Path) -> dict[str, Any]:
    """Read a `run_config.yaml` that `save_config` wrote, as plain nested dicts (with its `recipe`)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path} does not exist. Fix: pass the output_dir of a finished run.") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfigError(f"{path} cannot be read ({error}). Fix: restore it from the run.") from None
    if not isinstance(document, dict) or "recipe" not in document:
        raise ConfigError(f"{path} is not a run config written by llmkit (no 'recipe' key).")
    return document


def recipe_name(folder: Path) -> str:
    """The recipe that trained the run in `folder`."""
    return str(read_saved_config(folder / RUN_CONFIG)["recipe"])


def require_finished_run(folder: Path, command: str) -> None:
    """Raise a `UserError` for `command` unless `folder` holds a completed run: config, final metrics, weights."""
    if not folder.is_dir():
        raise UserError(f"{command}: {folder} does not exist. Fix: pass the output_dir of a finished run.")
    missing = [name for name in (RUN_CONFIG, METRICS_FILE) if not (folder / name).is_file()]
    if not any((folder / name).is_file() for name in WEIGHT_FILES):
        missing.append(WEIGHT_FILES[0])
    if missing:
        raise UserError(
            f"{command}: {folder} is not a finished llmkit run (missing {', '.join(missing)}). Fix: pass the "
            "output_dir of a run that completed, or finish this one with resume_from_checkpoint=latest."
        )


def check_output_dir(output: Path, resume: bool, overwrite: bool) -> None:
    """Refuse to overwrite a finished run unless asked to; never touch it when resuming."""
    if output.exists() and not output.is_dir():
        raise UserError(f"output_dir: {output} exists and is not a folder. Fix: choose another output_dir.")
    if (output / RUN_CONFIG).exists() and not resume and not overwrite:
        raise UserError(
            f"output_dir: {output} already holds a run. Fix: choose another output_dir, continue it with "
            "resume_from_checkpoint=latest, or replace it with overwrite_output_dir=true."
        )


def clear_finished_run(output: Path) -> None:
    """Remove an earlier run's results before it is overwritten (`overwrite_output_dir=true`).

    `metrics.json` goes first, so from then on the folder no longer passes as a finished run; then the weights, card,
    plot, log, checkpoints and `llmkit evaluate` results, which would otherwise sit beside the new run's config
    (or, for the evaluations, describe a model that is gone).
    """
    (output / METRICS_FILE).unlink(missing_ok=True)
    for pattern in (*WEIGHT_FILES, "model-*-of-*.safetensors", ADAPTER_CONFIG, CARD_FILE, PLOT_FILE, LOG_FILE):
        for path in output.glob(pattern):
            path.unlink()
    shutil.rmtree(output / CHECKPOINTS, ignore_errors=True)
    shutil.rmtree(output / EVAL_DIR, ignore_errors=True)  # `llmkit evaluate` results of the model being replaced


class RunLock:
    """An exclusive lock on a run folder for the process that writes it (a context manager).

    `fcntl.flock` on `OUTPUT_DIR/.llmkit.lock`: the operating system releases it when the process ends, however it
    ends, so a run killed with SIGKILL leaves nothing that blocks its resume. The holder's process id and command
    are written into the file, so whoever is refused learns who holds it. Readers (`push`, `predict`, `merge`, ...)
    take the shared lock of `reading`, so they wait for no one but are refused while a run writes. A folder the lock
    created is removed again if nothing but the lock file was written into it (a run that stopped at its checks).
    """

    def __init__(self, folder: Path, command: str) -> None:
        self.folder = folder
        self.command = command
        self.handle: int | None = None
        self.created = False

    def __enter__(self) -> RunLock:
        self.created = not self.folder.exists()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle = os.open(self.folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise UserError(
                f"output_dir: cannot write to {self.folder} ({error.strerror}). Fix: choose a writable output_dir."
            ) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(handle)
            os.close(handle)
            raise UserError(
                f"{self.command}: {self.folder} is in use by {holder}. Fix: wait for it to finish or stop it, or "
                "choose another output_dir."
            ) from None
        os.ftruncate(handle, 0)
        os.write(handle, f"{os.getpid()} {self.command}\n".encode())
        self.handle = handle
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.handle is None:
            return
        if self.created and all(path.name == LOCK_FILE for path in self.folder.iterdir()):
            shutil.rmtree(self.folder, ignore_errors=True)  # while still holding the lock: no one else saw it
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        os.close(self.handle)
        self.handle = None


@contextlib.contextmanager
def reading(folder: Path, command: str) -> Iterator[None]:
    """Hold a shared lock on a finished run while `command` reads it; refuse while a run writes it."""
    path = folder / LOCK_FILE
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:  # no lock file: no run has written this folder since locks exist, or it is read-only
        yield
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(
                f"{command}: {folder} is being written by {_holder(handle)}. Fix: wait until it finishes."
            ) from None
        yield
    finally:
        os.close(handle)


def _holder(handle: int) -> str:
    """`process 1234 (llmkit train ...)` from a lock file's contents."""
    os.lseek(handle, 0, os.SEEK_SET)
    text = os.read(handle, 4096).decode(errors="replace").strip()
    pid, _, command = text.partition(" ")
    if not pid:
        return "another process"
    return f"process {pid}" + (f" ({command})" if command else "")


def usual_permissions(folder: Path) -> None:
    """Give files in `folder` that a library wrote through a private temporary file (mode 0600: transformers'
    and accelerate's safetensors writes) the mode every other file gets, from the umask (0644 under umask 022)."""
    mask = os.umask(0)
    os.umask(mask)
    for path in folder.iterdir():
        if path.is_file() and not path.is_symlink() and path.stat().st_mode & 0o777 == 0o600:
            path.chmod(0o666 & ~mask)
