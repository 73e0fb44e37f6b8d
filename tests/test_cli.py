"""The command line: listing, exit status 2 with one readable line for bad input, --debug tracebacks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import reset_accelerate

from llmkit.cli import main
from llmkit.errors import UserError

ROOT = Path(__file__).resolve().parent.parent


def run_main(capsys, *argv):
    reset_accelerate()
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    return exit_info.value.code, capsys.readouterr()


def test_recipes_lists_sentiment(capsys):
    main(["recipes"])
    assert "sentiment" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "nosuch"], "unknown recipe 'nosuch'"),
        (["train", "sentiment", "train.lrr=1"], "unknown key 'train.lrr'. Did you mean 'train.lr'?"),
        (["train", "sentiment", "train.mixed_precision=fp8"], "must be one of: auto, no, fp16, bf16"),
        (["train", "sentiment", "data.train=/no/such/file.csv"], "file /no/such/file.csv does not exist"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, argv, message):
    # A fresh output folder: a finished run in the default one (runs/sentiment) would be reported first.
    code, output = run_main(capsys, *argv, f"output_dir={tmp_path / 'out'}")
    assert code == 2
    assert message in output.err
    assert "Traceback" not in output.err
    assert output.err.count("llmkit: error:") == 1


def test_non_utf8_text_is_reported_with_its_line(capsys, tmp_path, tiny_bert):
    data = tmp_path / "train.csv"
    data.write_bytes(b"text,label\ngood,positive\n\xff\xfe bad,negative\n")
    code, output = run_main(
        capsys, "train", "sentiment", f"data.train={data}", f"model.name={tiny_bert}", f"output_dir={tmp_path / 'o'}"
    )
    assert code == 2
    assert "train.csv:3:1: not valid UTF-8" in output.err
    assert not (tmp_path / "o").exists()  # nothing was written


def test_subprocess_exit_status_and_debug_traceback(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "llmkit", "train", "sentiment", "data.train=/no/such.csv"]
    plain = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert plain.returncode == 2
    assert plain.stderr.strip().splitlines() == [
        "llmkit: error: data.train: file /no/such.csv does not exist. Fix: correct the path or create the file."
    ]
    # --debug lets the error through, so the interpreter prints its traceback (checked in-process: a second
    # interpreter start costs ten seconds of imports).
    with pytest.raises(UserError, match="data.train: file /no/such.csv does not exist"):
        main(["train", "sentiment", "data.train=/no/such.csv", "--debug"])


def test_train_recipe_help_lists_its_keys(capsys):
    main(["train", "sentiment", "--help"])
    recipe_help = capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    generic_help = capsys.readouterr().out
    assert recipe_help != generic_help
    assert "  train.lr=5e-05  (float)\n      Peak learning rate." in recipe_help
    assert "data.text_column='text'  (str)" in recipe_help and "\ndata:\n" in recipe_help
    assert "Metrics: loss, accuracy, f1" in recipe_help


def test_print_config_gives_a_config_that_repeats_the_run(capsys, tmp_path):
    from llmkit.config import load_config
    from llmkit.registry import get_recipe

    main(["train", "qa", "train.lr=3e-5", "--print-config"])
    path = tmp_path / "resolved.yaml"
    path.write_text(capsys.readouterr().out)
    config = load_config(get_recipe("qa").config, path, recipe="qa")
    assert config.train.lr == 3e-5 and config == load_config(get_recipe("qa").config, None, ["train.lr=3e-5"])


def test_train_without_config_names_the_recipes_own_config(capsys, monkeypatch):
    """`llmkit train qa` runs the built-in defaults, `make finetune RECIPE=qa` the recipe's default.yaml: the
    command says so (a YAML comment in --print-config), and stays quiet when a config is given or the recipe ships
    none."""
    monkeypatch.chdir(ROOT)
    note = "the documented offline run (`make finetune`) is --config recipes/configs/qa/default.yaml"
    main(["train", "qa", "--print-config"])
    printed = capsys.readouterr().out
    assert printed.endswith(f"# built-in defaults: {note}\n") and yaml.safe_load(printed)["recipe"] == "qa"
    main(["train", "qa", "--config", "recipes/configs/qa/default.yaml", "--print-config"])
    main(["train", "classification", "--print-config"])
    assert "built-in defaults" not in capsys.readouterr().out
    main(["train", "qa", "--help"])
    assert note in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--help"], ["train", "--help"], ["predict", "--help"]])
def test_help_loads_neither_torch_nor_transformers(argv):
    """`llmkit --help` answers at once: the heavy libraries load only for the commands that need them."""
    code = (
        "import sys\nfrom llmkit.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(sorted(name for name in ('torch', 'transformers', 'datasets', 'accelerate') if name in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


def test_library_chatter_shows_only_with_debug(tiny_bert, tmp_path, capsys, monkeypatch):
    """transformers' weight-loading report (a fresh classifier head is expected) is not printed by default; the
    run without --config ends by naming the recipe's documented config."""
    import logging
    import shutil

    import transformers

    monkeypatch.chdir(ROOT)

    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())
    logging.getLogger("transformers").addHandler(handler)
    settings = ["train.max_steps=1", "data.validation=null", "data.max_train_examples=8"]
    try:
        for debug, out in ((False, "quiet"), (True, "chatty")):
            model = shutil.copytree(tiny_bert, tmp_path / f"{out}-model")  # a new folder gets a new report
            seen.clear()
            reset_accelerate()
            main(
                ["train", "sentiment", f"model.name={model}", *settings, f"output_dir={tmp_path / out}"]
                + ["--debug"] * debug
            )
            assert any("LOAD REPORT" in message for message in seen) == debug
            printed = capsys.readouterr().out
            assert printed.endswith("(`make finetune`) is --config recipes/configs/sentiment/default.yaml\n")
    finally:
        logging.getLogger("transformers").removeHandler(handler)
        transformers.logging.set_verbosity_warning()
        transformers.logging.enable_progress_bar()
