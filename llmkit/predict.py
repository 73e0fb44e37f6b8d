"""`llmkit predict`: run the model of any finished run on new inputs.

    llmkit predict runs/sentiment --text "A wonderful, warm film."
    llmkit predict runs/sentiment --file reviews.txt --json      plain text: one input per line
    llmkit predict runs/qa --file questions.jsonl                JSON lines: one record of fields per line
    cat reviews.txt | llmkit predict runs/sentiment              stdin: text lines (or JSON lines with --jsonl)
    llmkit predict runs/qa --help                                the fields this run's recipe takes

The run's recipe (read from `run_config.yaml`) declares its input fields in `PREDICT_FIELDS` and does the work in
`predict(output_dir, records, batch_size)`; this module only reads the inputs, checks them and prints the results:
one line per input, as text or as JSON (`--json`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from llmkit.config import read_saved_config
from llmkit.data import json_objects
from llmkit.errors import UserError
from llmkit.registry import get_recipe
from llmkit.runner import RUN_CONFIG, require_finished_run

JSON_SUFFIXES = (".jsonl", ".json")


def run(output: str, argv: Sequence[str], stdin: TextIO | None = None) -> None:
    """Parse the recipe-specific arguments in `argv`, predict, and print one line per input record."""
    folder = Path(output)
    require_finished_run(folder, "predict")
    recipe_name = read_saved_config(folder / RUN_CONFIG)["recipe"]
    recipe = get_recipe(recipe_name)
    fields = getattr(recipe, "PREDICT_FIELDS", None)
    if fields is None or not hasattr(recipe, "predict"):
        raise UserError(f"predict: the '{recipe_name}' recipe does not support prediction yet.")
    args = build_parser(output, recipe_name, fields).parse_args(list(argv))
    records = read_records(args, fields, sys.stdin if stdin is None else stdin)
    results = recipe.predict(folder, records, batch_size=args.batch_size)
    for result in results:
        print(json.dumps(result, ensure_ascii=False) if args.json else format_result(result))


def build_parser(output: str, recipe: str, fields: Sequence[str]) -> argparse.ArgumentParser:
    """The options of `llmkit predict OUTPUT` for a recipe with these input fields."""
    parser = argparse.ArgumentParser(
        prog=f"llmkit predict {output}",
        description=f"Run the '{recipe}' model in {output} on inputs given as --FIELD values, a file, or stdin.",
    )
    for name in fields:
        parser.add_argument(f"--{name}", metavar="TEXT", help=f"the '{name}' input of one record")
    parser.add_argument(
        "--file",
        help=f"inputs: JSON lines with the fields {', '.join(fields)} ({'/'.join(JSON_SUFFIXES)}), or plain "
        f"text with one '{fields[0]}' per line; '-' reads stdin",
    )
    parser.add_argument("--jsonl", action="store_true", help="read stdin (or --file) as JSON lines")
    parser.add_argument("--json", action="store_true", help="print one JSON object per input")
    parser.add_argument("--batch-size", type=int, default=32, help="inputs per forward pass (default 32)")
    return parser


def read_records(args: argparse.Namespace, fields: Sequence[str], stdin: TextIO) -> list[dict[str, str]]:
    """The input records from `--FIELD` values, `--file`, or stdin, each checked to have every field."""
    given = {name: getattr(args, name) for name in fields if getattr(args, name) is not None}
    if args.batch_size < 1:
        raise UserError(f"predict: --batch-size must be at least 1, got {args.batch_size}")
    if given:
        if args.file:
            raise UserError("predict: give inputs either as --FIELD values or with --file, not both.")
        missing = [f"--{name}" for name in fields if name not in given]
        if missing:
            raise UserError(f"predict: missing {', '.join(missing)} (this recipe needs every one of its fields).")
        return [given]
    if args.file and args.file != "-":
        path = Path(args.file)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UserError(f"predict: --file {path} does not exist. Fix: correct the path.") from None
        except (OSError, UnicodeDecodeError) as error:
            raise UserError(f"predict: --file {path} cannot be read as UTF-8 text: {error}") from None
        source, as_json = str(path), args.jsonl or path.suffix in JSON_SUFFIXES
    else:
        if stdin.isatty():
            options = " ".join(f"--{name} TEXT" for name in fields)
            raise UserError(f"predict: no input. Fix: pass {options}, --file FILE, or pipe text lines on stdin.")
        text, source, as_json = stdin.read(), "stdin", args.jsonl
    records = _json_records(text, source, fields) if as_json else _text_records(text, source, fields)
    if not records:
        raise UserError(f"predict: {source} holds no inputs.")
    return records


def _text_records(text: str, source: str, fields: Sequence[str]) -> list[dict[str, str]]:
    if len(fields) > 1:
        raise UserError(
            f"predict: {source} is plain text, but this recipe needs the fields {', '.join(fields)}. Fix: give "
            "them as JSON lines (a .jsonl file, or --jsonl), or as --FIELD values."
        )
    return [{fields[0]: line} for line in text.splitlines() if line.strip()]


def _json_records(text: str, source: str, fields: Sequence[str]) -> list[dict[str, str]]:
    records = []
    for number, record in json_objects(text.splitlines(), f"predict: {source}"):
        bad = [name for name in fields if not isinstance(record.get(name), str)]
        if bad:
            raise UserError(
                f"predict: {source}:{number}: field(s) {', '.join(bad)} missing or not text. "
                f"Fix: give every record the text fields {', '.join(fields)}."
            )
        records.append({name: record[name] for name in fields})
    return records


def format_result(result: dict[str, Any]) -> str:
    """One readable line: a lone value as itself, else `key=value` pairs (nested values only with --json)."""
    scalars = {k: v for k, v in result.items() if isinstance(v, str | int | float | bool) or v is None}
    if len(scalars) == 1:
        return str(next(iter(scalars.values())))
    return "  ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in scalars.items())
