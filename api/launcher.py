"""Run a server in a subprocess on a free loopback port and wait until it answers ``/health``.

Used by the tests and the benchmarks, which drive the real server over HTTP:
``with ServerProcess.nqikg(store) as server: httpx.get(server.url + "/health")``.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class ServerProcess:
    """A server command started on enter and stopped on exit; its output is kept for error messages."""

    def __init__(self, args: list[str], port: int, *, env: dict[str, str] | None = None, timeout: float = 120):
        self.args, self.port, self.timeout = args, port, timeout
        self.url = f"http://127.0.0.1:{port}"
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None
        self._log = tempfile.TemporaryFile()

    @classmethod
    def nqikg(cls, store: Path, *, bolt: bool = False, env: dict[str, str] | None = None,
              timeout: float = 120) -> "ServerProcess":
        """``nqikg serve`` on a free port (without the Bolt server unless asked)."""
        port = free_port()
        args = [sys.executable, "-m", "nqikg", "serve", "--store", str(store), "--port", str(port)]
        return cls(args + ([] if bolt else ["--no-bolt"]), port, env=env, timeout=timeout)

    def output(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", errors="replace")

    def __enter__(self) -> "ServerProcess":
        self.proc = subprocess.Popen(self.args, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.output()[-3000:]}")
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"server did not answer /health within {self.timeout:.0f} s:\n{self.output()[-3000:]}")
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
