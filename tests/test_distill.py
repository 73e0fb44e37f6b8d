"""Knowledge distillation: the loss on known logits, the teacher-initialised student, runs end to end per recipe,
and bad teachers refused before training."""

from __future__ import annotations

import json
import math
import random
import re
import shutil
import signal
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
import yaml
from helpers import run_recipe, seeded
from test_bad_input import fails_cleanly
from test_classification import WORDS, write_csv
from test_clm import TINY as CLM_TINY
from test_clm import lm_corpus  # noqa: F401 (a fixture)
from test_faults import assert_same_weights, signal_after_step  # noqa: F401 (a fixture)
from test_mlm import TINY as MLM_TINY
from test_ner import sentences, write_conll
from transformers import (
    AutoTokenizer,
    BertConfig,
    BertForSequenceClassification,
    DistilBertConfig,
    DistilBertForSequenceClassification,
    GPT2Config,
    GPT2LMHeadModel,
    MarianConfig,
    MarianMTModel,
)

from llmkit.config import load_config
from llmkit.distill import copy_teacher_weights, distillation_loss, spread
from llmkit.errors import ConfigError, UserError
from llmkit.guard import Preempted
from llmkit.predict import predict
from llmkit.registry import get_recipe
from llmkit.rundir import save_config

FAST = ("train.batch_size=16", "train.lr=3e-3", "train.warmup_ratio=0.1", "train.log_every=2")
OTHER_WORDS = [word for word in WORDS if word != "good"]
NO_DROPOUT = ("model.hidden_dropout_prob=0", "model.attention_probs_dropout_prob=0")
PEOPLE = ("ada lee", "tom berg", "mira patel")


def softmax(row: list[float], temperature: float) -> list[float]:
    exps = [math.exp(x / temperature) for x in row]
    return [e / sum(exps) for e in exps]


def kl(p: list[float], q: list[float]) -> float:
    return sum(a * math.log(a / b) for a, b in zip(p, q, strict=True))


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, byte for byte."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def train_losses(folder: Path) -> list[float]:
    records = [json.loads(line) for line in (folder / "train_log.jsonl").read_text().splitlines()]
    return [record["loss"] for record in records if record["kind"] == "train"]


# --------------------------------------------------------------------------------------------------------------
# The loss on known logits


def test_sequence_classification_loss_is_the_tempered_kl_per_example():
    student = torch.tensor([[1.0, 0.0, -1.0], [0.5, 0.5, 0.0]])
    teacher = torch.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    task = torch.tensor(0.7)
    loss = distillation_loss(
        SimpleNamespace(logits=student, loss=task), SimpleNamespace(logits=teacher), {}, 0.3, 2.0, None
    )
    rows = [kl(softmax(t, 2.0), softmax(s, 2.0)) for s, t in zip(student.tolist(), teacher.tolist(), strict=True)]
    assert float(loss) == pytest.approx(0.3 * 4 * sum(rows) / 2 + 0.7 * 0.7, rel=1e-6)


def test_token_loss_averages_over_labelled_positions_only():
    student = torch.tensor([[[1.0, 0.0], [5.0, -5.0], [0.0, 2.0]]])
    teacher = torch.tensor([[[0.0, 1.0], [0.0, 0.0], [1.0, 1.0]]])
    batch = {"labels": torch.tensor([[1, -100, 0]]), "attention_mask": torch.ones(1, 3)}
    output = SimpleNamespace(logits=student, loss=torch.tensor(0.0))
    loss = distillation_loss(output, SimpleNamespace(logits=teacher), batch, 1.0, 3.0)
    kept = [kl(softmax(teacher[0, i].tolist(), 3.0), softmax(student[0, i].tolist(), 3.0)) for i in (0, 2)]
    assert float(loss) == pytest.approx(9 * sum(kept) / 2, rel=1e-6)
    other = teacher.clone()
    other[0, 1] = torch.tensor([-9.0, 9.0])  # the -100 position: no part in the loss
    assert torch.equal(distillation_loss(output, SimpleNamespace(logits=other), batch, 1.0, 3.0), loss)


def test_qa_loss_is_the_mean_of_start_and_end_over_real_tokens():
    student = SimpleNamespace(
        start_logits=torch.tensor([[1.0, 0.0, 0.0, 2.0], [0.0, 1.0, 7.0, 7.0]]),
        end_logits=torch.tensor([[0.0, 0.0, 1.0, 0.0], [2.0, 0.0, -7.0, 3.0]]),
        loss=torch.tensor(1.5),
    )
    teacher = SimpleNamespace(
        start_logits=torch.tensor([[0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]]),
        end_logits=torch.tensor([[1.0, 0.0, 0.0, 0.0], [0.0, 2.0, 5.0, 5.0]]),
    )
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0]])  # the second window is two tokens long
    loss = distillation_loss(student, teacher, {"attention_mask": mask}, 0.5, 2.0)

    def term(name: str) -> float:
        s, t = getattr(student, name).tolist(), getattr(teacher, name).tolist()
        first = kl(softmax(t[0], 2.0), softmax(s[0], 2.0))
        second = kl(softmax(t[1][:2], 2.0), softmax(s[1][:2], 2.0))
        return (first + second) / 2

    soft = 4 * (term("start_logits") + term("end_logits")) / 2
    assert float(loss) == pytest.approx(0.5 * soft + 0.5 * 1.5, rel=1e-6)


def test_multi_label_and_regression_analogues():
    student, teacher = torch.tensor([[0.5, -1.0]]), torch.tensor([[2.0, 0.0]])
    output = SimpleNamespace(logits=student, loss=torch.tensor(0.0))
    bce = distillation_loss(output, SimpleNamespace(logits=teacher), {}, 1.0, 2.0, "multi_label_classification")
    soft_targets = [sigmoid(t / 2) for t in teacher[0].tolist()]
    terms = [
        -(p * math.log(sigmoid(s / 2)) + (1 - p) * math.log(1 - sigmoid(s / 2)))
        for s, p in zip(student[0].tolist(), soft_targets, strict=True)
    ]
    assert float(bce) == pytest.approx(4 * sum(terms) / 2, rel=1e-6)
    scores = SimpleNamespace(logits=torch.tensor([[1.0], [3.0]]), loss=torch.tensor(0.0))
    mse = distillation_loss(scores, SimpleNamespace(logits=torch.tensor([[2.0], [1.0]])), {}, 1.0, 5.0, "regression")
    assert float(mse) == pytest.approx((1 + 4) / 2)  # no temperature: a score has no distribution to soften


def test_alpha_zero_is_exactly_the_task_loss():
    task = torch.tensor(0.123456789)
    output = SimpleNamespace(logits=torch.randn(3, 4, 5), loss=task)
    batch = {"labels": torch.tensor([[1, 2, -100, 0]] * 3)}
    assert torch.equal(distillation_loss(output, SimpleNamespace(logits=torch.randn(3, 4, 5)), batch, 0.0, 2.0), task)


def test_distill_settings_are_checked_at_start_up(tmp_path):
    config = get_recipe("sentiment").config
    for setting, message in (
        ("distill.alpha=1.5", "'distill.alpha' must be in [0, 1], got 1.5"),
        ("distill.temperature=0", "'distill.temperature' must be positive"),
        ("distill.init=random", "'distill.init' must be one of: teacher, model"),
    ):
        with pytest.raises(ConfigError, match="command line: " + re.escape(message)):
            load_config(config, None, [setting])
    with pytest.raises(ConfigError, match="with distill.init=teacher the student's base is a copy"):
        load_config(config, None, ["distill.teacher=runs/x", "peft.method=lora"])
    assert load_config(config, None, ["distill.teacher=runs/x", "peft.method=lora", "distill.init=model"])
    with pytest.raises(ConfigError, match="'distill.teacher' is the output_dir"):
        load_config(config, None, [f"distill.teacher={tmp_path}", f"output_dir={tmp_path}/."])


# --------------------------------------------------------------------------------------------------------------
# distill.init=teacher: which layers the student starts from


def test_layers_are_spread_evenly_from_the_first():
    assert spread(6, 3) == [0, 2, 4]
    assert spread(4, 2) == [0, 2]
    assert spread(12, 6) == [0, 2, 4, 6, 8, 10]
    assert spread(6, 4) == [0, 1, 3, 4]
    assert spread(3, 3) == [0, 1, 2] and spread(5, 1) == [0]


def same(first: torch.nn.Module, second: torch.nn.Module) -> bool:
    one, two = first.state_dict(), second.state_dict()
    return one.keys() == two.keys() and all(torch.equal(one[key], two[key]) for key in one)


def test_a_bert_student_takes_layers_0_and_2_embeddings_and_head():
    config = BertConfig(
        vocab_size=99, hidden_size=32, num_hidden_layers=4, num_attention_heads=2, intermediate_size=64, num_labels=3
    )
    with seeded(0):
        teacher = BertForSequenceClassification(config)
        student = BertForSequenceClassification(BertConfig(**{**config.to_dict(), "num_hidden_layers": 2}))
    assert not same(student.bert.embeddings, teacher.bert.embeddings)
    assert copy_teacher_weights(student, teacher) == [0, 2]
    assert same(student.bert.encoder.layer[0], teacher.bert.encoder.layer[0])
    assert same(student.bert.encoder.layer[1], teacher.bert.encoder.layer[2])
    for part in ("bert.embeddings", "bert.pooler", "classifier"):
        assert same(student.get_submodule(part), teacher.get_submodule(part))


def test_a_gpt2_student_takes_its_layers_from_transformer_h():
    with seeded(0):
        teacher = GPT2LMHeadModel(GPT2Config(vocab_size=50, n_positions=16, n_embd=32, n_layer=4, n_head=2))
        student = GPT2LMHeadModel(GPT2Config(vocab_size=50, n_positions=16, n_embd=32, n_layer=2, n_head=2))
    copy_teacher_weights(student, teacher)
    assert same(student.transformer.h[1], teacher.transformer.h[2])
    for part in ("transformer.wte", "transformer.wpe", "transformer.ln_f", "lm_head"):
        assert same(student.get_submodule(part), teacher.get_submodule(part))


def test_a_student_of_another_width_is_refused():
    with seeded(0):
        teacher = GPT2LMHeadModel(GPT2Config(vocab_size=50, n_positions=16, n_embd=32, n_layer=2, n_head=2))
        student = GPT2LMHeadModel(GPT2Config(vocab_size=50, n_positions=16, n_embd=16, n_layer=1, n_head=2))
    with pytest.raises(UserError, match="only the layer count may differ from the teacher"):
        copy_teacher_weights(student, teacher)


# --------------------------------------------------------------------------------------------------------------
# End to end


def review_rows(count: int, seed: int) -> list[dict[str, str]]:
    """Short texts that are positive exactly when they say "good": learnt in a few dozen steps."""
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        words = [rng.choice(OTHER_WORDS) for _ in range(rng.randint(3, 7))]
        if i % 2:
            words.insert(rng.randint(0, len(words)), "good")
        rows.append({"text": " ".join(words), "label": "positive" if i % 2 else "negative"})
    return rows


@pytest.fixture(scope="module")
def reviews(tmp_path_factory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("reviews")
    for name, count, seed in (("train", 128, 0), ("validation", 32, 1)):
        write_csv(folder / f"{name}.csv", review_rows(count, seed))
    return (f"data.train={folder / 'train.csv'}", f"data.validation={folder / 'validation.csv'}")


@pytest.fixture(scope="module")
def teacher(tiny_bert, reviews, tmp_path_factory):
    """A finished 4-layer sentiment run (tiny BERT's two layers and two new ones), trained here."""
    out = tmp_path_factory.mktemp("teacher") / "sentiment"
    settings = ("model.num_hidden_layers=4", *NO_DROPOUT, *FAST, "train.max_steps=40", "train.lr=1e-2")
    run_recipe("sentiment", f"model.name={tiny_bert}", f"output_dir={out}", *reviews, *settings)
    return out


def test_a_sentiment_run_distils_into_a_smaller_student(teacher, reviews, tmp_path):
    before = snapshot(teacher)
    out = tmp_path / "student"
    # One layer of the teacher's four: the student starts worse than its teacher and learns to match it.
    settings = (f"distill.teacher={teacher}", "model.num_hidden_layers=1", "distill.alpha=0.5", *NO_DROPOUT)
    metrics = run_recipe(
        "sentiment", f"output_dir={out}", *reviews, *settings, *FAST, "train.max_steps=16", "train.lr=1e-3"
    )
    losses = train_losses(out)
    assert len(losses) == 8 and sum(losses[-2:]) < 0.5 * sum(losses[:2])
    assert metrics["eval"]["accuracy"] > 0.9
    assert json.loads((out / "config.json").read_text())["num_hidden_layers"] == 1
    saved = yaml.safe_load((out / "run_config.yaml").read_text())
    assert saved["distill"] == {"teacher": str(teacher), "alpha": 0.5, "temperature": 2.0, "init": "teacher"}
    assert saved["model"]["name"] == str(teacher)  # the architecture the student was built from
    card = (out / "README.md").read_text()
    assert f"Distilled from the teacher run `{teacher}` (distill.alpha=0.5, distill.temperature=2.0" in card
    [result] = predict(out, [{"text": "a wonderful, warm film"}])
    assert result["label"] in ("negative", "positive") and 0 < result["score"] <= 1
    assert snapshot(teacher) == before


def test_alpha_zero_trains_exactly_as_without_a_teacher(teacher, tiny_bert, reviews, tmp_path):
    plain, distilled = tmp_path / "plain", tmp_path / "distilled"
    same_run = (f"model.name={tiny_bert}", *reviews, "train.max_steps=4", *FAST)
    run_recipe("sentiment", f"output_dir={plain}", *same_run)
    run_recipe(
        "sentiment",
        f"output_dir={distilled}",
        *same_run,
        f"distill.teacher={teacher}",
        "distill.init=model",
        "distill.alpha=0",
    )
    assert train_losses(distilled) == train_losses(plain)


@pytest.mark.slow
def test_a_resumed_distillation_equals_an_uninterrupted_one(teacher, reviews, tmp_path, signal_after_step):  # noqa: F811
    settings = (*reviews, f"distill.teacher={teacher}", "model.num_hidden_layers=2", *FAST)
    schedule = ("train.max_steps=6", "train.save_every=2", "train.keep_last=1")
    full, stopped = tmp_path / "full", tmp_path / "stopped"
    run_recipe("sentiment", f"output_dir={full}", *settings, *schedule)
    signal_after_step(signal.SIGTERM, 3)
    with pytest.raises(Preempted):
        run_recipe("sentiment", f"output_dir={stopped}", *settings, *schedule)
    # The teacher is loaded again and the student's weights come from the checkpoint, not from the teacher.
    run_recipe("sentiment", f"output_dir={stopped}", *settings, *schedule, "resume_from_checkpoint=latest")
    assert_same_weights(full, stopped)
    assert train_losses(stopped)[-1] == train_losses(full)[-1]


def qa_file(path: Path) -> Path:
    """A few SQuAD-layout questions on short contexts: who made the film, and who wrote its music."""
    paragraphs = []
    for maker in PEOPLE:
        for writer in (person for person in PEOPLE if person != maker):
            context = f"the film was made by {maker} in paris and {writer} wrote its music ."
            questions = (("made", "who made the film ?", maker), ("wrote", "who wrote the music ?", writer))
            qas = [
                {
                    "id": f"{maker}-{writer}-{key}",
                    "question": question,
                    "answers": [{"text": name, "answer_start": context.index(name)}],
                }
                for key, question, name in questions
            ]
            paragraphs.append({"context": context, "qas": qas})
    path.write_text(json.dumps({"version": "1.1", "data": [{"title": "t", "paragraphs": paragraphs}]}))
    return path


def test_qa_distils_start_and_end_logits(tiny_bert, tmp_path):
    data = qa_file(tmp_path / "qa.json")
    shared = (f"data.train={data}", f"data.validation={data}", "data.max_length=48", "data.doc_stride=16", *FAST)
    teacher = tmp_path / "teacher"
    run_recipe("qa", f"model.name={tiny_bert}", f"output_dir={teacher}", "train.max_steps=2", *shared)
    out = tmp_path / "student"
    metrics = run_recipe(
        "qa",
        f"output_dir={out}",
        f"distill.teacher={teacher}",
        "model.num_hidden_layers=1",
        "train.max_steps=4",
        *shared,
    )
    assert metrics["train"]["steps"] == 4 and all(math.isfinite(loss) for loss in train_losses(out))
    assert 0 <= metrics["eval"]["f1"] <= 100 and (out / "predictions.json").is_file()


@pytest.fixture(scope="module")
def ner_teacher(tiny_bert, tmp_path_factory):
    """A finished ner run of the tiny BERT on a few tagged sentences."""
    folder = tmp_path_factory.mktemp("ner")
    conll = write_conll(folder / "train.conll", sentences())
    out = folder / "teacher"
    run_recipe(
        "ner",
        f"model.name={tiny_bert}",
        f"output_dir={out}",
        f"data.train={conll}",
        "data.validation=null",
        "train.max_steps=2",
        *FAST,
    )
    return out


def test_ner_distils_into_a_checkpoint_student(ner_teacher, tiny_bert, tmp_path):
    conll = ner_teacher.parent / "train.conll"
    out = tmp_path / "student"
    run_recipe(
        "ner",
        f"model.name={tiny_bert}",
        f"output_dir={out}",
        f"data.train={conll}",
        f"data.validation={conll}",
        f"distill.teacher={ner_teacher}",
        "distill.init=model",
        "distill.temperature=4",
        "train.max_steps=4",
        *FAST,
    )
    losses = train_losses(out)
    assert losses[-1] < losses[0]
    assert "entities" in predict(out, [{"text": "Ada Lee lives in Oslo ."}])[0]


def test_a_teacher_refuses_batches_in_pieces(ner_teacher, tiny_bert, tmp_path, capsys):
    """`auto` gives a distilled ner run whole batches; asking for pieces (`packed`) is refused: no logits."""
    conll = ner_teacher.parent / "train.conll"
    out = tmp_path / "student"
    settings = (f"model.name={tiny_bert}", f"output_dir={out}", f"data.train={conll}", "data.validation=null", *FAST)
    err = fails_cleanly(capsys, "train", "ner", f"distill.teacher={ner_teacher}", "train.batching=packed", *settings)
    assert "runs this recipe's batches in pieces" in err and "Fix: use train.batching=auto" in err


@pytest.mark.slow
@pytest.mark.parametrize(
    ("recipe", "tiny", "layers"),
    [("clm", CLM_TINY, "model.n_layer=1"), ("mlm", MLM_TINY, "model.num_hidden_layers=1")],
)
def test_language_models_distil_token_by_token(recipe, tiny, layers, lm_corpus, tmp_path):  # noqa: F811
    teacher = tmp_path / "teacher"
    run_recipe(recipe, *tiny, *lm_corpus, f"output_dir={teacher}", "train.max_steps=4")
    # The student reads the teacher's tokens (no tokenizer of its own) and has one layer instead of two.
    student = [s for s in tiny if not s.startswith(("model.", "tokenizer.train"))]
    out = tmp_path / "student"
    run_recipe(
        recipe, *student, *lm_corpus, f"output_dir={out}", f"distill.teacher={teacher}", layers, "train.max_steps=20"
    )
    losses = train_losses(out)
    assert sum(losses[-2:]) < 0.95 * sum(losses[:2])  # dynamic masks make mlm's curve noisy
    assert AutoTokenizer.from_pretrained(out).get_vocab() == AutoTokenizer.from_pretrained(teacher).get_vocab()


# --------------------------------------------------------------------------------------------------------------
# Bad teachers: one line, exit status 2, nothing written


def fake_run(folder: Path, recipe: str, model: torch.nn.Module, tokenizer_from: Path) -> Path:
    """A finished run folder as the runner leaves it, around a model built here."""
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(tokenizer_from).save_pretrained(folder)
    save_config(
        load_config(get_recipe(recipe).config, None, [f"output_dir={folder}"]), folder / "run_config.yaml", recipe
    )
    (folder / "metrics.json").write_text(json.dumps({"recipe": recipe, "eval": {}}))
    return folder


def distilbert_run(folder: Path, tiny_bert: Path) -> Path:
    """A sentiment run of an architecture whose layers llmkit cannot find (DistilBERT's `transformer.layer`)."""
    config = DistilBertConfig(
        vocab_size=len(AutoTokenizer.from_pretrained(tiny_bert)),
        dim=32,
        n_layers=2,
        n_heads=2,
        hidden_dim=64,
        max_position_embeddings=256,
        id2label={0: "negative", 1: "positive"},
        label2id={"negative": 0, "positive": 1},
        problem_type="single_label_classification",
    )
    with seeded(0):
        return fake_run(folder, "sentiment", DistilBertForSequenceClassification(config), tiny_bert)


def marian_run(folder: Path, tiny_bert: Path) -> Path:
    config = MarianConfig(
        vocab_size=100,
        d_model=16,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        decoder_start_token_id=0,
        pad_token_id=0,
    )
    with seeded(0):
        return fake_run(folder, "translation", MarianMTModel(config), tiny_bert)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unfinished", "is not a finished llmkit run (missing metrics.json"),
        ("missing", "does not exist. Fix: pass the output_dir of a finished run"),
        ("other recipe", "is a run of the 'ner' recipe, but this run trains 'sentiment'"),
        ("other labels", "predicts ['negative', 'positive'] (single_label_classification), but the student's data"),
        ("other tokenizer", "has another tokenizer than the student ("),
        ("more layers", "the student has 6 layers but the teacher only 4"),
        ("unknown layers", "cannot find the layers of DistilBertForSequenceClassification"),
        ("peft", "with distill.init=teacher the student's base is a copy of some of the teacher's layers"),
        ("teacher is output", "'distill.teacher' is the output_dir"),
    ],
)
def test_bad_teachers_stop_before_training(case, message, teacher, ner_teacher, tiny_bert, tiny_gpt2, tmp_path, capsys):
    before = snapshot(teacher)
    out = tmp_path / "out"
    given, extra = teacher, []
    if case == "unfinished":
        given = tmp_path / "unfinished"
        given.mkdir()
        shutil.copy(teacher / "run_config.yaml", given)
    elif case == "missing":
        given = tmp_path / "nowhere"
    elif case == "other recipe":
        given = ner_teacher
    elif case == "other labels":
        extra = ["data.labels=[negative, neutral, positive]"]
    elif case == "other tokenizer":
        extra = ["distill.init=model", f"model.name={tiny_gpt2}"]
    elif case == "more layers":
        extra = ["model.num_hidden_layers=6"]
    elif case == "unknown layers":
        given = distilbert_run(tmp_path / "distilbert", tiny_bert)
    elif case == "peft":
        extra = ["peft.method=lora"]
    elif case == "teacher is output":
        out, extra = teacher, ["overwrite_output_dir=true"]
    err = fails_cleanly(capsys, "train", "sentiment", f"output_dir={out}", f"distill.teacher={given}", *extra, *FAST)
    assert message in err
    assert out == teacher or not out.exists()
    assert snapshot(teacher) == before


def test_an_encoder_decoder_teacher_is_refused(tiny_bert, tmp_path, capsys):
    given = marian_run(tmp_path / "marian", tiny_bert)
    out = tmp_path / "out"
    err = fails_cleanly(capsys, "train", "translation", f"output_dir={out}", f"distill.teacher={given}")
    assert "holds an encoder-decoder model, which distillation does not support" in err
    assert not out.exists()
