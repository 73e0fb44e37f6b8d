"""The bundled sentiment and question-answering files are exactly what their generators build.

Each test runs ``data/<folder>/build.py --check``, which rebuilds the files into a temporary folder and compares
them byte for byte with the committed ones, so an edit to the source material (or to the generator) that is not
followed by a rebuild fails here. Both checks take well under a second.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def run_check(folder: str) -> subprocess.CompletedProcess[str]:
    """Run ``build.py --check`` of ``data/<folder>`` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, str(DATA / folder / "build.py"), "--check"], capture_output=True, text=True, timeout=120
    )


def test_sentiment_build_reproduces_committed_files() -> None:
    result = run_check("sentiment")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["train.csv: same", "validation.csv: same"]


def test_qa_build_reproduces_committed_files() -> None:
    result = run_check("qa")
    assert result.returncode == 0, result.stdout + result.stderr
    names = ["train.json", "validation.json", "train_v2.json", "validation_v2.json"]
    assert result.stdout.splitlines() == [f"{name}: same" for name in names]
