"""Tests for the demo service: it starts, answers --version, serves /healthz and stops cleanly."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from demo import __version__
from demo.service import parse_args

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


def run_module(*args, **kwargs):
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(
        [sys.executable, "-m", "demo", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return response.status, response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_version_flag_prints_the_version():
    proc = run_module("--version")
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert __version__ in out


def test_help_flag_describes_the_options():
    proc = run_module("--help")
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "--health-port" in out


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_INTERVAL", "2.5")
    assert parse_args([]).interval == 2.5


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serves_health_checks_and_exits_zero_on_signal(signum):
    port = free_port()
    proc = run_module("--health-port", str(port), "--interval", "0.1")
    try:
        status, body = wait_for("http://127.0.0.1:%d/healthz" % port)
        assert status == 200
        assert body == b"ok\n"
        proc.send_signal(signum)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, proc.stderr.read()
