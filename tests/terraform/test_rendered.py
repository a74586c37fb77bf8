"""What the emulator accepts but AWS would not, checked on what `terraform apply` rendered for every environment:
the dashboard body against CloudWatch's documented structure, API Gateway's error templates after AWS's variable
substitution, and the throttle alarm's metric math."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from support.terraform import ENVIRONMENTS


def _is_metric_row(row: Any) -> bool:
    """One row of a metric widget's `metrics` (CloudWatch dashboard body structure, "Properties of a metric widget
    object"): [Namespace, MetricName, DimensionName, DimensionValue, ..., {rendering options}] or [{expression}],
    where "..." may repeat the previous row's values."""
    if not isinstance(row, list) or not row:
        return False
    options = row[-1] if isinstance(row[-1], dict) else None
    texts = row[:-1] if options is not None else row
    if not texts:
        return options is not None and "expression" in options
    return all(isinstance(text, str) for text in texts) and len(texts) >= 2 and len(texts) % 2 == 0


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_dashboard_body_has_the_documented_structure(env, emulated):
    (dashboard,) = emulated[env].deployment.resources("aws_cloudwatch_dashboard")
    body = json.loads(dashboard["values"]["dashboard_body"])

    assert body["widgets"]
    for widget in body["widgets"]:
        assert widget["type"] == "metric"
        assert {"x", "y"} <= widget.keys() or {"width", "height"} <= widget.keys()
        metrics = widget["properties"]["metrics"]
        assert metrics and all(_is_metric_row(row) for row in metrics), widget["properties"]["title"]
    functions = {f.name for f in emulated[env].deployment.functions().values()}
    lambda_rows = [row for w in body["widgets"] for row in w["properties"]["metrics"] if row[0] == "AWS/Lambda"]
    assert {row[3] for row in lambda_rows} == functions


def _substitute(template: str, variables: dict[str, str]) -> str:
    """API Gateway's substitution in gateway response templates: `$context.x` is replaced by its value as text;
    `$context.error.messageString` is documented as the *quoted* message."""
    return re.sub(r"\$context\.[A-Za-z.]+", lambda m: variables[m.group(0)], template)


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize("message", ["Forbidden", "Missing Authentication Token", "Too Many Requests"])
def test_gateway_error_templates_render_to_the_api_error_shape(env, emulated, message):
    (api,) = emulated[env].deployment.resources("aws_api_gateway_rest_api")
    responses = json.loads(api["values"]["body"])["x-amazon-apigateway-gateway-responses"]

    assert responses
    for response_type, response in responses.items():
        rendered = _substitute(
            response["responseTemplates"]["application/json"],
            {
                "$context.error.responseType": response_type,
                "$context.error.messageString": json.dumps(message),
                "$context.error.message": message,
                "$context.requestId": "c0ffee00-0000-4000-8000-000000000000",
            },
        )
        body = json.loads(rendered)
        assert body == {
            "error": {"code": response_type, "message": message, "details": []},
            "requestId": "c0ffee00-0000-4000-8000-000000000000",
        }


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_throttle_alarms_count_every_index_and_survive_a_missing_series(env, emulated):
    deployment = emulated[env].deployment
    alarms = [a["values"] for a in deployment.resources("aws_cloudwatch_metric_alarm") if a["values"]["metric_query"]]
    indexes = {
        table["values"]["name"]: {index["name"] for index in table["values"]["global_secondary_index"]}
        for table in deployment.resources("aws_dynamodb_table")
    }

    assert {a["alarm_name"] for a in alarms} and len(alarms) == len(indexes)
    for alarm in alarms:
        (expression,) = [q for q in alarm["metric_query"] if q["expression"]]
        series = [q for q in alarm["metric_query"] if q["metric"]]
        table = series[0]["metric"][0]["dimensions"]["TableName"]
        covered = {q["metric"][0]["dimensions"].get("GlobalSecondaryIndexName") for q in series}
        names = {(q["metric"][0]["metric_name"], q["metric"][0]["dimensions"].get("GlobalSecondaryIndexName"))
                 for q in series}  # fmt: skip

        assert covered == {None} | indexes[table], alarm["alarm_name"]
        assert {"ReadThrottleEvents", "WriteThrottleEvents"} == {name for name, _ in names}
        assert len(names) == 2 * len(covered)
        terms = expression["expression"].split(" + ")
        assert sorted(terms) == sorted(f"FILL({q['id']}, 0)" for q in series)
        assert expression["return_data"] and not any(q["return_data"] for q in series)


BRING_YOUR_OWN_KEY = """
terraform {
  backend "local" {}
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_kms_key" "mine" {
  description         = "created in the same apply as the modules that use it"
  enable_key_rotation = true
}

module "table" {
  source         = "MODULES/dynamodb"
  name           = "byok"
  hash_key       = { name = "id" }
  create_kms_key = false
  kms_key_arn    = aws_kms_key.mine.arn
}

module "monitoring" {
  source         = "MODULES/monitoring"
  name_prefix    = "byok"
  create_kms_key = false
  kms_key_arn    = aws_kms_key.mine.arn
}
"""


def test_a_key_created_in_the_same_apply_can_be_passed_in(emulated, tmp_path):
    """With `count = var.kms_key_arn == null ? 1 : 0` this plan fails ("Invalid count argument"): the ARN is unknown
    until the key exists. The modules take an explicit create_kms_key boolean instead."""
    from support.terraform import ROOT
    from workout_local.deploy import override
    from workout_local.terraform import run

    (tmp_path / "main.tf").write_text(BRING_YOUR_OWN_KEY.replace("MODULES", str(ROOT / "modules")))
    (tmp_path / "emulator_override.tf").write_text(override(emulated["dev"].emulator.endpoint))
    for step in (["init", "-input=false", "-no-color"], ["plan", "-input=false", "-no-color", "-lock=false"]):
        result = run(step, cwd=tmp_path, timeout=180, check=False)
        assert result.returncode == 0, result.stdout + result.stderr

    assert "Invalid count argument" not in result.stdout + result.stderr
    assert "module.table.aws_kms_key.this" not in result.stdout
    assert "module.monitoring.aws_kms_key.this" not in result.stdout


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_table_is_encrypted_with_the_modules_customer_managed_key(env, emulated):
    deployment = emulated[env].deployment
    keys = {key["values"]["arn"] for key in deployment.resources("aws_kms_key") if "_table." in key["address"]}

    assert len(keys) == 1
    for table in deployment.resources("aws_dynamodb_table"):
        (encryption,) = table["values"]["server_side_encryption"]
        assert encryption["enabled"] and encryption["kms_key_arn"] in keys, table["address"]
