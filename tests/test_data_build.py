"""The bundled datasets are exactly what their generators build from `source/`.

`data/<folder>/build.py --check` rebuilds the files into a temporary folder and compares them byte for byte with the
committed ones, so an edit to the source material (or the generator) that is not followed by a rebuild fails here.
Each check takes about a second.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
OUTPUTS = {
    "lm": ["train.txt", "validation.txt"],
    "translation": ["train.en", "train.de", "validation.en", "validation.de"],
    "sentiment": ["train.csv", "validation.csv"],
    "qa": ["train.json", "validation.json", "train_v2.json", "validation_v2.json"],
    "ner": ["train.conll", "validation.conll", "validation.jsonl"],
    "paraphrase": ["train.csv", "validation.csv"],
    "similarity": ["train.csv", "validation.csv"],
}


@pytest.mark.parametrize("folder", sorted(OUTPUTS))
def test_build_check_reproduces_committed_files(folder: str) -> None:
    result = subprocess.run(
        [sys.executable, str(DATA / folder / "build.py"), "--check"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(result.stdout.splitlines()) == sorted(f"{name}: same" for name in OUTPUTS[folder])


def test_check_fails_when_a_file_differs(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA / "ner", copy / "ner", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(DATA / "rebuild.py", copy / "rebuild.py")
    (copy / "ner" / "validation.conll").write_text("changed\n")
    result = subprocess.run([sys.executable, str(copy / "ner" / "build.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "validation.conll: DIFFERS" in result.stdout and "train.conll: same" in result.stdout
