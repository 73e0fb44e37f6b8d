import pytest
import torch

from llmkit.data import LengthGroupedSampler, load_split
from llmkit.errors import UserError


def test_sampler_is_a_permutation_with_similar_lengths_per_batch():
    lengths = torch.randint(1, 200, (1000,), generator=torch.Generator().manual_seed(0)).tolist()
    sampler = LengthGroupedSampler(lengths, batch_size=16, seed=3, group_batches=8)
    order = list(sampler)
    assert sorted(order) == list(range(1000))
    padded = sum(max(lengths[i] for i in b) * len(b) for b in _batches(order, 16))
    random_padded = sum(max(lengths[i] for i in b) * len(b) for b in _batches(list(range(1000)), 16))
    assert padded < 0.7 * random_padded  # grouping removes most padding


def test_sampler_order_depends_only_on_seed_and_epoch():
    lengths = list(range(100))
    first = LengthGroupedSampler(lengths, 8, seed=1)
    torch.manual_seed(123)  # the global RNG must not matter
    again = LengthGroupedSampler(lengths, 8, seed=1)
    assert list(first) == list(again)
    again.set_epoch(1)
    assert list(first) != list(again)


def test_sampler_keeps_the_short_batch_last():
    order = list(LengthGroupedSampler(list(range(70)), 32, seed=0))
    assert len(order) == 70
    assert all(len(b) == 32 for b in _batches(order, 32)[:2])


def test_eval_order_is_longest_first():
    assert list(LengthGroupedSampler([3, 9, 1], 2, seed=0, shuffle=False)) == [1, 0, 2]


def _batches(order, size):
    return [order[i : i + size] for i in range(0, len(order), size)]


def test_non_utf8_names_line_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"text,label\nfine,positive\ncaf\xe9 bad,negative\n")
    with pytest.raises(UserError, match=r"bad.csv:3:4: not valid UTF-8 \(byte 0xe9\)"):
        load_split(str(path), key="data.train")


def test_bad_json_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok", "label": "a"}\n{"text": oops}\n')
    with pytest.raises(UserError, match=r"bad.jsonl:2:\d+: invalid JSON"):
        load_split(str(path), key="data.train")


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(UserError, match="data.train: file .*nope.csv does not exist"):
        load_split(str(tmp_path / "nope.csv"), key="data.train")
    empty = tmp_path / "empty.csv"
    empty.write_text("text,label\n")
    with pytest.raises(UserError, match="contains no examples"):
        load_split(str(empty), key="data.validation")


def test_formats_load(tmp_path):
    (tmp_path / "a.tsv").write_text('text\tlabel\nsays "hi\t1\n')
    (tmp_path / "a.jsonl").write_text('{"text": "x", "label": 1}\n')
    assert load_split(str(tmp_path / "a.tsv"), key="k")[0] == {"text": 'says "hi', "label": 1}
    assert load_split(str(tmp_path / "a.jsonl"), key="k")[0] == {"text": "x", "label": 1}


def test_parquet_and_json_load(tmp_path):
    import datasets

    datasets.Dataset.from_dict({"text": ["a", "b"], "label": [0, 1]}).to_parquet(tmp_path / "a.parquet")
    (tmp_path / "a.json").write_text('[{"text": "a", "label": "x"}]')
    assert load_split(str(tmp_path / "a.parquet"), key="k")["text"][:] == ["a", "b"]
    assert load_split(str(tmp_path / "a.json"), key="k")[0] == {"text": "a", "label": "x"}


def test_unreachable_hub_dataset_is_a_clear_error():
    with pytest.raises(UserError, match="data.train: cannot load dataset 'no-org/no-dataset'"):
        load_split("no-org/no-dataset", key="data.train")


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_a_byte_order_mark_is_not_part_of_the_first_column_name(tmp_path, suffix):
    sep = "\t" if suffix == ".tsv" else ","
    path = tmp_path / f"pairs{suffix}"
    path.write_bytes(f'\ufeffQuality{sep}text\n1{sep}a "quoted word\n'.encode())
    dataset = load_split(str(path), key="data.train")
    assert dataset.column_names == ["Quality", "text"]
