"""The command line as a user meets it: one clear line for bad input, never a traceback."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.media import tone, write_audio

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="200", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, env=env, cwd=cwd)


def assert_one_line_error(proc: subprocess.CompletedProcess, needle: str) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("Lỗi:") and needle in lines[0], lines[0]


def test_missing_file(tmp_path: Path) -> None:
    assert_one_line_error(run("transcribe", str(tmp_path / "khong-co.mp3")), "Không tìm thấy tệp")


def test_not_audio(tmp_path: Path) -> None:
    fake = tmp_path / "hop.m4a"
    fake.write_text("không phải âm thanh", encoding="utf-8")
    assert_one_line_error(run("transcribe", str(fake)), "không đọc được")


def test_zero_length(tmp_path: Path) -> None:
    empty = tmp_path / "rong.mp3"
    empty.touch()
    assert_one_line_error(run("transcribe", str(empty)), "rỗng")


def test_truncated(tmp_path: Path) -> None:
    whole = write_audio(tmp_path / "a.flac", tone(10.0)).read_bytes()
    cut = tmp_path / "cut.flac"
    cut.write_bytes(whole[: len(whole) // 3])
    assert_one_line_error(run("transcribe", str(cut)), "cắt cụt")


def test_unknown_model(tmp_path: Path) -> None:
    wav = write_audio(tmp_path / "a.wav", tone(1.0))
    assert_one_line_error(run("transcribe", str(wav), "--model", "whisper-huge"), "Không có mô hình")


def test_unknown_format(tmp_path: Path) -> None:
    wav = write_audio(tmp_path / "a.wav", tone(1.0))
    assert_one_line_error(run("transcribe", str(wav), "--format", "pdf"), "Định dạng không hỗ trợ")


@pytest.mark.usefixtures("asr")  # the default model is assembled in the shared test store
def test_silence_is_not_an_error(tmp_path: Path) -> None:
    wav = write_audio(tmp_path / "im-lang.wav", tone(5.0) * 0)
    proc = run("transcribe", str(wav), "-o", str(tmp_path / "out"), "--format", "json,srt")
    assert proc.returncode == 0, proc.stderr
    assert "không phát hiện tiếng nói" in proc.stdout
    data = json.loads((tmp_path / "out" / "im-lang.json").read_text(encoding="utf-8"))
    assert data["segments"] == [] and data["schema_version"] == 1
    assert (tmp_path / "out" / "im-lang.srt").read_text() == ""


@pytest.mark.usefixtures("asr")
def test_transcribe_writes_every_format(vieneu_samples, tmp_path: Path) -> None:
    wav, _ = vieneu_samples[0]
    proc = run("transcribe", str(wav), "-o", str(tmp_path), "--batch-size", "2")
    assert proc.returncode == 0, proc.stderr
    stem = wav.stem
    for ext in ("json", "txt", "srt", "vtt"):
        assert (tmp_path / f"{stem}.{ext}").stat().st_size > 0
    txt = (tmp_path / f"{stem}.txt").read_text(encoding="utf-8")
    assert txt.startswith("[00:00:00] ") and "luyện viên" in txt


def test_models_list_shows_known_models() -> None:
    proc = run("models", "list")
    assert proc.returncode == 0, proc.stderr
    for name in ("whisper-base", "phowhisper-large", "whisper-large-v3"):
        assert name in proc.stdout


def test_models_list_shows_each_licence_and_the_opt_in_recogniser() -> None:
    env = dict(os.environ, COLUMNS="600", PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "models", "list"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    assert "Giấy phép" in proc.stdout
    [row] = [line for line in proc.stdout.splitlines() if "viet-asr" in line]
    assert "mô hình: chưa công bố" in row and "Apache-2.0" in row and "(mặc định)" not in row
    [base] = [line for line in proc.stdout.splitlines() if "whisper-base" in line and "đa ngôn ngữ" in line]
    assert "MIT" in base and "(mặc định)" in base


def test_create_user_help_names_every_role() -> None:
    """Issue 15: the help of `admin create-user --role` left out don_vi (an assigned unit)."""
    from ketluan.roles import Role

    proc = run("admin", "create-user", "--help")
    assert proc.returncode == 0, proc.stderr
    help_text = " ".join(proc.stdout.split())
    assert all(role.value in help_text for role in Role), help_text
