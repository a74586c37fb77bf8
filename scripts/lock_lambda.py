"""Refresh the Lambda zip's hash-pinned dependency lists (`make lock`), one per runtime and architecture.

    python scripts/lock_lambda.py                 every runtime and architecture in lambda/locks/
    python scripts/lock_lambda.py --check         exit 1 if a list no longer matches lambda/pyproject.toml

For each target, pip resolves lambda/pyproject.toml's dependencies for the Lambda platform (manylinux wheels of the
runtime's CPython) and downloads the wheels; each list names every distribution the zip will hold, `==` its version,
with the sha256 of the wheel pip chose. No download address is written. `make build` installs from the list with
`--require-hashes`, so a wheel that changed on the index fails the build instead of shipping; only this script, run on
purpose, changes a hash.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_lambda import LOCKS, PLATFORMS, PROVIDED_BY_RUNTIME, ROOT, canonical, lock_path, run

TARGETS = [(runtime, arch) for runtime in ("python3.11", "python3.12", "python3.13") for arch in sorted(PLATFORMS)]
HEADER = """# The Lambda zip's dependencies for {runtime} on {arch}: every distribution in the zip but the package
# itself, with the sha256 of its wheel. `make build` installs these with pip --require-hashes; `make lock`
# rewrites this file.
# boto3, botocore and s3transfer are left out: the Lambda runtime provides them.
"""


def wheel_name_version(wheel: Path) -> tuple[str, str]:
    name, version = wheel.name.split("-")[:2]
    return canonical(name), version


def lock_text(runtime: str, arch: str) -> str:
    with tempfile.TemporaryDirectory(prefix="workout-log-lock-") as scratch:
        wheels = Path(scratch) / "wheels"
        run(sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--dest", str(wheels),
            "--platform", PLATFORMS[arch], "--implementation", "cp", "--python-version",
            runtime.removeprefix("python"), "--only-binary=:all:", str(ROOT / "lambda"))  # fmt: skip
        lines = []
        for wheel in sorted(wheels.glob("*.whl")):
            name, version = wheel_name_version(wheel)
            if name in PROVIDED_BY_RUNTIME or name == "workout-log":
                continue
            digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
            lines.append(f"{name}=={version} \\\n    --hash=sha256:{digest}\n")
    return HEADER.format(runtime=runtime, arch=arch) + "".join(sorted(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    LOCKS.mkdir(parents=True, exist_ok=True)
    stale = []
    for runtime, arch in TARGETS:
        text, path = lock_text(runtime, arch), lock_path(runtime, arch)
        if args.check:
            if not path.is_file() or path.read_text() != text:
                stale.append(path.relative_to(ROOT))
        elif not path.is_file() or path.read_text() != text:
            path.write_text(text)
            print(f"updated: {path.relative_to(ROOT)}")
    if stale:
        sys.exit(f"stale, run `make lock`: {', '.join(map(str, stale))}")


if __name__ == "__main__":
    main()
