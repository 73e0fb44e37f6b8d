"""The `llmkit` command line.

    llmkit recipes                                     list the recipes
    llmkit train RECIPE [--config FILE] [key=value]    train a recipe (also under `accelerate launch -m llmkit`)
    llmkit push OUTPUT_DIR --repo-id NAME/MODEL        share a finished run on a model hub, with a model card
    llmkit predict OUTPUT_DIR [--FIELD TEXT] [--file F] [--json]   run a finished run's model on new inputs
    llmkit translate OUT (--text TEXT | --file FILE)    translate with a model trained by the translation recipe
    llmkit generate OUTPUT_DIR --prompt TEXT [...]     sample text from a trained causal language model
    llmkit merge OUT --to MERGED                       fold a LoRA/IA3 adapter into a plain model folder
    llmkit quantize OUT --to INT8 [--method int8-dynamic|int8-weight]   int8 copy for CPU inference, with a report
    llmkit export OUT --to ONNX --format onnx [--quantize int8]         ONNX copy for onnxruntime, parity-checked
    llmkit evaluate RUN [RUN ...] --data FILE_OR_HUB_ID [--json] [key=value]   score runs with their metrics
    llmkit demo RUN [RUN ...] [--port 7860] [--host 127.0.0.1] [--share]   try runs in a web page

Bad input ends with one line on stderr and exit status 2; `--debug` (anywhere) shows the traceback instead.
A run stopped by SIGTERM/SIGINT checkpoints and exits with status 75 (`llmkit.guard.EXIT_PREEMPTED`).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import warnings
from collections.abc import Iterator, Sequence

from llmkit.errors import EXIT_USER_ERROR, UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="llmkit", description="Fine-tune and pretrain GPT-2 and BERT models.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("recipes", help="list the recipes")

    train = commands.add_parser("train", help="train a recipe", description="Train a recipe.")
    train.add_argument("recipe", help="recipe name (see `llmkit recipes`)")
    train.add_argument("--config", help="YAML config file (e.g. recipes/configs/sentiment/default.yaml)")
    train.add_argument("--print-config", action="store_true", help="print the resolved config as YAML; train nothing")
    train.add_argument("overrides", nargs="*", metavar="key=value", help="config overrides, e.g. train.lr=3e-5")

    push = commands.add_parser(
        "push",
        help="upload a finished run to a model hub",
        description="Upload a finished run (model, tokenizer, model card, metrics, logs, plot, resolved config; never "
        "optimizer/RNG state, checkpoints or secrets) to the Hugging Face Hub or the server at HF_ENDPOINT. The "
        "token comes from HF_TOKEN or `hf auth login`.",
    )
    push.add_argument("output_dir", help="the run's output folder")
    push.add_argument("--repo-id", required=True, help="NAME/MODEL; created when missing")
    push.add_argument(
        "--private", action="store_true", help="create the repository private (an existing one keeps its visibility)"
    )
    push.add_argument("--revision", help="branch to push to (created when missing; default main)")
    push.add_argument("--commit-message", help="the commit's title")

    predict = commands.add_parser(
        "predict",
        help="run a finished run's model on new inputs",
        description="Run the model of a finished run. `llmkit predict OUTPUT_DIR --help` lists its recipe's inputs.",
    )
    predict.add_argument("output_dir", help="the run's output folder")
    predict.add_argument("options", nargs=argparse.REMAINDER, help="--FIELD TEXT, --file FILE, --json, ...")
    for name, about in (
        ("translate", "translate text with a trained translation model (`predict` for translation runs)"),
        ("generate", "sample text from a trained causal LM (`predict` for clm runs)"),
    ):
        verb = commands.add_parser(
            name,
            help=about,
            description=f"{about[0].upper()}{about[1:]}. `llmkit {name} OUTPUT_DIR --help` lists the options.",
        )
        verb.add_argument("output_dir", help="the run's output folder")
        verb.add_argument("options", nargs=argparse.REMAINDER, help="--text/--prompt TEXT, --file FILE, ...")

    _add_evaluate(commands)
    _add_demo(commands)

    merge = commands.add_parser(
        "merge", help="fold an adapter into a plain model", description="Merge a run's adapter into its base model."
    )
    merge.add_argument("output_dir", help="output folder of a run trained with peft.method=lora or ia3")
    merge.add_argument("--to", required=True, help="new folder for the merged model (loads without peft)")
    _add_compress(commands)
    return parser


def _add_compress(commands: argparse._SubParsersAction) -> None:
    """`quantize` and `export`: each writes a compressed copy of a run, with a report (`llmkit.compress`)."""
    about = (
        "An adapter run is merged into its base model on the fly. The new folder is a finished run of the same "
        "recipe (predict, evaluate, push take it); its compression.json and model card compare size, latency, "
        "throughput and validation metrics with the original, measured in one process on the CPU."
    )
    quantize = commands.add_parser(
        "quantize",
        help="int8-quantize a finished run for CPU inference (torchao)",
        description=f"Quantize a finished run's linear layers to int8 with torchao. {about}",
    )
    quantize.add_argument(
        "--method",
        default="int8-dynamic",
        help="int8-dynamic (int8 weights, activations quantized per token) or int8-weight (int8 weights only)",
    )
    export = commands.add_parser(
        "export",
        help="export a finished run to ONNX for onnxruntime",
        description="Export a finished classification, sentiment, ner or qa run to ONNX (torch.onnx dynamo "
        "exporter), checked against the torch model on the run's validation data; fails above --tolerance. "
        f"Text generation (clm, translation) and mlm are refused. {about}",
    )
    export.add_argument("--format", default="onnx", help="the export format: onnx (default)")
    export.add_argument("--quantize", help="int8: onnxruntime dynamic quantization of the weights")
    export.add_argument(
        "--tolerance", type=float, help="largest allowed output difference from torch (default 1e-3; int8: 1.0)"
    )
    for command in (quantize, export):
        command.add_argument("output_dir", help="a finished run's output folder (plain, adapter or merged)")
        command.add_argument("--to", required=True, help="new (or empty) folder for the compressed run")
        command.add_argument("--requests", type=int, default=100, help="batch-1 requests timed for the latency")
        command.add_argument(
            "--max-eval-examples", type=int, help="score on the first N validation rows (default: all)"
        )


def cmd_quantize(args: argparse.Namespace) -> None:
    from llmkit.compress import ReportSettings, quantize_run

    settings = ReportSettings(requests=args.requests, max_eval_examples=args.max_eval_examples)
    print(f"quantized model written to {quantize_run(args.output_dir, args.to, args.method, settings)}")


def cmd_export(args: argparse.Namespace) -> None:
    from llmkit.compress import ReportSettings
    from llmkit.export import export_run

    settings = ReportSettings(requests=args.requests, max_eval_examples=args.max_eval_examples)
    folder = export_run(args.output_dir, args.to, args.format, args.quantize, args.tolerance, settings)
    print(f"exported model written to {folder}")


def _add_evaluate(commands: argparse._SubParsersAction) -> None:
    evaluate = commands.add_parser(
        "evaluate",
        help="score finished runs on labelled data with their recipe's metrics",
        description="Score finished runs on labelled data (any format their recipe trains on) with the recipe's "
        "own metrics; writes RUN/eval/NAME.json. key=value settings change how the data is read (columns, "
        "data.max_length, generation settings).",
    )
    evaluate.add_argument("runs", nargs="+", metavar="RUN|key=value", help="run output folders, and settings")
    evaluate.add_argument("--data", required=True, help="a data file or hub dataset id, read as the recipe trains")
    evaluate.add_argument("--split", help="the hub dataset's split (default: the run's data.validation_split)")
    evaluate.add_argument("--name", help="names the result RUN/eval/NAME.json (default: from --data and --split)")
    evaluate.add_argument("--batch-size", type=int, help="examples per forward pass (default: train.eval_batch_size)")
    evaluate.add_argument("--json", action="store_true", help="print one JSON record per run instead of a table")
    evaluate.add_argument("--update-card", action="store_true", help="add the result to each run's model card")


def _add_demo(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser(
        "demo",
        help="try finished runs in a web page",
        description="Serve a web page (Gradio) to try finished runs: a tab per run, or side by side for runs of "
        "one recipe. It listens on 127.0.0.1 (this machine only) unless --host says otherwise, and makes a public "
        "link only with --share.",
    )
    demo.add_argument("runs", nargs="+", metavar="RUN", help="run output folders (plain, adapter or merged)")
    demo.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)")
    demo.add_argument("--port", type=int, default=7860, help="port to listen on")
    demo.add_argument("--share", action="store_true", help="also open a public gradio.live link to the page")


def cmd_demo(args: argparse.Namespace) -> None:
    from llmkit.demo import serve

    if not 0 < args.port < 65536:
        raise UserError(f"demo: --port must be between 1 and 65535, got {args.port}")
    serve(args.runs, host=args.host, port=args.port, share=args.share)


def cmd_recipes(args: argparse.Namespace) -> None:
    from llmkit.registry import RECIPES, get_recipe

    width = max(len(name) for name in RECIPES)
    for name in sorted(RECIPES):
        print(f"{name:<{width}}  {get_recipe(name).description}")


def cmd_train(args: argparse.Namespace) -> None:
    from llmkit.config import load_config
    from llmkit.registry import aliases, get_recipe
    from llmkit.runner import train

    recipe = get_recipe(args.recipe)
    config = load_config(recipe.config, args.config, args.overrides, recipe=recipe.name, also=aliases(recipe.name))
    # Said after the checks pass (bad input gets its one line alone), as a comment YAML skips.
    note = defaults_note(recipe.name) if args.config is None else None
    if args.print_config:
        import yaml

        from llmkit.config import to_dict

        print(yaml.safe_dump({"recipe": recipe.name, **to_dict(config)}, sort_keys=False), end="")
        if note:
            print(f"# {note}")
        return
    metrics = train(recipe, config)
    if args.ignore_late_signals:
        # The run is complete: a stop signal now (a scheduler's time limit) must not turn it into a failure that
        # gets requeued; the process prints its results and exits 0.
        for stop in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop, signal.SIG_IGN)
    if _is_main_process():
        results = ", ".join(f"{k}={v:.4f}" for k, v in metrics["eval"].items())
        print(f"validation: {results}" if results else "done (no validation set)")
        print(f"model and results written to {config.output_dir}")
        if note:
            print(f"# {note}")


def defaults_note(name: str) -> str | None:
    """What a run without --config should know: which file holds the recipe's documented run (None: it has none)."""
    from llmkit.registry import shipped_config

    shipped = shipped_config(name)
    return shipped and f"built-in defaults: the documented offline run (`make finetune`) is --config {shipped}"


def print_recipe_help(name: str) -> None:
    """`llmkit train RECIPE --help`: the recipe's config keys by section, with type, default and description."""
    from llmkit.config import describe_keys
    from llmkit.registry import get_recipe

    recipe = get_recipe(name)
    print(f"usage: llmkit train {name} [--config FILE] [--print-config] [key=value ...]\n\n{recipe.description}.")
    print(
        f"Metrics: {', '.join(recipe.metric_names)} (best checkpoint by {recipe.default_metric} unless "
        "train.metric_for_best says otherwise)."
    )
    if note := defaults_note(name):
        print(f"These are the {note}.")
    section = None
    for key in describe_keys(recipe.config):
        here = key.key.rpartition(".")[0] or "top level"
        if here != section:
            section = here
            print(f"\n{section}:")
        print(f"  {key.key}={key.default!r}  ({key.type})")
        if key.doc:
            print(f"      {key.doc}")


def cmd_push(args: argparse.Namespace) -> None:
    from llmkit.hub import push

    url = push(
        args.output_dir,
        args.repo_id,
        private=args.private,
        revision=args.revision,
        commit_message=args.commit_message,
    )
    print(f"pushed {args.output_dir} to {url}")


def cmd_predict(args: argparse.Namespace) -> None:
    from llmkit.predict import run

    run(args.output_dir, args.options)


def cmd_translate(args: argparse.Namespace) -> None:
    from llmkit.predict import TRANSLATE, run

    run(args.output_dir, args.options, verb=TRANSLATE)


def cmd_generate(args: argparse.Namespace) -> None:
    from llmkit.predict import GENERATE, run

    run(args.output_dir, args.options, verb=GENERATE)


def cmd_evaluate(args: argparse.Namespace) -> None:
    import json

    from llmkit.scoring import evaluate_runs, format_table

    folders = [item for item in args.runs if "=" not in item]
    if args.batch_size is not None and args.batch_size < 1:
        raise UserError(f"evaluate: --batch-size must be at least 1, got {args.batch_size}")
    records = evaluate_runs(
        folders,
        args.data,
        split=args.split,
        name=args.name,
        overrides=[item for item in args.runs if "=" in item],
        batch_size=args.batch_size,
        update_card=args.update_card,
    )
    if _is_main_process():
        print("\n".join(json.dumps(record) for record in records) if args.json else format_table(records))


def cmd_merge(args: argparse.Namespace) -> None:
    from llmkit.models import merge_adapter

    print(f"merged model written to {merge_adapter(args.output_dir, args.to)}")


COMMANDS = {
    "recipes": cmd_recipes,
    "train": cmd_train,
    "push": cmd_push,
    "predict": cmd_predict,
    "translate": cmd_translate,
    "generate": cmd_generate,
    "evaluate": cmd_evaluate,
    "demo": cmd_demo,
    "merge": cmd_merge,
    "quantize": cmd_quantize,
    "export": cmd_export,
}


def _is_main_process() -> bool:
    return int(os.environ.get("RANK", "0")) == 0


@contextlib.contextmanager
def user_errors(debug: bool) -> Iterator[None]:
    """A `UserError` ends the program with one line on stderr and exit status 2 (`--debug`: the traceback)."""
    try:
        yield
    except UserError as error:
        if debug:
            raise
        print(f"llmkit: error: {' '.join(str(error).split())}", file=sys.stderr)  # one line, whatever the cause
        sys.exit(EXIT_USER_ERROR)


def quiet_libraries(debug: bool) -> None:
    """Show llmkit's own lines, progress bars and errors; the libraries' chatter only with `--debug`.

    Without it: no weight-loading report tables and progress bars from transformers (a task head the checkpoint
    lacks is expected, and llmkit says what it loads), no dataset progress bars, no accelerate notices
    (`Removed shared tensor ...`) and no deprecation warnings aimed at library authors. Errors still show.
    """
    import datasets
    import transformers
    from huggingface_hub.utils import logging as hub_logging

    datasets.disable_progress_bars()
    logging.getLogger("accelerate").setLevel(logging.DEBUG if debug else logging.ERROR)
    if debug:
        transformers.logging.set_verbosity_warning()  # the library default
        return
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    # torchao, which transformers imports to load weights when it is installed, registers enums the way torch 2.13
    # deprecates (torch says so on every command) and reports its GPU kernels missing on a CPU machine.
    logging.getLogger("torch.utils._pytree").setLevel(logging.ERROR)
    logging.getLogger("torchao").setLevel(logging.ERROR)
    # The ONNX exporter lists the torchvision ops it cannot find, and its graph optimizer every pass it makes.
    logging.getLogger("torch.onnx._internal.exporter._registration").setLevel(logging.ERROR)
    for name in ("onnxscript", "onnx_ir"):
        logging.getLogger(name).setLevel(logging.WARNING)
    hub_logging.set_verbosity_error()  # retry notices: llmkit reports what finally failed
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of `llmkit` and `python -m llmkit`."""
    program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    if argv[:1] == ["train"] and len(argv) > 1 and not argv[1].startswith("-") and {"-h", "--help"} & set(argv):
        with user_errors(debug):
            print_recipe_help(argv[1])
        return
    parser = build_parser()
    # Overrides may come before or after --config, which argparse's positional handling does not allow.
    args, extra = parser.parse_known_args(argv)
    args.ignore_late_signals = program  # only for the program itself, not for callers of main() in a process
    unknown = [a for a in extra if "=" not in a or a.startswith("-") or args.command != "train"]
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if extra:
        args.overrides = [*args.overrides, *extra]
    level = logging.DEBUG if debug else logging.INFO if _is_main_process() else logging.WARNING
    logging.basicConfig(level=level, format="%(message)s")
    quiet_libraries(debug)
    from llmkit.guard import Preempted  # after parsing: `llmkit --help` needs neither torch nor accelerate

    try:
        with user_errors(debug):
            COMMANDS[args.command](args)
    except Preempted as stop:
        if _is_main_process():
            print(f"llmkit: {stop}", file=sys.stderr)
        sys.exit(stop.exit_status)
