"""Share a run on a model hub: the Hugging Face Hub, or any server speaking its API (`HF_ENDPOINT`).

    llmkit push runs/sentiment --repo-id NAME/MODEL [--private] [--revision BRANCH] [--commit-message TEXT]
    llmkit train sentiment hub.push=true hub.repo_id=NAME/MODEL [hub.strategy=checkpoint]

Uploads go through `huggingface_hub` (`create_repo`, then one commit), so `HF_TOKEN`, `hf auth login` and
`HF_ENDPOINT` work as everywhere else. What leaves the machine is an allowlist (`SHARED_FILES`): weights
(safetensors only), configs, tokenizer files, the model card, metrics, the training log and plot, and the resolved
run config. Optimizer and RNG state, checkpoints, TensorBoard files and anything else in the folder (a stray `.env`,
a token file, keys) stay local, and a symbolic link among the shared files stops the push (it could point at a
secret). The token is never written or logged by llmkit, and a push never changes the output
folder: the model card for the repository is rendered in memory.
"""

from __future__ import annotations

import fnmatch
import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
from huggingface_hub import CommitOperationAdd, HfApi, get_token
from huggingface_hub.errors import HfHubHTTPError

from llmkit.card import build_model_card
from llmkit.config import repo_id_problem
from llmkit.errors import UserError
from llmkit.rundir import (
    CARD_FILE,
    COMPRESSION_FILE,
    LOG_FILE,
    ONNX_FILE,
    PARITY_FILE,
    RUN_CONFIG,
    reading,
    require_finished_run,
)

logger = logging.getLogger("llmkit")

# Top-level files only: checkpoints/ and tensorboard/ are folders and never match.
SHARED_FILES = (
    "model.safetensors",
    "model-*-of-*.safetensors",
    "model.safetensors.index.json",
    "adapter_model.safetensors",
    ONNX_FILE,  # `llmkit export`; a compressed folder's report and parity check
    COMPRESSION_FILE,
    PARITY_FILE,
    "config.json",
    "adapter_config.json",
    "generation_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "chat_template.jinja",
    "vocab.txt",
    "vocab.json",
    "merges.txt",
    "spiece.model",
    "sentencepiece.bpe.model",
    "source.spm",
    "target.spm",
    "README.md",
    "metrics.json",
    "train_log.jsonl",
    "training_curves.png",
    "run_config.yaml",
)

LOGIN_HINT = "Fix: set HF_TOKEN to a token with write access, or run `hf auth login`."


def shared_files(folder: Path) -> list[Path]:
    """The files of `folder` that may be uploaded, in a stable order.

    Only regular files inside the folder are sent. A symbolic link named like a shared file (`vocab.txt ->
    ~/.cache/huggingface/token`) would upload whatever it points at, so one is refused, naming it, rather than
    skipped: a push that silently left out the tokenizer would publish a model nobody can load.

    Raises:
        UserError: When a shared file is a symbolic link or not a regular file.
    """
    shared = []
    for path in sorted(folder.iterdir()):
        if not any(fnmatch.fnmatchcase(path.name, pattern) for pattern in SHARED_FILES):
            continue
        if path.is_symlink() or not path.is_file():
            kind = f"a symbolic link to {path.readlink()}" if path.is_symlink() else "not a regular file"
            raise UserError(
                f"push: {path} is {kind}; only regular files inside the run folder are uploaded. Nothing was "
                f"uploaded. Fix: replace it with the file itself (or remove it)."
            )
        shared.append(path)
    return shared


def push(
    output: Path,
    repo_id: str,
    *,
    private: bool = False,
    revision: str | None = None,
    commit_message: str | None = None,
) -> str:
    """Upload a finished run's shareable files and a model card for `repo_id`; return the repository URL.

    Raises:
        UserError: When `output` is not a finished run, the repository id is invalid, or the hub refuses or
            cannot be reached. The output folder is left as it was, so the push can simply be repeated.
    """
    output = Path(output)
    require_finished_run(output, "push")
    problem = repo_id_problem(repo_id)
    if problem:
        raise UserError(f"push: --repo-id {problem}")
    with reading(output, "push"):
        shared_files(output)  # refuse links before the repository is created
        repository = RepoPusher(repo_id, private=private, revision=revision)
        return repository.upload(output, commit_message or "Upload model trained with llmkit")


class RepoPusher:
    """One hub repository a run goes to: created (or found) on construction, then uploaded to.

    Creating the repository first means a missing token, missing write access or an unreachable server stop a
    `hub.push=true` run before training, not after it.
    """

    def __init__(self, repo_id: str, *, private: bool = False, revision: str | None = None) -> None:
        self.api = HfApi()
        self.revision = revision
        with hub_errors(f"creating repository {repo_id}"):
            self.repo_id = self.api.create_repo(repo_id, private=private, exist_ok=True).repo_id
            if revision:
                self.api.create_branch(self.repo_id, branch=revision, exist_ok=True)
        self.url = f"{self.api.endpoint}/{self.repo_id}"

    def upload(self, folder: Path, message: str) -> str:
        """Commit the allowlisted files of `folder` plus a model card rendered for this repository."""
        card = build_model_card(folder, repo_id=self.repo_id)
        operations = [CommitOperationAdd(path.name, path) for path in shared_files(folder) if path.name != CARD_FILE]
        operations.append(CommitOperationAdd(CARD_FILE, str(card).encode("utf-8")))
        where = f"{self.url}" + (f" (branch {self.revision})" if self.revision else "")
        command = f"llmkit push {folder} --repo-id {self.repo_id}" + (
            f" --revision {self.revision}" if self.revision else ""
        )
        with hub_errors(f"uploading {folder} to {where}", f"{folder} is unchanged; push it again with `{command}`"):
            self.api.create_commit(self.repo_id, operations, commit_message=message, revision=self.revision)
        logger.info("pushed %d files from %s to %s", len(operations), folder, where)
        return self.url

    def upload_checkpoint(self, output: Path, model: Any, tokenizer: Any, step: int) -> None:
        """Push the model as it is at a checkpoint (weights, tokenizer, card, log); never optimizer or RNG state.

        A failure only warns: training goes on, and the push at the end (or `llmkit push`) sends everything.
        """
        with tempfile.TemporaryDirectory(prefix="llmkit-push-") as staging:
            folder = Path(staging)
            model.save_pretrained(folder, safe_serialization=True)
            tokenizer.save_pretrained(folder)
            # Only what this run has written so far: a stale metrics.json of an overwritten run must not leak in.
            for name in (RUN_CONFIG, LOG_FILE):
                if (output / name).is_file():
                    shutil.copyfile(output / name, folder / name)
            try:
                self.upload(folder, f"Training in progress: step {step}")
            except UserError as error:
                logger.warning("checkpoint push at step %d failed; training continues: %s", step, error)


@contextmanager
def hub_errors(action: str, afterwards: str = "") -> Iterator[None]:
    """Turn the hub client's HTTP and network errors into one `UserError` that says what to do.

    Args:
        action: What was being done, e.g. `uploading runs/x to https://huggingface.co/me/x`.
        afterwards: A last sentence, e.g. how to repeat the push once the problem is fixed.
    """
    try:
        yield
    except Exception as error:
        cause = _hub_cause(error)
        if cause is None:
            raise
        ending = f" {afterwards}." if afterwards else ""
        raise UserError(f"push: {action} failed: {_describe_failure(cause)}{ending}") from None


def _hub_cause(error: BaseException | None) -> BaseException | None:
    """The HTTP or network error behind `error`: the client wraps failed LFS uploads in a RuntimeError."""
    while error is not None:
        if isinstance(error, HfHubHTTPError | httpx2.HTTPError | ConnectionError | TimeoutError):
            return error
        error = error.__cause__
    return None


def _describe_failure(error: BaseException) -> str:
    if not isinstance(error, HfHubHTTPError):  # connection refused, timeouts, HF_HUB_OFFLINE
        return (
            f"cannot reach the hub ({_first_line(error)}). Fix: check the network and HF_ENDPOINT, and that "
            "HF_HUB_OFFLINE is not set."
        )
    status = error.response.status_code if error.response is not None else None
    server = f" The server said: {error.server_message.strip()}" if error.server_message else ""
    if status == 401:
        if get_token() is None:
            return f"the hub needs a token and none was found (HTTP 401).{server} {LOGIN_HINT}"
        return f"the hub rejected the token (HTTP 401).{server} {LOGIN_HINT}"
    if status == 403:
        return f"the token may not write to this repository (HTTP 403).{server} {LOGIN_HINT}"
    return f"the hub answered HTTP {status}.{server} Fix: wait a moment; if it persists, check HF_ENDPOINT."


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
