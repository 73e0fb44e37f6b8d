"""Read and check extractive question-answering data: each question becomes one plain record

    {"id": str, "question": str, "context": str, "answers": {"text": [str, ...], "answer_start": [int, ...]}}

from the SQuAD JSON layout (`data/paragraphs/qas`), flat csv/jsonl/json/parquet rows, or a hub dataset. Unanswerable
questions (SQuAD v2: `is_impossible`, or no answers) get empty answer lists. Every problem is reported with the file
and the place in it (or the question id) before any training starts.

`data` arguments are the qa recipe's data settings: `id_column`, `question_column`, `context_column`,
`answers_column`, `dataset_config` and `fix_offsets`.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from llmkit.data import check_utf8, load_split, require_columns, resolve_path, row_location
from llmkit.errors import UserError

logger = logging.getLogger("llmkit")

FIX_WINDOW = 10  # characters an answer_start may be off by and still be repaired with data.fix_offsets
SHOWN_ERRORS = 10


def load_examples(source: str, split: str, key: str, data: Any) -> list[dict[str, Any]]:
    """Read a SQuAD-layout file, a flat file or a hub dataset, and check every question and answer."""
    path = resolve_path(source)
    examples = read_squad_file(path, key, data) if path.suffix.lower() == ".json" and path.is_file() else None
    if examples is None:
        dataset = load_split(source, split=split, config_name=data.dataset_config, key=key)
        columns = ("question_column", "context_column", "answers_column")
        require_columns(dataset, {f"data.{name}": getattr(data, name) for name in columns}, source)
        examples = [
            make_example(row_location(row, key, source), record, record[data.context_column], data, str(row))
            for row, record in enumerate(dataset)
        ]
    check_examples(examples, key, data.fix_offsets)
    return examples


def read_squad_file(path: Path, key: str, data: Any) -> list[dict[str, Any]] | None:
    """The questions of a SQuAD-layout JSON file, or None when the file holds another layout."""
    check_utf8(path, key)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        if error.msg == "Extra data" and error.lineno > 1:
            return None  # JSON lines in a .json file: the generic loader reads those
        raise UserError(f"{key}: {path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None
    if not isinstance(document, dict):
        return None  # a list of flat rows: the generic loader reads those
    if not isinstance(document.get("data"), list):
        keys = ", ".join(list(document)[:8]) or "none"
        raise UserError(
            f"{key}: {path} holds one JSON object with no 'data' list (its keys: {keys}), so it is not the SQuAD "
            'layout {"data": [{"paragraphs": [{"context": ..., "qas": [...]}]}]}. Fix: wrap the articles in a '
            "'data' list, or give flat rows (question, context, answers) as JSON lines in a .jsonl file."
        )
    examples = []
    for a, article in enumerate(document["data"]):
        paragraphs = article.get("paragraphs") if isinstance(article, dict) else None
        if not isinstance(paragraphs, list):
            raise UserError(f"{key}: {path}: data[{a}] has no 'paragraphs' list. Fix: use the SQuAD layout.")
        for p, paragraph in enumerate(paragraphs):
            where = f"{path}: data[{a}].paragraphs[{p}]"
            if not isinstance(paragraph, dict) or not isinstance(paragraph.get("qas"), list):
                raise UserError(f"{key}: {where} has no 'qas' list. Fix: use the SQuAD layout.")
            context = _field(paragraph, data.context_column, "context_column", where)
            for q, question in enumerate(paragraph["qas"]):
                examples.append(make_example(f"{where}.qas[{q}]", question, context, data, f"{a}-{p}-{q}"))
    return examples


def _field(record: Any, name: str, setting: str, where: str) -> Any:
    if not isinstance(record, dict) or name not in record:
        raise UserError(f"{where}: missing field '{name}'. Fix: add it, or name the right field with data.{setting}.")
    return record[name]


def make_example(where: str, record: dict[str, Any], context: Any, data: Any, default_id: str) -> dict:
    """One question as a checked record; unanswerable questions get empty answer lists."""
    question = _field(record, data.question_column, "question_column", where)
    answers = parse_answers(_field(record, data.answers_column, "answers_column", where), where)
    for name, value in (("question", question), ("context", context)):
        if not isinstance(value, str) or not value.strip():
            raise UserError(
                f"{where}: the {name} is empty or not text ({value!r}). Fix: fill it in or remove the question, "
                f"or point data.{name}_column at the right field."
            )
    if record.get("is_impossible"):
        answers = {"text": [], "answer_start": []}
    return {
        "id": str(record.get(data.id_column, default_id)),
        "question": question,
        "context": context,
        "answers": answers,
    }


def parse_answers(value: Any, where: str) -> dict[str, list]:
    """Accept {"text": [...], "answer_start": [...]}, a list of {"text", "answer_start"} or JSON text of either."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else None
        except json.JSONDecodeError:
            value = "not JSON"
    if value is None:
        value = []
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        value = {
            "text": [item.get("text") for item in value],
            "answer_start": [item.get("answer_start") for item in value],
        }
    texts = value.get("text") if isinstance(value, dict) else None
    starts = value.get("answer_start") if isinstance(value, dict) else None
    valid = isinstance(texts, list) and isinstance(starts, list) and len(texts) == len(starts)
    if not valid or not all(isinstance(t, str) and type(s) is int for t, s in zip(texts, starts, strict=True)):
        raise UserError(
            f'{where}: answers must look like {{"text": ["..."], "answer_start": [0]}} (one integer start per '
            f'text) or [{{"text": "...", "answer_start": 0}}], got {value!r}. Fix: correct the answers field.'
        )
    return {"text": texts, "answer_start": starts}


def check_examples(examples: list[dict[str, Any]], key: str, fix_offsets: bool) -> None:
    """Every answer_start must point at its text; optionally repair near misses. Ids must be unique."""
    wrong, repaired, seen = [], 0, set()
    for example in examples:
        if example["id"] in seen:
            raise UserError(f"{key}: question id {example['id']!r} appears twice. Fix: give every question its own id.")
        seen.add(example["id"])
        context, answers = example["context"], example["answers"]
        for n, (text, start) in enumerate(zip(answers["text"], answers["answer_start"], strict=True)):
            if context[start : start + len(text)] == text:
                continue
            nearby = find_nearby(context, text, start) if fix_offsets else None
            if nearby is not None:
                answers["answer_start"][n] = nearby
                repaired += 1
            elif text not in context:
                wrong.append(f"{example['id']} ({text!r} is not in the context)")
            else:
                wrong.append(f"{example['id']} ({text!r} is not at {start})")
    if repaired:
        logger.warning("%s: repaired %d answer_start offsets that were off by a few characters", key, repaired)
    if wrong:
        more = f" and {len(wrong) - SHOWN_ERRORS} more" if len(wrong) > SHOWN_ERRORS else ""
        raise UserError(
            f"{key}: {len(wrong)} answer(s) are not found at their answer_start in the context: "
            f"{', '.join(wrong[:SHOWN_ERRORS])}{more}. Fix: correct answer_start (a character offset from 0), or "
            f"set data.fix_offsets=true to repair offsets that are off by up to {FIX_WINDOW} characters."
        )


def find_nearby(context: str, text: str, start: int) -> int | None:
    """The occurrence of `text` closest to `start`, if one begins within FIX_WINDOW characters of it."""
    found = [i for i in range(max(0, start - FIX_WINDOW), start + FIX_WINDOW + 1) if context.startswith(text, i)]
    return min(found, key=lambda i: abs(i - start)) if found else None


def resolve_version_2(setting: bool | None, examples: list[dict[str, Any]]) -> bool:
    """SQuAD v2 mode as set, or detected: v1 mode would score every no-answer question as wrong."""
    unanswerable = [e["id"] for e in examples if not e["answers"]["text"]]
    if setting is None and unanswerable:
        logger.warning(
            "data: %d of %d questions have no answer, so SQuAD v2 mode is on (the model may answer nothing). "
            "Set data.version_2_with_negative=true to say so explicitly.",
            len(unanswerable),
            len(examples),
        )
    if setting is False and unanswerable:
        raise UserError(
            f"data.version_2_with_negative=false, but {len(unanswerable)} questions have no answer (first: "
            f"{unanswerable[0]}) and would all be scored as wrong. Fix: set data.version_2_with_negative=true, "
            "or remove the unanswerable questions."
        )
    return bool(unanswerable) if setting is None else setting
