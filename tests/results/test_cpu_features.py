"""The CPU facts recorded in provenance: matrix instruction sets read from a cpuinfo file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.cpu_features import CPUINFO, MATRIX_FLAGS, cpu_has_bf16, matrix_features
from harness.results.provenance import hardware

AVX2_ONLY = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx avx2 fma bmi2\n"
AMX = "processor\t: 0\nflags\t\t: fpu avx2 fma avx512f avx512_vnni avx512_bf16 amx_bf16 amx_tile amx_int8\n"


@pytest.mark.parametrize(
    ("text", "features", "bf16"),
    [
        (AVX2_ONLY, ["avx2", "fma"], False),
        (AMX, ["avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_int8", "amx_bf16"], True),
    ],
)
def test_features_and_bf16_from_a_cpuinfo_file(tmp_path: Path, text: str, features: list[str], bf16: bool) -> None:
    path = tmp_path / "cpuinfo"
    path.write_text(text)
    assert matrix_features(path) == features
    assert cpu_has_bf16(path) is bf16


def test_unreadable_cpuinfo_is_none_and_assumes_bf16(tmp_path: Path) -> None:
    assert matrix_features(tmp_path / "absent") is None
    assert cpu_has_bf16(tmp_path / "absent") is True


@pytest.mark.skipif(not CPUINFO.exists(), reason="no /proc/cpuinfo off Linux")
def test_provenance_records_this_machines_flags() -> None:
    # Independent reading: the `flags` lines by regular expression, not the word split the module uses.
    flags = set(re.findall(r"^flags\s*:\s*(.*)$", CPUINFO.read_text(), re.M)[0].split())
    assert hardware(None)["matrix_features"] == [flag for flag in MATRIX_FLAGS if flag in flags]
