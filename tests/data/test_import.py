"""import_mirror: copying a carried-over folder of real mirror files into the data cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.data.checksum import sha256_file
from harness.data.importer import ImportReport, import_mirror
from harness.data.source_files import locate
from harness.data.sources import Source
from harness.errors import HarnessError
from harness.paths import CACHE_ENV, MIRROR_ENV, REPO_ROOT
from harness.tasks.task_registry import load_task_file

CARRIED = ["de.json", "en.json", "es.json"]  # a subset of xquad-r; the other 8 files are "missing"


def xquad_r() -> Source:
    """The real xquad-r source declaration, with the real sha256s."""
    return load_task_file(REPO_ROOT / "tasks" / "xquad-r.yaml").source


@pytest.fixture
def carried(mirror: Path, tmp_path: Path) -> Path:
    """A folder holding a few real xquad-r files, laid out like the mirror."""
    root = tmp_path / "usb"
    (root / "xquad-r").mkdir(parents=True)
    for name in CARRIED:
        shutil.copyfile(mirror / "xquad-r" / name, root / "xquad-r" / name)
    return root


def test_import_copies_verified_files_and_reports_the_rest(
    carried: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(MIRROR_ENV, raising=False)
    source = xquad_r()

    report = import_mirror(carried, [source])

    assert report.copied == [f"xquad-r/{n}" for n in CARRIED]
    assert report.skipped == []
    assert report.missing == [f"xquad-r/{n}" for n in sorted(source.files) if n not in CARRIED]
    for name in CARRIED:
        path = tmp_path / "cache" / "data" / "xquad-r" / name
        assert sha256_file(path) == source.files[name]
        assert locate(source, name) == path
    assert sorted(p.name for p in (tmp_path / "cache" / "data" / "xquad-r").iterdir()) == CARRIED

    again = import_mirror(carried, [source, source])
    assert again == ImportReport(copied=[], skipped=report.copied, missing=report.missing)


def test_import_rejects_a_corrupted_file_and_writes_nothing_for_it(carried: Path, tmp_path: Path) -> None:
    bad = carried / "xquad-r" / "es.json"
    raw = bytearray(bad.read_bytes())
    raw[100] ^= 0x01
    bad.write_bytes(bytes(raw))
    dest = tmp_path / "cache"

    with pytest.raises(HarnessError, match=r"usb/xquad-r/es\.json: sha256 mismatch \(expected f8e836b2d910…"):
        import_mirror(carried, [xquad_r()], dest_root=dest)
    assert sorted(p.name for p in (dest / "xquad-r").iterdir()) == ["de.json", "en.json"]


def test_import_replaces_a_corrupted_cached_file(carried: Path, tmp_path: Path) -> None:
    dest = tmp_path / "cache"
    stale = dest / "xquad-r" / "en.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")

    report = import_mirror(carried, [xquad_r()], dest_root=dest)

    assert "xquad-r/en.json" in report.copied
    assert sha256_file(stale) == xquad_r().files["en.json"]


def test_import_requires_an_existing_directory(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match=r"nowhere: does not exist"):
        import_mirror(tmp_path / "nowhere", [xquad_r()], dest_root=tmp_path / "cache")
    (tmp_path / "file").write_text("x")
    with pytest.raises(HarnessError, match=r"file: is not a directory"):
        import_mirror(tmp_path / "file", [xquad_r()], dest_root=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()
