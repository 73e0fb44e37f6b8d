"""`llmkit demo`: try finished runs in a web page (Gradio), and show them to a colleague without writing code.

    llmkit demo runs/sentiment                        one run, at http://127.0.0.1:7860
    llmkit demo runs/sentiment runs/sentiment-lora    runs of one recipe: side by side, one input for both
    llmkit demo runs/qa runs/clm --port 8000          runs of different recipes: a tab each
    llmkit demo runs/sentiment --host 0.0.0.0         reachable from other machines (default: this one only)
    llmkit demo runs/sentiment --share                also a public gradio.live link (never without --share)

The page is built from each run's recipe declaration (`llmkit.recipe.Recipe`): a text box per input field, a
control per predict option (showing the run's own setting), the model card's examples one click away, and an
output view chosen by the recipe's pipeline tag, as the Hub picks a card's widget: label probabilities as bars
(classification; the score for regression, the labels above the threshold for multi-label), the answer highlighted
in its context with the n-best list (question answering), text streamed a token at a time (generation), the
translation, the top fillings of each mask (fill-mask), entities highlighted by type (token classification).
Every request goes through the recipe's own `predict` (or `predict_stream`), so the page shows what
`llmkit predict` prints. Each model loads once, when the page starts; requests wait in one queue.
"""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmkit.errors import UserError
from llmkit.models import TrainedRun
from llmkit.predict import Verb, format_result, open_for_prediction
from llmkit.recipe import PredictOption, Recipe
from llmkit.rundir import METRICS_FILE, PLOT_FILE, reading

DEMO = Verb("demo")
DEFAULT_PORT = 7860


@dataclass
class DemoRun:
    """A finished run as the page serves it: its declaration, its loaded model and its predict settings."""

    name: str
    recipe: Recipe
    trained: TrainedRun

    def results(self, record: dict[str, str], options: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The result for `record`, as it grows when the recipe streams (the last one is `predict`'s)."""
        settings = {"batch_size": 1, **options}
        if self.recipe.predict_stream is not None:
            yield from self.recipe.predict_stream(self.trained, record, settings)
        else:
            yield self.recipe.predict(self.trained, [record], settings)[0]

    def setting(self, option: PredictOption) -> Any:
        """What `option` is when not given (its default, or the run's setting)."""
        return option.value_for(self.trained.config)


def open_runs(folders: Sequence[str | Path]) -> list[DemoRun]:
    """Open each finished run and load its model once (by answering the first card example, which also shows
    that the run works before the page starts).

    Raises:
        UserError: When a folder is not a finished run, its recipe is unknown or cannot predict, or the page has
            no view for the recipe's task.
    """
    runs, names = [], set()
    for folder in map(Path, folders):
        recipe, trained = open_for_prediction(folder, DEMO)
        if recipe.card.pipeline_tag not in VIEWS:
            raise UserError(f"demo: the '{recipe.name}' recipe ({folder}) has no demo view for its task.")
        name = _unique(re.sub(r"\W+", "_", folder.name).strip("_") or "run", names)
        run = DemoRun(name, recipe, trained)
        with reading(folder, DEMO.name):
            list(run.results(_warm_up_record(recipe), {o.name: run.setting(o) for o in recipe.predict_options}))
        runs.append(run)
    return runs


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}_{number}", number + 1
    taken.add(candidate)
    return candidate


def _warm_up_record(recipe: Recipe) -> dict[str, str]:
    if recipe.card.examples:
        return dict(recipe.card.examples[0])
    return dict.fromkeys(recipe.predict_fields, "Hello.")


def check_port(host: str, port: int) -> None:
    """Refuse a port that another program holds, before loading anything else."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # As the server will: a port left in TIME_WAIT by an earlier page is free; one that is listening is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UserError(
                f"demo: cannot listen on {host}:{port} ({error.strerror or error}). Fix: pass a free --port, "
                "or stop the program that holds it."
            ) from None


# --------------------------------------------------------------------------------------------------------------
# Views: how each task's result shows. `outputs` makes the components; `show` turns a result into their values.


@dataclass(frozen=True)
class View:
    """The output side of one task in the page."""

    outputs: Callable[[Any], list[Any]]
    show: Callable[[dict[str, Any], dict[str, str]], list[Any]]


def _label_outputs(gr: Any) -> list[Any]:
    return [gr.Label(label="prediction", num_top_classes=10), gr.Textbox(label="result", lines=1)]


def _show_labels(result: dict[str, Any], record: dict[str, str]) -> list[Any]:
    """Every label's probability as a bar (multi-label: the result line lists those above the threshold);
    regression: the score."""
    return [result.get("scores", result.get("score")), format_result(result)]


def _answer_outputs(gr: Any) -> list[Any]:
    return [
        gr.HighlightedText(label="answer in its context", color_map={"answer": "green"}),
        gr.Textbox(label="result", lines=1),
        gr.Dataframe(label="n-best answers", headers=["answer", "score", "start", "end"], interactive=False),
    ]


def _show_answer(result: dict[str, Any], record: dict[str, str]) -> list[Any]:
    context = record["context"]
    best = [[span["answer"], round(span["score"], 4), span["start"], span["end"]] for span in result["n_best"]]
    if not result["answer"]:
        message = f"No answer in this context (no-answer probability {result['score']:.3f})."
        return [{"text": context, "entities": []}, message, best]
    entity = {"entity": "answer", "start": result["start"], "end": result["end"]}
    return [{"text": context, "entities": [entity]}, format_result(result), best]


def _text_outputs(gr: Any) -> list[Any]:
    return [gr.Textbox(label="output", lines=6)]


def _show_generated(result: dict[str, Any], record: dict[str, str]) -> list[Any]:
    return [result["prompt"] + result["generated"]]


def _show_translation(result: dict[str, Any], record: dict[str, str]) -> list[Any]:
    return [result["translation"]]


def _filling_outputs(gr: Any) -> list[Any]:
    return [
        gr.Textbox(label="filled", lines=2),
        gr.Dataframe(label="top fillings", headers=["mask", "token", "probability"], interactive=False),
    ]


def _show_fillings(result: dict[str, Any], record: dict[str, str]) -> list[Any]:
    rows = [
        [number, filling["token"], round(filling["score"], 4)]
        for number, fillings in enumerate(result["fillings"], start=1)
        for filling in fillings
    ]
    return [result["filled"], rows]


def _entity_outputs(gr: Any) -> list[Any]:
    return [gr.HighlightedText(label="entities"), gr.Textbox(label="result", lines=1)]


def _show_entities(result: dict[str, Any], record: dict[str, str]) -> list[Any]:
    entities = [{"entity": e["type"], "start": e["start"], "end": e["end"]} for e in result["entities"]]
    return [{"text": record["text"], "entities": entities}, result["summary"]]


VIEWS = {
    "text-classification": View(_label_outputs, _show_labels),
    "question-answering": View(_answer_outputs, _show_answer),
    "text-generation": View(_text_outputs, _show_generated),
    "translation": View(_text_outputs, _show_translation),
    "fill-mask": View(_filling_outputs, _show_fillings),
    "token-classification": View(_entity_outputs, _show_entities),
}


# --------------------------------------------------------------------------------------------------------------
# The page


def build_page(runs: Sequence[DemoRun]) -> Any:
    """The Gradio page: side by side when every run has the same recipe and inputs, else a tab per run."""
    import gradio as gr

    with gr.Blocks(title="llmkit demo") as page:
        gr.Markdown("# llmkit demo")
        same = len({(run.recipe.name, run.recipe.predict_fields) for run in runs}) == 1
        if len(runs) > 1 and same:
            _panel(gr, list(runs), "compare")
        else:
            with gr.Tabs():
                for run in runs:
                    with gr.Tab(run.name):
                        _panel(gr, [run], run.name)
    return page


def _panel(gr: Any, runs: list[DemoRun], api_name: str) -> None:
    """The inputs (with the card's examples), then each run's outputs, side by side, and below them what each
    model is; one button answers with every run. The options show the first run's settings."""
    first, view = runs[0], VIEWS[runs[0].recipe.card.pipeline_tag]
    names = first.recipe.predict_fields
    outputs = []
    with gr.Row():
        with gr.Column():
            fields = [gr.Textbox(label=name, lines=3 if name == "context" else 1) for name in names]
            controls = [_control(gr, option, first.setting(option)) for option in first.recipe.predict_options]
            button = gr.Button("Run", variant="primary")
            examples = [[example.get(name, "") for name in names] for example in first.recipe.card.examples]
            if examples:
                gr.Examples(examples, fields, label="examples from the model card")
        for run in runs:
            with gr.Column():
                if len(runs) > 1:
                    gr.Markdown(f"**{run.name}**")
                outputs.extend(view.outputs(gr))
    with gr.Row():
        for run in runs:
            with gr.Column():
                gr.Markdown(run_facts(run))
                plot = run.trained.folder / PLOT_FILE
                if plot.is_file():
                    gr.Image(str(plot), label="training curves", interactive=False)
    respond = _responder(gr, runs, view, len(outputs) // len(runs))
    button.click(respond, [*fields, *controls], outputs, api_name=api_name)
    for box in fields[-1:]:
        box.submit(respond, [*fields, *controls], outputs, api_name=False)


def _control(gr: Any, option: PredictOption, value: Any) -> Any:
    if option.type is int:
        return gr.Number(value=value, label=option.name, info=option.help, precision=0)
    if option.type is float:
        return gr.Number(value=value, label=option.name, info=option.help)
    return gr.Textbox(value=value, label=option.name, info=option.help)


def _responder(gr: Any, runs: list[DemoRun], view: View, width: int) -> Callable[..., Iterator[list[Any]]]:
    """The page's handler: check the inputs, then yield every run's outputs (`width` each) as their results come
    (and grow).

    Bad input (an empty field, an option out of range) shows as a message in the page; the server goes on.
    """
    recipe = runs[0].recipe
    names = recipe.predict_fields

    def respond(*values: Any) -> Iterator[list[Any]]:
        record = dict(zip(names, values[: len(names)], strict=True))
        blank = [name for name in names if not str(record[name] or "").strip()]
        if blank:
            raise gr.Error(f"Type a {blank[0]} first.")
        given = zip(recipe.predict_options, values[len(names) :], strict=True)
        options = {option.name: _option_value(option, value) for option, value in given}
        shown: list[list[Any]] = [[None] * width for _ in runs]
        try:
            for index, run in enumerate(runs):
                for result in run.results(record, options):
                    shown[index] = view.show(result, record)
                    values = [value for values in shown for value in values]
                    yield values if len(values) > 1 else values[0]  # gradio takes a lone output's value bare
        except UserError as error:
            raise gr.Error(" ".join(str(error).split())) from None

    return respond


def _option_value(option: PredictOption, value: Any) -> Any:
    if value is None or value == "":
        return None  # the run's own setting
    return option.type(value)


def run_facts(run: DemoRun) -> str:
    """What the model is, in Markdown: recipe, base checkpoint, training data and the validation metrics."""
    config = run.trained.config
    data = getattr(config, "data", None)
    trained_on = getattr(data, "train", None)
    validation = getattr(data, "validation", None)
    lines = [
        f"### {run.name}",
        f"`{run.trained.folder}` · recipe **{run.recipe.name}** · base `{config.model.name}` ({config.model.init})",
    ]
    if trained_on:
        lines.append(f"trained on `{trained_on}`" + (f", validated on `{validation}`" if validation else ""))
    metrics = {k: v for k, v in _validation_metrics(run.trained.folder).items() if isinstance(v, int | float)}
    if metrics:
        lines += ["", "validation metrics:", "", f"| {' | '.join(metrics)} |", f"|{' --- |' * len(metrics)}"]
        lines.append(f"| {' | '.join(f'{value:.4f}' for value in metrics.values())} |")
    return "\n".join(lines)


def _validation_metrics(folder: Path) -> dict[str, Any]:
    try:
        return json.loads((folder / METRICS_FILE).read_text(encoding="utf-8")).get("eval") or {}
    except (OSError, ValueError):
        return {}


def serve(
    folders: Sequence[str | Path],
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    share: bool = False,
    block: bool = True,
) -> Any:
    """Start the page for `folders` on `host:port` and return it (`block`: serve until interrupted).

    Raises:
        UserError: For a folder that is not a finished run (see `open_runs`) or a port in use.
    """
    check_port(host, port)
    # Gradio's usage statistics would reach out to the internet; llmkit works offline and sends nothing.
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    page = build_page(open_runs(folders))
    page.queue(default_concurrency_limit=1)  # one request at a time per model; the others wait their turn
    page.launch(server_name=host, server_port=port, share=share, prevent_thread_lock=True, quiet=True, inbrowser=False)
    print(f"llmkit demo: serving {', '.join(map(str, folders))} at {page.local_url}", flush=True)
    if page.share_url:
        print(f"public link (anyone with it can use the models): {page.share_url}", flush=True)
    if block:
        try:
            page.block_thread()
        finally:
            page.close()
    return page
