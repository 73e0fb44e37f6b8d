"""Checkpoints that survive hard kills and full disks, and the disk space a run needs.

- `save_checkpoint` writes `checkpoints/step-N.tmp`, flushes it to disk, writes `llmkit_state.json` last (the
  completeness marker, with the recipe, a model fingerprint and every file's size) and renames the folder into
  place, so a kill at any moment leaves the previous checkpoint untouched.
- `find_checkpoint` and `read_checkpoint_state` pick the checkpoint to resume from, skipping incomplete or
  truncated ones under `latest`, and refuse a checkpoint written by another recipe or model.
- `check_output_space` refuses to start a run whose output folder cannot be written or cannot hold a checkpoint.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from accelerate import Accelerator

from llmkit.errors import UserError
from llmkit.rundir import CHECKPOINTS, usual_permissions

logger = logging.getLogger("llmkit")

STATE_FILE = "llmkit_state.json"  # written last: a checkpoint without it is incomplete


# --------------------------------------------------------------------------------------------------------------
# Disk space


def checkpoint_bytes(model: torch.nn.Module) -> int:
    """Rough size of one checkpoint: the weights plus AdamW's two moments for every trainable weight."""
    weights = sum(p.numel() * p.element_size() for p in model.parameters())
    trainable = sum(p.numel() * 4 for p in model.parameters() if p.requires_grad)  # moments are fp32
    return weights + 2 * trainable


def check_output_space(output: Path, model: torch.nn.Module, keep_last: int) -> None:
    """Fail before training if `output` cannot be written or cannot hold a checkpoint and the final model.

    Peak use is `keep_last` checkpoints, the best one and the one being written, plus the model; less than
    that only warns, because old checkpoints are deleted as new ones land.
    """
    existing = output
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(f"output_dir: {existing} is a file, so {output} cannot be created. Fix: choose another.")
    try:
        handle, probe = tempfile.mkstemp(dir=existing, prefix=".llmkit-write-test-")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise UserError(
            f"output_dir: cannot write to {existing} ({error.strerror}). Fix: choose a writable output_dir."
        ) from None
    checkpoint = checkpoint_bytes(model)
    model_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    free = shutil.disk_usage(existing).free
    needed, comfortable = checkpoint + model_bytes, (keep_last + 2) * checkpoint + model_bytes
    if free < needed:
        raise UserError(
            f"output_dir: {existing} has {_size(free)} free, but a checkpoint and the final model need about "
            f"{_size(needed)}. Fix: free some space or choose an output_dir on a larger disk."
        )
    if free < comfortable:
        logger.warning(
            "output_dir: %s free in %s, less than the %s that %d kept checkpoints may need; lower train.keep_last "
            "if checkpoints fail to write",
            _size(free),
            existing,
            _size(comfortable),
            keep_last + 2,
        )


def _size(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024:
            return f"{count:.0f} {unit}"
        count /= 1024
    return f"{count:.1f} TB"


# --------------------------------------------------------------------------------------------------------------
# Checkpoints


def model_fingerprint(model: torch.nn.Module) -> str:
    """A short hash of the architecture: class name and every weight's name, shape and dtype."""
    parts = [type(model).__name__]
    parts += [f"{name}:{tuple(t.shape)}:{t.dtype}" for name, t in sorted(model.state_dict().items())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def checkpoint_folder(output: Path, step: int) -> Path:
    """Where the checkpoint of optimizer step `step` goes."""
    return output / CHECKPOINTS / f"step-{step:07d}"


def list_checkpoints(output: Path) -> list[Path]:
    """Finished checkpoints of a run (renamed into place), oldest first."""
    folders = [p for p in (output / CHECKPOINTS).glob("step-*") if p.is_dir() and p.suffix != ".tmp"]
    return sorted(folders, key=step_of)


def latest_complete(output: Path) -> Path | None:
    """The newest checkpoint that has its completeness marker."""
    complete = [c for c in list_checkpoints(output) if (c / STATE_FILE).exists()]
    return complete[-1] if complete else None


def find_checkpoint(output: Path, request: str) -> Path | None:
    """The checkpoint `resume_from_checkpoint` names: the newest intact one in the run (`latest`), or a folder.

    Under `latest`, unfinished (`.tmp`, no marker) and truncated checkpoints are skipped with a warning, so a
    requeued job always finds something to resume from.
    """
    if request != "latest":
        path = Path(request)
        if not (path / STATE_FILE).exists():
            raise UserError(
                f"resume_from_checkpoint: {path} is not a complete llmkit checkpoint (no {STATE_FILE}). "
                f"Fix: pass latest or a folder under {output / CHECKPOINTS}."
            )
        if problem := _damage(path):
            raise UserError(f"resume_from_checkpoint: {path} is damaged: {problem}. Fix: resume from another one.")
        return path
    for partial in sorted((output / CHECKPOINTS).glob("step-*")):
        if not (partial / STATE_FILE).exists():
            logger.warning("skipping incomplete checkpoint %s (the run was stopped while writing it)", partial)
    for checkpoint in reversed(list_checkpoints(output)):
        if not (checkpoint / STATE_FILE).exists():
            continue
        if problem := _damage(checkpoint):
            logger.warning("skipping damaged checkpoint %s: %s", checkpoint, problem)
            continue
        return checkpoint
    return None


def read_checkpoint_state(checkpoint: Path, recipe: str, fingerprint: str) -> dict[str, Any]:
    """The training state saved with `checkpoint`, after checking it belongs to this recipe and model."""
    try:
        saved = json.loads((checkpoint / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UserError(f"resume_from_checkpoint: cannot read {checkpoint / STATE_FILE}: {error}") from None
    written_by = saved.pop("checkpoint", {})
    fix = "Fix: resume with the recipe and model that wrote it, or start a new run in another output_dir."
    if written_by.get("recipe", recipe) != recipe:
        raise UserError(
            f"resume_from_checkpoint: {checkpoint} was written by recipe '{written_by['recipe']}', not '{recipe}'. "
            + fix
        )
    if written_by.get("model", fingerprint) != fingerprint:
        raise UserError(
            f"resume_from_checkpoint: {checkpoint} holds a different model (architecture fingerprint "
            f"{written_by['model']}, this run's is {fingerprint}: other layers, sizes or model.name). " + fix
        )
    return saved


def written_config(checkpoint: Path) -> dict[str, Any] | None:
    """The resolved settings of the run that wrote `checkpoint` (None for checkpoints older than that record)."""
    try:
        return json.loads((checkpoint / STATE_FILE).read_text(encoding="utf-8"))["checkpoint"].get("config")
    except (OSError, ValueError, KeyError, AttributeError):
        return None


def save_checkpoint(
    accelerator: Accelerator,
    folder: Path,
    state: dict[str, Any],
    recipe: str,
    fingerprint: str,
    config: dict[str, Any] | None = None,
) -> None:
    """Write `accelerator.save_state` to `folder` atomically, on every process.

    `config` (the run's resolved settings) is recorded in the marker, so a resume can tell what changed.

    Raises:
        UserError: When any write fails (a full disk, permissions; whatever library raises it: safetensors,
            torch, json); the partial copy is removed and the previous checkpoint is left as it was.
    """
    acc = accelerator
    partial = folder.with_suffix(".tmp")
    if acc.is_main_process:
        shutil.rmtree(partial, ignore_errors=True)
    acc.wait_for_everyone()
    failure: Exception | None = None
    try:
        acc.save_state(str(partial))
        if acc.is_main_process:
            usual_permissions(partial)
    except Exception as error:  # safetensors, torch.save and the OS each raise their own type for a full disk
        failure = error
    # Every process's files (each writes its own random state) must be in place before the marker says so,
    # and all processes must agree that the write failed, or the others would wait forever.
    if not _any_process(acc, failure is not None) and acc.is_main_process:
        try:
            written_by = {"recipe": recipe, "model": fingerprint, "config": config}
            _seal(partial, folder, {**state, "checkpoint": written_by})
        except Exception as error:
            failure = error
    if _any_process(acc, failure is not None):
        if acc.is_main_process:
            shutil.rmtree(partial, ignore_errors=True)
        reason = _reason(failure) if failure else "another process failed to write its part"
        raise _write_failure(f"checkpoint {folder}", reason, folder.parent.parent)


@contextlib.contextmanager
def reporting_write_errors(what: str, output: Path) -> Iterator[None]:
    """Turn a failed write (disk full, permissions, whichever library raises it) into one message saying what
    survived."""
    try:
        yield
    except Exception as error:  # safetensors, torch, matplotlib and the OS each raise their own type
        raise _write_failure(what, _reason(error), output) from None


def _reason(error: BaseException) -> str:
    """One line saying why a write failed."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    text = str(error).strip()
    return f"{type(error).__name__}: {text.splitlines()[0]}" if text else type(error).__name__


def _write_failure(what: str, reason: str, output: Path) -> UserError:
    last = latest_complete(output)
    return UserError(
        f"cannot write {what}: {reason}. The previous checkpoint ({last or 'none'}) is intact. Fix: free disk "
        "space or choose another output_dir, then resume with resume_from_checkpoint=latest."
    )


def _seal(partial: Path, folder: Path, document: dict[str, Any]) -> None:
    """Flush the checkpoint's files, write the marker last, and rename the folder into place."""
    files = sorted(p for p in partial.rglob("*") if p.is_file())
    for path in files:
        _fsync(path)
    document["checkpoint"]["files"] = {
        p.relative_to(partial).as_posix(): {"bytes": p.stat().st_size, "sha256": _sha256(p)} for p in files
    }
    write_text_atomically(partial / STATE_FILE, json.dumps(document, indent=1))
    _fsync(partial)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(partial, folder)
    _fsync(folder.parent)  # the rename itself survives a power cut


def _sha256(path: Path) -> str:
    """The file's SHA-256: about 1 s per GB here, a small price next to writing the checkpoint."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _damage(checkpoint: Path) -> str | None:
    """What is wrong with a checkpoint's files compared with what its marker recorded (size and checksum), if
    anything. Markers of older checkpoints record sizes only."""
    try:
        recorded = json.loads((checkpoint / STATE_FILE).read_text(encoding="utf-8")).get("checkpoint", {})
    except (OSError, ValueError) as error:
        return f"{STATE_FILE} cannot be read ({error})"
    for name, written in recorded.get("files", {}).items():
        size, digest = (written, None) if isinstance(written, int) else (written["bytes"], written["sha256"])
        path = checkpoint / name
        if not path.is_file():
            return f"{name} is missing"
        if path.stat().st_size != size:
            return f"{name} has {path.stat().st_size} bytes, {size} were written (truncated or overwritten)"
        if digest is not None and _sha256(path) != digest:
            return f"{name} does not match the checksum written with it (changed or corrupted since)"
    return None


def write_text_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` so a kill leaves either the old or the new content, never half of it."""
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def _fsync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _any_process(accelerator: Accelerator, flag: bool) -> bool:
    if accelerator.num_processes == 1:
        return flag
    total = accelerator.reduce(torch.tensor(float(flag), device=accelerator.device), "sum")
    return bool(total > 0)


def step_of(checkpoint: Path) -> int:
    return int(checkpoint.name.split("-")[1].split(".")[0])
