"""Sentence pairs for translation: line-aligned text files, tables with one column per language, or hub datasets.

Each pair is checked before any model loads: line counts of aligned files must match, and no side may be empty.
Errors name the file and line (or row) and say how to fix it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from llmkit.data import check_utf8, load_split, require_columns, resolve_path, row_location
from llmkit.errors import UserError


@dataclass
class Pairs:
    """Source and target sentences, aligned by position."""

    sources: list[str]
    targets: list[str]

    def __len__(self) -> int:
        return len(self.sources)

    def head(self, count: int) -> Pairs:
        return Pairs(self.sources[:count], self.targets[:count])

    def sample(self, count: int, seed: int) -> Pairs:
        chosen = sorted(random.Random(seed).sample(range(len(self)), count))
        return Pairs([self.sources[i] for i in chosen], [self.targets[i] for i in chosen])


def load_pairs(
    source: str | None,
    *,
    source_lang: str,
    target_lang: str,
    key: str,
    split: str = "train",
    config_name: str | None = None,
    source_column: str | None = None,
    target_column: str | None = None,
) -> Pairs | None:
    """Load and check sentence pairs; None when `source` is None.

    Args:
        source: A path prefix of two aligned files (`PREFIX.<source_lang>`, `PREFIX.<target_lang>`), a table file
            (csv/tsv/json/jsonl/parquet), or a hub dataset id.
        source_lang: Source language code (file suffix, column or key in a `translation` column).
        target_lang: Target language code.
        key: The config key that named `source`, for error messages.
        split: Split of a hub dataset.
        config_name: Configuration of a hub dataset.
        source_column: Table column of the source text (default: `source_lang`, or the `translation` column).
        target_column: Table column of the target text (default: `target_lang`).
    """
    if source is None:
        return None
    files = [resolve_path(f"{source}.{lang}") for lang in (source_lang, target_lang)]
    if any(path.is_file() for path in files):
        return _aligned_files(files, key)
    table = load_split(source, split=split, config_name=config_name, key=key)
    columns = table.column_names
    if "translation" in columns and source_column is None and target_column is None:
        rows = table["translation"]
        for row, value in enumerate(rows):
            if not isinstance(value, dict) or source_lang not in value or target_lang not in value:
                where = row_location(row, key, source)
                raise UserError(
                    f"{where}: the 'translation' entry {value!r} lacks language '{source_lang}' or "
                    f"'{target_lang}'. Fix: set data.source_lang and data.target_lang to keys it has."
                )
        sources, targets = [r[source_lang] for r in rows], [r[target_lang] for r in rows]
    else:
        source_column, target_column = source_column or source_lang, target_column or target_lang
        require_columns(table, {"data.source_column": source_column, "data.target_column": target_column}, source)
        sources, targets = list(table[source_column]), list(table[target_column])
    _check_filled(sources, targets, lambda row: row_location(row, key, source))
    return Pairs([s.strip() for s in sources], [t.strip() for t in targets])


def _aligned_files(files: list[Path], key: str) -> Pairs:
    for path in files:
        if not path.is_file():
            raise UserError(f"{key}: {path} does not exist, but its partner file does. Fix: add it or fix the path.")
        check_utf8(path, key)
    sides = [path.read_text(encoding="utf-8").splitlines() for path in files]
    if len(sides[0]) != len(sides[1]):
        raise UserError(
            f"{key}: {files[0]} has {len(sides[0])} lines but {files[1]} has {len(sides[1])}; line i of one must "
            "translate line i of the other. Fix: remove or add lines so both files have the same count."
        )
    if not sides[0]:
        raise UserError(f"{key}: {files[0]} and {files[1]} are empty. Fix: add sentence pairs.")
    _check_filled(sides[0], sides[1], lambda row: f"{files[0]}:{row + 1} / {files[1]}:{row + 1}")
    return Pairs([s.strip() for s in sides[0]], [t.strip() for t in sides[1]])


def _check_filled(sources: list, targets: list, where: Callable[[int], str]) -> None:
    for row, (source, target) in enumerate(zip(sources, targets, strict=True)):
        for side, text in (("source", source), ("target", target)):
            if not isinstance(text, str) or not text.strip():
                raise UserError(
                    f"{where(row)}: the {side} side is empty ({text!r}) while the other reads "
                    f"{(target if side == 'source' else source)!r}. Fix: translate it or remove the pair."
                )
