"""Pushing runs to a real Hub-API server on 127.0.0.1 through the real `huggingface_hub` client.

`configure_client` points `HF_ENDPOINT` (and the client's import-time constants) at the server, disables Xet and
removes retry sleeps; the token reaches the client only through `HF_TOKEN`, as it does for users.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, reset_accelerate, run_recipe
from hub_server import HubServer, configure_client
from huggingface_hub import ModelCard, constants

from llmkit.cli import main
from llmkit.errors import ConfigError, UserError

TOKEN = "hf_llmkitSecretTestToken0123456789"
REPO = "test-user/tiny-sentiment"
SHARED = {
    "README.md",
    "config.json",
    "metrics.json",
    "model.safetensors",
    "run_config.yaml",
    "tokenizer.json",
    "tokenizer_config.json",
    "train_log.jsonl",
    "training_curves.png",
}
# Files a careless upload would take along: secrets, optimizer and RNG state.
PLANTED = {
    ".env": f"HF_TOKEN={TOKEN}\n",
    "token": TOKEN,
    "hf_token.txt": TOKEN,
    "id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\n",
    "optimizer.bin": "not a real optimizer state",
    "random_states_0.pkl": "not a real RNG state",
}


@pytest.fixture
def hub(monkeypatch, tmp_path):
    """A token-protected server, the client pointed at it, and no token file to fall back on."""
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-token-file"))
    with HubServer(token=TOKEN) as server:
        configure_client(server, monkeypatch)
        yield server


@pytest.fixture
def run(sentiment_run, tmp_path):
    """A private copy of the finished run, with secrets and optimizer state planted in it."""
    folder = tmp_path / "run"
    shutil.copytree(sentiment_run, folder)
    for name, text in PLANTED.items():
        (folder / name).write_text(text)
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def cli(capsys, *argv):
    """Run `llmkit ...` in-process; return (exit status, stdout, stderr)."""
    reset_accelerate()
    try:
        main(list(argv))
        code = 0
    except SystemExit as exit_info:
        code = exit_info.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_pushed(hub: HubServer, run: Path, repo: str = REPO) -> ModelCard:
    """The repository holds exactly the allowlisted files, byte-identical, and a card for `repo`."""
    files = hub.files(repo)
    assert set(files) == SHARED
    for name in SHARED - {"README.md"}:
        assert files[name] == (run / name).read_bytes(), name
    assert "model.safetensors" in hub.lfs_files(repo)
    card = ModelCard(files["README.md"].decode())
    assert card.data.model_name == repo.split("/")[1]
    assert f'model="{repo}"' in card.text
    return card


def test_push_uploads_the_allowlist_byte_identical_with_a_card(hub, run, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    before = snapshot(run)

    code, out, err = cli(capsys, "push", str(run), "--repo-id", REPO, "--private", "--commit-message", "first model")

    assert code == 0, err
    assert f"pushed {run} to {hub.url}/{REPO}" in out
    card = assert_pushed(hub, run)
    assert hub.repo(REPO).private is True
    assert [c.title for c in hub.commits(REPO)] == ["first model", "initial commit"]
    # The card's metadata is what the Hub indexes: library, task, and the validation results of metrics.json.
    metrics = json.loads((run / "metrics.json").read_text())
    assert card.data.library_name == "transformers"
    assert card.data.pipeline_tag == "text-classification"
    assert {r.metric_type: r.metric_value for r in card.data.eval_results} == metrics["eval"]
    assert {r.task_type for r in card.data.eval_results} == {"text-classification"}
    assert "![Training and validation curves](training_curves.png)" in card.text
    # Pushing never changes the folder, and the token is nowhere: not uploaded, written, printed or logged.
    assert snapshot(run) == before
    uploaded = b"".join(hub.files(REPO).values())
    written = b"".join(v for k, v in snapshot(run).items() if k not in PLANTED)
    assert TOKEN.encode() not in uploaded + written
    assert TOKEN not in out + err + caplog.text


def test_push_to_a_branch(hub, run, capsys):
    code, _, err = cli(capsys, "push", str(run), "--repo-id", REPO, "--revision", "experiment")
    assert code == 0, err
    assert set(hub.files(REPO, revision="experiment")) == SHARED
    assert hub.files(REPO) == {}  # main keeps only its initial commit


def fault_down(hub, monkeypatch):
    hub.stop()
    return lambda: (hub.start(), configure_client(hub, monkeypatch))


def fault_no_token(hub, monkeypatch):
    monkeypatch.delenv("HF_TOKEN")
    return lambda: monkeypatch.setenv("HF_TOKEN", TOKEN)


def fault_wrong_token(hub, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_wrong")
    return lambda: monkeypatch.setenv("HF_TOKEN", TOKEN)


def fault_commit_500(hub, monkeypatch):
    hub.fail_next("commit", status=500)  # after preupload and the LFS upload of the weights
    return lambda: None


def fault_lfs_500(hub, monkeypatch):
    # Weights and plot go through LFS: fail the first try and all five retries of both.
    hub.fail_next("lfs_upload", count=12, status=500)
    return hub.clear_faults


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (fault_down, "cannot reach the hub"),
        (fault_no_token, "the hub needs a token and none was found (HTTP 401)"),
        (fault_wrong_token, "the hub rejected the token (HTTP 401)"),
        (fault_commit_500, "the hub answered HTTP 500"),
        (fault_lfs_500, "the hub answered HTTP 500"),
    ],
)
def test_failed_push_is_clear_leaves_the_run_alone_and_can_be_repeated(hub, run, capsys, monkeypatch, fault, message):
    before = snapshot(run)
    repair = fault(hub, monkeypatch)

    code, _, err = cli(capsys, "push", str(run), "--repo-id", REPO)

    assert code == 2
    assert message in err
    assert err.startswith("llmkit: error: push: ") and err.count("\n") == 1 and "Traceback" not in err
    assert "hf_wrong" not in err and TOKEN not in err
    assert snapshot(run) == before
    if message.startswith("the hub answered"):  # the upload itself failed: say how to repeat it
        assert f"push it again with `llmkit push {run} --repo-id {REPO}`" in err
    assert not hub.repo_exists(REPO) or hub.files(REPO) == {}  # nothing half-pushed

    repair()
    code, _, err = cli(capsys, "push", str(run), "--repo-id", REPO)
    assert code == 0, err
    assert_pushed(hub, run)


@pytest.mark.parametrize(
    ("make_folder", "repo_id", "message"),
    [
        (lambda tmp, run: tmp / "nowhere", REPO, "does not exist"),
        (lambda tmp, run: run / "checkpoints", REPO, "is not a finished llmkit run (missing run_config.yaml"),
        (lambda tmp, run: run, "test-user/bad name!", "is not a valid repository id"),
        (lambda tmp, run: run, "a/b/c", "is not a valid repository id"),
        (lambda tmp, run: run, "test-user/double--dash", "is not a valid repository id"),
    ],
)
def test_bad_input_exits_2_before_any_request(hub, run, tmp_path, capsys, make_folder, repo_id, message):
    code, _, err = cli(capsys, "push", str(make_folder(tmp_path, run)), "--repo-id", repo_id)
    assert code == 2
    assert message in err and "Fix:" in err
    assert hub.request_log == []


def test_unfinished_run_is_refused(hub, run, capsys):
    (run / "metrics.json").unlink()  # what an interrupted run lacks
    code, _, err = cli(capsys, "push", str(run), "--repo-id", REPO)
    assert code == 2
    assert "not a finished llmkit run (missing metrics.json)" in err


@pytest.mark.slow
def test_training_pushes_each_checkpoint_and_the_final_model(hub, tiny_bert, tmp_path):
    out = tmp_path / "run"
    run_recipe(
        "sentiment",
        f"model.name={tiny_bert}",
        f"output_dir={out}",
        "data.validation=null",
        "data.max_train_examples=32",
        "train.max_steps=2",
        "train.save_every=1",
        "train.batch_size=16",
        "train.log_every=1",
        "hub.push=true",
        f"hub.repo_id={REPO}",
        "hub.strategy=checkpoint",
    )
    history = hub.commits(REPO)
    assert [c.title for c in history] == [
        "llmkit sentiment: model after 2 steps",
        "Training in progress: step 2",
        "Training in progress: step 1",
        "initial commit",
    ]
    files = hub.files(REPO)
    assert set(files) == SHARED
    for name in SHARED - {"README.md"}:
        assert files[name] == (out / name).read_bytes(), name
    step1 = hub.files(REPO, revision=history[2].oid)
    assert set(step1) == SHARED - {"metrics.json", "training_curves.png"}
    assert step1["model.safetensors"] != files["model.safetensors"]  # the weights of step 1, not the final ones
    assert "Training in progress: this snapshot was taken at step 1" in step1["README.md"].decode()
    # The local card names the repository too, so its snippet loads what was pushed.
    assert f'model="{REPO}"' in (out / "README.md").read_text()


def test_training_without_a_token_stops_before_training(hub, tiny_bert, tmp_path, monkeypatch):
    monkeypatch.delenv("HF_TOKEN")
    out = tmp_path / "run"
    with pytest.raises(UserError, match=r"creating repository .* needs a token and none was found.*HF_TOKEN"):
        run_recipe("sentiment", f"model.name={tiny_bert}", f"output_dir={out}", "hub.push=true", f"hub.repo_id={REPO}")
    assert not out.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["hub.push=true"], "'hub.repo_id' must be set when hub.push=true"),
        (["hub.repo_id=no spaces/allowed"], "'hub.repo_id' 'no spaces/allowed' is not a valid repository id"),
        (["hub.strategy=every_step"], "'hub.strategy' must be one of: end, checkpoint"),
    ],
)
def test_hub_config_is_checked(overrides, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        run_recipe("sentiment", *overrides)


@pytest.mark.slow
def test_push_in_a_subprocess_reads_hf_endpoint_and_hf_token_from_the_environment(run, tmp_path):
    with HubServer(token=TOKEN) as server:  # its own server: the subprocess gets only environment variables
        env = {**os.environ, **server.client_env(), "HF_HUB_OFFLINE": "0", "HF_TOKEN_PATH": str(tmp_path / "none")}
        command = [sys.executable, "-m", "llmkit", "push", str(run), "--repo-id", REPO]
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stderr
        assert_pushed(server, run)
        assert TOKEN not in done.stdout + done.stderr


@pytest.mark.parametrize("target", ["token", "outside"])
def test_push_refuses_a_symbolic_link_among_the_shared_files(hub, run, capsys, tmp_path, target):
    """`vocab.txt -> ~/.cache/huggingface/token` would upload the token: the push stops and names the link."""
    secret = tmp_path / "secret-token"
    secret.write_text(TOKEN)
    link = run / "vocab.txt"
    link.symlink_to(run / "token" if target == "token" else secret)  # inside the folder or out of it
    before = snapshot(run)

    code, out, err = cli(capsys, "push", str(run), "--repo-id", REPO)

    assert code == 2, out
    assert f"push: {link} is a symbolic link to" in err and "Nothing was uploaded" in err
    assert "Traceback" not in err and TOKEN not in err
    assert not hub.repo_exists(REPO)
    assert snapshot(run) == before
