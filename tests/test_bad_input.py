"""Bad input found by a hostile trial: each case ends with one clear line and exit status 2, before training."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys

import pytest
from helpers import ROOT, reset_accelerate

from llmkit.cli import main


def fails_cleanly(capsys, *argv) -> str:
    """Run `llmkit ...`; assert exit status 2 with one error line and no traceback; return stderr."""
    reset_accelerate()
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    err = capsys.readouterr().err
    assert exit_info.value.code == 2, err
    assert err.count("llmkit: error:") == 1 and "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("recipe", "setting", "message"),
    [
        ("sentiment", "data.max_length=2048", "data.max_length=2048 is longer than the model's 256 positions"),
        ("qa", "data.max_length=1024", "data.max_length=1024 is longer than the model's 256 positions"),
        ("ner", "data.max_length=512", "data.max_length=512 is longer than the model's 256 positions"),
    ],
)
def test_lengths_beyond_the_models_positions_stop_before_training(
    tiny_bert, capsys, tmp_path, recipe, setting, message
):
    out = tmp_path / "out"
    extra = ("data.doc_stride=64",) if recipe == "qa" else ()
    err = fails_cleanly(capsys, "train", recipe, f"model.name={tiny_bert}", setting, *extra, f"output_dir={out}")
    assert message in err
    assert not out.exists()


def test_translation_lengths_are_checked_against_both_sides(tiny_gpt2, capsys, tmp_path):
    form = ("model.form=decoder-only", f"model.name={tiny_gpt2}", "model.init=pretrained")
    err = fails_cleanly(
        capsys, "train", "translation", *form, "data.max_source_length=200", f"output_dir={tmp_path / 'out'}"
    )
    assert "data.max_source_length + data.max_target_length=328 is longer than the model's 256 positions" in err


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("good,1\nfine,1\n", "holds 1 distinct label(s) [1]; a classifier needs two or more"),
        ("good,0\nbad,1\nodd,7\n", "the integer labels [0, 1, 7] are not the ids 0..2"),
    ],
)
def test_label_sets_that_cannot_be_right_are_refused(tiny_bert, capsys, tmp_path, rows, message):
    data = tmp_path / "train.csv"
    data.write_text("text,label\n" + rows)
    out = tmp_path / "out"
    err = fails_cleanly(
        capsys,
        "train",
        "sentiment",
        f"model.name={tiny_bert}",
        f"data.train={data}",
        "data.validation=null",
        f"output_dir={out}",
    )
    assert message in err and "data.labels" in err
    assert not out.exists()


@pytest.fixture
def run_copy(sentiment_run, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(sentiment_run, folder)
    return folder


def test_predict_on_a_folder_without_config_json(run_copy, capsys):
    (run_copy / "config.json").unlink()
    err = fails_cleanly(capsys, "predict", str(run_copy), "--text", "fine")
    assert "cannot load config" in err


def test_predict_on_truncated_weights(run_copy, capsys):
    weights = run_copy / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    err = fails_cleanly(capsys, "predict", str(run_copy), "--text", "fine")
    assert "cannot load model" in err and "model.safetensors" not in err.split("Fix:")[1]


def test_code_shipped_in_a_folder_never_runs(run_copy, capsys, tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    (run_copy / "evil.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    for name, key in (("config.json", "AutoConfig"), ("tokenizer_config.json", "AutoTokenizer")):
        settings = json.loads((run_copy / name).read_text())
        settings["auto_map"] = {key: "evil.Evil", "AutoModelForSequenceClassification": "evil.Evil"}
        (run_copy / name).write_text(json.dumps(settings))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # a prompt would read from here
    reset_accelerate()
    try:
        main(["predict", str(run_copy), "--text", "fine"])
    except SystemExit as exit_info:
        assert exit_info.value.code == 2
    assert not marker.exists()
    assert "Traceback" not in capsys.readouterr().err


def test_a_csv_parse_error_keeps_the_parsers_line_number(tiny_bert, capsys, tmp_path):
    data = tmp_path / "train.csv"
    data.write_text("text,label\ngood,positive\nbad,negative\nodd,negative,extra,fields\n")
    err = fails_cleanly(
        capsys, "train", "sentiment", f"model.name={tiny_bert}", f"data.train={data}", f"output_dir={tmp_path / 'o'}"
    )
    assert "Expected 2 fields in line 4, saw 4" in err


def test_a_squad_file_without_data_says_what_the_layout_is(tiny_bert, capsys, tmp_path):
    data = tmp_path / "train.json"
    data.write_text(json.dumps({"version": "1.1", "articles": []}))
    err = fails_cleanly(
        capsys,
        "train",
        "qa",
        f"model.name={tiny_bert}",
        f"data.train={data}",
        "data.max_length=256",
        "data.doc_stride=64",
        f"output_dir={tmp_path / 'o'}",
    )
    assert "holds one JSON object with no 'data' list (its keys: version, articles)" in err


def test_value_checks_name_where_the_value_was_set(capsys, tmp_path):
    err = fails_cleanly(capsys, "train", "sentiment", "train.lr=-1", f"output_dir={tmp_path / 'o'}")
    assert "llmkit: error: command line: 'train.lr' must be positive, got -1.0" in err
    config = tmp_path / "config.yaml"
    config.write_text("train:\n  warmup_ratio: 2\n")
    err = fails_cleanly(capsys, "train", "sentiment", "--config", str(config), f"output_dir={tmp_path / 'o'}")
    assert f"{config}:2: 'train.warmup_ratio' must be in [0, 1)" in err


def test_a_stop_signal_after_the_run_finished_exits_0(tiny_bert, tmp_path):
    """A scheduler's SIGTERM that arrives once the run is complete must not make it a failure to requeue."""
    script = (
        "import os, signal, sys\n"
        "import builtins\n"
        "real_print = builtins.print\n"
        "def print_after_sigterm(*a, **k):\n"
        "    if a and str(a[0]).startswith('validation:'):  # the run has finished\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "    real_print(*a, **k)\n"
        "builtins.print = print_after_sigterm\n"
        "sys.argv = ['llmkit', *sys.argv[1:]]\n"
        "from llmkit.cli import main\n"
        "main()\n"
    )
    argv = ["train", "sentiment", f"model.name={tiny_bert}", "train.max_steps=1", f"output_dir={tmp_path / 'run'}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "model and results written to" in done.stdout


def test_generate_on_a_classifier_says_it_is_not_a_clm_run(sentiment_run, capsys):
    err = fails_cleanly(capsys, "generate", str(sentiment_run), "--prompt", "Once")
    assert "is not the output folder of a finished `llmkit train clm` run (it was trained by the 'sentiment'" in err


def test_clm_takes_a_subset_of_documents_but_not_from_a_stream(capsys, tmp_path):
    err = fails_cleanly(
        capsys, "train", "clm", "data.streaming=true", "data.max_train_examples=5", f"output_dir={tmp_path / 'o'}"
    )
    assert "'data.max_train_examples' needs the whole corpus up front" in err


def test_a_missing_data_file_is_reported_before_the_model_is_looked_for(capsys, tmp_path):
    # The model does not exist either: a run that looked for it first would report the model (after hub retries).
    err = fails_cleanly(
        capsys,
        "train",
        "sentiment",
        "model.name=no-such-user/no-such-model",
        f"output_dir={tmp_path / 'o'}",
        f"data.train={tmp_path / 'missing.csv'}",
    )
    assert f"data.train: file {tmp_path / 'missing.csv'} does not exist" in err
