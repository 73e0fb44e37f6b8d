"""Prove ``tests/hub_server.py`` against the real ``huggingface_hub`` client.

Every test talks to a fresh :class:`HubServer` on 127.0.0.1 through ``HfApi(endpoint=...)``;
``configure_client`` also patches ``HF_ENDPOINT``, disables Xet and telemetry, and removes the
client's retry sleeps, so no test can reach the real Hub or wait on backoff.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from hub_server import ROUTES, HubServer, configure_client
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError

TOKEN = "hf_test_token"
REPO_ID = "test-user/tiny-model"
BIG_FILE_SIZE = 10 * 1024 * 1024 + 1  # one byte over the Hub's 10 MB regular-file limit


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    """A running token-protected server with the client pointed at it."""
    with HubServer(token=TOKEN) as server:
        configure_client(server, monkeypatch)
        yield server


@pytest.fixture
def api(hub: HubServer) -> HfApi:
    """An authenticated client for ``hub``."""
    return HfApi(endpoint=hub.url, token=TOKEN)


def write_model_folder(root: Path, *, version: int = 1) -> dict[str, bytes]:
    """Write a small model-like folder and return its files by relative path.

    Args:
        root: Folder to fill (created if needed).
        version: Changes the text and JSON files, not the big binary one.

    Returns:
        The written bytes, keyed by POSIX path relative to ``root``.
    """
    files = {
        "README.md": f"# tiny model v{version}\n".encode(),
        "config.json": json.dumps({"hidden_size": 8, "version": version}).encode(),
        # Not an LFS suffix: only its size (and binary content) can send it through LFS.
        "weights/model.dat": random.Random(0).randbytes(BIG_FILE_SIZE),
    }
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return files


def push(api: HfApi, folder: Path, message: str) -> str:
    """Create the repo if needed and upload ``folder``; return the new commit id."""
    api.create_repo(REPO_ID, exist_ok=True)
    info = api.upload_folder(repo_id=REPO_ID, folder_path=folder, commit_message=message)
    return info.oid


def test_upload_folder_stores_files_byte_identical(api: HfApi, hub: HubServer, tmp_path: Path) -> None:
    expected = write_model_folder(tmp_path)
    api.create_repo(REPO_ID, private=True)

    oid = push(api, tmp_path, "first push")  # create_repo again: the 409 is swallowed

    assert hub.files(REPO_ID) == expected
    assert hub.lfs_files(REPO_ID) == {"weights/model.dat"}
    assert hub.repo(REPO_ID).private is True
    history = hub.commits(REPO_ID)
    assert [c.title for c in history] == ["first push", "initial commit"]
    assert history[0].oid == oid
    for route in ("preupload", "lfs_batch", "lfs_upload", "lfs_verify", "commit"):
        assert hub.calls(route) == 1, route


def test_second_push_creates_second_commit(api: HfApi, hub: HubServer, tmp_path: Path) -> None:
    write_model_folder(tmp_path, version=1)
    first = push(api, tmp_path, "v1")
    expected = write_model_folder(tmp_path, version=2)
    (tmp_path / "extra.txt").write_text("new file\n")
    expected["extra.txt"] = b"new file\n"

    second = push(api, tmp_path, "v2")

    assert second != first
    assert hub.files(REPO_ID) == expected
    assert hub.files(REPO_ID, revision=first)["config.json"] != expected["config.json"]
    assert [c.title for c in hub.commits(REPO_ID)] == ["v2", "v1", "initial commit"]
    # Preupload reports the stored oid, so the client skips re-uploading the unchanged blob.
    assert hub.calls("lfs_upload") == 1


def test_unchanged_push_makes_no_commit(api: HfApi, hub: HubServer, tmp_path: Path) -> None:
    write_model_folder(tmp_path)
    first = push(api, tmp_path, "v1")

    again = push(api, tmp_path, "same files")

    assert again == first
    assert len(hub.commits(REPO_ID)) == 2


def test_upload_to_new_branch(api: HfApi, hub: HubServer, tmp_path: Path) -> None:
    expected = write_model_folder(tmp_path)
    api.create_repo(REPO_ID)
    api.create_branch(REPO_ID, branch="dev")
    api.create_branch(REPO_ID, branch="dev", exist_ok=True)

    api.upload_folder(repo_id=REPO_ID, folder_path=tmp_path, revision="dev")

    assert hub.files(REPO_ID, revision="dev") == expected
    assert hub.files(REPO_ID) == {}
    assert [ref.name for ref in api.list_repo_refs(REPO_ID).branches] == ["dev", "main"]


def test_client_reads_back_repo_state(api: HfApi, hub: HubServer, tmp_path: Path) -> None:
    expected = write_model_folder(tmp_path)
    push(api, tmp_path, "v1")

    assert api.whoami()["name"] == hub.user
    assert sorted(api.list_repo_files(REPO_ID)) == sorted(expected)
    assert [c.title for c in api.list_repo_commits(REPO_ID)] == ["v1", "initial commit"]
    assert api.model_info(REPO_ID).sha == hub.commits(REPO_ID)[0].oid


@pytest.mark.parametrize("token", [False, "hf_wrong_token"])
def test_bad_token_is_rejected_with_401(hub: HubServer, tmp_path: Path, token: bool | str) -> None:
    write_model_folder(tmp_path)
    hub.create_repo(REPO_ID)
    api = HfApi(endpoint=hub.url, token=token)

    with pytest.raises(HfHubHTTPError) as create_error:
        api.create_repo(REPO_ID, exist_ok=True)
    with pytest.raises(HfHubHTTPError) as upload_error:
        api.upload_folder(repo_id=REPO_ID, folder_path=tmp_path)

    for error in (create_error.value, upload_error.value):
        assert error.response.status_code == 401
        assert "Authorization" in str(error)
    assert len(hub.commits(REPO_ID)) == 1


def test_injected_commit_failure_raises(api: HfApi, hub: HubServer, tmp_path: Path) -> None:
    write_model_folder(tmp_path)
    api.create_repo(REPO_ID)
    hub.fail_next("commit", status=500, message="storage exploded")

    with pytest.raises(HfHubHTTPError) as error:
        api.upload_folder(repo_id=REPO_ID, folder_path=tmp_path)

    assert error.value.response.status_code == 500
    assert "storage exploded" in str(error.value)
    assert len(hub.commits(REPO_ID)) == 1  # the failed commit left no trace
    push(api, tmp_path, "retry by hand")  # the next attempt goes through
    assert len(hub.commits(REPO_ID)) == 2


def test_client_retries_transient_preupload_failures(api: HfApi, hub: HubServer, tmp_path: Path) -> None:
    expected = write_model_folder(tmp_path)
    api.create_repo(REPO_ID)
    hub.fail_next("preupload", count=2, status=503)
    hub.fail_next("lfs_upload", count=1, status=500)

    api.upload_folder(repo_id=REPO_ID, folder_path=tmp_path)

    assert hub.files(REPO_ID) == expected
    assert hub.calls("preupload") == 3
    assert hub.calls("lfs_upload") == 2


def test_lfs_upload_url_takes_chunked_body_without_auth(hub: HubServer) -> None:
    # The client PUTs unsized streams with chunked encoding and never sends its token there.
    hub.create_repo(REPO_ID)
    content = b"x" * 70_000
    oid = hashlib.sha256(content).hexdigest()
    batch = httpx2.post(
        f"{hub.url}/{REPO_ID}.git/info/lfs/objects/batch",
        headers={"Authorization": f"Bearer {TOKEN}"},
        json={"operation": "upload", "objects": [{"oid": oid, "size": len(content)}]},
    ).json()
    upload_url = batch["objects"][0]["actions"]["upload"]["href"]

    wrong = httpx2.put(upload_url, content=b"y" * len(content))
    chunks = (content[i : i + 4096] for i in range(0, len(content), 4096))
    right = httpx2.put(upload_url, content=chunks)
    reused = httpx2.put(upload_url, content=content)

    assert (wrong.status_code, right.status_code, reused.status_code) == (400, 200, 403)
    assert right.request.headers["Transfer-Encoding"] == "chunked"


def test_stopped_server_refuses_connections(api: HfApi, hub: HubServer, tmp_path: Path) -> None:
    write_model_folder(tmp_path)
    api.create_repo(REPO_ID)
    hub.stop()

    with pytest.raises(httpx2.ConnectError):
        api.create_repo(REPO_ID, exist_ok=True)
    with pytest.raises(httpx2.ConnectError):  # retried by the client, without sleeping
        api.upload_folder(repo_id=REPO_ID, folder_path=tmp_path)
    assert not hub.is_running
    assert hub.files(REPO_ID) == {}  # state stays readable after stop


def test_fail_next_rejects_unknown_route() -> None:
    server = HubServer()
    with pytest.raises(ValueError, match="Unknown route"):
        server.fail_next("comit")
    assert {"create_repo", "preupload", "lfs_batch", "lfs_upload", "commit"} <= ROUTES
