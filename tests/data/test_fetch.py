"""fetch_source against a local HTTP server serving the real mirror files (no mocks of urllib)."""

from __future__ import annotations

import functools
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from harness.data.checksum import sha256_file
from harness.data.fetch import fetch_source
from harness.data.source_files import locate
from harness.data.sources import Source
from harness.errors import HarnessError
from harness.paths import CACHE_ENV, MIRROR_ENV, REPO_ROOT
from harness.tasks.task_registry import load_task_file

NAMES = ["de.json", "en.json"]  # the two smallest xquad-r files


class QuietFiles(SimpleHTTPRequestHandler):
    """Serves a folder; records each requested path on the server instead of logging it."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        super().do_GET()


class Truncating(BaseHTTPRequestHandler):
    """Promises more bytes than it sends, then closes the connection."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"{" * 1000)
        self.close_connection = True


class Stalling(BaseHTTPRequestHandler):
    """Accepts the request and never answers (until the test ends)."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.release.wait(5)  # type: ignore[attr-defined]


@functools.cache
def xquad_r() -> Source:
    """The real xquad-r source declaration, with the real sha256s."""
    return load_task_file(REPO_ROOT / "tasks" / "xquad-r.yaml").source


def local_source(port: int, names: list[str] = NAMES, **files: str) -> Source:
    """xquad-r restricted to `names`, downloaded from 127.0.0.1:`port`; `files` overrides sha256s."""
    real = xquad_r()
    declared = {n: real.files[n] for n in names} | files
    return real.model_copy(update={"url": f"http://127.0.0.1:{port}/xquad-r/{{file}}", "files": declared})


@pytest.fixture
def serve() -> Iterator:
    """Start a ThreadingHTTPServer with a given handler on a free port; stopped after the test."""
    servers: list[ThreadingHTTPServer] = []

    def start(handler: type[BaseHTTPRequestHandler] | functools.partial) -> ThreadingHTTPServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.requests = []  # type: ignore[attr-defined]
        server.release = threading.Event()  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.release.set()  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()


@pytest.fixture
def file_server(serve, mirror: Path) -> ThreadingHTTPServer:
    """The real mirror served over HTTP."""
    return serve(functools.partial(QuietFiles, directory=str(mirror)))


def leftovers(root: Path) -> list[Path]:
    """Every file (temporary ones included) under a folder."""
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_fetch_downloads_verified_files_that_locate_finds(
    file_server: ThreadingHTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(MIRROR_ENV, raising=False)
    source = local_source(file_server.server_port)
    seen: list[tuple[str, int, int]] = []

    written = fetch_source(source, progress=lambda rel, done, total: seen.append((rel, done, total)))

    root = tmp_path / "cache" / "data"
    assert written == [root / "xquad-r" / n for n in NAMES]
    for name in NAMES:
        assert sha256_file(root / "xquad-r" / name) == source.files[name]
        assert locate(source, name) == root / "xquad-r" / name
    assert sorted(leftovers(root)) == written
    assert seen[-1][0] == "xquad-r/en.json" and seen[-1][1] == seen[-1][2] > 0
    assert len(file_server.requests) == 2  # type: ignore[attr-defined]

    assert fetch_source(source) == []
    assert len(file_server.requests) == 2  # type: ignore[attr-defined]


def test_fetch_replaces_a_corrupted_cached_file(file_server: ThreadingHTTPServer, tmp_path: Path) -> None:
    source = local_source(file_server.server_port, ["en.json"])
    bad = tmp_path / "xquad-r" / "en.json"
    bad.parent.mkdir(parents=True)
    bad.write_text("{}")

    assert fetch_source(source, dest_root=tmp_path) == [bad]
    assert sha256_file(bad) == source.files["en.json"]


def test_fetch_rejects_a_wrong_checksum_and_leaves_nothing(file_server: ThreadingHTTPServer, tmp_path: Path) -> None:
    source = local_source(file_server.server_port, ["en.json"], **{"en.json": "0" * 64})

    with pytest.raises(HarnessError, match=r"xquad-r/en\.json: sha256 mismatch after download from http://"):
        fetch_source(source, dest_root=tmp_path)
    assert leftovers(tmp_path) == []


def test_fetch_rejects_a_truncated_body(serve, tmp_path: Path) -> None:
    server = serve(Truncating)
    source = local_source(server.server_port, ["en.json"])

    with pytest.raises(HarnessError, match=r"truncated: got 1000 of 100000 bytes"):
        fetch_source(source, dest_root=tmp_path)
    assert leftovers(tmp_path) == []


def test_fetch_names_the_url_of_a_404(file_server: ThreadingHTTPServer, tmp_path: Path) -> None:
    source = local_source(file_server.server_port, [], **{"nope.json": "0" * 64})
    url = f"http://127.0.0.1:{file_server.server_port}/xquad-r/nope.json"

    with pytest.raises(HarnessError, match=rf"{url} failed: HTTP 404"):
        fetch_source(source, dest_root=tmp_path)
    assert leftovers(tmp_path) == []


def test_fetch_fails_fast_when_the_connection_is_refused(tmp_path: Path) -> None:
    with socket.socket() as bound:  # bound but not listening: connections are refused
        bound.bind(("127.0.0.1", 0))
        source = local_source(bound.getsockname()[1])
        start = time.monotonic()
        with pytest.raises(HarnessError, match=r"xquad-r/de\.json: download from http://.* failed: .*refused"):
            fetch_source(source, dest_root=tmp_path)
    assert time.monotonic() - start < 2
    assert leftovers(tmp_path) == []


def test_fetch_gives_up_after_the_timeout(serve, tmp_path: Path) -> None:
    server = serve(Stalling)
    source = local_source(server.server_port, ["en.json"])

    with pytest.raises(HarnessError, match=r"failed: timed out"):
        fetch_source(source, dest_root=tmp_path, timeout=0.2)
    assert leftovers(tmp_path) == []


def test_fetch_without_url_says_where_to_get_the_files(tmp_path: Path) -> None:
    source = xquad_r().model_copy(update={"url": None, "hub": "google/xquad-r"})

    with pytest.raises(HarnessError, match=r"cannot be fetched .*'google/xquad-r'"):
        fetch_source(source, dest_root=tmp_path)


def test_fetch_rejects_undeclared_names(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match=r"no file 'xx.json' declared"):
        fetch_source(xquad_r(), ["xx.json"], dest_root=tmp_path)
