"""A full diarization opens no network connection and sends no telemetry.

Runs in a fresh interpreter so that the pipeline is built from scratch (model
loading is where hub downloads and pyannote's init telemetry would happen), with
every way of reaching the network made to fail loudly, and with the environment
an office might have (telemetry and hub access switched ON) to prove ketluan
forces them off.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import json, socket, sys
attempts = []

def refuse(name):
    def guard(*args, **kwargs):
        attempts.append(f"{name}{args[:2]!r}")
        raise OSError(f"network is forbidden in this test: {name}")
    return guard

socket.socket.connect = refuse("connect")
socket.socket.connect_ex = refuse("connect_ex")
socket.create_connection = refuse("create_connection")
socket.getaddrinfo = refuse("getaddrinfo")

# The guard itself works (the check could not pass by accident):
try:
    socket.create_connection(("127.0.0.1", 9))
except OSError:
    pass
assert attempts, "guard did not trigger"
attempts.clear()

import ketluan, diarize
from bench.mixes import make_mix
from pyannote.audio.telemetry import metrics

mix = make_mix(["Ly (nữ miền Bắc)", "Tuyên (nam miền Bắc)"], 20.0, seed=3, turn=(2.0, 6.0))
result = diarize.diarize(mix.audio)
metrics.provider.force_flush()  # anything queued for the telemetry endpoint would go now
print(json.dumps({"attempts": attempts, "speakers": result.speakers,
                  "metrics_enabled": metrics.is_metrics_enabled()}))
"""


def test_full_diarization_opens_no_network_connection():
    env = dict(os.environ)
    env.update(PYANNOTE_METRICS_ENABLED="1", HF_HUB_OFFLINE="0", PYTHONPATH=str(ROOT))
    env["KETLUAN_DIARIZATION_THREADS"] = "1"  # see the diarizer fixture
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["attempts"] == []
    assert report["metrics_enabled"] is False
    assert report["speakers"] == ["S1", "S2"]
