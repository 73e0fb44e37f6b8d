"""The commands in README.md and docs/ work as written: every `llmkit train` (and `make finetune|pretrain`) line
resolves its config without an error, and the `predict`/`evaluate` lines on `runs/sentiment` run on a finished
sentiment run. Training itself is left to the recipe tests: here only what a typo or a stale key would break."""

from __future__ import annotations

import re
import shlex
import shutil

import pytest
from helpers import ROOT, reset_accelerate

from llmkit.cli import main

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"```bash\n(.*?)```", re.DOTALL)


def command_lines() -> list[tuple[str, list[str]]]:
    """(where, words) of every shell line in the pages' bash blocks, comments and continuations resolved."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in BLOCK.finditer(text):
            start = text[: block.start()].count("\n") + 2
            joined = block.group(1).replace("\\\n", " ")
            for offset, line in enumerate(joined.splitlines()):
                try:
                    words = shlex.split(line, comments=True)
                except ValueError:  # not a shell line (a YAML or Python fragment in a bash block)
                    continue
                if words:
                    found.append((f"{page.relative_to(ROOT)}:{start + offset}", words))
    return found


def llmkit_argv(words: list[str]) -> list[str] | None:
    """The `llmkit` arguments of a line (`llmkit ...`, `python -m llmkit ...`, `accelerate launch ... -m llmkit ...`,
    `make finetune|pretrain RECIPE=... CONFIG=... ARGS=...`), or None for other commands."""
    words = [w for w in words if not re.fullmatch(r"[A-Z_]+=\S*", w) or words[0] == "make"]
    if words and words[0] in ("llmkit", ".venv/bin/llmkit"):
        return words[1:]
    if "-m" in words and words[words.index("-m") + 1 : words.index("-m") + 2] == ["llmkit"]:
        return words[words.index("-m") + 2 :]
    if words[:2] in (["make", "finetune"], ["make", "pretrain"]):
        settings = dict(word.split("=", 1) for word in words[2:] if "=" in word)
        if "LAUNCH" in settings:
            return None  # needs GPUs
        argv = ["train", settings.get("RECIPE", "sentiment")]
        config = settings.get("CONFIG") or f"recipes/configs/{argv[1]}/default.yaml"
        if (ROOT / config).is_file():
            argv += ["--config", config]
        return argv + shlex.split(settings.get("ARGS", ""))
    return None


TRAIN_LINES = [(where, argv) for where, words in command_lines() if (argv := llmkit_argv(words)) and argv[0] == "train"]


def test_the_pages_have_train_commands():
    assert len(TRAIN_LINES) >= 20


@pytest.mark.parametrize(("where", "argv"), TRAIN_LINES, ids=[where for where, _ in TRAIN_LINES])
def test_every_train_command_resolves_its_config(where, argv, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    argv = [word for word in argv if word not in ("...", "--help", "-h")]
    reset_accelerate()
    try:
        main([*argv, "--print-config"])
    except SystemExit as exit_info:
        pytest.fail(
            f"{where}: `llmkit {shlex.join(argv)}` failed ({exit_info.code}): {capsys.readouterr().err.strip()}"
        )
    assert capsys.readouterr().out.startswith(f"recipe: {argv[1]}")


SENTIMENT_LINES = [
    (where, argv)
    for where, words in command_lines()
    if (argv := llmkit_argv(words))
    and argv[0] in ("predict", "evaluate")
    and "runs/sentiment" in argv
    and "-" not in argv  # stdin
]


def test_predict_and_evaluate_lines_run_on_a_sentiment_run(sentiment_run, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert SENTIMENT_LINES
    for where, argv in SENTIMENT_LINES:
        argv = [str(sentiment_run) if word == "runs/sentiment" else word for word in argv]
        files = [i + 1 for i, word in enumerate(argv) if word in ("--file", "--data")]
        for i in files:  # the README's example files, made here
            if not (ROOT / argv[i]).exists():
                path = tmp_path / argv[i].replace("/", "_")
                path.write_text("text,label\na fine film,positive\na dull film,negative\n", encoding="utf-8")
                argv[i] = str(path)
        if "--update-card" in argv:
            continue  # would change the shared run's card
        reset_accelerate()
        try:
            main(argv)
        except SystemExit:
            pytest.fail(f"{where}: `llmkit {shlex.join(argv)}` failed: {capsys.readouterr().err.strip()}")
    shutil.rmtree(sentiment_run / "eval", ignore_errors=True)  # the shared run stays as it was
