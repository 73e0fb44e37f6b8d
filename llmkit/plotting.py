"""Training curves as a PNG in the output folder: people would rather look at them than read a log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on training machines
import matplotlib.pyplot as plt

COLUMNS = 3  # panels per row: the loss, then one panel per validation metric
FEW_POINTS = 30


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
    columns = min(panels, COLUMNS)
    rows = -(-panels // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(5 * columns, 3.8 * rows), squeeze=False)
    flat = [axis for row in axes for axis in row]
    for unused in flat[panels:]:
        unused.set_visible(False)
    loss_axis = flat[0]
    if train:
        # A short run logs a few points: markers show where they are, a line alone would suggest more.
        style = "o-" if len(train) <= FEW_POINTS else "-"
        loss_axis.plot([r["step"] for r in train], [r["loss"] for r in train], style, label="train")
    if evals:
        loss_axis.plot([r["step"] for r in evals], [r["loss"] for r in evals], "o-", label="validation")
    loss_axis.set(title="loss", xlabel="step")
    loss_axis.legend()
    for axis, name in zip(flat[1:panels], metrics, strict=True):
        axis.plot([r["step"] for r in evals], [r[name] for r in evals], "o-", color="tab:green")
        axis.set(title=f"validation {name}", xlabel="step")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
