"""`llmkit quantize` and `llmkit export`: int8 and ONNX copies of tiny runs predict like the original, hold what
they claim (int8 weights, a smaller file, a parity check), report their costs, and refuse bad input cleanly."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil

import pytest
import torch
from helpers import ROOT, SENTIMENT, reset_accelerate, rounded, run_recipe
from safetensors import safe_open
from test_bad_input import fails_cleanly

from llmkit.cli import main
from llmkit.compress import ReportSettings, quantize_run
from llmkit.export import export_run
from llmkit.measure import stored_dtype, weight_bytes
from llmkit.models import load_trained_model
from llmkit.predict import predict
from llmkit.registry import recipe_of_run

QUICK = ReportSettings(requests=5)
# One worker runs this file (`make test` schedules by group), so its runs and exports are made once.
pytestmark = pytest.mark.xdist_group("compress")
REPORT_FIELDS = (
    "size_bytes",
    "parameters",
    "linear_weight_bytes",
    "linear_weight_dtypes",
    "latency_ms_median",
    "latency_ms_p90",
    "throughput_per_s",
    "metrics",
)


def validation_texts(count: int = 64) -> list[dict[str, str]]:
    with (SENTIMENT / "validation.csv").open(encoding="utf-8") as handle:
        return [{"text": row["text"]} for row in list(csv.DictReader(handle))[:count]]


def snapshot(folder):
    """Every file of a folder with the hash of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def compressed(function, *args, **kwargs):
    reset_accelerate()
    return function(*args, **kwargs)


@pytest.fixture(scope="module")
def trained(tiny_bert, tmp_path_factory):
    """A tiny sentiment run trained long enough that its predictions differ from text to text."""
    out = tmp_path_factory.mktemp("compress") / "run"
    run_recipe(
        "sentiment",
        f"model.name={tiny_bert}",
        f"output_dir={out}",
        "train.epochs=2",
        "train.batch_size=16",
        "train.lr=2e-3",
        "train.log_every=10",
    )
    return out


@pytest.fixture(scope="module")
def int8_run(trained):
    return compressed(quantize_run, trained, trained.parent / "int8", "int8-dynamic", QUICK)


@pytest.fixture(scope="module")
def onnx_run(trained):
    return compressed(export_run, trained, trained.parent / "onnx", settings=QUICK)


def test_quantized_run_predicts_like_the_original(trained, int8_run):
    records = validation_texts()
    before, after = predict(trained, records), predict(int8_run, records)
    same = sum(a["label"] == b["label"] for a, b in zip(before, after, strict=True))
    assert len({result["label"] for result in before}) == 2  # the model really decides
    assert same >= 0.95 * len(records)
    for a, b in zip(before, after, strict=True):
        assert b["scores"] == pytest.approx(a["scores"], abs=0.05)


def test_quantized_linear_weights_are_int8_and_the_file_shrinks(trained, int8_run):
    original, model = load_trained_model(trained), load_trained_model(int8_run)
    linear = {name: m.weight for name, m in model.named_modules() if isinstance(m, torch.nn.Linear)}
    assert linear and all(stored_dtype(weight) == torch.int8 for weight in linear.values())
    with safe_open(int8_run / "model.safetensors", framework="pt") as stored:
        query = stored.get_tensor("bert.encoder.layer.0.attention.self.query._weight_qdata")
    assert query.dtype == torch.int8 and query.shape == (32, 32)
    assert weight_bytes(int8_run) < 0.9 * weight_bytes(trained)
    ids = torch.tensor([[2, 40, 41, 42, 3], [2, 50, 51, 3, 0]])
    mask = (ids > 0).long()
    with torch.no_grad():
        expected, got = original(input_ids=ids, attention_mask=mask).logits, model(input_ids=ids, attention_mask=mask)
    assert torch.allclose(got.logits, expected, atol=0.05)


def test_the_report_compares_both_models(trained, int8_run):
    report = json.loads((int8_run / "compression.json").read_text())
    assert (report["format"], report["method"]) == ("torchao", "int8-dynamic")
    for entry in ("original", "compressed"):
        assert set(REPORT_FIELDS) <= set(report[entry])
        assert report[entry]["latency_ms_p90"] >= report[entry]["latency_ms_median"] > 0
    assert report["compressed"]["linear_weight_dtypes"] == ["int8"]
    assert report["original"]["parameters"] == report["compressed"]["parameters"]
    assert 3.4 < report["ratios"]["linear_weights_smaller"] < 4.0  # int8, plus a scale and zero point per row
    assert report["measured"]["requests"] == 5 and report["measured"]["eval_rows"] == 450
    assert report["original"]["metrics"] == pytest.approx(json.loads((trained / "metrics.json").read_text())["eval"])
    card = (int8_run / "README.md").read_text()
    assert "## Compression" in card and "| linear-layer weights |" in card and "| validation accuracy |" in card


def is_a_finished_run_like(folder, trained):
    assert recipe_of_run(folder, "test").name == "sentiment"
    for name in ("run_config.yaml", "metrics.json"):
        assert (folder / name).read_bytes() == (trained / name).read_bytes()


def test_the_compressed_folder_is_a_finished_run_of_the_same_recipe(trained, int8_run):
    is_a_finished_run_like(int8_run, trained)


@pytest.mark.parametrize("which", ["int8", pytest.param("onnx", marks=pytest.mark.slow)])
def test_evaluate_on_a_compressed_folder_matches_the_original(trained, which, capsys, request):
    folder = request.getfixturevalue(f"{which}_run")  # the ONNX export alone takes several seconds
    reset_accelerate()
    main(["evaluate", str(folder), "--data", str(SENTIMENT / "validation.csv"), "--json"])
    metrics = json.loads(capsys.readouterr().out)["metrics"]
    original = json.loads((trained / "metrics.json").read_text())["eval"]
    assert metrics["accuracy"] == pytest.approx(original["accuracy"], abs=0.02)
    assert metrics["loss"] == pytest.approx(original["loss"], abs=0.02)
    shutil.rmtree(folder / "eval")


@pytest.mark.slow
def test_onnx_predictions_equal_torch(trained, onnx_run):
    is_a_finished_run_like(onnx_run, trained)
    records = validation_texts()
    for a, b in zip(predict(trained, records), predict(onnx_run, records), strict=True):
        assert b["label"] == a["label"] and b["scores"] == pytest.approx(a["scores"], abs=1e-5)
    parity = json.loads((onnx_run / "onnx_parity.json").read_text())["fp32"]
    assert parity["max_abs_diff"] < 1e-4 and parity["rows"] == 450 and parity["same_prediction"] == 1.0
    report = json.loads((onnx_run / "compression.json").read_text())
    assert report["parity"]["fp32"] == parity and report["compressed"]["linear_weight_dtypes"] == ["float32"]
    assert (onnx_run / "model.onnx").is_file() and not (onnx_run / "model.safetensors").exists()


@pytest.mark.slow
def test_onnx_int8_holds_int8_weights_and_stays_close(trained, tmp_path):
    out = compressed(export_run, trained, tmp_path / "onnx8", quantize="int8", settings=QUICK)
    report = json.loads((out / "compression.json").read_text())
    assert report["compressed"]["linear_weight_dtypes"] == ["int8"]
    assert report["ratios"]["linear_weights_smaller"] > 3.5 and report["ratios"]["size_smaller"] > 1.5
    assert report["parity"]["int8"]["same_prediction"] >= 0.95
    records = validation_texts()
    same = sum(a["label"] == b["label"] for a, b in zip(predict(trained, records), predict(out, records), strict=True))
    assert same >= 0.95 * len(records)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("recipe", "settings", "records"),
    [
        (
            "qa",
            ("data.max_length=256", "data.doc_stride=64"),
            [{"question": "Who built it?", "context": "It was built by Ada Lee in 1901, and it stands still."}],
        ),
        ("ner", (), [{"text": "Ada Lee flew to Paris on 3 March 2021."}, {"text": "Bob met Carol in Rome."}]),
    ],
)
def test_onnx_export_of_qa_and_ner_predicts_like_torch(recipe, settings, records, tiny_bert, tmp_path):
    run = tmp_path / "run"
    quick = ("train.max_steps=2", "train.batch_size=8", "data.max_train_examples=32")
    run_recipe(recipe, f"model.name={tiny_bert}", f"output_dir={run}", *quick, *settings)
    out = compressed(export_run, run, tmp_path / "onnx", settings=QUICK)
    assert json.loads((out / "onnx_parity.json").read_text())["fp32"]["max_abs_diff"] < 1e-4
    assert rounded(predict(out, records)) == rounded(predict(run, records))


@pytest.mark.slow
def test_a_gpt2_classifier_exports_and_is_not_quantized(tiny_gpt2, tmp_path, capsys):
    run = tmp_path / "run"
    run_recipe("sentiment", f"model.name={tiny_gpt2}", f"output_dir={run}", "train.max_steps=2", "train.batch_size=8")
    before = snapshot(run)
    out = compressed(export_run, run, tmp_path / "onnx", settings=QUICK)
    records = validation_texts(16)
    for a, b in zip(predict(run, records), predict(out, records), strict=True):
        assert b["scores"] == pytest.approx(a["scores"], abs=1e-5)
    err = fails_cleanly(capsys, "quantize", str(run), "--to", str(tmp_path / "int8"))
    assert "Conv1D" in err and not (tmp_path / "int8").exists()
    assert snapshot(run) == before


def test_an_adapter_run_is_merged_on_the_fly(tiny_bert, tmp_path):
    run = tmp_path / "run"
    lora = ("peft.method=lora", "train.max_steps=2", "train.batch_size=8", "data.max_train_examples=32")
    run_recipe("sentiment", f"model.name={tiny_bert}", f"output_dir={run}", *lora, "data.validation=null")
    before = snapshot(run)
    out = compressed(quantize_run, run, tmp_path / "int8", "int8-weight", QUICK)
    report = json.loads((out / "compression.json").read_text())
    assert report["adapter_merged"] and report["measured"]["inputs"].startswith("fixed texts")
    assert not (out / "adapter_config.json").exists()
    records = validation_texts(16)
    for a, b in zip(predict(run, records), predict(out, records), strict=True):
        assert b["scores"] == pytest.approx(a["scores"], abs=0.02)
    assert snapshot(run) == before


def test_max_eval_examples_scores_the_first_rows(trained, tmp_path):
    out = compressed(quantize_run, trained, tmp_path / "int8", "int8-weight", ReportSettings(2, 40))
    report = json.loads((out / "compression.json").read_text())
    assert report["measured"]["eval_rows"] == 40 and report["measured"]["max_eval_examples"] == 40
    assert report["method"] == "int8-weight" and report["compressed"]["linear_weight_dtypes"] == ["int8"]


# --------------------------------------------------------------------------------------------------------------
# Bad input: one line, exit status 2, the source untouched, nothing left at --to


def _fake_architecture(trained, tmp_path, architecture):
    run = tmp_path / "fake"
    shutil.copytree(trained, run, ignore=shutil.ignore_patterns("checkpoints"))
    config = json.loads((run / "config.json").read_text())
    (run / "config.json").write_text(json.dumps({**config, "architectures": [architecture]}))
    return run


@pytest.mark.parametrize(
    ("make_argv", "message"),
    [
        (lambda run, out: ["quantize", str(run / "checkpoints"), "--to", str(out)], "is not a finished llmkit run"),
        (lambda run, out: ["export", str(out.parent / "nowhere"), "--to", str(out)], "does not exist"),
        (lambda run, out: ["quantize", str(run), "--to", str(out), "--method", "int4"], "unknown --method 'int4'"),
        (lambda run, out: ["export", str(run), "--to", str(out), "--format", "tflite"], "unknown --format"),
        (lambda run, out: ["export", str(run), "--to", str(out), "--quantize", "int4"], "unknown --quantize"),
        (lambda run, out: ["quantize", str(run), "--to", str(run / "int8")], "is inside the run"),
        (lambda run, out: ["quantize", str(run), "--to", str(out), "--requests", "0"], "--requests must be at least"),
    ],
)
def test_bad_input_exits_2_and_changes_nothing(trained, tmp_path, capsys, make_argv, message):
    before, out = snapshot(trained), tmp_path / "out"
    err = fails_cleanly(capsys, *make_argv(trained, out))
    assert message in err
    assert snapshot(trained) == before and not out.exists()


def test_an_occupied_target_is_refused(trained, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    for command in ("quantize", "export"):
        assert "already holds files" in fails_cleanly(capsys, command, str(trained), "--to", str(out))
    assert [path.name for path in out.iterdir()] == ["keep.txt"]


def test_a_compressed_folder_is_not_compressed_again(int8_run, tmp_path, capsys):
    err = fails_cleanly(capsys, "export", str(int8_run), "--to", str(tmp_path / "out"))
    assert "is already compressed (torchao int8-dynamic)" in err


@pytest.mark.parametrize(
    ("architecture", "message"),
    [
        ("GPT2LMHeadModel", "generates text token by token"),
        ("MarianMTModel", "past key values"),
        ("BertForMaskedLM", "not BertForMaskedLM"),
    ],
)
def test_export_refuses_heads_it_cannot_run(trained, tmp_path, capsys, architecture, message):
    run = _fake_architecture(trained, tmp_path, architecture)
    before = snapshot(run)
    err = fails_cleanly(capsys, "export", str(run), "--to", str(tmp_path / "out"))
    assert message in err and not (tmp_path / "out").exists() and snapshot(run) == before


def test_an_export_beyond_the_tolerance_writes_nothing(trained, onnx_run, tmp_path, capsys, monkeypatch):
    import llmkit.export

    monkeypatch.setattr(llmkit.export, "FP32_TOLERANCE", -1.0)  # no graph can pass: the failure path runs

    # The graph is the one exported for the other tests (an export takes seconds); the parity check runs it.
    def copy_graph(model, args, path, **kwargs):
        shutil.copyfile(onnx_run / "model.onnx", path)

    monkeypatch.setattr(llmkit.export.torch.onnx, "export", copy_graph)
    out = tmp_path / "out"
    out.mkdir()  # an empty folder given by the user stays, empty
    before = snapshot(trained)
    err = fails_cleanly(capsys, "export", str(trained), "--to", str(out), "--requests", "2")
    assert "above the tolerance -1" in err and "nothing was written" in err
    assert out.is_dir() and not any(out.iterdir()) and snapshot(trained) == before


def test_help_names_the_methods_and_the_adapter_rule(capsys):
    for command in ("quantize", "export"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert "merged into its base model on the fly" in text
    assert ROOT.joinpath("docs", "compression.md").is_file()
