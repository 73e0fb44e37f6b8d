"""Stop signals and non-finite numbers, checked once per optimizer step.

- `StepGuard` turns SIGTERM/SIGINT into "finish this optimizer step, checkpoint, exit with `EXIT_PREEMPTED`" and
  checks each step's loss and gradient norm before the optimizer applies them (`train.on_nonfinite=stop|skip`).
  Under several processes the ranks agree on both in one all-reduce per optimizer step.
- `check_finite_weights` refuses to write weights holding NaN or infinity.

Exit statuses of `llmkit train`: 0 finished; 2 bad input or a fault the user must fix (`UserError`: bad config,
non-finite loss, full disk, damaged checkpoint); `EXIT_PREEMPTED` (75) stopped by a signal after writing a
checkpoint, so rerun it with `resume_from_checkpoint=latest`.
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any

import torch
from accelerate import Accelerator

from llmkit.checkpoints import latest_complete, step_of
from llmkit.errors import UserError

logger = logging.getLogger("llmkit")

EXIT_PREEMPTED = 75  # EX_TEMPFAIL from sysexits.h: "try again later", which is what a requeue does
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Preempted(Exception):
    """Training stopped on a signal after writing a checkpoint; `llmkit train` exits with `EXIT_PREEMPTED`."""

    exit_status = EXIT_PREEMPTED


class TrainingDiverged(UserError):
    """A non-finite loss, gradient or weight: stopped before it reached a checkpoint or the final model."""


# --------------------------------------------------------------------------------------------------------------
# Signals and numbers, checked once per optimizer step


class StepGuard:
    """Catches stop signals while installed (a context manager) and vets each optimizer step.

    The first SIGTERM or SIGINT only raises a flag, which the ranks agree on before the next optimizer step; the
    step then completes and the runner checkpoints and raises `Preempted`. A second signal stops at once.
    """

    def __init__(self, accelerator: Accelerator, on_nonfinite: str, output: Path) -> None:
        self.accelerator = accelerator
        self.on_nonfinite = on_nonfinite
        self.output = output
        self.received: int | None = None  # the signal this process caught
        self.stop_requested = False  # whether any process caught one, as of the last `healthy` call
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StepGuard:
        if threading.current_thread() is threading.main_thread():  # Python only delivers signals there
            self._previous = {sig: signal.signal(sig, self._catch) for sig in STOP_SIGNALS}
        return self

    def __exit__(self, *exc_info: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous = {}

    def _catch(self, signum: int, frame: FrameType | None) -> None:
        if self.received is not None:  # asked twice: stop now, the way the signal normally would
            signal.signal(signum, self._previous.get(signum, signal.SIG_DFL))
            signal.raise_signal(signum)
            return
        self.received = signum
        # Logging from a signal handler can deadlock on the handler's lock; say it later, in `preempted`.

    def healthy(self, loss: torch.Tensor, grad_norm: torch.Tensor | float | None, step: int) -> bool:
        """Whether optimizer step `step` may apply its gradients; also records whether to stop after it.

        One host sync (and, under several processes, one all-reduce) per optimizer step: the price of never
        applying a NaN update. Under fp16 the gradient scaler already skips overflowing steps, so only the loss
        is checked there.

        Raises:
            TrainingDiverged: On a non-finite loss or gradient norm with `train.on_nonfinite=stop`.
        """
        acc = self.accelerator
        bad = ~torch.isfinite(loss.detach().float())
        if grad_norm is not None and acc.scaler is None:
            bad = bad | ~torch.isfinite(torch.as_tensor(grad_norm, device=bad.device).float())
        flags = torch.stack([bad.float(), torch.tensor(float(self.received is not None), device=bad.device)])
        if acc.num_processes > 1:
            flags = acc.reduce(flags.to(acc.device), "sum")
        nonfinite, stop = (value > 0 for value in flags.tolist())
        self.stop_requested = stop
        if not nonfinite:
            return True
        where = f"step {step}: the loss ({float(loss.detach()):.4g}) or gradient norm ({float(grad_norm or 0):.4g})"
        if self.on_nonfinite == "skip":
            logger.warning("%s is not finite; skipping this update (train.on_nonfinite=skip)", where)
            return False
        last = latest_complete(self.output)
        raise TrainingDiverged(
            f"train: {where} is not finite, so training stopped before applying it. Last good checkpoint: "
            f"{last or 'none (no checkpoint written yet)'}. Fix: lower train.lr or raise train.warmup_ratio, "
            "turn on gradient clipping (train.max_grad_norm), then resume with resume_from_checkpoint=latest; or "
            "skip such steps with train.on_nonfinite=skip."
        )

    def preempted(self, checkpoint: Path, recipe: str) -> Preempted:
        """The exception that ends a preempted run, after logging where it stopped and how to go on."""
        name = signal.Signals(self.received).name if self.received else "a signal on another process"
        message = (
            f"stopped by {name} after step {step_of(checkpoint)}; checkpoint {checkpoint}. Resume: rerun the same "
            f"command (`llmkit train {recipe} ...`) with resume_from_checkpoint=latest"
        )
        logger.warning(message)
        return Preempted(message)


def check_finite_weights(model: torch.nn.Module, what: str) -> None:
    """Refuse to write weights holding NaN or infinity."""
    named = list(model.named_parameters())
    finite = torch.stack([torch.isfinite(p).all() for _, p in named])  # one host sync, not one per weight
    if not finite.all():
        name = named[int((~finite).nonzero()[0])][0]
        raise TrainingDiverged(
            f"train: weight '{name}' is not finite, so {what} was not written. Fix: lower train.lr and "
            "resume from the last good checkpoint with resume_from_checkpoint=latest."
        )
