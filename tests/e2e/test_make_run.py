"""`make run`'s process: it applies an environment to its emulator with Terraform, prints what it serves, serves
it, and stops cleanly on SIGTERM. Two of them started at once from one checkout each apply in a folder of their
own."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from support.handlers import workout
from support.http_client import request
from support.terraform import ROOT
from workout_local.server import WORK_ROOT


class Server:
    """One `make run` server process, its output read line by line in a thread of its own (select() on the pipe
    cannot see lines already pulled into the reader's buffer, so waiting for a line is done on what was read)."""

    def __init__(self, package: Path) -> None:
        env = {key: value for key, value in os.environ.items() if key != "AWS_ENDPOINT_URL"}
        command = [sys.executable, "-m", "workout_local.server", "--port", "0", "--log-level", "WARNING",
                   "--package", str(package)]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)  # fmt: skip
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self.lines.append("")  # the end of the output
            self._changed.notify_all()

    def printed(self, pattern: str, timeout: float = 60) -> str:
        """The first line printed so far or within `timeout` seconds that matches `pattern`."""
        with self._changed:
            found = self._changed.wait_for(
                lambda: any(re.search(pattern, line) for line in self.lines) or self.lines[-1:] == [""], timeout
            )
            matching = [line for line in self.lines if re.search(pattern, line)]
        assert found and matching, f"the server printed no line matching {pattern!r} in {timeout} s"
        return matching[0]

    def banner(self) -> str:
        """Everything printed up to and including the line that says how to stop (terraform apply of dev takes
        about 35 s on 2 cores)."""
        self.printed(r"^Ctrl-C stops", timeout=300)
        with self._changed:
            end = next(i for i, line in enumerate(self.lines) if line.startswith("Ctrl-C stops"))
            return "".join(self.lines[: end + 1])

    def stop(self) -> str:
        """SIGTERM, then everything the server printed."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self._reader.join(timeout=30)
        return "".join(self.lines)


def test_two_servers_started_together_each_apply_serve_and_stop_on_sigterm(fresh_builds):
    # A zip of `fresh_builds`, not the session's `built_zips`: this test then runs in the other pytest worker,
    # beside the Terraform tier rather than after it.
    package = fresh_builds[0]
    servers = [Server(package), Server(package)]
    outputs, users = [], []
    try:
        texts = [server.banner() for server in servers]
        folders = set()
        for text in texts:
            url = re.search(r"workout-log API\s+(http://127\.0\.0\.1:\d+)", text).group(1)
            emulator = re.search(r"AWS emulator\s+(http://127\.0\.0\.1:\d+)", text).group(1)
            folders.add(Path(re.search(r"\((\S+)/environments/dev/terraform\.tfstate\)", text).group(1)))

            assert "export AWS_ENDPOINT_URL=" + emulator in text
            assert "export WORKOUTS_TABLE_NAME=workout-log-dev-workouts" in text
            assert re.search(
                r"environments/dev applied to the emulator: 64 resources created by\s+terraform apply", text
            )
            assert "-> workout-log-dev-process-workout (workout_log.handlers.process_workout.handler)" in text
            assert "published on the bus workout-log-dev" in text
            user = f"banner-{url.rsplit(':', 1)[1]}"
            users.append(user)
            assert request("POST", f"{url}/workouts", workout(userId=user)).status == 201
            assert request("GET", f"{url}/stats/{user}").body["totalWorkouts"] == 1
        # Each stack prints the change event of the workout stored through it, as its banner says.
        for user, server in zip(users, servers, strict=True):
            server.printed(rf"^event .*Workout Created .* v1 of {user} \(running\)$")
        emulator_pids = [int(re.search(r"moto, process (\d+)", text).group(1)) for text in texts]
        assert len(folders) == 2 and all(folder.parent == WORK_ROOT for folder in folders), folders
    finally:
        outputs = [server.stop() for server in servers]

    assert [server.process.returncode for server in servers] == [0, 0]
    assert all("stopped" in output for output in outputs)
    # The server waits for its child on the way out, so the emulator's process is gone, not a zombie; and the
    # folder it applied in is removed.
    assert not [pid for pid in emulator_pids if Path(f"/proc/{pid}").exists()], "an emulator outlived its server"
    assert not [folder for folder in folders if folder.exists()], "a stack's work folder outlived it"
