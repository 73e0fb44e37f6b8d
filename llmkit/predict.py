"""`llmkit predict` (and its task-named forms `generate` and `translate`): run a finished run's model on new inputs.

    llmkit predict runs/sentiment --text "A wonderful, warm film."
    llmkit predict runs/sentiment --text "Great." --text "Awful."     one result per --text
    llmkit predict runs/sentiment --file reviews.txt --json      plain text: one input per line
    llmkit predict runs/qa --file questions.jsonl                JSON lines: one record of fields per line
    llmkit predict runs/sentiment --file reviews.csv             a table (csv/tsv/parquet): a record per row
    cat reviews.txt | llmkit predict runs/sentiment              stdin: text lines (or JSON lines with --jsonl)
    llmkit predict runs/qa --help                                the fields and options of this run's recipe
    llmkit generate runs/clm --prompt "Once" --temperature 0     the same as predict, printing prompt + text
    llmkit translate runs/translation --file in.txt              the same as predict, one translation per line

The run's recipe (from `run_config.yaml`) declares its input fields, its options and its `predict` function
(`llmkit.recipe.Recipe`); this module reads and checks the inputs, opens the run (`llmkit.models.TrainedRun`) and
prints the results: one line per input, as text or as JSON (`--json`). A table is read by the same reader as
training data; each field comes from the column of its name or, failing that, the column the run trained on
(`data.<field>_column`, e.g. `data.text_column=review`). Other columns (labels) are not used: `llmkit evaluate`
scores labelled data.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from llmkit.data import json_objects, load_split, row_location
from llmkit.errors import UserError
from llmkit.models import TrainedRun, open_run
from llmkit.recipe import PredictOption, Recipe
from llmkit.registry import recipe_of_run
from llmkit.rundir import reading, require_finished_run

JSON_SUFFIXES = (".jsonl", ".json")
TABLE_SUFFIXES = (".csv", ".tsv", ".parquet")


@dataclass(frozen=True)
class Verb:
    """A command that predicts: its name, the recipe it is for (None: any), and how it prints a result."""

    name: str
    recipe: str | None = None
    show: Callable[[dict[str, Any], dict[str, Any]], str] | None = None
    keep_blank_lines: bool = False  # a blank input line gets a (blank) result, so outputs align with the input


PREDICT = Verb("predict")
GENERATE = Verb("generate", "clm", show=lambda record, result: record["prompt"] + result["generated"])
TRANSLATE = Verb("translate", "translation", show=lambda record, result: result["translation"], keep_blank_lines=True)


def run(output: str, argv: Sequence[str], stdin: TextIO | None = None, verb: Verb = PREDICT) -> None:
    """Parse the recipe-specific arguments in `argv`, predict, and print one line per input record."""
    folder = Path(output)
    recipe, trained = open_for_prediction(folder, verb)
    args = build_parser(output, recipe, verb, trained.config).parse_args(list(argv))
    columns = field_columns(recipe.predict_fields, trained.config)
    records = read_records(args, recipe.predict_fields, sys.stdin if stdin is None else stdin, verb, columns)
    options = {"batch_size": args.batch_size, **{o.name: getattr(args, o.name) for o in recipe.predict_options}}
    with reading(folder, verb.name):
        results = recipe.predict(trained, records, options)
    for record, result in zip(records, results, strict=True):
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            print(verb.show(record, result) if verb.show else format_result(result))


def predict(output: str | Path, records: list[dict[str, str]], batch_size: int = 32, **options: Any) -> list[dict]:
    """Run the model of the finished run in `output` on `records` (Python's way to do `llmkit predict`).

    Args:
        output: The run's output folder (plain, adapter or merged).
        records: Input records with the recipe's `predict_fields`, e.g. `[{"text": "A fine film."}]`.
        batch_size: Inputs per forward pass.
        options: The recipe's predict options (`temperature=0` for clm, `num_beams=4` for translation).
    """
    folder = Path(output)
    recipe, trained = open_for_prediction(folder, PREDICT)
    unknown = set(options) - {o.name for o in recipe.predict_options}
    if unknown:
        raise UserError(f"predict: the '{recipe.name}' recipe has no options {sorted(unknown)}.")
    settings = {"batch_size": batch_size, **{o.name: options.get(o.name, o.default) for o in recipe.predict_options}}
    with reading(folder, PREDICT.name):
        return recipe.predict(trained, records, settings)


def open_for_prediction(folder: Path, verb: Verb) -> tuple[Recipe, TrainedRun]:
    """The declaration of the finished run in `folder` (specialised to its config) and the run itself."""
    recipe = find_run_recipe(folder, verb)
    if recipe.predict is None:
        raise UserError(f"{verb.name}: the '{recipe.name}' recipe does not support prediction yet.")
    trained = open_run(folder, recipe)
    return recipe.for_config(trained.config), trained


def find_run_recipe(folder: Path, verb: Verb) -> Recipe:
    """The recipe of the finished run in `folder`, checked to be the one `verb` is for."""
    try:
        require_finished_run(folder, verb.name)
        recipe = recipe_of_run(folder, verb.name)
    except UserError as error:
        if verb.recipe is None:
            raise
        recipe, problem = None, str(error)
    if verb.recipe is not None and (recipe is None or recipe.name != verb.recipe):
        problem = problem if recipe is None else f"it was trained by the '{recipe.name}' recipe"
        raise UserError(
            f"{verb.name}: {folder} is not the output folder of a finished `llmkit train {verb.recipe}` run "
            f"({problem}). Fix: pass the output_dir of a {verb.recipe} run, or use `llmkit predict {folder}`."
        )
    return recipe


def build_parser(output: str, recipe: Recipe, verb: Verb = PREDICT, config: Any = None) -> argparse.ArgumentParser:
    """The options of `llmkit predict OUTPUT` for a recipe with these input fields and options (`config`: the
    run's, whose settings `--help` shows as the defaults of options that use them)."""
    fields = recipe.predict_fields
    parser = argparse.ArgumentParser(
        prog=f"llmkit {verb.name} {output}",
        description=f"Run the '{recipe.name}' model in {output} on inputs given as --FIELD values, a file, or stdin.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    for name in fields:
        parser.add_argument(
            f"--{name}", metavar="TEXT", action="append", help=f"the '{name}' input of a record (repeatable)"
        )
    parser.add_argument(
        "--file",
        help=f"inputs: a table ({'/'.join(TABLE_SUFFIXES)}) with a column per field, JSON lines with the fields "
        f"{', '.join(fields)} ({'/'.join(JSON_SUFFIXES)}), or plain text with one '{fields[0]}' per line; '-' reads "
        "stdin",
    )
    parser.add_argument("--jsonl", action="store_true", help="read stdin (or --file) as JSON lines")
    parser.add_argument("--json", action="store_true", help="print one JSON object per input")
    parser.add_argument("--batch-size", type=int, default=32, help="inputs per forward pass")
    for option in recipe.predict_options:
        default = option.default if option.default is not None or config is None else _run_setting(option, config)
        parser.add_argument(
            f"--{option.name.replace('_', '-')}",
            dest=option.name,
            type=option.type,
            default=option.default,
            help=f"{option.help} (default: {default})",
        )
    return parser


def field_columns(fields: Sequence[str], config: Any) -> dict[str, str]:
    """Each field's training column (`data.text_column` for `text`), where the run's config names one."""
    data = getattr(config, "data", None)
    named = {name: getattr(data, f"{name}_column", None) for name in fields}
    return {name: column for name, column in named.items() if isinstance(column, str)}


def _run_setting(option: PredictOption, config: Any) -> str:
    """`the run's setting, X`: the value of the option's config key in the run (`sampling.temperature`)."""
    return f"the run's setting, {option.value_for(config)!r}" if option.setting else "the run's setting"


def read_records(
    args: argparse.Namespace,
    fields: Sequence[str],
    stdin: TextIO,
    verb: Verb = PREDICT,
    columns: dict[str, str] | None = None,
) -> list[dict[str, str]]:
    """The input records from `--FIELD` values, `--file`, or stdin, each checked to have every field."""
    given = {name: getattr(args, name) for name in fields if getattr(args, name) is not None}
    if args.batch_size < 1:
        raise UserError(f"{verb.name}: --batch-size must be at least 1, got {args.batch_size}")
    if given:
        return _flag_records(given, fields, args.file, verb)
    if args.file and args.file != "-" and Path(args.file).suffix.lower() in TABLE_SUFFIXES:
        return _table_records(Path(args.file), fields, columns or {}, verb)
    if args.file and args.file != "-":
        path = Path(args.file)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UserError(f"{verb.name}: --file {path} does not exist. Fix: correct the path.") from None
        except (OSError, UnicodeDecodeError) as error:
            raise UserError(f"{verb.name}: --file {path} cannot be read as UTF-8 text: {error}") from None
        source, as_json = str(path), args.jsonl or path.suffix in JSON_SUFFIXES
    else:
        if stdin.isatty():
            options = " ".join(f"--{name} TEXT" for name in fields)
            raise UserError(f"{verb.name}: no input. Fix: pass {options}, --file FILE, or pipe text lines on stdin.")
        text, source, as_json = stdin.read(), "stdin", args.jsonl
    read = _json_records if as_json else _text_records
    records = read(text, source, fields, verb)
    if not any(record[fields[0]].strip() for record in records):
        raise UserError(f"{verb.name}: {source} holds no inputs.")
    return records


def _flag_records(given: dict[str, list[str]], fields: Sequence[str], file: str | None, verb: Verb) -> list[dict]:
    """Records from repeated `--FIELD` flags: the i-th value of each field makes the i-th record."""
    if file:
        raise UserError(f"{verb.name}: give inputs either as --FIELD values or with --file, not both.")
    missing = [f"--{name}" for name in fields if name not in given]
    if missing:
        raise UserError(f"{verb.name}: missing {', '.join(missing)} (this recipe needs every one of its fields).")
    counts = {len(values) for values in given.values()}
    if len(counts) > 1:
        shown = ", ".join(f"{len(values)} --{name}" for name, values in given.items())
        raise UserError(f"{verb.name}: got {shown}; give each field once per record. Fix: repeat them equally.")
    return [dict(zip(fields, values, strict=True)) for values in zip(*(given[name] for name in fields), strict=True)]


def _table_records(path: Path, fields: Sequence[str], columns: dict[str, str], verb: Verb) -> list[dict[str, str]]:
    """One record per row of a csv/tsv/parquet file, its fields taken from their columns (see the docstring)."""
    table = load_split(str(path), key="--file")
    chosen = {}
    for name in fields:
        column = name if name in table.column_names else columns.get(name)
        if column not in table.column_names:
            trained = f" nor '{columns[name]}' (the run's data.{name}_column)" if name in columns else ""
            raise UserError(
                f"{verb.name}: --file {path} has no column '{name}'{trained}. Columns: "
                f"{', '.join(table.column_names)}. Fix: name the column '{name}', or give JSON lines."
            )
        chosen[name] = table[column]
    for name, values in chosen.items():
        for row, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                raise UserError(
                    f"{verb.name}: {row_location(row, '--file', str(path))}: column for '{name}' must hold text, "
                    f"got {value!r}. Fix: correct or remove the row."
                )
    if not table.num_rows:
        raise UserError(f"{verb.name}: {path} holds no inputs.")
    return [dict(zip(chosen, values, strict=True)) for values in zip(*chosen.values(), strict=True)]


def _text_records(text: str, source: str, fields: Sequence[str], verb: Verb) -> list[dict[str, str]]:
    if len(fields) > 1:
        raise UserError(
            f"{verb.name}: {source} is plain text, but this recipe needs the fields {', '.join(fields)}. Fix: give "
            "them as JSON lines (a .jsonl file, or --jsonl), or as --FIELD values."
        )
    return [{fields[0]: line} for line in text.splitlines() if verb.keep_blank_lines or line.strip()]


def _json_records(text: str, source: str, fields: Sequence[str], verb: Verb) -> list[dict[str, str]]:
    records = []
    for number, record in json_objects(text.splitlines(), f"{verb.name}: {source}"):
        bad = [name for name in fields if not isinstance(record.get(name), str)]
        if bad:
            raise UserError(
                f"{verb.name}: {source}:{number}: field(s) {', '.join(bad)} missing or not text. "
                f"Fix: give every record the text fields {', '.join(fields)}."
            )
        records.append({name: record[name] for name in fields})
    return records


def format_result(result: dict[str, Any]) -> str:
    """One readable line: a lone value as itself, else `key=value` pairs (lists of labels comma-joined; nested
    values only with --json)."""
    scalars = {
        k: ",".join(map(str, v)) if isinstance(v, list) and all(isinstance(x, str) for x in v) else v
        for k, v in result.items()
    }
    scalars = {k: v for k, v in scalars.items() if isinstance(v, str | int | float | bool) or v is None}
    if len(scalars) == 1:
        return str(next(iter(scalars.values())))
    return "  ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in scalars.items())
