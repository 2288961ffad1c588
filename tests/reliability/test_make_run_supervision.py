"""`make run` keeps the Celery worker and beat running: scripts/keep_running.sh starts a crashed process again
(honcho alone would stop the web server when one process exits), and still stops when honcho tells it to."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.digests.test_celery_integration import wait_for

pytestmark = pytest.mark.no_database  # pure: no database

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "keep_running.sh"
# Stands for the worker: writes its pid, then waits to be killed.
PROCESS = "import os, sys, time; open(sys.argv[1], 'a').write(f'{os.getpid()}\\n'); time.sleep(600)"


def pids(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too: only its parent's wait() removes it.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ")[1][0] != "Z"


@pytest.fixture
def supervised(tmp_path):
    pid_file = tmp_path / "pids"
    # As honcho starts each Procfile line: in a session (process group) of its own.
    wrapper = subprocess.Popen(
        [str(SCRIPT), "worker", sys.executable, "-c", PROCESS, str(pid_file)],
        start_new_session=True,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert wait_for(lambda: len(pids(pid_file)) == 1)
    yield wrapper, pid_file
    if wrapper.poll() is None:
        os.killpg(wrapper.pid, signal.SIGKILL)
        wrapper.wait()


def test_a_killed_worker_is_started_again(supervised):
    wrapper, pid_file = supervised
    first = pids(pid_file)[0]

    os.kill(first, signal.SIGKILL)

    assert wait_for(lambda: len(pids(pid_file)) == 2, timeout=10)
    second = pids(pid_file)[1]
    assert second != first and alive(second)
    assert wrapper.poll() is None  # honcho sees nothing exit: the web server keeps running

    os.kill(second, signal.SIGKILL)  # a second crash soon after: started again after a longer pause (2 s)
    assert wait_for(lambda: len(pids(pid_file)) == 3, timeout=10)


def test_honcho_stopping_the_group_stops_the_wrapper_and_its_process(supervised):
    wrapper, pid_file = supervised
    child = pids(pid_file)[0]

    os.killpg(wrapper.pid, signal.SIGTERM)  # what honcho does on Ctrl-C

    assert wrapper.wait(timeout=10) == 0
    assert wait_for(lambda: not alive(child))
    time.sleep(1.5)
    assert len(pids(pid_file)) == 1  # not started again


def test_terminating_the_wrapper_alone_stops_its_process(supervised):
    wrapper, pid_file = supervised
    child = pids(pid_file)[0]

    wrapper.terminate()

    assert wrapper.wait(timeout=10) == 0
    assert wait_for(lambda: not alive(child))


def test_the_procfile_wraps_the_worker_and_beat_but_not_the_web_server():
    lines = dict(line.split(": ", 1) for line in (ROOT / "Procfile.dev").read_text().splitlines() if line)

    assert lines["worker"].startswith("scripts/keep_running.sh worker .venv/bin/celery -A config worker")
    assert lines["beat"].startswith("scripts/keep_running.sh beat .venv/bin/celery -A config beat")
    assert "keep_running" not in lines["web"]
