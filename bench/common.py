"""What ``make bench`` (run.py) and ``make soak`` (soak.py) share: a loopback port and the
header of every results file (when, which commit, how many CPUs)."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def results_meta(**extra: Any) -> dict[str, Any]:
    """``date`` (also the results file's name), ``git`` and ``cpus``, then ``extra``."""
    git = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ"),
        "git": git.stdout.strip(),
        "cpus": os.cpu_count(),
        **extra,
    }
