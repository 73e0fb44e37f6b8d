"""A small in-process fake of the Hugging Face Hub HTTP API, for tests.

The server speaks the subset of the Hub API that ``huggingface_hub`` 2.4.0 uses to create repos
and push folders (``HfApi.create_repo``, ``create_commit``, ``upload_folder``, ``create_branch``),
including the legacy git-LFS upload path for large files. Everything is kept in memory and can be
inspected from the test through :class:`HubServer` methods.

Typical use::

    with HubServer(token="hf_test_token") as server:
        configure_client(server, monkeypatch)
        api = HfApi(endpoint=server.url, token="hf_test_token")
        api.create_repo("test-user/tiny", exist_ok=True)
        api.upload_folder(repo_id="test-user/tiny", folder_path=tmp_path)
        assert server.files("test-user/tiny")["config.json"] == b"{}"

Client settings that matter (see :func:`configure_client`, which applies all of them):

* ``HF_HUB_DISABLE_XET`` must be true. When ``hf_xet`` is installed the client uploads large
  files (and whole folders, through its pipelined uploader) with the Xet protocol, which needs a
  content-addressed storage service this server does not emulate. With Xet disabled the client
  falls back to preupload + LFS batch + PUT + verify + commit, which this server implements.
* The client retries 408/429/5xx answers and network errors with exponential backoff
  (1, 2, 4, 8, 8 s; five retries) on preupload, LFS batch, LFS PUT/verify and tree listing.
  No environment variable controls that in 2.4.0. The commit POST and ``create_repo`` are not
  retried. ``configure_client(..., fast_retries=True)`` replaces the backoff sleep with a no-op.

This module only uses the standard library; ``huggingface_hub`` is imported lazily by
:func:`configure_client` alone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
import re
import secrets
import threading
import types
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_USER = "test-user"
DEFAULT_LFS_THRESHOLD = 10 * 1024 * 1024
# Mirrors the most common patterns of the `.gitattributes` the Hub writes into new repos.
DEFAULT_LFS_SUFFIXES = (
    ".bin",
    ".safetensors",
    ".pt",
    ".pth",
    ".ckpt",
    ".h5",
    ".onnx",
    ".msgpack",
    ".npy",
    ".npz",
    ".pkl",
    ".gguf",
    ".model",
    ".zip",
    ".tar",
    ".tar.gz",
    ".arrow",
    ".parquet",
)

JsonBody = dict[str, Any] | list[Any] | None


class _MonkeyPatch(Protocol):
    """The part of ``pytest.MonkeyPatch`` that :func:`configure_client` uses."""

    def setenv(self, name: str, value: str) -> None: ...

    def delenv(self, name: str, raising: bool = ...) -> None: ...

    def setattr(self, target: Any, name: str, value: Any) -> None: ...


@dataclass(frozen=True)
class StoredFile:
    """One file of a commit snapshot.

    Attributes:
        content: Raw bytes of the file.
        lfs: Whether the file was committed as an LFS pointer (uploaded through the LFS API).
    """

    content: bytes
    lfs: bool

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the content (the LFS object id)."""
        return hashlib.sha256(self.content).hexdigest()

    @property
    def git_oid(self) -> str:
        """Git blob id of the content, as the Hub reports it for regular files."""
        return _git_blob_oid(self.content)

    @property
    def client_oid(self) -> str:
        """The oid the client compares with in preupload: SHA-256 for LFS, git blob id else."""
        return self.sha256 if self.lfs else self.git_oid


@dataclass(frozen=True)
class CommitRecord:
    """One commit stored by the server.

    Attributes:
        oid: 40-hex commit id.
        title: Commit summary (the client's ``commit_message``).
        description: Commit description (the client's ``commit_description``).
        parent: Parent commit id, ``None`` for the initial commit.
        files: Full snapshot of the repo after this commit, by path.
        created_at: Hub-style UTC timestamp.
        author: Name of the user that made the commit.
    """

    oid: str
    title: str
    description: str
    parent: str | None
    files: Mapping[str, StoredFile]
    created_at: str
    author: str


@dataclass(frozen=True)
class RepoSnapshot:
    """Read-only view of a stored repo.

    Attributes:
        repo_id: ``namespace/name``.
        repo_type: ``"model"``, ``"dataset"`` or ``"space"``.
        private: Privacy flag as requested at creation (recorded, not enforced).
        branches: Branch name to head commit id (pull requests appear as ``refs/pr/N``).
    """

    repo_id: str
    repo_type: str
    private: bool
    branches: Mapping[str, str]


@dataclass(frozen=True)
class RequestRecord:
    """One request the server answered, for assertions on what the client called.

    Attributes:
        method: HTTP method.
        path: Request path without the query string.
        route: Route name (one of :data:`ROUTES`, or ``"unknown"``).
        status: HTTP status the server answered with.
    """

    method: str
    path: str
    route: str
    status: int


@dataclass
class _Repo:
    repo_id: str
    repo_type: str
    private: bool
    created_at: str
    branches: dict[str, str] = field(default_factory=dict)
    commits: dict[str, CommitRecord] = field(default_factory=dict)
    lfs_objects: dict[str, bytes] = field(default_factory=dict)
    next_pr: int = 1


@dataclass(frozen=True)
class _Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    params: dict[str, str]

    def json(self) -> Any:
        """Decode the body as JSON (an empty body decodes to an empty dict)."""
        return json.loads(self.body) if self.body else {}

    def flag(self, name: str) -> bool:
        """Read a boolean query parameter the way the client encodes them."""
        values = self.query.get(name, [])
        return bool(values) and values[-1].lower() in ("1", "true")


@dataclass
class _Response:
    status: int
    body: JsonBody | bytes = None
    headers: dict[str, str] = field(default_factory=dict)


class HubError(Exception):
    """Raised by route handlers to answer with an error the client can parse."""

    def __init__(self, status: int, message: str, error_code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_code = error_code

    def to_response(self) -> _Response:
        """Build the JSON error answer: the client shows ``error`` and maps ``X-Error-Code``."""
        headers = {"X-Error-Code": self.error_code} if self.error_code else {}
        return _Response(self.status, {"error": self.message}, headers)


_Handler = Callable[["HubServer", _Request], _Response]

_REPO = r"(?P<repo>[^/]+/[^/]+)"
_API_REPO = r"/api/(?P<rtype>models|datasets|spaces)/" + _REPO
_GIT_REPO = r"/(?:(?P<rprefix>datasets|spaces)/)?" + _REPO + r"\.git"


@dataclass(frozen=True)
class _Route:
    name: str
    method: str
    pattern: re.Pattern[str]
    handler: _Handler
    needs_auth: bool = True


def _route(name: str, method: str, pattern: str, *, needs_auth: bool = True) -> Callable:
    """Register a ``HubServer`` method as the handler of ``method pattern``."""

    def decorator(func: _Handler) -> _Handler:
        _ROUTE_TABLE.append(_Route(name, method, re.compile(f"^{pattern}$"), func, needs_auth))
        return func

    return decorator


_ROUTE_TABLE: list[_Route] = []


class HubServer:
    """In-memory Hub API server running in a background thread.

    Use it as a context manager (``with HubServer(token=...) as server:``) or call
    :meth:`start` and :meth:`stop`. Stored state stays readable after :meth:`stop`.

    Args:
        token: When set, every API request must carry ``Authorization: Bearer <token>``; others
            get a 401. ``None`` accepts anonymous requests.
        user: Name reported by ``whoami`` and used as namespace when ``create_repo`` gets no
            organization.
        lfs_threshold: Files of at least this many bytes are answered ``uploadMode: "lfs"``.
        lfs_suffixes: Path suffixes always stored as LFS, like the Hub's default ``.gitattributes``.
        host: Interface to bind; the port is picked by the OS.
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        user: str = DEFAULT_USER,
        lfs_threshold: int = DEFAULT_LFS_THRESHOLD,
        lfs_suffixes: tuple[str, ...] = DEFAULT_LFS_SUFFIXES,
        host: str = "127.0.0.1",
    ) -> None:
        self.token = token
        self.user = user
        self.lfs_threshold = lfs_threshold
        self.lfs_suffixes = lfs_suffixes
        self._host = host
        # One lock for all state: handlers are short and in-memory, so serialising them is simplest.
        self._lock = threading.RLock()
        self._repos: dict[tuple[str, str], _Repo] = {}
        self._uploads: dict[str, tuple[tuple[str, str], str, int]] = {}
        self._faults: dict[str, deque[tuple[int, str]]] = {}
        self._log: list[RequestRecord] = []
        self._counter = itertools.count(1)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> HubServer:
        """Bind a free port and serve in a daemon thread.

        Returns:
            The server itself, so ``server = HubServer().start()`` works.
        """
        if self._httpd is not None:
            raise RuntimeError("HubServer is already running")
        httpd = _HTTPServer((self._host, 0), _RequestHandler)
        httpd.hub = self
        self._httpd = httpd
        self._url = f"http://{self._host}:{httpd.server_address[1]}"
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; later requests fail to connect.

        Safe to call twice. Stored repos stay readable.
        """
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL to use as ``HF_ENDPOINT`` / ``HfApi(endpoint=...)``."""
        if self._url is None:
            raise RuntimeError("HubServer has not been started")
        return self._url

    @property
    def is_running(self) -> bool:
        """Whether the server currently accepts connections."""
        return self._httpd is not None

    def client_env(self) -> dict[str, str]:
        """Environment variables that point a ``huggingface_hub`` client (or subprocess) here.

        Returns:
            ``HF_ENDPOINT``, ``HF_HUB_DISABLE_XET``, ``HF_HUB_DISABLE_TELEMETRY`` and, when the
            server has a token, ``HF_TOKEN``.
        """
        env = {
            "HF_ENDPOINT": self.url,
            "HF_HUB_DISABLE_XET": "1",
            "HF_HUB_DISABLE_TELEMETRY": "1",
        }
        if self.token is not None:
            env["HF_TOKEN"] = self.token
        return env

    # ----------------------------------------------------------------- test controls

    def fail_next(
        self,
        route: str,
        count: int = 1,
        *,
        status: int = 500,
        message: str = "Injected failure",
    ) -> None:
        """Make the next ``count`` requests to ``route`` answer ``status`` with a JSON error.

        Faults are consumed before authentication and before the handler runs, so the stored
        state is untouched by a failed request. Client retries consume faults too.

        Args:
            route: A name from :data:`ROUTES`, e.g. ``"commit"`` or ``"preupload"``.
            count: How many matching requests fail.
            status: HTTP status to answer with.
            message: Text of the ``error`` field.

        Raises:
            ValueError: If ``route`` is not a known route name or ``count`` is negative.
        """
        if route not in ROUTES:
            raise ValueError(f"Unknown route {route!r}; expected one of {sorted(ROUTES)}")
        if count < 0:
            raise ValueError("count must be >= 0")
        with self._lock:
            queue = self._faults.setdefault(route, deque())
            queue.extend([(status, message)] * count)

    def clear_faults(self) -> None:
        """Drop all pending injected failures."""
        with self._lock:
            self._faults.clear()

    @property
    def request_log(self) -> list[RequestRecord]:
        """Copy of the answered requests, oldest first."""
        with self._lock:
            return list(self._log)

    def calls(self, route: str) -> int:
        """Count answered requests to ``route`` (failed ones included)."""
        return sum(1 for record in self.request_log if record.route == route)

    # ----------------------------------------------------------------- stored state

    def create_repo(self, repo_id: str, *, repo_type: str = "model", private: bool = False) -> None:
        """Seed a repo directly, as if the client had created it.

        Raises:
            ValueError: If the repo already exists.
        """
        with self._lock:
            if (repo_type, repo_id) in self._repos:
                raise ValueError(f"{repo_type} repo {repo_id} already exists")
            self._new_repo(repo_id, repo_type, private)

    def repo_exists(self, repo_id: str, *, repo_type: str = "model") -> bool:
        """Whether the repo has been created."""
        with self._lock:
            return (repo_type, repo_id) in self._repos

    def repo(self, repo_id: str, *, repo_type: str = "model") -> RepoSnapshot:
        """Metadata of a stored repo.

        Raises:
            KeyError: If the repo does not exist.
        """
        with self._lock:
            repo = self._repos[(repo_type, repo_id)]
            return RepoSnapshot(repo.repo_id, repo.repo_type, repo.private, dict(repo.branches))

    def files(self, repo_id: str, revision: str = "main", *, repo_type: str = "model") -> dict[str, bytes]:
        """Contents of the repo at ``revision`` (branch name or commit id), by path.

        Raises:
            KeyError: If the repo or revision does not exist.
        """
        return {path: f.content for path, f in self._snapshot(repo_id, revision, repo_type).items()}

    def lfs_files(self, repo_id: str, revision: str = "main", *, repo_type: str = "model") -> set[str]:
        """Paths that were committed as LFS files at ``revision``.

        Raises:
            KeyError: If the repo or revision does not exist.
        """
        return {path for path, f in self._snapshot(repo_id, revision, repo_type).items() if f.lfs}

    def commits(self, repo_id: str, revision: str = "main", *, repo_type: str = "model") -> list[CommitRecord]:
        """History reachable from ``revision``, newest first (like ``git log``).

        The last entry is the empty ``"initial commit"`` made at repo creation.

        Raises:
            KeyError: If the repo or revision does not exist.
        """
        with self._lock:
            repo = self._repos[(repo_type, repo_id)]
            return self._history(repo, self._resolve_or_raise(repo, revision).oid)

    def _snapshot(self, repo_id: str, revision: str, repo_type: str) -> Mapping[str, StoredFile]:
        with self._lock:
            repo = self._repos[(repo_type, repo_id)]
            return self._resolve_or_raise(repo, revision).files

    @staticmethod
    def _resolve_or_raise(repo: _Repo, revision: str) -> CommitRecord:
        commit = _resolve(repo, revision)
        if commit is None:
            raise KeyError(f"Revision {revision!r} not found in {repo.repo_id}")
        return commit

    @staticmethod
    def _history(repo: _Repo, head: str) -> list[CommitRecord]:
        history: list[CommitRecord] = []
        oid: str | None = head
        while oid is not None:
            history.append(repo.commits[oid])
            oid = repo.commits[oid].parent
        return history

    def _new_repo(self, repo_id: str, repo_type: str, private: bool) -> _Repo:
        # The Hub creates every repo with an initial commit, so "main" resolves right away. It
        # holds no file here (the Hub's has a `.gitattributes`) to keep `files()` easy to compare.
        repo = _Repo(repo_id, repo_type, private, _now())
        self._repos[(repo_type, repo_id)] = repo
        initial = self._make_commit(repo, "initial commit", "", None, {})
        repo.branches["main"] = initial.oid
        return repo

    def _make_commit(
        self,
        repo: _Repo,
        title: str,
        description: str,
        parent: str | None,
        files: dict[str, StoredFile],
    ) -> CommitRecord:
        seed = f"{repo.repo_id}\n{parent}\n{title}\n{next(self._counter)}\n"
        seed += "\n".join(f"{p}:{f.client_oid}" for p, f in sorted(files.items()))
        oid = hashlib.sha1(seed.encode()).hexdigest()
        commit = CommitRecord(oid, title, description, parent, dict(files), _now(), self.user)
        repo.commits[oid] = commit
        return commit

    # ----------------------------------------------------------------- dispatch

    def _handle(self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes) -> _Response:
        """Route one HTTP request; never raises (errors become JSON answers)."""
        split = urlsplit(raw_path)
        path = split.path
        route, params = _match_route(method, path)
        with self._lock:
            response = self._answer(route, method, path, split.query, headers, body, params)
            name = route.name if route is not None else "unknown"
            self._log.append(RequestRecord(method, path, name, response.status))
        return response

    def _answer(
        self,
        route: _Route | None,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        params: dict[str, str],
    ) -> _Response:
        if route is None:
            return _unknown_route(method, path)
        fault = self._pop_fault(route.name)
        if fault is not None:
            return HubError(fault[0], fault[1]).to_response()
        request = _Request(method, path, parse_qs(query), headers, body, params)
        try:
            if route.needs_auth:
                self._check_auth(headers)
            return route.handler(self, request)
        except HubError as err:
            return err.to_response()
        except (ValueError, KeyError, TypeError, binascii.Error) as err:
            # Malformed client payloads (bad JSON, missing keys...) are the client's fault.
            return HubError(400, f"Malformed request: {err!r}").to_response()

    def _pop_fault(self, route: str) -> tuple[int, str] | None:
        queue = self._faults.get(route)
        return queue.popleft() if queue else None

    def _check_auth(self, headers: Mapping[str, str]) -> None:
        if self.token is None:
            return
        auth = headers.get("Authorization")
        if auth is None:
            raise HubError(401, "Authorization header is required (this test Hub has a token set)")
        if auth != f"Bearer {self.token}":
            raise HubError(401, "Invalid credentials in Authorization header")

    def _get_repo(self, request: _Request) -> _Repo:
        repo_type = _repo_type_from_params(request.params)
        repo = self._repos.get((repo_type, request.params["repo"]))
        if repo is None:
            raise HubError(404, "Repository not found", "RepoNotFound")
        return repo

    def _repo_url(self, repo: _Repo) -> str:
        prefix = "" if repo.repo_type == "model" else f"{repo.repo_type}s/"
        return f"{self.url}/{prefix}{repo.repo_id}"

    def _upload_mode(self, path: str, size: int, sample: bytes) -> str:
        # Same rules as the Hub: big files, LFS-tracked suffixes and binary content go to LFS.
        is_binary = b"\x00" in sample
        if size >= self.lfs_threshold or path.endswith(self.lfs_suffixes) or is_binary:
            return "lfs"
        return "regular"

    # ----------------------------------------------------------------- routes: account & repos

    @_route("whoami", "GET", "/api/whoami-v2")
    def _whoami(self, request: _Request) -> _Response:
        return _Response(
            200,
            {
                "type": "user",
                "id": hashlib.sha1(self.user.encode()).hexdigest()[:24],
                "name": self.user,
                "fullname": "Test User",
                "email": f"{self.user}@example.invalid",
                "emailVerified": True,
                "isPro": False,
                "orgs": [],
                "auth": {"type": "access_token", "accessToken": {"displayName": "test", "role": "write"}},
            },
        )

    @_route("validate_yaml", "POST", "/api/validate-yaml")
    def _validate_yaml(self, request: _Request) -> _Response:
        # upload_folder sends README.md front matter here; any metadata is accepted.
        return _Response(200, {"errors": [], "warnings": []})

    @_route("create_repo", "POST", "/api/repos/create")
    def _create_repo(self, request: _Request) -> _Response:
        payload = request.json()
        repo_id = f"{payload.get('organization') or self.user}/{payload['name']}"
        repo_type = payload.get("type") or "model"
        if repo_type not in ("model", "dataset", "space"):
            raise HubError(400, f"Unsupported repo type {repo_type!r}")
        existing = self._repos.get((repo_type, repo_id))
        if existing is not None:
            # The client's `exist_ok=True` swallows exactly this status.
            url = self._repo_url(existing)
            return _Response(409, {"error": "You already created this repo", "url": url})
        private = payload.get("visibility", "public") == "private" or bool(payload.get("private"))
        repo = self._new_repo(repo_id, repo_type, private)
        return _Response(200, {"url": self._repo_url(repo), "name": repo_id, "id": repo_id})

    @_route("delete_repo", "DELETE", "/api/repos/delete")
    def _delete_repo(self, request: _Request) -> _Response:
        payload = request.json()
        repo_id = f"{payload.get('organization') or self.user}/{payload['name']}"
        if self._repos.pop((payload.get("type") or "model", repo_id), None) is None:
            raise HubError(404, "Repository not found", "RepoNotFound")
        return _Response(200, {})

    @_route("repo_info", "GET", _API_REPO + r"(?:/revision/(?P<rev>[^/]+))?")
    def _repo_info(self, request: _Request) -> _Response:
        repo = self._get_repo(request)
        commit = self._commit_for(repo, request.params.get("rev") or "main")
        return _Response(
            200,
            {
                "id": repo.repo_id,
                "author": repo.repo_id.split("/")[0],
                "sha": commit.oid,
                "private": repo.private,
                "disabled": False,
                "gated": False,
                "createdAt": repo.created_at,
                "lastModified": commit.created_at,
                "tags": [],
                "siblings": [{"rfilename": path} for path in sorted(commit.files)],
            },
        )

    @_route("create_branch", "POST", _API_REPO + r"/branch/(?P<rev>[^/]+)")
    def _create_branch(self, request: _Request) -> _Response:
        repo = self._get_repo(request)
        branch = request.params["rev"]
        if branch.startswith("refs/"):
            raise HubError(400, f"Invalid branch name {branch!r}")
        if branch in repo.branches:
            raise HubError(409, f"Branch {branch} already exists")
        start = request.json().get("startingPoint") or "main"
        repo.branches[branch] = self._commit_for(repo, start).oid
        return _Response(200, {})

    @_route("refs", "GET", _API_REPO + r"/refs")
    def _refs(self, request: _Request) -> _Response:
        repo = self._get_repo(request)
        branches, pulls = [], []
        for name, oid in sorted(repo.branches.items()):
            if name.startswith("refs/pr/"):
                pulls.append({"name": name, "ref": name, "targetCommit": oid})
            else:
                branches.append({"name": name, "ref": f"refs/heads/{name}", "targetCommit": oid})
        body: dict[str, Any] = {"branches": branches, "converts": [], "tags": []}
        if request.flag("include_prs"):
            body["pullRequests"] = pulls
        return _Response(200, body)

    @_route("commits", "GET", _API_REPO + r"/commits/(?P<rev>[^/]+)")
    def _commits(self, request: _Request) -> _Response:
        repo = self._get_repo(request)
        head = self._commit_for(repo, request.params["rev"])
        items = [
            {
                "id": c.oid,
                "title": c.title,
                "message": c.description,
                "authors": [{"user": c.author}],
                "date": c.created_at,
            }
            for c in self._history(repo, head.oid)
        ]
        return _Response(200, items)

    @_route("tree", "GET", _API_REPO + r"/tree/(?P<rev>[^/]+)(?:/(?P<subpath>.+))?")
    def _tree(self, request: _Request) -> _Response:
        repo = self._get_repo(request)
        commit = self._commit_for(repo, request.params["rev"])
        prefix = request.params.get("subpath", "").strip("/")
        entries = _tree_entries(commit.files, prefix, recursive=request.flag("recursive"))
        if prefix and not entries and prefix not in commit.files:
            raise HubError(404, f"{prefix} does not exist", "EntryNotFound")
        return _Response(200, entries)

    def _commit_for(self, repo: _Repo, revision: str) -> CommitRecord:
        commit = _resolve(repo, revision)
        if commit is None:
            raise HubError(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        return commit

    # ----------------------------------------------------------------- routes: upload

    @_route("preupload", "POST", _API_REPO + r"/preupload/(?P<rev>[^/]+)")
    def _preupload(self, request: _Request) -> _Response:
        repo = self._get_repo(request)
        head = self._commit_for(repo, request.params["rev"])
        answers = []
        for item in request.json()["files"]:
            path = item["path"]
            existing = head.files.get(path)
            sample = base64.b64decode(item.get("sample", ""))
            answers.append(
                {
                    "path": path,
                    "uploadMode": self._upload_mode(path, int(item["size"]), sample),
                    # .gitignore matching is not emulated: nothing is ever ignored.
                    "shouldIgnore": False,
                    # Lets the client drop unchanged files from the commit, like on the Hub.
                    "oid": existing.client_oid if existing is not None else None,
                }
            )
        return _Response(200, {"files": answers, "commitOid": head.oid})

    @_route("lfs_batch", "POST", _GIT_REPO + r"/info/lfs/objects/batch")
    def _lfs_batch(self, request: _Request) -> _Response:
        repo = self._get_repo(request)
        payload = request.json()
        if payload.get("operation") != "upload":
            raise HubError(400, "This test Hub only supports the LFS 'upload' operation")
        objects = [self._lfs_batch_object(repo, obj) for obj in payload["objects"]]
        headers = {"Content-Type": "application/vnd.git-lfs+json"}
        return _Response(200, {"transfer": "basic", "objects": objects}, headers)

    def _lfs_batch_object(self, repo: _Repo, obj: dict[str, Any]) -> dict[str, Any]:
        oid, size = str(obj["oid"]), int(obj["size"])
        answer: dict[str, Any] = {"oid": oid, "size": size, "authenticated": True}
        if oid in repo.lfs_objects:
            return answer  # no "actions": the client skips objects the server already has
        # The client PUTs the object without its Authorization header (it expects a presigned
        # storage URL), so the upload URL carries a single-use secret instead.
        ticket = secrets.token_hex(16)
        self._uploads[ticket] = ((repo.repo_type, repo.repo_id), oid, size)
        git_base = self._repo_url(repo) + ".git/info/lfs/objects"
        answer["actions"] = {
            "upload": {"href": f"{self.url}/_lfs/upload/{ticket}"},
            "verify": {"href": f"{git_base}/verify"},
        }
        return answer

    @_route("lfs_upload", "PUT", r"/_lfs/upload/(?P<ticket>[0-9a-f]+)", needs_auth=False)
    def _lfs_upload(self, request: _Request) -> _Response:
        pending = self._uploads.get(request.params["ticket"])
        if pending is None:
            raise HubError(403, "Unknown or already used upload URL")
        repo_key, oid, size = pending
        if len(request.body) != size or hashlib.sha256(request.body).hexdigest() != oid:
            raise HubError(400, f"Uploaded content does not match oid {oid} / size {size}")
        repo = self._repos.get(repo_key)
        if repo is None:
            raise HubError(404, "Repository not found", "RepoNotFound")
        repo.lfs_objects[oid] = request.body
        del self._uploads[request.params["ticket"]]
        return _Response(200, b"", {"ETag": f'"{hashlib.md5(request.body).hexdigest()}"'})

    @_route("lfs_verify", "POST", _GIT_REPO + r"/info/lfs/objects/verify")
    def _lfs_verify(self, request: _Request) -> _Response:
        repo = self._get_repo(request)
        payload = request.json()
        stored = repo.lfs_objects.get(payload["oid"])
        if stored is None or len(stored) != int(payload["size"]):
            raise HubError(404, f"LFS object {payload['oid']} was not uploaded")
        return _Response(200, {})

    @_route("commit", "POST", _API_REPO + r"/commit/(?P<rev>[^/]+)")
    def _commit(self, request: _Request) -> _Response:
        repo = self._get_repo(request)
        header, operations = _parse_ndjson_commit(request.body)
        branch = self._target_branch(repo, request.params["rev"], request.flag("create_pr"))
        head = self._commit_for(repo, branch)
        parent = header.get("parentCommit")
        if parent is not None and not head.oid.startswith(parent):
            raise HubError(412, "A commit has happened since. Please refresh and try again.")
        files = dict(head.files)
        for operation in operations:
            self._apply_operation(repo, files, operation)
        summary = header.get("summary") or ""
        commit = self._make_commit(repo, summary, header.get("description") or "", head.oid, files)
        repo.branches[branch] = commit.oid
        body: dict[str, Any] = {
            "success": True,
            "commitOid": commit.oid,
            "commitUrl": f"{self._repo_url(repo)}/commit/{commit.oid}",
            "hookOutput": "",
            "pullRequestUrl": None,
        }
        if branch.startswith("refs/pr/"):
            body["pullRequestUrl"] = f"{self._repo_url(repo)}/discussions/{branch.rsplit('/', 1)[1]}"
        return _Response(200, body)

    def _target_branch(self, repo: _Repo, revision: str, create_pr: bool) -> str:
        if revision not in repo.branches:
            raise HubError(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        if not create_pr:
            return revision
        # A pull request is a `refs/pr/N` branch forked from the target revision.
        branch = f"refs/pr/{repo.next_pr}"
        repo.next_pr += 1
        repo.branches[branch] = repo.branches[revision]
        return branch

    def _apply_operation(self, repo: _Repo, files: dict[str, StoredFile], operation: dict[str, Any]) -> None:
        key, value = operation["key"], operation["value"]
        path = str(value["path"]).strip("/")
        if key == "file":
            if value.get("encoding", "base64") != "base64":
                raise HubError(400, f"Unsupported encoding {value.get('encoding')!r}")
            files[path] = StoredFile(base64.b64decode(value["content"], validate=True), lfs=False)
        elif key == "lfsFile":
            files[path] = StoredFile(self._lfs_content(repo, value), lfs=True)
        elif key == "deletedFile":
            if files.pop(path, None) is None:
                raise HubError(404, f"A file with this name doesn't exist: {path}", "EntryNotFound")
        elif key == "deletedFolder":
            doomed = [p for p in files if p.startswith(path + "/")]
            if not doomed:
                raise HubError(404, f"A folder with this name doesn't exist: {path}", "EntryNotFound")
            for doomed_path in doomed:
                del files[doomed_path]
        else:
            raise HubError(400, f"Unsupported commit operation {key!r}")

    @staticmethod
    def _lfs_content(repo: _Repo, value: dict[str, Any]) -> bytes:
        if value.get("algo", "sha256") != "sha256":
            raise HubError(400, f"Unsupported LFS hash algorithm {value.get('algo')!r}")
        content = repo.lfs_objects.get(value["oid"])
        if content is None:
            raise HubError(
                422,
                f"Your push was rejected because an LFS pointer points to a missing object: "
                f"{value['oid']} ({value['path']})",
            )
        if "size" in value and int(value["size"]) != len(content):
            raise HubError(422, f"LFS pointer size mismatch for {value['path']}")
        return content


# Route names accepted by `HubServer.fail_next`.
ROUTES: frozenset[str] = frozenset(route.name for route in _ROUTE_TABLE)


# --------------------------------------------------------------------- pure helpers


def _now() -> str:
    """Current UTC time in the Hub's format (parsed by the client's ``parse_datetime``)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _git_blob_oid(content: bytes) -> str:
    """Git blob id (what ``huggingface_hub.utils.sha.git_hash`` computes)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def _lfs_pointer_size(oid: str, size: int) -> int:
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n"
    return len(pointer.encode())


def _repo_type_from_params(params: Mapping[str, str]) -> str:
    plural = params.get("rtype") or params.get("rprefix") or "models"
    return plural[:-1]


def _resolve(repo: _Repo, revision: str) -> CommitRecord | None:
    """Resolve a branch name or a (possibly abbreviated) commit id."""
    if revision in repo.branches:
        return repo.commits[repo.branches[revision]]
    if len(revision) >= 7:
        matches = [c for oid, c in repo.commits.items() if oid.startswith(revision.lower())]
        if len(matches) == 1:
            return matches[0]
    return None


def _match_route(method: str, path: str) -> tuple[_Route | None, dict[str, str]]:
    """Find the route for ``method path``; path parameters come back percent-decoded."""
    for route in _ROUTE_TABLE:
        if route.method != method:
            continue
        match = route.pattern.match(path)
        if match is not None:
            params = {k: unquote(v) for k, v in match.groupdict().items() if v is not None}
            return route, params
    return None, {}


def _unknown_route(method: str, path: str) -> _Response:
    if "xet-" in path:
        # Reached only if the client was not told to disable Xet: say so instead of a bare 404.
        message = "hub_server does not emulate Xet storage; set HF_HUB_DISABLE_XET=1"
        return HubError(501, message).to_response()
    return HubError(404, f"hub_server has no route for {method} {path}").to_response()


def _parse_ndjson_commit(body: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Split the commit NDJSON body into its header value and its operation lines."""
    lines = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
    if not lines or lines[0].get("key") != "header":
        raise HubError(400, "The first line of a commit payload must be the header")
    return lines[0]["value"], lines[1:]


def _tree_entries(files: Mapping[str, StoredFile], prefix: str, *, recursive: bool) -> list[dict[str, Any]]:
    """List files and folders under ``prefix`` in the shape of the Hub's tree API."""
    base = f"{prefix}/" if prefix else ""
    entries: dict[str, dict[str, Any]] = {}
    for path, stored in files.items():
        if not path.startswith(base):
            continue
        parts = path[len(base) :].split("/")
        # Every ancestor folder below `prefix` is listed when recursive, the first level else.
        depth = len(parts) - 1 if recursive else min(1, len(parts) - 1)
        for level in range(1, depth + 1):
            folder = base + "/".join(parts[:level])
            oid = hashlib.sha1(folder.encode()).hexdigest()
            entries[folder] = {"type": "directory", "oid": oid, "size": 0, "path": folder}
        if recursive or len(parts) == 1:
            entries[path] = _file_entry(path, stored)
    return [entries[key] for key in sorted(entries)]


def _file_entry(path: str, stored: StoredFile) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": "file",
        "oid": stored.git_oid,
        "size": len(stored.content),
        "path": path,
    }
    if stored.lfs:
        size = len(stored.content)
        entry["lfs"] = {
            "oid": stored.sha256,
            "size": size,
            "pointerSize": _lfs_pointer_size(stored.sha256, size),
        }
    return entry


# --------------------------------------------------------------------- HTTP plumbing


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    hub: HubServer


class _RequestHandler(BaseHTTPRequestHandler):
    # HTTP/1.1 framing, but every answer closes the connection: no idle keep-alive sockets
    # survive `stop()`, so a stopped server really refuses the client's next request.
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    # The do_* method names are imposed by BaseHTTPRequestHandler.
    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request stderr logging (use ``request_log`` instead)."""

    def _dispatch(self) -> None:
        try:
            body = self._read_body()
            response = self.server.hub._handle(self.command, self.path, self.headers, body)
        except Exception as err:
            # A test server must answer, never leave the client waiting (it has no timeout).
            response = HubError(500, f"hub_server internal error: {err!r}").to_response()
        self._write(response)

    def _read_body(self) -> bytes:
        # The client streams file objects with chunked encoding when it cannot size them.
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        chunks = []
        while True:
            size_line = self.rfile.readline().split(b";", 1)[0].strip()
            size = int(size_line, 16)
            if size == 0:
                break
            chunks.append(self.rfile.read(size))
            self.rfile.readline()  # CRLF closing the chunk
        while self.rfile.readline().strip():
            pass  # discard trailers up to the blank line
        return b"".join(chunks)

    def _write(self, response: _Response) -> None:
        if isinstance(response.body, bytes):
            payload = response.body
            content_type = "application/octet-stream"
        else:
            payload = json.dumps(response.body).encode()
            content_type = "application/json"
        self.send_response(response.status)
        headers = {"Content-Type": content_type, **response.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)
        self.close_connection = True


# --------------------------------------------------------------------- client wiring


def configure_client(server: HubServer, monkeypatch: _MonkeyPatch, *, fast_retries: bool = True) -> None:
    """Point the in-process ``huggingface_hub`` client and child processes at ``server``.

    ``huggingface_hub.constants`` reads its environment variables once at import, so setting
    the variables alone does not reach an already imported client: both are patched.

    Args:
        server: A started :class:`HubServer`.
        monkeypatch: pytest's ``monkeypatch`` fixture (undone at test teardown).
        fast_retries: Replace the client's retry backoff sleep with a no-op, so tests that
            inject retried failures (preupload, LFS) do not wait 1-8 s per retry.
    """
    from huggingface_hub import constants
    from huggingface_hub.utils import _http

    for name, value in server.client_env().items():
        monkeypatch.setenv(name, value)
    if server.token is None:
        monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setattr(constants, "ENDPOINT", server.url)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    if fast_retries:
        # `time.sleep` is the only `time` function `utils/_http.py` uses (its retry backoff);
        # swapping the module reference there leaves the real `time` module untouched.
        monkeypatch.setattr(_http, "time", types.SimpleNamespace(sleep=lambda _seconds: None))
