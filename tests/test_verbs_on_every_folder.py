"""Every recipe's `predict` works on its plain, adapter (LoRA) and merged output folders, with the same results."""

from __future__ import annotations

import pytest
from helpers import rounded, run_recipe

from llmkit.models import merge_adapter
from llmkit.predict import predict

QUICK = (
    "train.max_steps=2",
    "train.batch_size=8",
    "data.validation=null",
    "peft.method=lora",
    "data.max_train_examples=32",
)
CASES = {
    "sentiment": ((), [{"text": "a wonderful film"}], {}),
    "qa": (
        ("data.max_length=256", "data.doc_stride=64"),
        [{"question": "Who built it?", "context": "It was built by Ada Lee in 1901."}],
        {},
    ),
    "ner": ((), [{"text": "Ada Lee flew to Paris on 3 March 2021."}], {}),
    "clm": (("model.init=pretrained", "sampling.prompts=[]"), [{"prompt": "The little fox"}], {"temperature": 0.0}),
    "mlm": (("model.init=pretrained", "tokenizer.train=false"), [{"text": "the little fox ran to the [MASK]."}], {}),
    "translation": (
        ("model.form=decoder-only", "model.init=pretrained", "generate.max_new_tokens=8"),
        [{"text": "The dog sleeps."}],
        {},
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("recipe", sorted(CASES))
def test_predict_on_adapter_and_merged_folders(recipe, tiny_bert, tiny_gpt2, tmp_path):
    overrides, records, options = CASES[recipe]
    model = tiny_gpt2 if recipe in ("clm", "translation") else tiny_bert
    out = tmp_path / "run"
    run_recipe(recipe, f"model.name={model}", f"output_dir={out}", *QUICK, *overrides)
    assert (out / "adapter_config.json").is_file()
    from_adapter = predict(out, records, **options)
    merged = merge_adapter(out, tmp_path / "merged")
    from_merged = predict(merged, records, **options)
    assert len(from_adapter) == len(records)
    assert rounded(from_merged) == rounded(from_adapter)
