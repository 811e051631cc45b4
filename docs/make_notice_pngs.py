"""Render page 1 of a sample notice in both formats to docs/notice-{party,state}.png.

Needs LibreOffice (soffice) and poppler (pdftoppm). Run from the repository root:
    python docs/make_notice_pngs.py
"""

import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.extraction import DATA, load  # noqa: E402
from drafting import Meeting, extract_text, render_notice  # noqa: E402


def main() -> None:
    notice = load(DATA / "n01.txt")
    party = Meeting.load(ROOT / "samples" / "meeting.toml")
    party.notice_number = "123"
    state = replace(party, format="state", issuing_body="Ủy ban nhân dân tỉnh Lào Cai",
                    concluded_by="đồng chí Chủ tịch UBND tỉnh", number_suffix="",
                    signer_authority="TL. CHỦ TỊCH", signer_title="CHÁNH VĂN PHÒNG",
                    signer_name="Trần Thị Bình", recipients=["Như trên", "Lưu: VT"])
    with tempfile.TemporaryDirectory() as tmp:
        for name, meeting in (("party", party), ("state", state)):
            docx = Path(tmp) / f"notice-{name}.docx"
            render_notice(extract_text(notice.written, meeting), meeting).save(docx)
            subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/lo",
                            "--convert-to", "pdf", "--outdir", tmp, str(docx)], check=True,
                           capture_output=True)
            out = ROOT / "docs" / f"notice-{name}"
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                            str(docx.with_suffix(".pdf")), str(out)], check=True)
            print(f"{out}.png")


if __name__ == "__main__":
    main()
