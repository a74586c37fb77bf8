"""Build the Lambda zip: package wheel -> dependencies for the Lambda platform -> a reproducible zip and its SBOM.

- Dependencies are the binary wheels for the target (manylinux2014 aarch64 or x86_64, CPython of the runtime),
  never this machine's, installed with `pip --require-hashes` from the committed list for the target
  (lambda/locks/<runtime>-<arch>.txt, refreshed only by `make lock`): a wheel whose hash changed fails the build.
- Next to the zip, `<zip>.cdx.json`: a CycloneDX SBOM of the distributions in the zip (name, version, purl and the
  sha256 of the wheel each came from), as reproducible as the zip itself.
- boto3, botocore and s3transfer are left out: the Lambda Python runtime provides them.
- No tests, caches or .pyc files; every entry has a fixed time stamp and mode and the entries are sorted, so two
  builds of one commit are byte-identical and Terraform's source_code_hash does not churn.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}
PROVIDED_BY_RUNTIME = ("boto3", "botocore", "s3transfer")
LOCKS = ROOT / "lambda" / "locks"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
LEFT_OUT_SUFFIXES = (".pyc", ".pyo")
LEFT_OUT_NAMES = {"__pycache__", "tests", "direct_url.json", "INSTALLER", "REQUESTED"}


def run(*command: str) -> None:
    subprocess.run(command, check=True, cwd=ROOT)


def canonical(name: str) -> str:
    """A distribution name as PEP 503 normalises it (pydantic_core and Pydantic-Core are pydantic-core)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_path(runtime: str, arch: str) -> Path:
    return LOCKS / f"{runtime}-{arch}.txt"


def locked(lock: Path) -> dict[str, tuple[str, str]]:
    """{distribution: (version, sha256)} of a lock file."""
    pins = re.findall(r"^([a-z0-9-]+)==(\S+) \\\n\s+--hash=sha256:([0-9a-f]{64})$", lock.read_text(), re.MULTILINE)
    return {name: (version, digest) for name, version, digest in pins}


def check_lock_covers_project(lock: Path) -> None:
    """Each dependency pinned in lambda/pyproject.toml must be in the lock at the same version (else: make lock)."""
    import tomllib

    project = tomllib.loads((ROOT / "lambda" / "pyproject.toml").read_text())["project"]
    pins = locked(lock)
    for requirement in project["dependencies"]:
        name, version = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)$", requirement).groups()  # type: ignore[union-attr]
        name = canonical(name)
        if name not in PROVIDED_BY_RUNTIME and pins.get(name, ("",))[0] != version:
            sys.exit(f"{lock.name} does not pin {name}=={version} from lambda/pyproject.toml: run `make lock`")


def install_for_lambda(wheel: Path, target: Path, runtime: str, arch: str, lock: Path) -> None:
    platform = ["--platform", PLATFORMS[arch], "--implementation", "cp", "--python-version",
                runtime.removeprefix("python"), "--only-binary=:all:"]  # fmt: skip
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
    run(*pip, "--target", str(target), *platform, "--no-deps", "--require-hashes", "-r", str(lock))
    run(*pip, "--target", str(target), *platform, "--no-deps", str(wheel))


def drop_left_out_from_records(target: Path) -> None:
    """RECORD files list every installed file; the ones left out (e.g. direct_url.json, which names the temporary
    build folder) must leave the RECORD too, or the zip would differ between builds."""
    for record in target.glob("*.dist-info/RECORD"):
        lines = record.read_text().splitlines(keepends=True)
        kept = [line for line in lines if not any(part in LEFT_OUT_NAMES for part in line.split(",")[0].split("/"))]
        record.write_text("".join(kept))


def included(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return not any(part in LEFT_OUT_NAMES for part in parts) and path.suffix not in LEFT_OUT_SUFFIXES


def write_zip(source: Path, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in source.rglob("*") if p.is_file() and included(p, source))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(source).as_posix(), date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)


def zip_distributions(archive: Path) -> dict[str, str]:
    """{distribution: version} of every *.dist-info in the zip, read from its METADATA."""
    found = {}
    with zipfile.ZipFile(archive) as opened:
        for name in opened.namelist():
            if re.fullmatch(r"[^/]+\.dist-info/METADATA", name):
                metadata = opened.read(name).decode()
                field = dict(re.findall(r"^(Name|Version): (.+)$", metadata, re.MULTILINE))
                found[canonical(field["Name"])] = field["Version"].strip()
    return found


def sbom_path(out: Path) -> Path:
    return out.with_name(out.name + ".cdx.json")


def write_sbom(out: Path, lock: Path, runtime: str, arch: str) -> Path:
    """CycloneDX 1.6 JSON. Serial number and time stamp derive from the zip, so one zip has one SBOM, byte for byte."""
    import uuid
    from datetime import UTC, datetime

    from cyclonedx.model import HashAlgorithm, HashType, Property
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.output.json import JsonV1Dot6
    from packageurl import PackageURL

    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    pins = locked(lock)
    distributions = zip_distributions(out)
    bom = Bom(serial_number=uuid.uuid5(uuid.NAMESPACE_URL, f"sha256:{digest}"))
    bom.metadata.timestamp = datetime(*FIXED_TIME, tzinfo=UTC)
    bom.metadata.component = Component(
        type=ComponentType.APPLICATION,
        name=out.name,
        bom_ref=f"zip:sha256:{digest}",
        version=distributions.get("workout-log", "0"),
        hashes=[HashType(alg=HashAlgorithm.SHA_256, content=digest)],
        properties=[Property(name="lambda:runtime", value=runtime), Property(name="lambda:architecture", value=arch)],
    )
    for name, version in sorted(distributions.items()):
        hashes = [HashType(alg=HashAlgorithm.SHA_256, content=pins[name][1])] if name in pins else []
        bom.components.add(
            Component(
                type=ComponentType.LIBRARY,
                name=name,
                version=version,
                purl=PackageURL(type="pypi", name=name, version=version),
                bom_ref=f"pkg:pypi/{name}@{version}",
                hashes=hashes,
            )
        )
    # The zip depends on every distribution in it (pip resolved the graph; the SBOM records the flat result).
    bom.register_dependency(bom.metadata.component, list(bom.components))
    path = sbom_path(out)
    path.write_text(JsonV1Dot6(bom).output_as_string(indent=2) + "\n")
    return path


def build(runtime: str, arch: str, out: Path, lock: Path | None = None) -> str:
    lock = lock or lock_path(runtime, arch)
    if not lock.is_file():
        sys.exit(f"no dependency list for {runtime} on {arch} ({lock}): run `make lock`")
    check_lock_covers_project(lock)
    with tempfile.TemporaryDirectory(prefix="workout-log-build-") as scratch:
        work = Path(scratch)
        run(sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
            "--wheel-dir", str(work / "wheel"), str(ROOT / "lambda"))  # fmt: skip
        wheel = next((work / "wheel").glob("workout_log-*.whl"))
        install_for_lambda(wheel, work / "package", runtime, arch, lock)
        drop_left_out_from_records(work / "package")
        write_zip(work / "package", out)
    write_sbom(out, lock, runtime, arch)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: {out.stat().st_size} bytes, sha256 {digest}")
    return digest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runtime", default="python3.13", choices=["python3.11", "python3.12", "python3.13"])
    parser.add_argument("--arch", default="arm64", choices=sorted(PLATFORMS))
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    build(args.runtime, args.arch, args.out.resolve())


if __name__ == "__main__":
    main()
