"""`make run`'s process: it applies dev to its emulator with Terraform, prints what it serves, serves it, and stops
cleanly on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import workout
from http_client import request
from tfconfig import ROOT


def test_the_server_prints_its_urls_serves_and_stops_on_sigterm(tmp_path, fresh_builds):
    # A zip of `fresh_builds`, not the session's `built_zips`: this test then runs in the other pytest worker,
    # beside the Terraform tier rather than after it.
    package = fresh_builds[0]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "local")}
    env.pop("AWS_ENDPOINT_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workout_local.server",
            "--port",
            "0",
            "--log-level",
            "WARNING",
            "--work",
            str(tmp_path / "work"),
            "--package",
            str(package),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    banner = []
    try:
        deadline = time.monotonic() + 300  # terraform apply of dev takes about 35 s on 2 cores
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            banner.append(line)
            if line.startswith("Ctrl-C stops"):
                break
        text = "".join(banner)
        url = re.search(r"workout-log API\s+(http://127\.0\.0\.1:\d+)", text).group(1)
        emulator = re.search(r"AWS emulator\s+(http://127\.0\.0\.1:\d+)", text).group(1)
        emulator_pid = int(re.search(r"moto, process (\d+)", text).group(1))

        assert "export AWS_ENDPOINT_URL=" + emulator in text
        assert "export WORKOUTS_TABLE_NAME=workout-log-dev-workouts" in text
        assert re.search(r"environments/dev applied to the emulator: 36 resources created by\s+terraform apply", text)
        assert "-> workout-log-dev-process-workout (workout_log.handlers.process_workout.handler)" in text
        assert request("POST", f"{url}/workouts", workout(userId="banner")).status == 201
        assert request("GET", f"{url}/stats/banner").body["totalWorkouts"] == 1
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)

    assert process.returncode == 0
    assert "stopped" in output
    # The server waits for its child on the way out, so the emulator's process is gone, not a zombie.
    assert not Path(f"/proc/{emulator_pid}").exists(), "the emulator child outlived the server"
