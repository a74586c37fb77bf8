"""Write the inputs and outputs tables of each modules/*/README.md between the terraform-docs markers.

The section is byte for byte what terraform-docs v0.24.0 writes with .terraform-docs.yml (markdown table, anchors,
HTML, no escaping, sorted by name), so either can regenerate it. `--check` only lists stale READMEs (exit 1).

It stops with an error instead of guessing on: a comment line right above a variable or output (terraform-docs would
read it as the description or as terraform-docs-ignore), a heredoc, interpolation or other expression in a
description or default, a number Go would print in another notation, a quoted type, and *.tofu, *.tf.json and
override files.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import hcl2
from hcl2.utils import SerializationOptions
from lark import Tree

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"

# .terraform-docs.yml without `version`: tests/terraform/test_module_docs.py compares them. color, description,
# lockfile and sensitive do not apply to a markdown table of inputs and outputs.
CONFIG = {
    "formatter": "markdown table",
    "sections": {"show": ["inputs", "outputs"]},
    "output-values": {"enabled": False},
    "sort": {"enabled": True, "by": "name"},
    "settings": {
        "anchor": True,
        "atx-closed": False,
        "color": True,
        "default": True,
        "description": False,
        "escape": False,
        "hide-empty": False,
        "html": True,
        "indent": 2,
        "lockfile": True,
        "read-comments": True,
        "required": True,
        "sensitive": True,
        "type": True,
    },
    "output": {"file": "README.md", "mode": "inject", "template": f"{BEGIN}\n{{{{ .Content }}}}\n{END}"},
}

INPUTS_HEADER = "| Name | Description | Type | Default | Required |\n| ---- | ----------- | ---- | ------- | :------: |"
OUTPUTS_HEADER = "| Name | Description |\n| ---- | ----------- |"

# unicode.IsSpace, which Go's strings.TrimSpace uses (str.strip() would also strip \x1c-\x1f).
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
GO_SPACE += "\u2028\u2029\u202f\u205f\u3000"

# hcl2.load's values: strings unquoted and unescaped, comments left out.
HCL2_VALUES = SerializationOptions(with_comments=False, strip_string_quotes=True)

# terraform-docs' type name for a variable without `type`, from its default.
TYPE_OF = {bool: "bool", str: "string", int: "number", float: "number", list: "list", dict: "map"}


class Unsupported(ValueError):
    """A construct for which this script would not write what terraform-docs writes."""


def _value(value: object, where: str) -> object:
    """A description or default from hcl2.load as terraform-docs has it: NFC strings, float64 numbers."""
    if isinstance(value, str):
        if value.startswith("<<") or "${" in value or "%{" in value:
            raise Unsupported(f"{where}: {value!r} is not a literal (a heredoc, interpolation or expression)")
        return unicodedata.normalize("NFC", value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value == int(value) and abs(value) < 2**53:
            return int(value)
        if value == int(value) or "e" in repr(float(value)):
            raise Unsupported(f"{where}: Go and Python print the number {value!r} differently")
        return float(value)
    if isinstance(value, list):
        return [_value(item, where) for item in value]
    if isinstance(value, dict):
        return {_value(str(key), where): _value(item, where) for key, item in value.items()}
    return value  # bool or None


def _type_source(block: Tree, text: str) -> str:
    """The text of the block's `type` expression as written, which is what terraform-docs prints."""
    for node in block.children[-2].children:
        if isinstance(node, Tree) and node.data == "attribute" and node.children[0].children[0] == "type":
            return text[node.children[-1].meta.start_pos : node.children[-1].meta.end_pos]
    return ""


def load(folder: Path) -> tuple[list[dict], list[dict]]:
    """The module's variables and outputs, each sorted by name."""
    found: dict[str, list[dict]] = {"variable": [], "output": []}
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if path.name.endswith((".tofu", ".tf.json", "override.tf")):
            raise Unsupported(f"{path}: *.tofu, *.tf.json and override files are not read by this script")
        if not path.name.endswith(".tf"):
            continue
        text = path.read_bytes().decode("utf-8")
        lines = text.split("\n")
        loaded = hcl2.loads(text, serialization_options=HCL2_VALUES)
        values = {kind: iter(loaded.get(kind, [])) for kind in found}
        for block in hcl2.parses_to_tree(text).children[0].children:
            kind = block.children[0].children[0] if isinstance(block, Tree) and block.data == "block" else None
            if kind not in found:
                continue
            ((name, attributes),) = next(values[kind]).items()  # hcl2.load lists the blocks in file order
            where = f"{path}: {kind} {name}"
            if block.meta.line > 1 and lines[block.meta.line - 2].lstrip().startswith(("#", "//")):
                raise Unsupported(f"{where}: comment right above the block (terraform-docs reads it); add a blank line")
            if not isinstance(description := attributes.get("description", ""), str):
                raise Unsupported(f"{where}: the description is not a string")
            item = {"name": name, "description": _value(description, where).replace("\r\n", "\n")}
            if kind == "variable":
                item["required"] = "default" not in attributes
                item["default"] = _value(attributes.get("default"), where)
                item["type"] = _type_source(block, text) or TYPE_OF.get(type(item["default"]), "any")
                if item["type"].startswith('"'):
                    raise Unsupported(f"{where}: quoted type (Terraform rejects it, terraform-docs unquotes it)")
            found[kind].append(item)
    return sorted(found["variable"], key=lambda v: v["name"]), sorted(found["output"], key=lambda o: o["name"])


def go_json(value: object) -> str:
    """encoding/json with SetIndent("", "  ") and SetEscapeHTML(false), as terraform-docs prints a default."""
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _segments(text: str, fence: str, outside, inside) -> str:
    """template.processSegments: alternate between outside and inside `fence` (empty pieces do not switch)."""
    code, out = text.startswith(fence), []
    for piece in text.split(fence):
        if piece:
            out.append(inside(piece) if code else outside(piece))
            code = not code
    return "".join(out)


def _text(text: str) -> str:
    """Pipes escaped outside code spans, then template.ConvertMultiLineText (Go's \\S, \\s and \\w are ASCII)."""
    text = _segments(text, "`", lambda piece: piece.replace("|", "\\|"), lambda piece: f"`{piece}`")
    text = re.sub(r"([^\t\n\f\r ]*)(\r?\n)([\t\n\f\r ]*)([0-9A-Za-z_]+)", r"\1  \2\3\4", text.strip(GO_SPACE))
    text = text.replace("    \n", "  \n").replace("  \n\n", "\n\n").replace("\n  \n", "\n\n")
    return text.replace("  \n", "<br/>").replace("\n", "<br/>")


def _code_block(text: str) -> str:
    return "<pre>" + text.strip(GO_SPACE).replace("\n", "<br/>").replace("\r", "") + "</pre>"


def sanitize_cell(text: str) -> str:
    """template.SanitizeMarkdownTable with html on and escape off."""
    return _segments(text, "```", _text, _code_block) if text else "n/a"


def _code(text: str) -> str:
    """format.PrintFencedCodeBlock, then the cell sanitizer."""
    return sanitize_cell(f"\n\n```\n{text}\n```\n" if "\n" in text else f"`{text}`")


def _anchor(kind: str, name: str) -> str:
    return f'<a name="{kind}_{name}"></a> [{name}](#{kind}_{name})'


def _table(title: str, header: str, rows: list[list[str]]) -> str:
    if not rows:
        return f"## {title}\n\nNo {title.lower()}."
    return f"## {title}\n\n{header}" + "".join(f"\n| {' | '.join(row)} |" for row in rows)


def content(folder: Path) -> str:
    """What terraform-docs writes between the markers for `folder` (its `{{ .Content }}`)."""
    inputs, outputs = load(folder)
    input_rows = [
        [
            _anchor("input", v["name"]),
            sanitize_cell(v["description"]),
            _code(v["type"]),
            "n/a" if v["required"] else _code(go_json(v["default"])),
            "yes" if v["required"] else "no",
        ]
        for v in inputs
    ]
    output_rows = [[_anchor("output", o["name"]), sanitize_cell(o["description"])] for o in outputs]
    return f"{_table('Inputs', INPUTS_HEADER, input_rows)}\n\n{_table('Outputs', OUTPUTS_HEADER, output_rows)}"


def section(folder: Path) -> str:
    """The output template of .terraform-docs.yml around the content."""
    return f"{BEGIN}\n{content(folder)}\n{END}"


def inject(text: str, generated: str) -> str:
    """terraform-docs' inject mode: replace from the begin marker to the end marker, or append."""
    if not text:
        return generated
    before, after = text.find(BEGIN), text.find(END)
    if before < 0 and after < 0:
        return f"{text}\n{generated}"
    if before < 0 or after < 0 or after < before:
        raise ValueError("the begin and end markers must both be present, in that order")
    return text[:before] + generated + text[after + len(END) :]


def main(check: bool) -> int:
    stale = []
    for folder in sorted(p for p in (ROOT / "modules").iterdir() if p.is_dir() and any(p.glob("*.tf"))):
        readme = folder / "README.md"
        text = readme.read_bytes().decode("utf-8") if readme.exists() else ""
        updated = inject(text, section(folder))
        if updated != text:
            stale.append(readme.relative_to(ROOT))
            if not check:
                readme.write_bytes(updated.encode("utf-8"))
    for path in stale:
        print(f"{'stale' if check else 'updated'}: {path}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))
