"""The policy gate on what will be deployed: checkov over the plan of every environment (`terraform show -json` of
the plan that `emulated` applied), where every module variable is resolved. `make checkov` scans the source; both
must report 0 failed. Inline skips in the source apply here too (checkov maps plan resources back to their
declarations through --repo-root-for-plan-enrichment). SARIF for each plan goes to build/checkov/ for CI."""

from __future__ import annotations

import json
import subprocess

import pytest

from support.terraform import ENVIRONMENTS, ROOT

CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
REPORTS = ROOT / "build" / "checkov"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_checkov_passes_on_the_plan(env, emulated, tmp_path):
    if not CHECKOV.exists():
        pytest.fail(f"{CHECKOV.relative_to(ROOT)} is missing: run `make install`")
    deployment = emulated[env].deployment
    plan = tmp_path / f"{env}.plan.json"
    plan.write_text(json.dumps(deployment.planned))
    REPORTS.mkdir(parents=True, exist_ok=True)
    sarif = REPORTS / f"{env}-plan.sarif"

    scan = subprocess.run(
        [str(CHECKOV), "--file", str(plan), "--framework", "terraform_plan",
         "--repo-root-for-plan-enrichment", str(deployment.directory), "--skip-download",
         "--output", "json", "--output", "sarif", "--output-file-path", f"console,{sarif}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    report = json.loads(scan.stdout)
    summary = report["summary"]
    failed = [f"{c['check_id']} {c['resource']}" for c in report.get("results", {}).get("failed_checks", [])]

    print(f"checkov on the {env} plan: {summary['passed']} passed, {summary['skipped']} skipped")
    assert summary["failed"] == 0 and summary["parsing_errors"] == 0, failed or scan.stderr[-4000:]
    assert summary["resource_count"] == sum(1 for r in deployment.resources() if r["mode"] == "managed")
    assert summary["passed"] > 50
