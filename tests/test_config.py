from pathlib import Path

import pytest

from llmkit.config import load_config
from llmkit.errors import ConfigError
from llmkit.registry import RECIPES, get_recipe
from llmkit.rundir import save_config

ROOT = Path(__file__).resolve().parent.parent
Config = get_recipe("sentiment").config


def write(tmp_path, text):
    path = tmp_path / "run.yaml"
    path.write_text(text)
    return path


def test_defaults_then_yaml_then_overrides(tmp_path):
    path = write(tmp_path, "seed: 7\ntrain:\n  lr: 1.0e-3\n  epochs: 3\n")
    config = load_config(Config, path, ["train.epochs=5", "data.labels=[neg, pos]", "train.batching=random"])
    assert config.seed == 7  # from YAML
    assert config.train.lr == 1e-3  # from YAML
    assert config.train.epochs == 5  # override beats YAML
    assert config.train.batch_size == 32  # default
    assert config.data.labels == ["neg", "pos"]
    assert config.train.batching == "random"


def test_plain_number_strings_become_floats():
    assert load_config(Config, None, ["train.lr=3e-5"]).train.lr == pytest.approx(3e-5)


def test_model_shorthand_and_architecture_overrides():
    config = load_config(Config, None, ["model=gpt2", "model.init=scratch", "model.n_layer=4"])
    assert config.model.name == "gpt2"
    assert config.model.config == {"n_layer": 4}


def test_unknown_key_names_file_line_and_suggestion(tmp_path):
    path = write(tmp_path, "seed: 1\ntrain:\n  lrr: 0.1\n")
    with pytest.raises(ConfigError) as error:
        load_config(Config, path)
    message = str(error.value)
    assert f"{path}:3" in message
    assert "'train.lrr'" in message
    assert "Did you mean 'train.lr'?" in message


def test_wrong_type_names_the_key():
    with pytest.raises(ConfigError, match=r"command line: 'train.epochs' must be an integer \(got 'many'\)"):
        load_config(Config, None, ["train.epochs=many"])


def test_choice_lists_allowed_values():
    with pytest.raises(ConfigError, match="must be one of: auto, no, fp16, bf16"):
        load_config(Config, None, ["train.mixed_precision=fp8"])


def test_yaml_booleans_that_spell_a_choice(tmp_path):
    # YAML 1.1 reads `no` as false; `train.mixed_precision=no` still means the choice "no".
    assert load_config(Config, None, ["train.mixed_precision=no"]).train.mixed_precision == "no"
    assert load_config(Config, write(tmp_path, "train:\n  mixed_precision: no\n")).train.mixed_precision == "no"


def test_impossible_value_names_the_section():
    with pytest.raises(ConfigError, match="'train.warmup_ratio' must be in"):
        load_config(Config, None, ["train.warmup_ratio=1.5"])
    with pytest.raises(ConfigError, match="'data.max_length' must be at least 2"):
        load_config(Config, None, ["data.max_length=1"])


def test_malformed_override_and_yaml(tmp_path):
    with pytest.raises(ConfigError, match="not of the form key=value"):
        load_config(Config, None, ["=3"])
    with pytest.raises(ConfigError, match=r"run.yaml:3:1: invalid YAML"):
        load_config(Config, write(tmp_path, "train:\n  lr: [1, 2\n"))
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(Config, tmp_path / "missing.yaml")


@pytest.mark.parametrize("path", sorted((ROOT / "recipes" / "configs").glob("*/*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_yaml_loads(path):
    recipe = path.parent.name
    assert recipe in RECIPES, f"{path} is in a folder that names no recipe"
    load_config(get_recipe(recipe).config, path)


def test_a_runs_saved_config_repeats_it(tmp_path):
    """run_config.yaml (with its `recipe:` key) is a valid --config for the same recipe, and only for it."""
    config_class = get_recipe("sentiment").config
    original = load_config(config_class, None, ["train.lr=1e-4", "data.max_length=64", f"output_dir={tmp_path}"])
    save_config(original, tmp_path / "run_config.yaml", "sentiment")
    assert load_config(config_class, tmp_path / "run_config.yaml", recipe="sentiment") == original
    with pytest.raises(ConfigError, match=r"run_config.yaml:1: this config is for the 'sentiment' recipe, not 'qa'"):
        load_config(get_recipe("qa").config, tmp_path / "run_config.yaml", recipe="qa")


def test_a_replaced_key_names_its_successor():
    with pytest.raises(ConfigError, match=r"'train.group_by_length' was replaced by train.batching"):
        load_config(Config, None, ["train.group_by_length=false"])
