"""`llmkit export`: an ONNX copy of a finished run for onnxruntime, checked against the torch model it came from.

    llmkit export runs/sentiment --to runs/sentiment-onnx --format onnx
    llmkit export runs/sentiment --to runs/sentiment-onnx-int8 --format onnx --quantize int8
    llmkit export runs/qa --to runs/qa-onnx --format onnx --requests 20 --max-eval-examples 200
    llmkit predict runs/sentiment-onnx --text "A wonderful, warm film."      onnxruntime behind the usual verbs

The model is traced by `torch.onnx.export(..., dynamo=True)` with the batch and sequence dimensions dynamic, as a
function of the tokenizer's inputs (`input_ids`, `attention_mask`, and `token_type_ids` where the tokenizer makes
them) returning the head's outputs: `logits` (sequence and token classification: the classification, sentiment and
ner recipes) or `start_logits` and `end_logits` (qa). GPT-2 classifiers are traced with `use_cache=False`.
`--quantize int8` then runs onnxruntime's `quantize_dynamic` (int8 weights, activations quantized at run time).

The export checks itself: the graph runs under onnxruntime on every validation row of the run (or on fixed texts
when it has none) and its outputs are compared with the torch model's, at real (unpadded) positions. The largest
absolute difference, the tolerance and how often both pick the same answer go to `onnx_parity.json`; above the
tolerance (`--tolerance`; by default 1e-3 for fp32 and 1.0 for int8, whose fp32 graph must first pass 1e-3) the
command fails and writes nothing. Text generation (clm, translation) is refused: its loop feeds the attention
cache (past key values) back into the model at every token, which this export does not trace; mlm heads are
refused too. The folder, its report and its card are those of `llmkit.compress`.
"""

from __future__ import annotations

import inspect
import json
import warnings
from pathlib import Path
from typing import Any

import torch

from llmkit.compress import Bench, ReportSettings, check_source, compress
from llmkit.errors import UserError
from llmkit.models import load_trained_model
from llmkit.onnx_model import HEAD_OUTPUTS, MODEL_INPUTS, OnnxModel, head_of, open_graph
from llmkit.rundir import ONNX_FILE, PARITY_FILE

FORMATS = ("onnx",)
QUANTIZATIONS = ("int8",)
FP32_TOLERANCE = 1e-3  # float32 graph vs. torch: rounding differences only
INT8_TOLERANCE = 1.0  # int8 graph vs. float32 torch: quantization error; a broken graph is off by far more
GENERATORS = ("ForCausalLM", "LMHeadModel", "ForConditionalGeneration", "EncoderDecoderModel", "MTModel")


def export_run(
    source: str | Path,
    target: str | Path,
    format: str = "onnx",
    quantize: str | None = None,
    tolerance: float | None = None,
    settings: ReportSettings | None = None,
) -> Path:
    """Export the finished run in `source` to an ONNX folder `target`, with its parity check and report.

    Raises:
        UserError: For an unknown format or quantization, a folder that is not a finished run, a model head that
            cannot be exported, a `target` that holds files, or outputs beyond the tolerance.
    """
    if format not in FORMATS:
        raise UserError(f"export: unknown --format {format!r}. Formats: {', '.join(FORMATS)}.")
    if quantize is not None and quantize not in QUANTIZATIONS:
        raise UserError(f"export: unknown --quantize {quantize!r}. Choices: {', '.join(QUANTIZATIONS)}.")
    check_source(Path(source), "export")
    check_exportable(Path(source))
    limit = tolerance if tolerance is not None else INT8_TOLERANCE if quantize else FP32_TOLERANCE

    def write(plain: Path, out: Path, bench: Bench) -> tuple[OnnxModel, dict[str, Any]]:
        model = load_trained_model(plain).eval()
        head = head_of(type(model).__name__)
        model.config.save_pretrained(out)
        graph = out / ("model.fp32.onnx" if quantize else ONNX_FILE)
        export_onnx(model, bench, graph, HEAD_OUTPUTS[head])
        parity = {"fp32": check_parity(model, open_graph(graph, model.config, head), bench, min(limit, FP32_TOLERANCE))}
        if quantize:
            quantize_onnx(graph, out / ONNX_FILE)
            graph.unlink()
            parity["int8"] = check_parity(model, open_graph(out / ONNX_FILE, model.config, head), bench, limit)
        (out / PARITY_FILE).write_text(json.dumps(parity, indent=2) + "\n", encoding="utf-8")
        description = "onnxruntime, int8 weights (dynamic quantization)" if quantize else "onnxruntime, float32"
        details = {"format": "onnx", "method": quantize or "fp32", "description": description, "parity": parity}
        return open_graph(out / ONNX_FILE, model.config, head), details

    return compress(source, target, "export", write, settings or ReportSettings())


def check_exportable(source: Path) -> None:
    """Refuse, with the reason, a model whose head `llmkit.onnx_model` cannot run (see the module docstring)."""
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(source, trust_remote_code=False)
    architecture = (config.architectures or ["unknown"])[0]
    if head_of(architecture) is not None:
        return
    if architecture.endswith(GENERATORS) or config.is_encoder_decoder:
        raise UserError(
            f"export: {architecture} generates text token by token, feeding its attention cache (past key values) "
            "back in at every step; llmkit's ONNX export traces one forward pass without that cache, so it cannot "
            "run the generation loop. Fix: serve the torch model (`llmkit predict`), or use `llmkit quantize`."
        )
    raise UserError(
        f"export: llmkit exports sequence-classification, token-classification and question-answering heads "
        f"(the classification, sentiment, ner and qa recipes), not {architecture}. Fix: serve the torch model "
        "(`llmkit predict`), or use `llmkit quantize`."
    )


class _Graph(torch.nn.Module):
    """The model as a function of its input tensors that returns the head's output tensors: what ONNX holds."""

    def __init__(self, model: torch.nn.Module, outputs: tuple[str, ...]) -> None:
        super().__init__()
        self.model, self.outputs = model, outputs

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, ...]:
        given = {"attention_mask": attention_mask, "token_type_ids": token_type_ids}
        result = self.model(input_ids=input_ids, **{name: value for name, value in given.items() if value is not None})
        return tuple(getattr(result, name) for name in self.outputs)


def export_onnx(model: torch.nn.Module, bench: Bench, path: Path, outputs: tuple[str, ...]) -> None:
    """Trace `model` on two of the bench's rows into `path`, batch and sequence length dynamic."""
    takes = inspect.signature(model.forward).parameters
    names = [name for name in MODEL_INPUTS if name in bench.tokenizer.model_input_names and name in takes]
    # Two rows: the tracer specialises a dimension of size 1, which would fix the batch size.
    sample = bench.collate((bench.rows * 2)[:2])
    model.config.use_cache = False  # GPT-2: no past key values among the outputs
    config = model.config
    # The position table bounds the sequence; the tracer needs that bound to keep the dimension free.
    positions = getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", None)
    batch, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence", max=positions or None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's notes on its own deprecations are not the user's
        torch.onnx.export(
            _Graph(model, outputs),
            (),
            str(path),
            kwargs={name: sample[name] for name in names},
            dynamo=True,
            dynamic_shapes={name: {0: batch, 1: sequence} for name in names},
            input_names=names,
            output_names=list(outputs),
            external_data=False,
            verbose=False,
        )
    _strip_trace_notes(path)


def _strip_trace_notes(path: Path) -> None:
    """Drop the exporter's per-node notes (the torch call stack of each node): debugging aids that can double the
    file of a small model and that onnxruntime never reads."""
    import onnx

    graph = onnx.load(str(path))
    for node in graph.graph.node:
        del node.metadata_props[:]
    onnx.save(graph, str(path))


def quantize_onnx(fp32: Path, int8: Path) -> None:
    """onnxruntime's dynamic quantization: int8 weights, activations quantized per call."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    prepared = fp32.with_name(f"prepared.{fp32.name}")
    # Shape inference and graph clean-up, as onnxruntime recommends; its symbolic pass cannot follow dynamo graphs.
    quant_pre_process(str(fp32), str(prepared), skip_symbolic_shape=True)
    quantize_dynamic(str(prepared), str(int8), weight_type=QuantType.QInt8)
    prepared.unlink()


def check_parity(model: torch.nn.Module, graph: OnnxModel, bench: Bench, tolerance: float) -> dict[str, Any]:
    """Compare `graph` with `model` on every bench row; raise a `UserError` beyond `tolerance` (module docstring)."""
    worst, same, decisions = 0.0, 0, 0
    for batch in bench.batches():
        with torch.no_grad():
            expected, got = model(**batch), graph(**batch)
        mask = batch.get("attention_mask", torch.ones_like(batch["input_ids"])).bool()
        for name in graph.output_names:
            wanted, found = getattr(expected, name).float(), getattr(got, name).float()
            difference = (wanted - found).abs()
            if graph.head != "ForSequenceClassification":
                difference = difference[mask]  # padding positions are nobody's answer
            worst = max(worst, float(difference.max()))
            agree = _decisions(wanted, mask, graph.head) == _decisions(found, mask, graph.head)
            same, decisions = same + int(agree.sum()), decisions + agree.numel()
    inputs = "validation data" if bench.task is not None else "fixed texts"
    if not worst <= tolerance:
        raise UserError(
            f"export: the ONNX graph's outputs differ from the torch model's by up to {worst:.3g} on the {inputs} "
            f"({len(bench.rows)} rows), above the tolerance {tolerance:g}; nothing was written. Fix: report it as a "
            "bug with the model's architecture, or accept the difference with --tolerance."
        )
    regression = graph.head == "ForSequenceClassification" and graph.config.num_labels == 1
    return {
        "max_abs_diff": worst,
        "tolerance": tolerance,
        "rows": len(bench.rows),
        "inputs": inputs,
        "same_prediction": None if regression else same / decisions,
    }


def _decisions(values: torch.Tensor, mask: torch.Tensor, head: str) -> torch.Tensor:
    """What a prediction reads from the outputs: the class of each row (or of each real token), or the position
    of a span's start or end."""
    if head == "ForSequenceClassification":
        return values.argmax(-1)
    if head == "ForTokenClassification":
        return values.argmax(-1)[mask]
    return values.masked_fill(~mask, float("-inf")).argmax(-1)
