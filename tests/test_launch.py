"""Every accelerate config in launch/ parses with accelerate's own config classes and says how to run it."""

from pathlib import Path

import pytest
from accelerate.commands.config.config_args import ClusterConfig
from accelerate.utils import DistributedType
from accelerate.utils.dataclasses import get_module_class_from_name
from transformers import AutoModelForSequenceClassification

ROOT = Path(__file__).resolve().parent.parent
LAUNCH = sorted((ROOT / "launch").glob("*.yaml"))
EXPECTED = {
    "single_gpu": DistributedType.NO,
    "multi_gpu": DistributedType.MULTI_GPU,
    "fsdp": DistributedType.FSDP,
    "deepspeed_zero2": DistributedType.DEEPSPEED,
    "deepspeed_zero3": DistributedType.DEEPSPEED,
    "two_machines": DistributedType.MULTI_GPU,
}


def test_the_common_setups_are_shipped():
    assert {path.stem for path in LAUNCH} == set(EXPECTED)


@pytest.mark.parametrize("path", LAUNCH, ids=lambda path: path.stem)
def test_launch_config_parses_and_documents_its_command(path):
    config = ClusterConfig.from_yaml_file(str(path))  # rejects unknown keys
    assert config.distributed_type == EXPECTED[path.stem]
    assert not config.use_cpu
    assert config.mixed_precision == "no"  # llmkit's train.mixed_precision decides (auto: bf16/fp16 on GPUs)
    header = path.read_text().split("compute_environment")[0]
    assert f"accelerate launch --config_file launch/{path.name} " in header
    readme = (ROOT / "README.md").read_text()
    assert f"--config_file launch/{path.name}" in readme


def test_deepspeed_stages_and_two_machines():
    zero2 = ClusterConfig.from_yaml_file(str(ROOT / "launch" / "deepspeed_zero2.yaml")).deepspeed_config
    zero3 = ClusterConfig.from_yaml_file(str(ROOT / "launch" / "deepspeed_zero3.yaml")).deepspeed_config
    assert (zero2["zero_stage"], zero3["zero_stage"]) == (2, 3)
    assert zero3["zero3_save_16bit_model"]  # the final save gathers full weights
    machines = ClusterConfig.from_yaml_file(str(ROOT / "launch" / "two_machines.yaml"))
    assert (machines.num_machines, machines.machine_rank, machines.num_processes) == (2, 0, 16)


def test_fsdp_wraps_the_transformer_blocks_of_gpt2_and_bert(tiny_gpt2, tiny_bert):
    fsdp = ClusterConfig.from_yaml_file(str(ROOT / "launch" / "fsdp.yaml")).fsdp_config
    assert fsdp["fsdp_auto_wrap_policy"] == "TRANSFORMER_BASED_WRAP"
    names = fsdp["fsdp_transformer_layer_cls_to_wrap"].split(",")
    assert names == ["GPT2Block", "BertLayer"]
    for folder, block in ((tiny_gpt2, "GPT2Block"), (tiny_bert, "BertLayer")):
        model = AutoModelForSequenceClassification.from_pretrained(folder, num_labels=2)
        found = {name: get_module_class_from_name(model, name) for name in names}
        assert {name: cls.__name__ for name, cls in found.items() if cls} == {block: block}
