"""Render the sample notice and minutes, Party and State formats, to docs/*.png.

A clean transcript of a short meeting (a report, a comment, the chair's conclusion) is drafted
with the format's default signer and recipients, saved as .docx, converted by LibreOffice and
rasterised page by page (pages side by side in one image). Needs LibreOffice (soffice) and
poppler (pdftoppm). Run from the repository root:
    python docs/make_notice_pngs.py
"""

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from drafting import Meeting, extract, render_minutes, render_notice  # noqa: E402
from transcribe.transcript import AudioInfo, Segment, Speaker, Transcript  # noqa: E402

SAID = [
    ("S1", "Mời đồng chí Giám đốc Sở Tài chính báo cáo tiến độ giải ngân vốn đầu tư công."),
    (
        "S2",
        "Đến hết tháng 7, toàn tỉnh giải ngân được 42% kế hoạch vốn, thấp hơn cùng kỳ; "
        "nguyên nhân chính là vướng mắc giải phóng mặt bằng ở các dự án giao thông.",
    ),
    (
        "S3",
        "Sở Xây dựng đề nghị bổ sung vốn cho các dự án chuyển tiếp và sớm điều chuyển vốn "
        "của các dự án không có khả năng giải ngân.",
    ),
    ("S1", "Tôi xin kết luận như sau."),
    (
        "S1",
        "Thứ nhất, về tiến độ giải ngân, ghi nhận sự cố gắng của các cơ quan, đơn vị; tuy "
        "nhiên tỷ lệ giải ngân còn thấp so với kế hoạch.",
    ),
    (
        "S1",
        "Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng, Kho bạc Nhà nước tỉnh rà soát, "
        "điều chuyển vốn các dự án chậm giải ngân, báo cáo trước ngày 15/9/2026.",
    ),
    (
        "S1",
        "Đề nghị UBND các huyện, thị xã, thành phố khẩn trương hoàn thành giải phóng mặt "
        "bằng các dự án trọng điểm trong quý III/2026.",
    ),
    (
        "S1",
        "Thứ hai, về chất lượng công trình, Sở Xây dựng chủ trì, phối hợp với Ban Quản lý dự "
        "án đầu tư xây dựng tỉnh kiểm tra chất lượng các công trình giao thông đang thi công, "
        "hoàn thành trong tháng 10/2026.",
    ),
    ("S1", "Yêu cầu các chủ đầu tư định kỳ hằng tháng báo cáo tiến độ giải ngân về Sở Tài chính."),
    ("S1", "Tôi xin cảm ơn các đồng chí."),
]
SPEAKERS = {
    "S1": Speaker(name="Nguyễn Văn An"),
    "S2": Speaker(name="Lê Văn Bình", title="Giám đốc Sở Tài chính", unit="Sở Tài chính"),
    "S3": Speaker(name="Phạm Thị Lan", title="Phó Giám đốc Sở Xây dựng"),
}
MEETINGS = {
    "party": Meeting(
        format="party",
        issuing_body="Tỉnh ủy Lào Cai",
        date=date(2026, 8, 20),
        title="Họp nghe báo cáo tiến độ giải ngân vốn đầu tư công năm 2026",
        place="Trụ sở Tỉnh ủy",
        notice_number="123",
        chair="đồng chí Nguyễn Văn An, Phó Bí thư Thường trực Tỉnh ủy",
        attendees=[
            "các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy",
            "lãnh đạo Sở Tài chính, Sở Xây dựng, Kho bạc Nhà nước tỉnh",
        ],
        start_time="08:00",
        secretary="Lê Thị Hoa, Chuyên viên Văn phòng Tỉnh ủy",
    ),
    "state": Meeting(
        format="state",
        issuing_body="Ủy ban nhân dân tỉnh Lào Cai",
        date=date(2026, 8, 20),
        notice_number="245",
        place="Trụ sở UBND tỉnh",
        title="Họp nghe báo cáo tiến độ giải ngân vốn đầu tư công năm 2026",
        chair="Đồng chí Nguyễn Văn An, Chủ tịch UBND tỉnh",
        attendees=["các đồng chí Phó Chủ tịch UBND tỉnh", "lãnh đạo Sở Tài chính, Sở Xây dựng, Kho bạc Nhà nước tỉnh"],
        start_time="14:00",
        secretary="Trần Văn Hùng, Chuyên viên Văn phòng UBND tỉnh",
    ),
}


def transcript() -> Transcript:
    segs, t = [], 0.0
    for k, (who, text) in enumerate(SAID):
        length = 6.0 + len(text.split()) * 0.45
        segs.append(Segment(k, t, t + length, text, speaker=who))
        t += length + 2.0
    return Transcript(audio=AudioInfo(duration=t + 2460.0), segments=segs, speakers=SPEAKERS)


def main() -> None:
    tr = transcript()
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, meeting in MEETINGS.items():
            conclusion = extract(tr, meeting)
            for kind, doc in (
                ("notice", render_notice(conclusion, meeting)),
                ("minutes", render_minutes(tr, meeting, conclusion)),
            ):
                docx = Path(tmp) / f"{kind}-{fmt}.docx"
                doc.save(docx)
                subprocess.run(
                    [
                        "soffice",
                        "--headless",
                        f"-env:UserInstallation=file://{tmp}/lo",
                        "--convert-to",
                        "pdf",
                        "--outdir",
                        tmp,
                        str(docx),
                    ],
                    check=True,
                    capture_output=True,
                )
                stem = Path(tmp) / f"{kind}-{fmt}-page"
                subprocess.run(["pdftoppm", "-png", "-r", "70", str(docx.with_suffix(".pdf")), str(stem)], check=True)
                out = ROOT / "docs" / f"{kind}-{fmt}.png"
                _side_by_side(sorted(Path(tmp).glob(f"{stem.name}*.png")), out)
                print(out)


def _side_by_side(pages: list[Path], out: Path) -> None:
    images = [Image.open(p).convert("RGB") for p in pages]
    gap = 12
    width = sum(i.width for i in images) + gap * (len(images) - 1)
    sheet = Image.new("RGB", (width, max(i.height for i in images)), (160, 160, 160))
    x = 0
    for image in images:
        sheet.paste(image, (x, 0))
        x += image.width + gap
    sheet.save(out, optimize=True)


if __name__ == "__main__":
    main()
