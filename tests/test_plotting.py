"""Training curves: one panel per metric, at most three to a row, markers where a short run has few points."""

from PIL import Image

from llmkit.plotting import plot_training_curves


def history(metrics: list[str], evals: int = 3) -> list[dict]:
    train = [{"kind": "train", "step": step, "loss": 1 / step} for step in range(1, 11)]
    return train + [
        {"kind": "eval", "step": 10 * i, "loss": 0.5, **{name: 0.1 * i for name in metrics}}
        for i in range(1, evals + 1)
    ]


def test_panels_wrap_into_rows_of_three(tmp_path):
    for metrics, size in (([], (550, 418)), (["a", "b"], (1650, 418)), (["a", "b", "c", "d", "e"], (1650, 836))):
        path = tmp_path / f"{len(metrics)}.png"
        plot_training_curves(history(metrics), path)
        assert Image.open(path).size == size  # 5 x 3.8 inches per panel at 110 dpi
