"""Fixtures for the browser tests: one `ketluan serve` (embedded: SQLite, in-process queue) and
one headless Debian chromium driven by Playwright, both per session.

Chromium comes from apt (`apt-get install chromium`), never from `playwright install`: the
machine is air-gapped, and the flags below keep chromium itself off the network.
"""

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.service_fixtures import ROOT, free_port, model_ready, wait_for

CHROMIUM = os.environ.get("KETLUAN_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=vi-VN",  # dates in <input type=date> as dd/mm/yyyy, as office staff see them
]
PASSWORD = "mat-khau-rat-dai"
ARTIFACTS = ROOT / "artifacts" / "ui"
# username → (role, unit code); every office account is in the same unit.
USERS = {
    "vanthu": ("van_thu", "VP-TU"),
    "tonghop": ("tong_hop", "VP-TU"),
    "theodoi": ("theo_doi", "VP-TU"),
    "lanhdao": ("lanh_dao", "VP-TU"),
    "quantri": ("admin", None),
}


@dataclass
class Served:
    url: str
    data: Path
    log: Path


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory) -> Iterator[Served]:
    model_ready()
    root = tmp_path_factory.mktemp("ui")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KETLUAN_")}
    env.update(
        KETLUAN_DATA_DIR=str(root / "data"),
        KETLUAN_MODELS_DIR=str(ROOT / ".data" / "test" / "models"),
        KETLUAN_DEVICE="cpu",
        KETLUAN_BEAM_SIZE="1",
        # Sequential decoding: the batched pipeline (batch_size 8) drops the espeak-ng part of
        # the short meeting entirely (measured), leaving no conclusion to draft.
        KETLUAN_BATCH_SIZE="0",
        KETLUAN_NEW_PASSWORD=PASSWORD,
        KETLUAN_MAX_UPLOAD_BYTES=str(5 * 1024 * 1024),  # the too-large test sends 6 MiB
        PYTHONPATH=str(ROOT),
    )
    cli = [sys.executable, "-m", "cli"]
    for name, (role, unit) in USERS.items():
        extra = ["--unit", unit, "--unit-name", "Văn phòng Tỉnh ủy"] if unit else []
        subprocess.run(
            [*cli, "admin", "create-user", name, "--role", role, *extra],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
    port = free_port()
    log_path = root / "serve.log"
    log = open(log_path, "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert proc.poll() is None, log_path.read_text()
        try:
            return httpx.get(f"{url}/api/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    wait_for(up, 60, "ketluan serve")
    yield Served(url, root / "data", log_path)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    log.close()


# The chair's conclusion, short, phrased like samples/conclusion.txt (names whisper-base hears).
CONCLUSION = (
    "Tôi xin kết luận như sau. Thứ nhất, Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát "
    "vốn đầu tư, báo cáo trước ngày mười lăm tháng chín. Thứ hai, Sở Xây dựng kiểm tra chất "
    "lượng công trình, hoàn thành trong năm nay."
)


@pytest.fixture(scope="session")
def short_meeting(speak, tmp_path_factory) -> Path:
    """About 22 s: the chair's conclusion (espeak-ng), then a real Vietnamese speaker (a vieneu
    clip), so the whole pipeline finishes in seconds rather than minutes. (In the other order
    whisper-base stops after the clip and never transcribes the conclusion.)"""
    import wave

    import numpy as np

    from tests.service_fixtures import vieneu_clip
    from transcribe.audio import decode

    pause = np.zeros(8000, dtype=np.float32)
    parts = [decode(speak(CONCLUSION, "chair", speed=150)), pause, decode(vieneu_clip("Đoan"))]
    audio = np.concatenate(parts)
    path = tmp_path_factory.mktemp("meeting") / "hop-giao-ban.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: `apt-get install -y chromium fonts-noto-core`")
    profile = tmp_path_factory.mktemp("chromium-profile")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1366, "height": 768},
            locale="vi-VN",
            accept_downloads=True,
            env={**os.environ, "LANG": "vi_VN.UTF-8", "LANGUAGE": "vi"},
        )
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser, ui_server):
    """A fresh tab with no session cookie; failures in the page's JavaScript, and anything the
    Content-Security-Policy blocks (an inline script, a style, a foreign source), fail the test."""
    browser.clear_cookies()
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    tab.set_default_timeout(20_000)
    yield tab
    tab.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def login(page, url: str, username: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("header .who")


def shot(page, name: str, full_page: bool = False) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.evaluate("() => window.scrollTo(0, 0)")  # a full-page shot with the sticky header on top
    page.screenshot(path=str(path), full_page=full_page)
    return path


@contextmanager
def serving(root: Path) -> Iterator[str]:
    """`ketluan serve` on a data folder a test has seeded (root/data), on a free port: its URL.
    Stopped with SIGTERM afterwards; its log is root/serve.log."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KETLUAN_")}
    env.update(KETLUAN_DATA_DIR=str(root / "data"), PYTHONPATH=str(ROOT), KETLUAN_DEVICE="cpu")
    port = free_port()
    log = open(root / "serve.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert proc.poll() is None, (root / "serve.log").read_text()
        try:
            return httpx.get(f"{url}/api/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_for(up, 60, "ketluan serve")
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        log.close()


@pytest.fixture
def tab(browser):
    """A fresh tab without a server of the session's own (for modules that serve their own
    seeded data); JavaScript errors and Content-Security-Policy refusals fail the test."""
    browser.clear_cookies()
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.set_default_timeout(20_000)
    yield page
    page.close()
    assert not errors, f"JavaScript errors in the page: {errors}"
