"""Air-gapped: a transcription job opens no outbound connection and downloads nothing."""

import os
import subprocess
import sys
from pathlib import Path

import transcribe
from ketluan.offline import OFFLINE_ENV

ROOT = Path(__file__).resolve().parent.parent

# Runs the real CLI with every socket connection and name lookup refused; any
# attempt is written to stderr as NETWORK-ATTEMPT and turns into an error.
GUARD = """
import socket, sys
def refuse(*a, **k):
    sys.stderr.write("NETWORK-ATTEMPT %r\\n" % (a[:2],))
    raise OSError("network disabled by test")
real = socket.socket.connect
def connect(self, address):
    if self.family == socket.AF_UNIX:
        return real(self, address)
    refuse(address)
socket.socket.connect = connect
socket.socket.connect_ex = connect
socket.create_connection = refuse
socket.getaddrinfo = refuse
sys.argv = ["ketluan"] + sys.argv[1:]
from ketluan.cli import main
main()
"""


def test_offline_switches_are_forced() -> None:
    for key, value in OFFLINE_ENV.items():
        assert os.environ[key] == value
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["PYANNOTE_METRICS_ENABLED"] == "0"


def test_transcription_in_process_makes_no_connection(no_network, vieneu_samples) -> None:
    # A fresh model load (other thread count, so not the cached one) and a full run.
    model = transcribe.load_model("whisper-base", device="cpu", compute_type="int8", cpu_threads=1)
    wav, _ = vieneu_samples[1]
    result = transcribe.transcribe_file(wav, model=model, options=transcribe.TranscribeOptions(batch_size=2))
    assert result.segments
    assert no_network == []


def test_cli_job_makes_no_connection(asr, vieneu_samples, tmp_path: Path) -> None:
    wav, _ = vieneu_samples[2]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("HF_HUB_OFFLINE", None)  # ketluan must set it itself
    proc = subprocess.run(
        [sys.executable, "-c", GUARD, "transcribe", str(wav), "-o", str(tmp_path)],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )
    assert "NETWORK-ATTEMPT" not in proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / f"{wav.stem}.json").exists()
