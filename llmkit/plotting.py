"""Training curves as a PNG in the output folder: people would rather look at them than read a log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on training machines
import matplotlib.pyplot as plt


def plot_training_curves(history: list[dict[str, Any]], path: Path) -> None:
    """Plot training loss and every evaluation metric against the optimizer step.

    Args:
        history: Log records with `kind` ('train' or 'eval'), `step` and metric values.
        path: Where to write the PNG.
    """
    train = [r for r in history if r["kind"] == "train"]
    evals = [r for r in history if r["kind"] == "eval"]
    metrics = [k for k in (evals[0] if evals else {}) if k not in ("kind", "step", "loss")]
    panels = 1 + len(metrics)
    figure, axes = plt.subplots(1, panels, figsize=(5 * panels, 3.8), squeeze=False)
    loss_axis = axes[0][0]
    if train:
        loss_axis.plot([r["step"] for r in train], [r["loss"] for r in train], label="train")
    if evals:
        loss_axis.plot([r["step"] for r in evals], [r["loss"] for r in evals], "o-", label="validation")
    loss_axis.set(title="loss", xlabel="step")
    loss_axis.legend()
    for axis, name in zip(axes[0][1:], metrics, strict=True):
        axis.plot([r["step"] for r in evals], [r[name] for r in evals], "o-", color="tab:green")
        axis.set(title=f"validation {name}", xlabel="step")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
