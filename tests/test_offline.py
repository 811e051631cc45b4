"""Air-gapped: ketluan forces the offline switches itself, and the CLI's whole chain (audio →
transcript → speakers → notice) makes no network system call, watched at the kernel (strace),
so native code is covered. The service's jobs are watched the same way in test_network.py."""

import os
import subprocess
import sys
from pathlib import Path

from ketluan.offline import OFFLINE_ENV
from tests.service_fixtures import model_ready, vieneu_clip
from tests.syscalls import office_env, outside_calls, strace

ROOT = Path(__file__).resolve().parent.parent


def test_offline_switches_are_forced() -> None:
    for key, value in OFFLINE_ENV.items():
        assert os.environ[key] == value
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["PYANNOTE_METRICS_ENABLED"] == "0"
    assert os.environ["ORT_DISABLE_TELEMETRY"] == "1"


def test_cli_process_makes_no_network_call(tmp_path: Path) -> None:
    model_ready()
    log = tmp_path / "cli.strace"
    home = tmp_path / "home"  # where onnxruntime's telemetry would keep its device id and queue
    env = office_env(dict(os.environ, PYTHONPATH=str(ROOT), HOME=str(home)))
    assert env["PYANNOTE_METRICS_ENABLED"] == "1"  # telemetry on: ketluan must override it
    clip = vieneu_clip("Bình")
    proc = subprocess.run(
        [
            *strace(log),
            sys.executable,
            "-m",
            "cli",
            "process",
            str(clip),
            "--meeting",
            str(ROOT / "samples" / "meeting.toml"),
            "-o",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert list((tmp_path / "out").glob("*.docx")), proc.stderr[-3000:]
    assert outside_calls(log, allowed_ports=set()) == []
    assert not (home / ".cache" / "Microsoft").exists()
