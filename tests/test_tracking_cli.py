"""`ketluan tracking ...` from the shell: template, import with preview, re-import, list, report."""

import os
import subprocess
import sys
from pathlib import Path

from docx import Document

from tests.tracking_helpers import edit_notice, render

ROOT = Path(__file__).resolve().parent.parent


def _cli(tmp_path: Path, *args: str, stdin: str = "", **extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KETLUAN_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200", "PYTHONPATH": str(ROOT), **extra}
    env.pop("KETLUAN_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "cli", "tracking", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_preview_confirm_and_report(tmp_path):
    notice = render(tmp_path / "tb.docx")
    r = _cli(tmp_path, "import", str(notice), "--unit", "VP-TU", "--received", "27/8/2026", stdin="n\n")
    assert r.returncode == 0, r.stderr
    assert "02-TB/TU ngày 25/08/2026: 6 nhiệm vụ" in r.stdout and "Đã hủy; không lưu gì." in r.stdout
    r = _cli(tmp_path, "import", str(notice), "--unit", "VP-TU", "--received", "27/8/2026", "-y")
    assert "Đã lưu: thêm 6, sửa 0, rút 0, giữ nguyên 0 nhiệm vụ." in r.stdout, r.stderr
    edited = edit_notice(notice, tmp_path / "tb-sua.docx")
    r = _cli(tmp_path, "import", str(edited), "--unit", "VP-TU", "--received", "27/8/2026", "-y")
    assert "(đã nhập trước đây)" in r.stdout and "(sẽ rút)" in r.stdout
    assert "Đã lưu: thêm 1, sửa 2, rút 1, giữ nguyên 3 nhiệm vụ." in r.stdout, r.stdout
    r = _cli(
        tmp_path,
        "report",
        "--by",
        "status",
        "--on",
        "2026-10-05",
        "--xlsx",
        str(tmp_path / "bc.xlsx"),
        "--docx",
        str(tmp_path / "bc.docx"),
        KETLUAN_DOCX_FONT="Arial",
    )
    assert r.returncode == 0, r.stderr
    assert "Tổng hợp 6 nhiệm vụ theo trạng thái" in r.stdout
    assert (tmp_path / "bc.xlsx").stat().st_size > 0
    assert Document(tmp_path / "bc.docx").styles["Normal"].font.name == "Arial"  # the setting
    r = _cli(tmp_path, "import", str(tmp_path / "khong-co.xlsx"))
    assert r.returncode == 2 and "Không tìm thấy tệp" in r.stderr


def test_daily_warnings_from_cron_run_once_a_day(tmp_path):
    always = {"KETLUAN_TRACKING_WARN_HOUR": "0"}
    r = _cli(tmp_path, "warn", "--daily", **always)
    assert r.returncode == 0 and r.stdout.strip() == "0 cảnh báo mới", r.stderr
    r = _cli(tmp_path, "warn", "--daily", **always)
    assert r.stdout.strip() == "đã chạy hôm nay", r.stderr
