"""Helpers shared by the benchmark scripts (run as ``python bench/NAME.py``, so this imports as ``common``)."""
from __future__ import annotations

import resource
import sys


def say(msg: str) -> None:
    """Progress on stderr (results go to stdout)."""
    print(msg, file=sys.stderr, flush=True)


def peak_memory() -> dict:
    """This process's peak RSS in MB: ``VmHWM`` (its own address space) and ``ru_maxrss``, which on Linux
    starts at the parent's peak in a child process and so is only an upper bound there."""
    hwm = None
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) / 1024
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"peak_mb": hwm if hwm is not None else maxrss, "ru_maxrss_mb": maxrss}
