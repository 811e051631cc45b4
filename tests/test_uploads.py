"""Bad uploads get a clear Vietnamese 4xx and leave no file behind."""

import subprocess
import unicodedata

import pytest
from sqlalchemy import func, select

import db
from tests.media import mp3_file_and_frames, tone, write_audio
from tests.service_fixtures import vieneu_clip


@pytest.fixture
def meeting(pg_stack) -> int:
    with pg_stack.client() as c:
        r = c.post("/api/meetings", json={"title": "Họp thử tải lên"}, headers=pg_stack.auth("van_thu"))
        return r.json()["id"]


@pytest.fixture
def small_limit(pg_stack):
    app = pg_stack.api.app
    real = app.state.settings
    app.state.settings = real.model_copy(update={"max_upload_bytes": 1_000_000})
    yield 1_000_000
    app.state.settings = real


def _files(stack) -> list:
    root = stack.api.app.state.store.root
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "authz.docx")


def _audio_rows(stack) -> int:
    with db.session(stack.engine) as s:
        return s.scalar(select(func.count(db.AudioFile.id)))


def _post(stack, meeting_id, content, name="ban-ghi.wav"):
    """A hand-made multipart body: the file name bytes reach the server exactly as given
    (httpx would percent-encode control characters)."""
    boundary = "ketluanTEST"
    disposition = f'form-data; name="file"; filename="{name}"'
    head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
    body = head + content + f"\r\n--{boundary}--\r\n".encode()
    headers = {
        **stack.auth("van_thu"),
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    with stack.client() as c:
        return c.post(f"/api/meetings/{meeting_id}/audio", content=body, headers=headers)


def _truncated_flac(tmp_path) -> bytes:
    full = tmp_path / "full.flac"
    subprocess.run(["sox", str(vieneu_clip("Đoan")), str(full)], check=True)
    data = full.read_bytes()
    return data[: len(data) // 2]  # STREAMINFO still promises the whole recording


def _truncated_wav(tmp_path) -> bytes:
    data = write_audio(tmp_path / "full.wav", tone(10.0)).read_bytes()
    return data[: len(data) // 2]  # the RIFF header still promises 10 s


def _thirteen_hours(tmp_path) -> bytes:
    _, frames = mp3_file_and_frames(tmp_path / "one.mp3", 36.0, rate=8000, bit_rate=8000)
    return frames * 1300  # 13 h of 8 kbps MP3 (47 MB), its length honestly told


BAD = {
    "not_audio": (
        lambda tmp: "Biên bản cuộc họp\n".encode() * 100,
        "hop.mp3",
        422,
        "không phải tệp âm thanh",
    ),
    "zero_bytes": (lambda tmp: b"", "rong.wav", 422, "rỗng"),
    "truncated": (_truncated_flac, "cat-cut.flac", 422, "cắt cụt"),
    "truncated_wav": (_truncated_wav, "cat-cut.wav", 422, "'cat-cut.wav' bị cắt cụt"),
    "too_long": (_thirteen_hours, "ca-ngay.mp3", 422, "'ca-ngay.mp3' dài 13:03:07, vượt giới hạn 12 giờ"),
    "traversal": (lambda tmp: b"RIFF", "../../etc/passwd.wav", 400, "đường dẫn"),
    "windows_traversal": (lambda tmp: b"RIFF", "..\\..\\boot.ini", 400, "đường dẫn"),
    "very_long": (lambda tmp: b"RIFF", "bien-ban-" + "rất-dài-" * 60 + ".wav", 400, "quá dài"),
    "bidi_override": (lambda tmp: b"RIFF", "bien-ban\u202evaw.exe", 400, "ký tự"),
    "control_chars": (lambda tmp: b"RIFF", "bien\x07ban.wav", 400, "ký tự"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_upload_is_refused_and_leaves_nothing(pg_stack, meeting, tmp_path, case):
    make, name, status, words = BAD[case]
    before, rows = _files(pg_stack), _audio_rows(pg_stack)
    r = _post(pg_stack, meeting, make(tmp_path), name=name)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert words in detail["message"], detail
    assert detail["hint"] and detail["code"] in ("audio", "filename")
    assert _files(pg_stack) == before and _audio_rows(pg_stack) == rows
    assert pg_stack.api.app.state.store.leftovers() == []


def test_over_the_limit_declared_and_streamed(pg_stack, meeting, small_limit):
    before = _files(pg_stack)
    r = _post(pg_stack, meeting, b"\0" * (small_limit * 2))  # Content-Length known up front
    assert r.status_code == 413 and "quá lớn" in r.json()["detail"]["message"], r.text
    assert r.headers["connection"] == "close"  # the unread body must not poison keep-alive

    def chunks():  # no Content-Length: the limit is enforced while streaming
        boundary = b"xyzBOUNDARY"
        yield b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; '
        yield b'filename="lon.wav"\r\nContent-Type: audio/wav\r\n\r\n'
        for _ in range(20):
            yield b"\0" * 100_000
        yield b"\r\n--" + boundary + b"--\r\n"

    with pg_stack.client() as c:
        r = c.post(
            f"/api/meetings/{meeting}/audio",
            content=chunks(),
            headers={
                **pg_stack.auth("van_thu"),
                "Content-Type": "multipart/form-data; boundary=xyzBOUNDARY",
            },
        )
    assert r.status_code == 413, r.text
    assert "1.0 MB" in r.json()["detail"]["message"]
    assert _files(pg_stack) == before and pg_stack.api.app.state.store.leftovers() == []


def test_not_multipart_and_missing_field(pg_stack, meeting):
    with pg_stack.client() as c:
        r = c.post(
            f"/api/meetings/{meeting}/audio",
            content=b"RIFF....",
            headers={**pg_stack.auth("van_thu"), "Content-Type": "audio/wav"},
        )
        assert r.status_code == 400 and "multipart" in r.json()["detail"]["message"]
        r = c.post(
            f"/api/meetings/{meeting}/audio",
            headers=pg_stack.auth("van_thu"),
            files={"tep": ("a.wav", b"RIFF")},
        )
        assert r.status_code == 400 and "'file'" in r.json()["detail"]["message"]
    assert pg_stack.api.app.state.store.leftovers() == []


def test_unicode_name_is_kept_in_nfc(pg_stack, meeting):
    decomposed = unicodedata.normalize("NFD", "Biên bản họp Tỉnh ủy.wav")
    clip = vieneu_clip("Ngọc")
    r = _post(pg_stack, meeting, clip.read_bytes(), name=decomposed)
    assert r.status_code == 202, r.text
    stored = r.json()["audio"]["original_name"]
    assert stored == unicodedata.normalize("NFC", decomposed) and stored != decomposed
    with pg_stack.client() as c:
        r = c.get(f"/api/meetings/{meeting}/audio", headers=pg_stack.auth("van_thu"))
    assert r.status_code == 200 and r.content == clip.read_bytes()
    assert "filename*=utf-8''Bi%C3%AAn" in r.headers["content-disposition"]


def test_same_recording_uploaded_twice_at_once(pg_stack):
    """Two clerks upload the same file at the same moment: one job, one stored copy, one 409."""
    from concurrent.futures import ThreadPoolExecutor

    clip = vieneu_clip("Đoan").read_bytes()
    with pg_stack.client() as c:
        ids = [
            c.post("/api/meetings", json={"title": f"Họp trùng {i}"}, headers=pg_stack.auth("van_thu")).json()["id"]
            for i in range(2)
        ]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda m: _post(pg_stack, m, clip, name="trung.wav"), ids))
    assert sorted(r.status_code for r in results) == [202, 409], [r.text for r in results]
    with db.session(pg_stack.engine) as s:
        rows = s.scalars(select(db.AudioFile).where(db.AudioFile.size == len(clip))).all()
        assert len(rows) == 1
        assert pg_stack.api.app.state.store.path(rows[0].storage_path).read_bytes() == clip
    assert pg_stack.api.app.state.store.leftovers() == []
