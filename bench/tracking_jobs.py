"""What the tracking import and export jobs cost, and what the API itself still does.

    python bench/tracking_jobs.py                   # 20,000 rows (the largest list allowed)
    python bench/tracking_jobs.py --rows 2000 --repeat 5

Measured, seconds (median of --repeat runs), on SQLite in a temporary folder:
- the worker's part of an import: read the Excel list (tracking.files.read_file), then the
  preview with its diff (tracking.imports.preview), for a new list and for the same list again
  (the diff against every saved task); peak memory of the process after reading;
- what stays in the API: POST /api/tracking/imports up to its 202 (upload, file-kind check,
  job row; TestClient, the job not run) and /confirm (writes the tasks);
- the worker's part of an export: task rows with statuses, then the Excel and the Word file.
"""

import argparse
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import db  # noqa: E402
from db import accounts  # noqa: E402
from tracking import imports, reports  # noqa: E402
from tracking.files import read_file  # noqa: E402

TODAY = date(2026, 10, 15)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp), args.rows, args.repeat)


def run(tmp: Path, rows: int, repeat: int) -> None:
    book = _workbook(tmp / "danh-sach.xlsx", rows)
    print(f"{rows} rows, {book.stat().st_size / 1e6:.1f} MB .xlsx, {repeat} runs (median)", flush=True)
    read = _time(lambda: read_file(book, book.name), repeat)
    notices = read_file(book, book.name)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"read_file (parse + checks)            {read:7.2f} s   peak RSS {rss:.0f} MB", flush=True)

    engine = db.connect(f"sqlite:///{tmp / 'k.sqlite'}")
    with db.session(engine) as s:
        office = accounts.ensure_unit(s, "VP-TU", "Văn phòng Tỉnh ủy").id
        user = accounts.create_user(s, "theodoi", "mat-khau-thu", "theo_doi", "VP-TU")
        token = accounts.issue_token(s, user, "api", None)

    def first_preview():
        with db.session(engine) as s:
            return imports.preview(s, notices, office).id

    print(f"preview, new list (diff, payload)     {_time(first_preview, repeat):7.2f} s", flush=True)
    pending = first_preview()
    started = time.perf_counter()
    with db.session(engine) as s:
        imports.confirm(s, pending)
    print(f"confirm (API, writes {rows} tasks)     {time.perf_counter() - started:7.2f} s", flush=True)
    print(f"preview, same list again (diff)       {_time(first_preview, repeat):7.2f} s", flush=True)

    from fastapi.testclient import TestClient

    from api import create_app
    from ketluan.settings import Settings

    app = create_app(Settings(data_dir=tmp / "data", database_url=str(engine.url)), send=lambda job_id, stage: None)
    with TestClient(app) as c:

        def post():
            with open(book, "rb") as f:
                r = c.post(
                    "/api/tracking/imports",
                    files={"file": (book.name, f)},
                    headers={"Authorization": f"Bearer {token}"},
                )
            assert r.status_code == 202, r.text

        print(f"POST /imports → 202 (API part)        {_time(post, repeat):7.2f} s", flush=True)

    with db.session(engine) as s:

        def rows_now():
            return reports.task_rows(s, TODAY)

        print(f"export: task rows with statuses       {_time(rows_now, repeat):7.2f} s", flush=True)
        task_rows = rows_now()
    xlsx = _time(lambda: reports.export_xlsx(task_rows, tmp / "bc.xlsx", TODAY), repeat)
    docx = _time(lambda: reports.export_docx(task_rows, tmp / "bc.docx", TODAY), repeat)
    print(f"export: Excel file                    {xlsx:7.2f} s", flush=True)
    print(f"export: Word report                   {docx:7.2f} s", flush=True)
    engine.dispose()


def _workbook(path: Path, rows: int) -> Path:
    from openpyxl import Workbook

    from tracking.excel import COLUMNS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Nhiệm vụ")
    ws.append([c.title for c in COLUMNS])
    kinds = ["Có hạn cụ thể", "Thường xuyên", "Chờ điều kiện", "Ký ban hành trong 10 ngày làm việc"]
    for k in range(rows):
        issued = date(2026, 1, 5) + timedelta(days=(k // 100) % 280)
        kind = kinds[k % 4]
        due = (issued + timedelta(days=30 + k % 90)).strftime("%d/%m/%Y") if k % 4 == 0 else ""
        ws.append(
            [
                f"{k // 100 + 1}-TB/TU",
                issued.strftime("%d/%m/%Y"),
                "Kết luận của Thường trực",
                f"Triển khai nhiệm vụ số {k} về chuyển đổi số và cải cách hành chính năm 2026",
                f"Sở thử nghiệm {k % 50}",
                f"Sở phối hợp {k % 7}; UBND các huyện",
                "Hành chính",
                kind,
                due,
                issued.strftime("%d/%m/%Y"),
                "",
            ]
        )
    wb.save(path)
    return path


def _time(fn, repeat: int) -> float:
    took = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        took.append(time.perf_counter() - started)
    return statistics.median(took)


if __name__ == "__main__":
    main()
