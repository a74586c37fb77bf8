"""`make run`'s process: it applies an environment to its emulator with Terraform, prints what it serves, serves
it, and stops cleanly on SIGTERM. Two of them started at once from one checkout each apply in a folder of their
own."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from support.handlers import workout
from support.http_client import request
from support.terraform import ROOT
from workout_local.server import WORK_ROOT


def start(package: Path) -> subprocess.Popen[str]:
    env = {key: value for key, value in os.environ.items() if key != "AWS_ENDPOINT_URL"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workout_local.server",
            "--port",
            "0",
            "--log-level",
            "WARNING",
            "--package",
            str(package),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def banner(process: subprocess.Popen[str]) -> str:
    lines = []
    deadline = time.monotonic() + 300  # terraform apply of dev takes about 35 s on 2 cores
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if line.startswith("Ctrl-C stops") or not line:
            break
    return "".join(lines)


def printed(process: subprocess.Popen[str], pattern: str, timeout: float = 60) -> str:
    """The first line the server prints that matches `pattern`, waiting at most `timeout` seconds."""
    import select

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
        line = process.stdout.readline() if ready else ""
        if re.search(pattern, line):
            return line
    raise AssertionError(f"the server printed no line matching {pattern!r} in {timeout} s")


def test_two_servers_started_together_each_apply_serve_and_stop_on_sigterm(fresh_builds):
    # A zip of `fresh_builds`, not the session's `built_zips`: this test then runs in the other pytest worker,
    # beside the Terraform tier rather than after it.
    package = fresh_builds[0]
    processes = [start(package), start(package)]
    outputs, users = [], []
    try:
        texts = [banner(process) for process in processes]
        folders = set()
        for text in texts:
            url = re.search(r"workout-log API\s+(http://127\.0\.0\.1:\d+)", text).group(1)
            emulator = re.search(r"AWS emulator\s+(http://127\.0\.0\.1:\d+)", text).group(1)
            folders.add(Path(re.search(r"\((\S+)/environments/dev/terraform\.tfstate\)", text).group(1)))

            assert "export AWS_ENDPOINT_URL=" + emulator in text
            assert "export WORKOUTS_TABLE_NAME=workout-log-dev-workouts" in text
            assert re.search(
                r"environments/dev applied to the emulator: 61 resources created by\s+terraform apply", text
            )
            assert "-> workout-log-dev-process-workout (workout_log.handlers.process_workout.handler)" in text
            assert "published on the bus workout-log-dev" in text
            user = f"banner-{url.rsplit(':', 1)[1]}"
            users.append(user)
            assert request("POST", f"{url}/workouts", workout(userId=user)).status == 201
            assert request("GET", f"{url}/stats/{user}").body["totalWorkouts"] == 1
        # Each stack prints the change event of the workout stored through it, as its banner says.
        for user, process in zip(users, processes, strict=True):
            printed(process, rf"^event .*Workout Created .* v1 of {user} \(running\)$")
        emulator_pids = [int(re.search(r"moto, process (\d+)", text).group(1)) for text in texts]
        assert len(folders) == 2 and all(folder.parent == WORK_ROOT for folder in folders), folders
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        outputs = [process.communicate(timeout=30)[0] for process in processes]

    assert [process.returncode for process in processes] == [0, 0]
    assert all("stopped" in output for output in outputs)
    # The server waits for its child on the way out, so the emulator's process is gone, not a zombie; and the
    # folder it applied in is removed.
    assert not [pid for pid in emulator_pids if Path(f"/proc/{pid}").exists()], "an emulator outlived its server"
    assert not [folder for folder in folders if folder.exists()], "a stack's work folder outlived it"
