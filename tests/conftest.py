"""What every suite needs: fake AWS credentials and the in-process stack's environment (set before the package is
imported), one botocore loader, the hypothesis profiles, the shared fixtures (tests/support) and the pytest-xdist
grouping of the costly ones."""

from __future__ import annotations

import functools
import os

import botocore.loaders
import botocore.session
import pytest
from hypothesis import Phase, settings

pytest.register_assert_rewrite("support")
from support.inprocess import NAMES  # noqa: E402 - after the assert rewrite is registered

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        # boto3 sends DynamoDB Streams calls that name a stream to an account-specific host, which in-process moto
        # does not intercept; the regional endpoint it does.
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_DEV": "false",
        "AWS_LAMBDA_FUNCTION_NAME": "test-process-workout",
        **NAMES.handler_env(),
    }
)
os.environ.pop("AWS_PROFILE", None)

# Tests start from a fresh boto3 session (support.inprocess.reset_process_state), as a new Lambda process would;
# each new botocore session would otherwise read and parse the installed botocore's service models again (about
# 0.1 s per client, a third of the in-process suites' time). The models are the same files for every session.
botocore.session.create_loader = functools.cache(botocore.loaders.create_loader)

# HYPOTHESIS_PROFILE=no-shrink (`make mutation`): report the first failing example without minimising it.
settings.register_profile("no-shrink", phases=[Phase.explicit, Phase.reuse, Phase.generate])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Loaded after the environment is set: Powertools' Logger and Metrics read it when the package is imported.
pytest_plugins = ["support.inprocess", "support.stack"]

# Fixtures that start emulators, apply Terraform or build the zip: the tests that use them run in one xdist worker
# (`make pytest` runs `pytest -n 2 --dist loadgroup`), so the session's zips and applies are made once, while the
# in-process suites run beside them in the other worker. Other costly fixtures have a group of their own, so that
# they too are made once rather than once in each worker.
GROUPS = {
    "terraform-stack": {"built_zips", "emulated", "stack"},
    "fresh-builds": {"fresh_builds"},
}


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook turns the group markers into node ids
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for group, fixtures in GROUPS.items():
            if fixtures & used:
                item.add_marker(pytest.mark.xdist_group(group))
                break
