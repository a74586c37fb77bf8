"""The Lambda artifact a security team can verify: dependencies only from the committed hash-pinned lists, a
byte-reproducible zip, and a reproducible CycloneDX SBOM that lists exactly what the zip holds."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from support.terraform import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from build_lambda import build, lock_path, locked, sbom_path, zip_distributions


def test_two_builds_give_the_same_zip_and_the_same_sbom(fresh_builds):
    first, second = fresh_builds

    assert first.read_bytes() == second.read_bytes()
    assert sbom_path(first).read_bytes() == sbom_path(second).read_bytes()


def test_the_sbom_lists_exactly_the_distributions_in_the_zip(fresh_builds):
    zip_file = fresh_builds[0]
    sbom = json.loads(sbom_path(zip_file).read_text())
    listed = {component["name"]: component["version"] for component in sbom["components"]}
    pins = locked(lock_path("python3.13", "arm64"))

    assert sbom["bomFormat"] == "CycloneDX" and sbom["specVersion"] == "1.6"
    assert listed == zip_distributions(zip_file)
    assert {name for name in listed if name != "workout-log"} == set(pins)
    for component in sbom["components"]:
        if component["name"] in pins:
            assert component["hashes"] == [{"alg": "SHA-256", "content": pins[component["name"]][1]}]
        assert component["purl"] == f"pkg:pypi/{component['name']}@{component['version']}"


def test_every_target_has_a_lock_that_pins_the_projects_dependencies():
    for runtime in ("python3.11", "python3.12", "python3.13"):
        for arch in ("arm64", "x86_64"):
            pins = locked(lock_path(runtime, arch))
            assert pins["aws-lambda-powertools"][0] == "3.37.0" and pins["pydantic"][0] == "2.14.4"
            assert not {"boto3", "botocore", "s3transfer"} & set(pins), "the Lambda runtime provides these"
            assert "http" not in lock_path(runtime, arch).read_text(), "no download addresses in a lock"


def test_a_wheel_whose_hash_differs_from_the_lock_fails_the_build(tmp_path):
    lock = lock_path("python3.13", "arm64").read_text()
    _, (_, digest) = sorted(locked(lock_path("python3.13", "arm64")).items())[0]
    tampered = tmp_path / "tampered.txt"
    tampered.write_text(lock.replace(digest, "0" * 64))

    with pytest.raises(subprocess.CalledProcessError):
        build("python3.13", "arm64", tmp_path / "w.zip", lock=tampered)
    assert not (tmp_path / "w.zip").exists()
