"""Load datasets from local files or the hub, check them, and batch them with little padding.

Local files go through `datasets.load_dataset` with the builder their extension names. Before that, each file is
checked for what users get wrong most often (missing, not UTF-8, malformed JSON lines), so the error names the file
and line instead of surfacing from deep inside a parser.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import datasets
import numpy as np
import torch
from accelerate import Accelerator
from accelerate.utils import broadcast_object_list
from torch.utils.data import DataLoader, Sampler

from llmkit.errors import UserError

BUILDERS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".json": "json",
    ".jsonl": "json",
    ".parquet": "parquet",
    ".txt": "text",
}
LOCAL_SUFFIXES = (*BUILDERS, ".conll", ".iob", ".bio")  # names that can only be local files
PROJECT_ROOT = Path(__file__).resolve().parent.parent
Prepared = TypeVar("Prepared")


def resolve_path(path: str) -> Path:
    """A relative path as given, or else relative to the llmkit checkout (so bundled `data/...` defaults work
    from any working directory of an editable install)."""
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return candidate
    bundled = PROJECT_ROOT / candidate
    return bundled if bundled.exists() else candidate


def check_data_files(data: Any) -> None:
    """Stop at once when a local data file a config names (`data.train`, `data.validation`) is missing: before any
    model, tokenizer or hub request, which may take long to fail."""
    for key in ("train", "validation"):
        source = getattr(data, key, None)
        path = resolve_path(source) if isinstance(source, str) and source else None
        if path is not None and path.suffix.lower() in LOCAL_SUFFIXES and not path.exists():
            raise UserError(f"data.{key}: file {path} does not exist. Fix: correct the path or create the file.")


def prepare_once(accelerator: Accelerator | None, prepare: Callable[[], Prepared]) -> Prepared:
    """Run `prepare` (read, check, tokenize, train a tokenizer) on the main process alone; send the result to all.

    Every process needs the same prepared data: doing the work once spares N-1 processes the time and memory, and
    a bad input is reported once. The others wait in the broadcast (the process group's time-out is long enough
    for slow preprocessing); if the main process fails, the launcher stops them. Every process must call this at
    the same point, and the result must pickle (datasets, lists, tokenizers do; lambdas do not). Without an
    accelerator (a recipe built outside the runner) it simply runs `prepare`.
    """
    if accelerator is None or accelerator.num_processes == 1:
        return prepare()
    result = [prepare() if accelerator.is_main_process else None]
    broadcast_object_list(result, from_process=0)
    return result[0]


def subset(examples: Any, size: int | None, seed: int) -> Any:
    """A seeded random subset of `size` examples (all of them when `size` is unset), in random order.

    Works on a `datasets.Dataset` and on any sequence; every recipe's `data.max_train_examples` goes through here.
    The draw is `Dataset.shuffle(seed=seed).select(range(size))`'s, so a dataset and a list give the same subset.
    """
    if not size or size >= len(examples):
        return examples
    chosen = np.random.default_rng(seed).permutation(len(examples))[:size].tolist()
    if isinstance(examples, datasets.Dataset):
        return examples.select(chosen).flatten_indices()
    return [examples[i] for i in chosen]


def load_split(
    source: str,
    *,
    split: str = "train",
    config_name: str | None = None,
    key: str,
    streaming: bool = False,
    text_by: str = "line",
) -> datasets.Dataset | datasets.IterableDataset:
    """Load one split from a local file or a hub dataset id.

    Args:
        source: A path to a csv/tsv/json/jsonl/parquet/txt file, or a hub dataset id.
        split: The split to take from a hub dataset.
        config_name: The hub dataset's configuration (e.g. `sst2` of `glue`).
        key: The config key that named `source`, for error messages.
        streaming: Return an `IterableDataset` that reads as it goes. The whole-file UTF-8 and JSON-lines checks
            are skipped, since they would read everything up front.
        text_by: What one row of a .txt file is: a `line`, a blank-line-separated `paragraph`, or the whole file.
    """
    path = resolve_path(source)
    if path.suffix.lower() in BUILDERS or path.exists():
        return _load_file(path, key, streaming, text_by)
    try:
        return datasets.load_dataset(source, config_name, split=split, streaming=streaming)
    except Exception as error:  # the hub client raises many types; all mean "could not get it"
        raise UserError(
            f"{key}: cannot load dataset '{source}' (split '{split}'): {str(error).splitlines()[0]}. "
            "Fix: point it at a local csv/tsv/json/jsonl/parquet file, or go online and check the dataset id."
        ) from None


def _load_file(path: Path, key: str, streaming: bool = False, text_by: str = "line") -> datasets.Dataset:
    suffix = path.suffix.lower()
    if suffix not in BUILDERS:
        known = ", ".join(sorted(BUILDERS))
        raise UserError(f"{key}: {path} has an unsupported extension '{suffix}'. Use one of: {known}")
    if not path.is_file():
        raise UserError(f"{key}: file {path} does not exist. Fix: correct the path or create the file.")
    # A binary format checks its own encoding; a stream is not read up front.
    if suffix != ".parquet" and not streaming:
        check_utf8(path, key)
    if suffix == ".jsonl" and not streaming:
        check_json_lines(path, key)
    kwargs: dict[str, Any] = {"streaming": streaming}
    if suffix in (".csv", ".tsv"):
        kwargs["encoding"] = "utf-8-sig"  # a leading byte-order mark (GLUE's MRPC has one) is not the header's text
    if suffix == ".tsv":
        # TSV benchmark files (SST-2 among them) contain bare quote characters that are part of the text.
        kwargs.update(delimiter="\t", quoting=csv.QUOTE_NONE)
    if suffix == ".txt":
        kwargs["sample_by"] = text_by
    empty = UserError(f"{key}: {path} contains no examples. Fix: add data or point {key} at another file.")
    try:
        dataset = datasets.load_dataset(BUILDERS[suffix], data_files=str(path), split="train", **kwargs)
    except Exception as error:  # parsers raise many types; the message is what helps
        if _has_no_rows(path):
            raise empty from None
        raise UserError(f"{key}: cannot parse {path}: {_root_cause(error)}") from None
    if not streaming and len(dataset) == 0:
        raise empty
    return dataset


def _root_cause(error: BaseException) -> str:
    """The first line of the innermost error: the parser's own words ("Expected 2 fields in line 8, saw 4"), not
    the wrapper's ("An error occurred while generating the dataset")."""
    while (inner := error.__cause__ or error.__context__) is not None:
        error = inner
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _has_no_rows(path: Path) -> bool:
    """True for an empty text file, or a csv/tsv with at most a header line."""
    if path.suffix.lower() == ".parquet":
        return False
    with path.open(encoding="utf-8") as lines:
        filled = sum(1 for line in lines if line.strip())
    return filled <= (1 if path.suffix.lower() in (".csv", ".tsv") else 0)


def check_utf8(path: Path, key: str) -> None:
    """Fail with the line and column of the first byte sequence that is not UTF-8."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise UserError(
            f"{key}: {path}:{line}:{column}: not valid UTF-8 (byte 0x{data[error.start]:02x}). "
            "Fix: re-save the file as UTF-8."
        ) from None


def check_json_lines(path: Path, key: str) -> None:
    """Fail with the line and column of the first line that is not a JSON object."""
    with path.open(encoding="utf-8") as lines:
        for _ in json_objects(lines, f"{key}: {path}"):
            pass


def json_objects(lines: Iterable[str], where: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The JSON object of each non-blank line with its line number; the first bad line fails as `where:line`."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise UserError(f"{where}:{number}:{error.colno}: invalid JSON: {error.msg}") from None
        if not isinstance(record, dict):
            raise UserError(f"{where}:{number}: each line must be a JSON object")
        yield number, record


def row_location(row: int, key: str, source: str) -> str:
    """`file:line` of a row of a local file (header line counted for csv), else the row number."""
    path = resolve_path(source)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return f"{path}:{row + 2}"
    if suffix in (".jsonl", ".txt"):
        return f"{path}:{row + 1}"
    return f"{key} '{source}', row {row}"


def require_columns(dataset: datasets.Dataset, columns: dict[str, str], source: str) -> None:
    """Fail naming the config key when a configured column is missing."""
    for key, column in columns.items():
        if column not in dataset.column_names:
            available = ", ".join(dataset.column_names)
            raise UserError(
                f"{source}: has no column '{column}' (from {key}). Columns: {available}. Fix: set {key} to one of them."
            )


def make_loader(dataset: Any, sampler: Any, collate: Any, batch_size: int, num_workers: int, seed: int) -> DataLoader:
    """The DataLoader every training and evaluation pass uses."""
    return DataLoader(
        dataset,
        batch_size=batch_size,
        sampler=sampler,
        collate_fn=collate,
        num_workers=num_workers,
        # A private generator keeps DataLoader start-up from drawing on the global RNG, which would shift
        # dropout masks after a resume.
        generator=torch.Generator().manual_seed(seed),
    )


def batches_by_length(lengths: Sequence[int], batch_size: int) -> Iterator[list[int]]:
    """Indices into `lengths` in batches of `batch_size`, longest first: prediction pads each batch to its longest,
    so similar lengths leave little padding to compute. Callers put the answers back in their own order."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]


class LengthGroupedSampler(Sampler[int]):
    """Shuffled indices in which each run of `batch_size` holds examples of similar length.

    The order depends only on `seed` and the epoch (set with `set_epoch`), never on the global RNG, so a resumed
    run sees exactly the batches an uninterrupted one would. Examples are shuffled, cut into mega-batches of
    `group_batches` batches, sorted by length inside each, batched, and the batches are shuffled again, so
    padding nearly disappears while every epoch still mixes the data.
    """

    def __init__(
        self,
        lengths: Sequence[int],
        batch_size: int,
        *,
        seed: int,
        shuffle: bool = True,
        group_by_length: bool = True,
        group_batches: int = 64,
    ) -> None:
        self.lengths = torch.as_tensor(lengths)
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.group_by_length = group_by_length
        self.group_batches = group_batches
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return len(self.lengths)

    def __iter__(self) -> Iterator[int]:
        return iter(self.order().tolist())

    def order(self) -> torch.Tensor:
        count = len(self.lengths)
        if not self.shuffle:
            # Evaluation: longest first, so the order is fixed and batches are tight.
            if not self.group_by_length:
                return torch.arange(count)
            return torch.argsort(self.lengths, descending=True, stable=True)
        generator = torch.Generator().manual_seed(self.seed + self.epoch)
        indices = torch.randperm(count, generator=generator)
        if not self.group_by_length:
            return indices
        mega = self.batch_size * self.group_batches
        batches = []
        for start in range(0, count, mega):
            chunk = indices[start : start + mega]
            chunk = chunk[torch.argsort(self.lengths[chunk], descending=True, stable=True)]
            batches.extend(chunk.split(self.batch_size))
        # Keep a short final batch last so all other batches are full (and equal across process counts).
        full = [b for b in batches if len(b) == self.batch_size]
        partial = [b for b in batches if len(b) < self.batch_size]
        shuffled = [full[i] for i in torch.randperm(len(full), generator=generator).tolist()]
        return torch.cat(shuffled + partial) if count else indices
