"""PEFT (LoRA, IA3) through the runner: adapter folders, merging, loading for prediction, resume, config checks."""

import json
import shutil

import pytest
import torch
from helpers import run_recipe, sentiment_accuracy
from safetensors.torch import load_file
from transformers import AutoModelForSequenceClassification

from llmkit.adapters import describe_parameters
from llmkit.cli import main
from llmkit.config import load_config
from llmkit.errors import ConfigError, UserError
from llmkit.models import load_trained_model
from llmkit.registry import get_recipe

FAST = ("train.batch_size=16", "train.lr=5e-3", "train.log_every=2")


def test_lora_writes_an_adapter_that_loads_merges_and_evaluates(tiny_bert, tmp_path):
    out, merged = tmp_path / "run", tmp_path / "merged"
    metrics = run_recipe(
        "sentiment", f"model.name={tiny_bert}", f"output_dir={out}", "peft.method=lora", "train.max_steps=6", *FAST
    )
    assert not (out / "model.safetensors").exists()
    adapter = load_file(out / "adapter_model.safetensors")
    updates = [tensor for name, tensor in adapter.items() if "lora_B" in name]
    # query, key, value and the attention-output, intermediate and output dense layers of 2 layers, and the pooler
    assert len(updates) == 2 * 6 + 1
    assert all(tensor.abs().sum() > 0 for tensor in updates)  # LoRA starts B at zero: these were trained
    assert any("classifier" in name for name in adapter)
    assert not any("word_embeddings" in name for name in adapter)  # the frozen base is not copied
    config = json.loads((out / "adapter_config.json").read_text())
    assert sorted(config["target_modules"]) == ["dense", "key", "query", "value"]
    assert config["modules_to_save"] == ["classifier", "score"]  # the classification head trains fully

    # The adapter folder reproduces the runner's validation accuracy (evaluation on the adapter) ...
    model = load_trained_model(out)
    accuracy, logits = sentiment_accuracy(model, out)
    assert accuracy == pytest.approx(metrics["eval"]["accuracy"], abs=1e-6)
    # ... the base weights under it are the checkpoint's, untouched ...
    base = AutoModelForSequenceClassification.from_pretrained(tiny_bert)
    frozen = model.get_base_model().bert.embeddings.word_embeddings.weight
    assert torch.equal(frozen, base.bert.embeddings.word_embeddings.weight)

    # ... and the merged folder is a plain model with the same outputs.
    main(["merge", str(out), "--to", str(merged)])
    assert not (merged / "adapter_config.json").exists()
    assert (merged / "run_config.yaml").is_file()  # `llmkit predict` reads the recipe from it
    plain = AutoModelForSequenceClassification.from_pretrained(merged)
    assert type(plain).__name__ == "BertForSequenceClassification"
    merged_accuracy, merged_logits = sentiment_accuracy(plain, merged)
    assert torch.allclose(merged_logits, logits, atol=1e-5)
    assert merged_accuracy == accuracy
    assert type(load_trained_model(merged)).__name__ == "BertForSequenceClassification"


@pytest.mark.parametrize(
    ("model", "method", "targets"),
    [("tiny_gpt2", "lora", {"c_attn", "c_proj", "c_fc"}), ("tiny_bert", "ia3", {"key", "value", "output.dense"})],
)
def test_each_architecture_and_method_trains_its_default_targets(model, method, targets, tmp_path, request):
    folder = request.getfixturevalue(model)
    out = tmp_path / "run"
    metrics = run_recipe(
        "sentiment", f"model.name={folder}", f"output_dir={out}", f"peft.method={method}", "train.max_steps=4", *FAST
    )
    assert metrics["train"]["steps"] == 4
    config = json.loads((out / "adapter_config.json").read_text())
    assert config["peft_type"] == method.upper()
    assert set(config["target_modules"]) == targets
    assert config["fan_in_fan_out"] == (model == "tiny_gpt2")  # GPT-2's Conv1D stores weights transposed
    model = load_trained_model(out)
    trained = load_file(out / "adapter_model.safetensors")
    assert any("score" in name or "classifier" in name for name in trained)
    assert model.get_base_model().config.pad_token_id is not None  # the recipe's config survives the round trip


def test_resume_with_lora_equals_uninterrupted_run(tiny_bert, tmp_path):
    args = (f"model.name={tiny_bert}", "peft.method=lora", "train.max_steps=8", "train.save_every=4", *FAST)
    full = tmp_path / "full"
    run_recipe("sentiment", f"output_dir={full}", *args)
    resumed = tmp_path / "resumed"
    (resumed / "checkpoints").mkdir(parents=True)
    shutil.copytree(full / "checkpoints" / "step-0000004", resumed / "checkpoints" / "step-0000004")
    run_recipe("sentiment", f"output_dir={resumed}", "resume_from_checkpoint=latest", *args)
    expected = load_file(full / "adapter_model.safetensors")
    actual = load_file(resumed / "adapter_model.safetensors")
    assert expected.keys() == actual.keys()
    for name in expected:
        assert torch.equal(expected[name], actual[name]), name
    lines = [json.loads(line) for line in (full / "train_log.jsonl").read_text().splitlines()]
    resumed_lines = [json.loads(line) for line in (resumed / "train_log.jsonl").read_text().splitlines()]
    assert [r.get("loss") for r in lines] == [r.get("loss") for r in resumed_lines]


def test_trainable_parameter_summary():
    model = torch.nn.Sequential(torch.nn.Linear(1000, 1000), torch.nn.Linear(1000, 10))
    model[0].requires_grad_(False)
    assert describe_parameters(model) == "trainable 10,010 of 1.0M (1.0%)"  # 10,010 of 1,011,010
    model[0].requires_grad_(True)
    assert describe_parameters(model) == "trainable 1.0M of 1.0M (100.0%)"


def test_peft_config_checks():
    sentiment = get_recipe("sentiment").config
    with pytest.raises(ConfigError, match=r"'peft.r' must be at least 1"):
        load_config(sentiment, overrides=["peft.method=lora", "peft.r=0"])
    with pytest.raises(ConfigError, match=r"'peft.method' must be one of: none, lora, ia3"):
        load_config(sentiment, overrides=["peft.method=qlora"])
    with pytest.raises(ConfigError, match=r"peft.method=lora adapts pretrained weights, but model.init=scratch"):
        load_config(sentiment, overrides=["peft.method=lora", "model.init=scratch"])
    config = load_config(sentiment, overrides=["peft.method=lora", "peft.target_modules=query,value"])
    assert config.peft.target_modules == ["query", "value"]


def test_unknown_target_module_is_a_config_error(tiny_bert, tmp_path):
    with pytest.raises(ConfigError, match=r"'peft.target_modules'.*Fix: set peft.target_modules=.*query"):
        run_recipe(
            "sentiment",
            f"model.name={tiny_bert}",
            f"output_dir={tmp_path}",
            "peft.method=lora",
            "peft.target_modules=[c_attn]",
        )


def test_merge_refuses_a_folder_without_adapter(tiny_bert, tmp_path):
    with pytest.raises(UserError, match="holds no adapter"):
        main(["--debug", "merge", str(tiny_bert), "--to", str(tmp_path / "merged")])


def tiny(kind):
    """Tiny random models of the kinds the five recipes train (no checkpoint or tokenizer needed)."""
    from transformers import (
        BertConfig,
        BertForMaskedLM,
        BertForQuestionAnswering,
        EncoderDecoderConfig,
        EncoderDecoderModel,
        GPT2Config,
        GPT2LMHeadModel,
    )

    bert = BertConfig(vocab_size=99, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64)
    gpt2 = GPT2Config(vocab_size=99, n_positions=64, n_embd=32, n_layer=2, n_head=2)
    if kind == "clm":
        return GPT2LMHeadModel(gpt2)
    if kind == "mlm":
        return BertForMaskedLM(bert)
    if kind == "qa":
        return BertForQuestionAnswering(bert)
    gpt2.add_cross_attention = True
    model = EncoderDecoderModel(config=EncoderDecoderConfig.from_encoder_decoder_configs(bert, gpt2))
    model.config.decoder_start_token_id = model.config.pad_token_id = 0
    return model


@pytest.mark.parametrize(
    ("kind", "task_type", "head"),
    [
        ("clm", "CAUSAL_LM", None),
        ("mlm", None, None),
        ("qa", "QUESTION_ANS", "qa_outputs"),
        ("translation", "SEQ_2_SEQ_LM", None),
    ],
)
def test_every_recipe_kind_gets_adapters_and_trains_only_them(kind, task_type, head):
    from llmkit.adapters import apply_peft, infer_task_type
    from llmkit.config import PeftConfig

    torch.manual_seed(0)
    model = tiny(kind)
    assert infer_task_type(model) == task_type
    model = apply_peft(model, PeftConfig(method="lora"))
    ids = torch.randint(1, 99, (2, 8))
    inputs = {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
    if kind == "qa":
        inputs.update(start_positions=torch.tensor([1, 2]), end_positions=torch.tensor([3, 4]))
    elif kind == "translation":
        inputs["labels"] = torch.randint(1, 99, (2, 5))
    else:
        inputs["labels"] = ids
    model(**inputs).loss.backward()
    trained = {name for name, p in model.named_parameters() if p.grad is not None}
    assert trained and all("lora_" in name or "modules_to_save" in name for name in trained)
    assert any("modules_to_save" in name for name in trained) == (head is not None)
    if kind == "translation":  # both halves adapted: BERT's Linear and GPT-2's transposed Conv1D layers
        assert any(".encoder." in name for name in trained) and any("c_attn.lora_A" in name for name in trained)


def test_a_lora_reader_reads_segment_ids_like_the_merged_model():
    """peft's question-answering wrapper drops `token_type_ids`; llmkit's adapters must pass them through."""
    from llmkit.adapters import apply_peft
    from llmkit.config import PeftConfig

    torch.manual_seed(0)
    model = apply_peft(tiny("qa"), PeftConfig(method="lora"), "QUESTION_ANS").eval()
    ids = torch.randint(1, 99, (1, 8))
    segments = torch.tensor([[0, 0, 0, 0, 1, 1, 1, 1]])
    with torch.no_grad():
        with_segments = model(input_ids=ids, token_type_ids=segments).start_logits
        without = model(input_ids=ids).start_logits
        merged = model.merge_and_unload()(input_ids=ids, token_type_ids=segments).start_logits
    assert not torch.allclose(with_segments, without)
    torch.testing.assert_close(with_segments, merged)
