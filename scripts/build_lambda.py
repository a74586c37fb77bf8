"""Build the Lambda zip: package wheel -> dependencies for the Lambda platform -> a reproducible zip.

- Dependencies are the binary wheels for the target (manylinux2014 aarch64 or x86_64, CPython of the runtime),
  never this machine's.
- boto3, botocore and s3transfer are left out: the Lambda Python runtime provides them.
- No tests, caches or .pyc files; every entry has a fixed time stamp and mode and the entries are sorted, so two
  builds of one commit are byte-identical and Terraform's source_code_hash does not churn.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}
PROVIDED_BY_RUNTIME = ("boto3", "botocore", "s3transfer")
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
LEFT_OUT_SUFFIXES = (".pyc", ".pyo")
LEFT_OUT_NAMES = {"__pycache__", "tests", "direct_url.json", "INSTALLER", "REQUESTED"}


def run(*command: str) -> None:
    subprocess.run(command, check=True, cwd=ROOT)


def install_for_lambda(wheel: Path, target: Path, runtime: str, arch: str) -> None:
    version = runtime.removeprefix("python")
    run(
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
        "--target", str(target), "--platform", PLATFORMS[arch], "--implementation", "cp",
        "--python-version", version, "--only-binary=:all:", str(wheel),
    )  # fmt: skip
    for entry in list(target.iterdir()):
        distribution = entry.name.split("-")[0].lower()
        if entry.name in PROVIDED_BY_RUNTIME or distribution in PROVIDED_BY_RUNTIME or entry.name == "bin":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


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


def build(runtime: str, arch: str, out: Path) -> str:
    with tempfile.TemporaryDirectory(prefix="workout-log-build-") as scratch:
        work = Path(scratch)
        run(sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
            "--wheel-dir", str(work / "wheel"), str(ROOT / "lambda"))  # fmt: skip
        wheel = next((work / "wheel").glob("workout_log-*.whl"))
        install_for_lambda(wheel, work / "package", runtime, arch)
        drop_left_out_from_records(work / "package")
        write_zip(work / "package", out)
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
