"""Write the inputs and outputs tables of each module README between terraform-docs markers.

Where terraform-docs is installed, `terraform-docs markdown table --output-file README.md modules/<name>`
produces the same section; this script exists so the tables can be regenerated without that binary.

    python scripts/module_docs.py           rewrite the tables
    python scripts/module_docs.py --check   exit 1 if any README is stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import hcl2

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"


def _blocks(folder: Path, kind: str) -> list[tuple[str, dict]]:
    found = []
    for path in sorted(folder.glob("*.tf")):
        with path.open() as handle:
            for block in hcl2.load(handle).get(kind, []):
                found.extend((name.strip('"'), body) for name, body in block.items())
    return found


def _plain(value: object) -> object:
    """python-hcl2 keeps HCL's quotes around strings and wraps expressions in ${...}; drop both."""
    if isinstance(value, str):
        if value.startswith("${") and value.endswith("}"):
            value = value[2:-1]
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace('\\"', '"')
        return value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def _cell(value: object) -> str:
    plain = _plain(value)
    text = plain if isinstance(plain, str) else json.dumps(plain)
    return text.replace("\n", " ").replace("|", "\\|")


def tables(folder: Path) -> str:
    lines = [BEGIN, "## Inputs", "", "| Name | Description | Type | Default | Required |", "|---|---|---|---|:---:|"]
    for name, body in sorted(_blocks(folder, "variable")):
        default = f"`{_cell(body['default'])}`" if "default" in body else "n/a"
        required = "no" if "default" in body else "yes"
        description, kind = _cell(body.get("description", "")), _cell(body.get("type", "any"))
        lines.append(f"| `{name}` | {description} | `{kind}` | {default} | {required} |")
    lines += ["", "## Outputs", "", "| Name | Description |", "|---|---|"]
    for name, body in sorted(_blocks(folder, "output")):
        lines.append(f"| `{name}` | {_cell(body.get('description', ''))} |")
    lines.append(END)
    return "\n".join(lines)


def main(check: bool) -> int:
    stale = []
    for folder in sorted(p for p in (ROOT / "modules").iterdir() if p.is_dir()):
        readme = folder / "README.md"
        text = readme.read_text()
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        updated = f"{head}{tables(folder)}{tail}"
        if updated != text:
            stale.append(readme.relative_to(ROOT))
            if not check:
                readme.write_text(updated)
    for path in stale:
        print(f"{'stale' if check else 'updated'}: {path}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))
