"""The bundled language-modelling and translation corpora are what their generators build from ``source/``."""

import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.mark.parametrize("folder", ["lm", "translation"])
def test_build_check_reproduces_committed_files(folder: str) -> None:
    """``build.py --check`` rebuilds into a temporary folder and finds every committed file the same."""
    result = subprocess.run(
        [sys.executable, str(DATA / folder / "build.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines, "--check printed nothing"
    assert all(line.endswith(": same") for line in lines), result.stdout
