"""Benchmark: compressing the SST-2 sentiment model for CPU inference, every variant measured in one run.

    nice .venv/bin/python benchmarks/compress_sst2.py [--examples 3200] [--shared ../shared] [--requests 200]
    .venv/bin/python benchmarks/compress_sst2.py --examples 64 --max-steps 2 --requests 5 --eval-examples 64 \
        --variants onnx_fp32 student_distilled        a smoke run of about a minute (all variants: about six)

Teacher: `llmkit train sentiment` in benchmarks/sentiment_sst2.py's setting (the packaged all-MiniLM-L6-v2, a
shuffled 3,200-example subset of SST-2 train with seed 42, 1 epoch, batch 32, lr 5e-5, max length 128, fp32 on this
CPU), scored on the full SST-2 dev set (872). Variants, written by the commands a user runs:

- `fp32`: the teacher as trained (eager torch);
- `torchao_int8_dynamic`, `torchao_int8_weight`: `llmkit quantize --method int8-dynamic|int8-weight`;
- `onnx_fp32`, `onnx_int8`: `llmkit export --format onnx [--quantize int8]`;
- `student_distilled`: a 3-layer student distilled from the teacher (`distill.teacher=TEACHER distill.alpha=0.5
  distill.temperature=2.0 distill.init=teacher model.num_hidden_layers=3`: the teacher's config with 3 layers,
  started from every other teacher layer), trained like the teacher;
- `student_no_teacher`: the same 3-layer MiniLM (`model.num_hidden_layers=3`, the checkpoint's first 3 layers)
  fine-tuned on the labels alone, in the same setting.

Every variant is measured afterwards in this one process, on the same inputs, by `llmkit.measure` through the
compression report's `Bench` (`llmkit.compress`): dev accuracy by the evaluation pass of `llmkit evaluate`, batch-1
latency (median and p90 over `--requests` dev sentences, one at a time), batch-32 throughput, the bytes of the
linear layers' weights, the weight files on disk, and the share of dev sentences on which the variant predicts
the fp32 model's label. The targets the issue names are checked and written next to the figures:
int8 at least 2x lower batch-1 latency than fp32 torch and 3.5x smaller linear weights with at most 1.0 point
lower accuracy; ONNX fp32 at least 1.5x lower batch-1 latency than eager torch with the same prediction on at
least 99.5% of dev sentences; the distilled student at least 1.8x faster than the teacher, at most 2 points below
it, and more accurate than the student trained without it. Threads: torch's default (one per core), and
onnxruntime gets as many.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from operator import ge, gt, le
from pathlib import Path

import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from sentiment_sst2 import llmkit_overrides, sst2_rows, write_tsv  # noqa: E402

from llmkit.compress import Bench, ReportSettings, open_bench, quantize_run  # noqa: E402
from llmkit.config import load_config  # noqa: E402
from llmkit.export import export_run  # noqa: E402
from llmkit.models import load_trained_model  # noqa: E402
from llmkit.registry import get_recipe  # noqa: E402
from llmkit.runner import train  # noqa: E402

STUDENT_LAYERS = 3
VARIANTS = (
    "fp32",
    "torchao_int8_dynamic",
    "torchao_int8_weight",
    "onnx_fp32",
    "onnx_int8",
    "student_distilled",
    "student_no_teacher",
)
# The folders' own compression reports are by-products here (this script measures every variant itself): kept small.
FOLDER_REPORT = ReportSettings(requests=10, max_eval_examples=64)


def train_run(train_file: Path, dev_file: Path, output: Path, extra: list[str], max_steps: int | None) -> Path:
    """`llmkit train sentiment` in the benchmark's setting, plus `extra` overrides; returns the output folder."""
    recipe = get_recipe("sentiment")
    overrides = [*llmkit_overrides(train_file, dev_file, output), *extra]
    if max_steps is not None:
        overrides.append(f"train.max_steps={max_steps}")
    train(recipe, load_config(recipe.config, None, overrides))
    return output


def make_variants(
    names: list[str], train_file: Path, dev_file: Path, work: Path, max_steps: int | None
) -> dict[str, Path]:
    """Train the teacher, then write the variants in `names` (compressed folders, trained students); name -> folder."""
    teacher = train_run(train_file, dev_file, work / "teacher", [], max_steps)
    distill = ["distill.alpha=0.5", "distill.temperature=2.0", "distill.init=teacher"]
    layers = f"model.num_hidden_layers={STUDENT_LAYERS}"
    builders = {
        "fp32": lambda: teacher,
        "torchao_int8_dynamic": lambda: quantize_run(teacher, work / "int8-dynamic", "int8-dynamic", FOLDER_REPORT),
        "torchao_int8_weight": lambda: quantize_run(teacher, work / "int8-weight", "int8-weight", FOLDER_REPORT),
        "onnx_fp32": lambda: export_run(teacher, work / "onnx", settings=FOLDER_REPORT),
        "onnx_int8": lambda: export_run(teacher, work / "onnx-int8", quantize="int8", settings=FOLDER_REPORT),
        "student_distilled": lambda: train_run(
            train_file,
            dev_file,
            work / "student-distilled",
            [f"distill.teacher={teacher}", *distill, layers],
            max_steps,
        ),
        "student_no_teacher": lambda: train_run(train_file, dev_file, work / "student", [layers], max_steps),
    }
    return {name: builders[name]() for name in dict.fromkeys(["fp32", *names])}


def predictions(model: torch.nn.Module, bench: Bench) -> torch.Tensor:
    """The label the model predicts for each dev sentence, in dev order."""
    with torch.no_grad():
        return torch.cat([model(**batch).logits.argmax(-1) for batch in bench.batches()])


def measure_all(variants: dict[str, Path], bench: Bench) -> dict[str, dict]:
    """Every variant's figures (see the module docstring), measured here one after another."""
    results, reference = {}, None
    for name, folder in variants.items():
        model = load_trained_model(folder).eval()
        predicted = predictions(model, bench)
        reference = predicted if reference is None else reference
        entry = bench.measure(folder, model, name)
        entry["accuracy"] = entry.pop("metrics")["accuracy"]
        entry["same_prediction_as_fp32"] = float((predicted == reference).float().mean())
        results[name] = entry
        print(f"{name}: accuracy {entry['accuracy']:.4f}, batch-1 {entry['latency_ms_median']:.2f} ms", flush=True)
    return results


def check_targets(results: dict[str, dict]) -> list[dict]:
    """The issue's targets whose variants were measured, each with the measured value and whether it is met."""
    fp32 = results["fp32"]

    def faster(name: str) -> float:
        return fp32["latency_ms_median"] / results[name]["latency_ms_median"]

    def smaller(name: str) -> float:
        return fp32["linear_weight_bytes"] / results[name]["linear_weight_bytes"]

    def points_lost(name: str) -> float:
        return 100 * (fp32["accuracy"] - results[name]["accuracy"])

    def gain(name: str) -> float:
        return 100 * (results[name]["accuracy"] - results["student_no_teacher"]["accuracy"])

    def same(name: str) -> float:
        return results[name]["same_prediction_as_fp32"]

    # (what, the variant, its measure, how it must compare with the bound, the bound)
    checks = [
        *(
            check
            for name in ("torchao_int8_dynamic", "torchao_int8_weight", "onnx_int8")
            for check in (
                (f"{name}: batch-1 latency >= 2x lower than fp32 torch", name, faster, ge, 2.0),
                (f"{name}: linear weights >= 3.5x smaller", name, smaller, ge, 3.5),
                (f"{name}: <= 1.0 point lower accuracy", name, points_lost, le, 1.0),
            )
        ),
        ("onnx_fp32: batch-1 latency >= 1.5x lower than eager torch", "onnx_fp32", faster, ge, 1.5),
        ("onnx_fp32: same prediction on >= 99.5% of dev sentences", "onnx_fp32", same, ge, 0.995),
        ("student_distilled: >= 1.8x faster than the teacher", "student_distilled", faster, ge, 1.8),
        ("student_distilled: <= 2 points below the teacher", "student_distilled", points_lost, le, 2.0),
    ]
    if "student_no_teacher" in results:
        checks.append(("student_distilled: points above student_no_teacher", "student_distilled", gain, gt, 0.0))
    targets = []
    for what, name, measure, compare, bound in checks:
        if name in results:
            value = measure(name)
            targets.append({"target": what, "value": value, "met": bool(compare(value, bound))})
    return targets


def write_report(out: Path, results: dict[str, dict], targets: list[dict], facts: dict) -> None:
    """Write the JSON summary to `out` and a markdown table beside it (`.md`), and print the table."""
    summary = {**facts, "load_average_after": os.getloadavg()[0], "results": results, "targets": targets}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n")
    header = (
        "| variant | dev accuracy | batch-1 median ms | batch-1 p90 ms | batch-32 examples/s | linear weights MB "
        "| weights on disk MB | same label as fp32 |\n| --- | --- | --- | --- | --- | --- | --- | --- |"
    )
    rows = [
        f"| {name} | {r['accuracy']:.4f} | {r['latency_ms_median']:.2f} | {r['latency_ms_p90']:.2f} | "
        f"{r['throughput_per_s']:.1f} | {r['linear_weight_bytes'] / 1e6:.2f} | {r['size_bytes'] / 1e6:.2f} | "
        f"{r['same_prediction_as_fp32']:.2%} |"
        for name, r in results.items()
    ]
    checks = [f"| {t['target']} | {t['value']:.3f} | {'yes' if t['met'] else 'no'} |" for t in targets]
    table = "\n".join([header, *rows, "", "| target | measured | met |", "| --- | --- | --- |", *checks])
    out.with_suffix(".md").write_text(table + "\n")
    print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=3200, help="training examples (a seeded subset)")
    parser.add_argument("--max-steps", type=int, help="stop every training run after this many steps (smoke runs)")
    parser.add_argument("--requests", type=int, default=200, help="batch-1 requests timed per variant")
    parser.add_argument("--eval-examples", type=int, help="score on the first N dev sentences (default: all 872)")
    parser.add_argument(
        "--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS), help="what to build and measure besides fp32"
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "compress_sst2.json")
    args = parser.parse_args()
    train_rows, dev_rows = sst2_rows(args.shared, args.examples)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        train_file, dev_file = write_tsv(work / "train.tsv", train_rows), write_tsv(work / "dev.tsv", dev_rows)
        variants = make_variants(args.variants, train_file, dev_file, work, args.max_steps)
        settings = ReportSettings(requests=args.requests, max_eval_examples=args.eval_examples)
        (work / "bench").mkdir()
        bench = open_bench(variants["fp32"], get_recipe("sentiment"), settings, work / "bench")
        results = measure_all(variants, bench)
    facts = {
        "examples": args.examples,
        "max_steps": args.max_steps,
        "dev_sentences": bench.eval_rows,
        "requests": args.requests,
        "threads": torch.get_num_threads(),
        "load_average_before": load_before,
    }
    write_report(args.out, results, check_targets(results), facts)


if __name__ == "__main__":
    main()
