"""Where the training loop's time goes (`train.profile=true`): data, forward, backward, optimizer, evaluation.

The runner wraps each phase of a step in `PhaseTimer.phase` and the batch iterator in `PhaseTimer.timed`; off (the
default) both cost nothing. On a GPU each phase boundary synchronises the device, so the seconds are the phase's own
rather than whichever later call waited for the kernels; that costs a little speed, which is why profiling is
opt-in. The report (`metrics.json` `train.profile`) gives seconds per phase; `other` is the rest of the loop's
time (logging, the progress bar, checkpoints), and `evaluation` is not part of the training-loop time.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from typing import Any

import torch

PHASES = ("data", "forward", "backward", "optimizer")


class PhaseTimer:
    """Seconds spent per phase of the training loop, when `enabled`."""

    def __init__(self, enabled: bool, device: torch.device) -> None:
        self.enabled = enabled
        self.seconds = dict.fromkeys((*PHASES, "evaluation"), 0.0)
        self._sync = torch.cuda.synchronize if enabled and device.type == "cuda" else None

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Count the time of the block as `name`."""
        if not self.enabled:
            yield
            return
        start = self._now()
        try:
            yield
        finally:
            self.seconds[name] += self._now() - start

    def timed(self, batches: Iterable[Any]) -> Iterator[Any]:
        """`batches`, with the time spent waiting for each (loading and collating) counted as `data`."""
        if not self.enabled:
            yield from batches
            return
        iterator = iter(batches)
        while True:
            start = self._now()
            try:
                batch = next(iterator)
            except StopIteration:
                return
            finally:
                self.seconds["data"] += self._now() - start
            yield batch

    def report(self, loop_seconds: float) -> dict[str, float]:
        """Seconds per phase, `other` being the rest of `loop_seconds` (this process's training-loop time)."""
        accounted = sum(self.seconds[name] for name in PHASES)
        return {**self.seconds, "other": max(0.0, loop_seconds - accounted)}

    def _now(self) -> float:
        if self._sync is not None:
            self._sync()
        return time.perf_counter()


def profile_table(profile: dict[str, float]) -> str:
    """The report as log lines: each phase's seconds and share of the training loop (evaluation apart)."""
    loop = sum(seconds for name, seconds in profile.items() if name != "evaluation") or 1.0
    lines = [
        f"  {name:<10}{seconds:>9.1f} s {100 * seconds / loop:>6.1f}%"
        for name, seconds in profile.items()
        if name != "evaluation"
    ]
    return "\n".join([*lines, f"  {'evaluation':<10}{profile['evaluation']:>9.1f} s (outside the loop)"])
