"""The token-classification (ner) recipe: tag schemes, CoNLL reading, sub-word alignment, entity metrics, training,
prediction, the transformers pipeline, LoRA, and bad input."""

from __future__ import annotations

import json

import pytest
from helpers import reset_accelerate, run_recipe
from transformers import AutoTokenizer, pipeline

from llmkit import metrics
from llmkit.cli import main
from llmkit.errors import UserError
from llmkit.predict import predict
from recipes import ner

PEOPLE = ["Ada Lee", "Tom Berg", "Mira Patel", "Joe", "Lena Vos"]
PLACES = ["Paris", "Oslo", "New Delhi", "Lima"]
TEMPLATES = [
    "{PER} lives in {LOC} .",
    "yesterday {PER} flew to {LOC} .",
    "in {LOC} , {PER} met friends .",
    "the weather was fine .",
]


def sentences() -> list[tuple[list[str], list[str]]]:
    """Tagged sentences: every template with every person and place (IOB2)."""
    made = []
    for template in TEMPLATES:
        for i, person in enumerate(PEOPLE):
            tokens, tags = [], []
            for word in template.format(PER="\0PER", LOC="\0LOC").split():
                if word.startswith("\0"):
                    kind = word[1:]
                    entity = person if kind == "PER" else PLACES[i % len(PLACES)]
                    parts = entity.split()
                    tokens += parts
                    tags += [f"B-{kind}"] + [f"I-{kind}"] * (len(parts) - 1)
                else:
                    tokens.append(word)
                    tags.append("O")
            made.append((tokens, tags))
    return made


def write_conll(path, rows, tag=lambda tags: tags):
    lines = ["-DOCSTART- O", ""]
    for tokens, tags in rows:
        lines += [f"{token} {t}" for token, t in zip(tokens, tag(tags), strict=True)] + [""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def conll(tmp_path):
    return write_conll(tmp_path / "train.conll", sentences())


def test_entity_metric_on_hand_computed_corner_cases():
    entities = metrics.load("entities")
    gold = [
        ["B-PER", "I-PER", "O", "B-LOC"],  # two entities
        ["O", "B-PER", "I-PER"],  # predicted with I- after O: the same span, counts as right
        ["B-PER", "I-PER"],  # predicted with a type change inside: two wrong entities
        ["B-ORG", "I-ORG", "I-ORG"],  # predicted one word short: wrong
    ]
    predicted = [
        ["B-PER", "I-PER", "O", "B-LOC"],
        ["O", "I-PER", "I-PER"],
        ["B-PER", "I-LOC"],
        ["B-ORG", "I-ORG", "O"],
    ]
    scores = entities.compute(predictions=predicted, references=gold)
    # gold: PER x3, LOC x1, ORG x1 = 5; predicted: PER(0-1), LOC, PER(1-2), PER(0), LOC(1), ORG(0-1) = 6; right: 3
    assert scores["precision"] == pytest.approx(3 / 6)
    assert scores["recall"] == pytest.approx(3 / 5)
    assert scores["f1"] == pytest.approx(2 * 0.5 * 0.6 / 1.1)
    assert scores["accuracy"] == pytest.approx(9 / 12)
    assert (scores["PER_precision"], scores["PER_recall"], scores["PER_number"]) == (pytest.approx(2 / 3), 2 / 3, 3)
    assert (scores["LOC_precision"], scores["LOC_recall"]) == (0.5, 1.0)
    assert (scores["ORG_f1"], scores["ORG_number"]) == (0.0, 1)


def test_tag_schemes_become_iob2():
    assert ner.to_iob2(["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-LOC"], "IOB1", "x") == [
        "B-PER",
        "I-PER",
        "O",
        "B-LOC",
        "B-LOC",
        "I-LOC",
    ]
    assert ner.to_iob2(["S-PER", "B-LOC", "I-LOC", "E-LOC", "O"], "BIOES", "x") == [
        "B-PER",
        "B-LOC",
        "I-LOC",
        "I-LOC",
        "O",
    ]
    assert ner.to_iob2(["B-PER", "I-PER", "B-PER"], "IOB2", "x") == ["B-PER", "I-PER", "B-PER"]
    with pytest.raises(UserError, match=r"f.conll:3: tag 'E-PER' is not a IOB2 tag \(O, B-TYPE, I-TYPE\)"):
        ner.to_iob2(["B-PER", "E-PER"], "IOB2", "f.conll:3")
    with pytest.raises(UserError, match="tag 'PER' is not a BIOES tag"):
        ner.to_iob2(["PER"], "BIOES", "x")


def test_conll_files_split_into_sentences_and_bad_lines_name_their_number(tmp_path):
    path = tmp_path / "data.conll"
    path.write_text("-DOCSTART- -X- O O\n\nAda NNP B-NP B-PER\nsings VBZ B-VP O\n\n\nOslo NNP B-NP B-LOC\n")
    read = ner.read_conll(path, "data.train", 3)
    assert [(s["tokens"], s["tags"]) for s in read] == [(["Ada", "sings"], ["B-PER", "O"]), (["Oslo"], ["B-LOC"])]
    assert read[1]["where"] == f"{path}:7"
    path.write_text("Ada B-PER\nsings\n")
    with pytest.raises(UserError, match=rf"data.train: {path}:2: the line 'sings' has 1 column\(s\)"):
        ner.read_conll(path, "data.train", -1)


def test_conll_2003s_own_file_names_are_read_as_columns(tmp_path):
    path = tmp_path / "eng.train"  # the original files are eng.train, eng.testa and eng.testb
    path.write_text("-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\n", encoding="utf-8")
    data = ner.DataConfig(scheme="IOB1")
    [sentence] = ner.read_sentences(str(path), "train", "data.train", data)
    assert sentence["tokens"] == ["EU", "rejects"] and sentence["tags"] == ["B-ORG", "O"]


def test_first_sub_token_carries_the_tag(tiny_bert):
    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    words = ["Zyxwvut", "Berg", "sings"]
    names = ["O", "B-PER", "I-PER"]
    sentence = [{"tokens": words, "tags": ["B-PER", "I-PER", "O"]}]
    data = ner.DataConfig()
    first = ner.encode(sentence, tokenizer, names, data, all_subtokens=False)["labels"][0]
    every = ner.encode(sentence, tokenizer, names, data, all_subtokens=True)["labels"][0]
    pieces = len(tokenizer.tokenize("Zyxwvut"))
    assert pieces > 1  # a rare word is split, so alignment matters
    assert first[: pieces + 1] == [-100, 1] + [-100] * (pieces - 1)
    assert every[: pieces + 1] == [-100, 1] + [2] * (pieces - 1)  # the word's later pieces get its I- tag
    assert first[-1] == every[-1] == -100  # [SEP]


@pytest.mark.slow
def test_tiny_bert_learns_the_entities_and_predicts_them(tiny_bert, conll, tmp_path, capsys):
    out = tmp_path / "run"
    result = run_recipe(
        "ner",
        f"model.name={tiny_bert}",
        f"output_dir={out}",
        f"data.train={conll}",
        f"data.validation={conll}",
        "train.max_steps=120",
        "train.batch_size=8",
        "train.lr=3e-3",
        "train.eval_every=120",
        "model.hidden_dropout_prob=0",
        "model.attention_probs_dropout_prob=0",
    )
    assert result["eval"]["f1"] > 0.9 and result["eval"]["accuracy"] > 0.95
    assert result["best"]["metric"] == "f1"
    per_type = json.loads((out / "entity_scores.json").read_text())
    assert per_type["PER_number"] == 15 and per_type["LOC_number"] == 15
    text = "yesterday Mira Patel flew to New Delhi ."
    found = predict(out, [{"text": text}])[0]["entities"]
    assert [(e["type"], e["text"]) for e in found] == [("PER", "Mira Patel"), ("LOC", "New Delhi")]
    assert all(text[e["start"] : e["end"]] == e["text"] and 0 < e["score"] <= 1 for e in found)
    main(["predict", str(out), "--text", text])
    assert capsys.readouterr().out.strip() == "PER: Mira Patel; LOC: New Delhi"
    # Only first sub-tokens were trained, so the pipeline groups words by their first sub-token ("first").
    grouped = pipeline("token-classification", model=str(out), aggregation_strategy="first")(text)
    assert [(g["entity_group"], g["word"].lower()) for g in grouped] == [("PER", "mira patel"), ("LOC", "new delhi")]
    assert pipeline("token-classification", model=str(out), aggregation_strategy="simple")(text)  # loads and runs


def test_lora_trains_a_token_classifier_adapter(tiny_bert, conll, tmp_path):
    out = tmp_path / "run"
    run_recipe(
        "ner",
        f"model.name={tiny_bert}",
        f"output_dir={out}",
        f"data.train={conll}",
        "data.validation=null",
        "train.max_steps=2",
        "peft.method=lora",
    )
    assert (out / "adapter_config.json").is_file()
    assert json.loads((out / "adapter_config.json").read_text())["task_type"] == "TOKEN_CLS"
    assert "entities" in predict(out, [{"text": "Ada Lee lives in Oslo ."}])[0]


def test_json_lines_with_token_and_tag_lists(tiny_bert, tmp_path):
    rows = sentences()
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps({"words": t, "labels": g}) + "\n" for t, g in rows))
    out = tmp_path / "run"
    overrides = (f"data.train={path}", "data.validation=null", "data.tokens_column=words", "data.tags_column=labels")
    run_recipe("ner", f"model.name={tiny_bert}", f"output_dir={out}", *overrides, "train.max_steps=1")
    config = json.loads((out / "config.json").read_text())
    assert config["id2label"] == {"0": "O", "1": "B-LOC", "2": "I-LOC", "3": "B-PER", "4": "I-PER"}


@pytest.mark.parametrize(
    ("make_file", "extra", "message"),
    [
        (lambda p: p.write_text("Ada B-PER\nLee\n"), (), ":2: the line 'Lee' has 1 column(s)"),
        (lambda p: p.write_text("Ada B-PER\n"), ("data.scheme=IOB3",), "'data.scheme' must be one of: IOB1, IOB2"),
        (lambda p: p.write_text("Ada X-PER\n"), (), ":1: tag 'X-PER' is not a IOB2 tag"),
        (lambda p: p.write_text("Ada B-XYZ\n"), ("data.labels=[O,B-PER,I-PER]",), "tag 'B-XYZ' is not in the tag set"),
    ],
)
def test_bad_input_exits_2_with_one_line(tiny_bert, tmp_path, capsys, make_file, extra, message):
    path = tmp_path / "bad.conll"
    make_file(path)
    reset_accelerate()
    with pytest.raises(SystemExit) as exit_info:
        out = f"output_dir={tmp_path / 'out'}"
        main(["train", "ner", f"model.name={tiny_bert}", f"data.train={path}", "data.validation=null", out, *extra])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert message in err and err.count("llmkit: error:") == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_unequal_token_and_tag_lists_name_the_line(tiny_bert, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps({"tokens": ["a", "b"], "tags": ["O", "O"]}) + "\n" + json.dumps({"tokens": ["a"], "tags": []})
    )
    with pytest.raises(UserError, match=rf"{path}:2: 1 tokens but 0 tags"):
        ner.read_sentences(str(path), "train", "data.train", ner.DataConfig())
