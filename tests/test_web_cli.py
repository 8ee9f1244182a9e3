"""``gradscape serve`` / ``gradscape explore`` as a newcomer runs them: a real process that
prints its address, answers there, and stops cleanly on Ctrl-C (SIGINT) or SIGTERM."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time

import pytest

pytest.importorskip("fastapi")
import httpx

from tests.web_support import free_port


def start(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "BROWSER": "true"}  # if anything did open a browser: a no-op
    return subprocess.Popen([sys.executable, "-m", "gradscape", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def first_line(proc: subprocess.Popen[str], timeout: float = 90) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "the server printed nothing"
    return proc.stdout.readline()


@pytest.mark.parametrize(("command", "stop"), [("serve", signal.SIGTERM),
                                               ("explore", signal.SIGINT)])  # SIGINT: Ctrl-C
def test_the_command_prints_its_address_answers_there_and_stops_cleanly(command, stop):
    port = free_port()
    proc = start(command, "--no-open", "--port", str(port))
    try:
        line = first_line(proc)
        url = f"http://127.0.0.1:{port}/"
        assert line.startswith(f"gradscape explorer on {url}"), line
        assert httpx.get(url + "api/health", timeout=30).json() == {"status": "ok"}
        page = httpx.get(url, timeout=30)
        assert page.status_code == 200 and 'data-testid="formula"' in page.text
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert out.strip().endswith("gradscape explorer stopped")
    assert "Traceback" not in err


def test_a_port_in_use_is_one_line_and_exit_2():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "gradscape", "serve", "--no-open", "--port",
                            str(port)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = [x for x in r.stderr.splitlines() if x.startswith("gradscape: error:")]
    assert len(lines) == 1 and "the port is in use" in lines[0], r.stderr
    assert "choose another --port" in lines[0]


def test_binding_beyond_this_computer_warns(tmp_path):
    port = free_port()
    proc = start("serve", "--no-open", "--host", "0.0.0.0", "--port", str(port))
    try:
        first_line(proc)
        time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert "gradscape: warning: serving on 0.0.0.0" in err and "--host 127.0.0.1" in err
