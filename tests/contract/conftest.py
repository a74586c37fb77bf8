from __future__ import annotations

import platform
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tfconfig import ROOT

sys.path.insert(0, str(ROOT / "scripts"))


@pytest.fixture(scope="session")
def built_zips() -> Iterator[dict[str, Path]]:
    """The deployable zip (python3.13, arm64) and the same build for this machine's Python and CPU, so that the
    handlers can be imported from it here."""
    from build_lambda import build

    host_arch = "arm64" if platform.machine() in ("aarch64", "arm64") else "x86_64"
    host_runtime = f"python{sys.version_info.major}.{sys.version_info.minor}"
    with tempfile.TemporaryDirectory(prefix="contract-zips-") as scratch:
        target = Path(scratch) / "target.zip"
        host = Path(scratch) / "host.zip"
        build("python3.13", "arm64", target)
        build(host_runtime, host_arch, host)
        extracted = Path(scratch) / "host"
        with zipfile.ZipFile(host) as archive:
            archive.extractall(extracted)
        yield {"target": target, "host": host, "host_extracted": extracted}
