"""scripts/module_docs.py writes what terraform-docs writes with .terraform-docs.yml (markdown table, anchors, HTML,
no escaping, sorted by name, inputs and outputs only); these tests pin that format on small modules."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("module_docs", ROOT / "scripts" / "module_docs.py")
assert _spec is not None and _spec.loader is not None
module_docs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(module_docs)

VARIABLES_TF = """\
variable "settings" {
  description = "Capacity | limits\\nper index."
  type = object({
    min  = optional(number, 1)
    tags = optional(list(string), [])
  })
  default = {
    tags = ["a", "b"]
    min  = 2
  }
  nullable = false
}

variable "name" {
  description = "Name of the table."
  type        = string
}

variable "enabled" {
  description = "Turn it on."
  default     = false
}

variable "alias" {
  description = "Alias, \\"alias/\\" prefix optional."
  type        = string
  default     = null
}
"""

OUTPUTS_TF = """\
output "token" {
  description = "The generated token."
  value       = random_password.token.result
  sensitive   = true
}

output "arn" {
  description = "ARN of the table."
  value       = aws_dynamodb_table.this.arn
}
"""

# Derived from terraform-docs v0.24.0 (format/templates/markdown_table_{inputs,outputs}.tmpl, template/sanitizer.go,
# format/util.go, terraform/input.go): one row per variable sorted by name; the name as an anchor and a link; a
# newline in a description becomes <br/> and a pipe \|; a multi-line type is printed as written, in <pre> with <br/>
# between its lines; without `type`, the type is named after the default; a default is Go's indented JSON (keys
# sorted); no default is n/a and required; a sensitive output is listed like any other; no trailing newline (the
# markers' template adds it).
EXPECTED = (
    "## Inputs\n"
    "\n"
    "| Name | Description | Type | Default | Required |\n"
    "| ---- | ----------- | ---- | ------- | :------: |\n"
    '| <a name="input_alias"></a> [alias](#input_alias) | Alias, "alias/" prefix optional. | `string` | `null` | no |\n'
    '| <a name="input_enabled"></a> [enabled](#input_enabled) | Turn it on. | `bool` | `false` | no |\n'
    '| <a name="input_name"></a> [name](#input_name) | Name of the table. | `string` | n/a | yes |\n'
    '| <a name="input_settings"></a> [settings](#input_settings) | Capacity \\| limits<br/>per index. '
    "| <pre>object({<br/>    min  = optional(number, 1)<br/>    tags = optional(list(string), [])<br/>  })</pre> "
    '| <pre>{<br/>  "min": 2,<br/>  "tags": [<br/>    "a",<br/>    "b"<br/>  ]<br/>}</pre> | no |\n'
    "\n"
    "## Outputs\n"
    "\n"
    "| Name | Description |\n"
    "| ---- | ----------- |\n"
    '| <a name="output_arn"></a> [arn](#output_arn) | ARN of the table. |\n'
    '| <a name="output_token"></a> [token](#output_token) | The generated token. |'
)


@pytest.fixture
def module(tmp_path: Path) -> Path:
    (tmp_path / "variables.tf").write_text(VARIABLES_TF)
    (tmp_path / "outputs.tf").write_text(OUTPUTS_TF)
    (tmp_path / "main.tf").write_text('resource "aws_dynamodb_table" "this" {\n  name = var.name\n}\n')
    return tmp_path


def test_the_section_is_terraform_docs_markdown_table(module: Path):
    """Given a module with a required string, an object with a multi-line type and an object default, a description
    with a pipe and a newline, an untyped and a null-default variable, and a sensitive output,
    When its section is rendered,
    Then it is byte for byte the table terraform-docs prints for it."""
    assert module_docs.content(module) == EXPECTED
    assert module_docs.section(module) == f"<!-- BEGIN_TF_DOCS -->\n{EXPECTED}\n<!-- END_TF_DOCS -->"


def test_only_the_text_between_the_markers_is_replaced(module: Path):
    """Given a README with prose around stale markers,
    When the section is injected,
    Then the prose is kept byte for byte and the markers frame the new section, as terraform-docs' inject mode does."""
    readme = "# table\n\nProse.\n\n<!-- BEGIN_TF_DOCS -->\nold\n<!-- END_TF_DOCS -->\n\nMore prose.\n"

    updated = module_docs.inject(readme, module_docs.section(module))

    assert updated == f"# table\n\nProse.\n\n{module_docs.section(module)}\n\nMore prose.\n"
    assert module_docs.inject(updated, module_docs.section(module)) == updated


def test_a_module_without_variables_or_outputs_says_so(tmp_path: Path):
    """Given a module with neither variables nor outputs,
    When its section is rendered,
    Then both headings stay, with terraform-docs' sentences (hide-empty is off)."""
    (tmp_path / "main.tf").write_text("locals {\n  a = 1\n}\n")

    assert module_docs.content(tmp_path) == "## Inputs\n\nNo inputs.\n\n## Outputs\n\nNo outputs."


@pytest.mark.parametrize(
    ("hcl", "printed"),
    [
        ("-1", "`-1`"),
        ("0.8", "`0.8`"),
        ("1.0", "`1`"),
        ("null", "`null`"),
        ('"a<b>&c"', '`"a<b>&c"`'),
        ('"tab\\there"', '`"tab\\there"`'),
        ("true", "`true`"),
        ("{}", "`{}`"),
        ('["x"]', '<pre>[<br/>  "x"<br/>]</pre>'),
        ('{ b = 1, a = "\\u2028" }', '<pre>{<br/>  "a": "\\u2028",<br/>  "b": 1<br/>}</pre>'),
    ],
)
def test_defaults_are_printed_as_go_prints_json(tmp_path: Path, hcl: str, printed: str):
    """Given a variable default, When it is rendered, Then it is Go's encoding/json of the value (no HTML escaping,
    float64 numbers), in backticks on one line or in <pre> over several."""
    (tmp_path / "variables.tf").write_text(f'variable "v" {{\n  description = "d"\n  default     = {hcl}\n}}\n')

    row = module_docs.content(tmp_path).splitlines()[4]

    assert row.split(" | ")[3] == printed


def test_a_pipe_inside_backticks_is_left_alone_as_terraform_docs_leaves_it():
    """terraform-docs escapes pipes outside code spans only, so a code span with a pipe breaks the table on GitHub:
    keep pipes out of backticks in descriptions."""
    assert module_docs.sanitize_cell("a | b `c | d`") == "a \\| b `c | d`"


def test_the_configuration_file_names_what_the_script_implements():
    """Given .terraform-docs.yml,
    When it is parsed,
    Then everything but its version constraint is the configuration module_docs.py reproduces."""
    yaml = pytest.importorskip("yaml", reason="PyYAML comes with the dev requirements (moto, schemathesis)")
    config = yaml.safe_load((ROOT / ".terraform-docs.yml").read_text())

    assert {key: value for key, value in config.items() if key != "version"} == module_docs.CONFIG


@pytest.mark.parametrize(
    ("files", "refusal"),
    [
        ({"variables.tf": '# Read as the description.\nvariable "v" {\n  default = 1\n}\n'}, "comment right above"),
        ({"outputs.tf": '// terraform-docs-ignore\noutput "o" {\n  value = 1\n}\n'}, "comment right above"),
        ({"variables.tf": 'variable "v" {\n  description = <<EOT\nText.\nEOT\n}\n'}, "not a literal"),
        ({"variables.tf": 'variable "v" {\n  default = "${path.module}/x"\n}\n'}, "not a literal"),
        ({"variables.tf": 'variable "v" {\n  default = 1e21\n}\n'}, "not a literal"),
        ({"variables.tf": 'variable "v" {\n  default = 0.00001\n}\n'}, "print the number"),
        ({"variables.tf": 'variable "v" {\n  type = "string"\n}\n'}, "quoted type"),
        ({"main.tf": "", "override.tf": 'variable "v" {\n  default = 2\n}\n'}, "override files"),
        ({"main.tf": "", "main.tofu": 'variable "v" {}\n'}, "tofu"),
    ],
)
def test_what_terraform_docs_would_print_otherwise_is_refused(tmp_path: Path, files: dict[str, str], refusal: str):
    """Given a comment above a block, a heredoc, an interpolation or expression, a number Go prints in other digits
    than Python, a quoted type, an override or *.tofu file,
    When the section is rendered,
    Then the script stops with an error naming it rather than write something terraform-docs would not."""
    for name, text in files.items():
        (tmp_path / name).write_text(text)

    with pytest.raises(module_docs.Unsupported, match=refusal):
        module_docs.content(tmp_path)


def test_the_pre_commit_hook_reads_output_file_and_mode_from_the_configuration():
    """pre-commit-terraform's terraform_docs hook takes output.file and output.mode with grep and awk: the last
    indented `file:` and `mode:` lines after a line that is exactly `output:`, text after the first colon, quotes and
    spaces removed."""
    lines = (ROOT / ".terraform-docs.yml").read_text().splitlines()
    after = lines[lines.index("output:") :]

    def hook_value(key: str) -> str:
        found = [line for line in after if re.match(rf"^\s+{key}:", line)]
        return re.sub(r"[\s\"']", "", found[-1].split(":")[1])

    assert (hook_value("file"), hook_value("mode")) == ("README.md", "inject")
