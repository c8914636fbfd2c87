"""Bulk intake on the web: an analyst checks a CSV with a dry run, then files it; a bad row
is named by its line in the file and nothing is filed."""

import html
import io
import re

from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute
from tests.web.helpers import Web, text

HEAD = "invoice_number,line_no,amount,currency,reason_code,description\n"


def _csv(make, cast) -> tuple[str, str]:  # noqa: ANN001
    one = make.invoice(cast.advertiser, amounts=(500_000, 300_000))
    two = make.invoice(cast.advertiser)
    body = (HEAD + f"{one.number},1,100.00,USD,rate_mismatch,above the IO\n"
            f"{one.number},2,25.50,USD,rate_mismatch,above the IO\n,,,,,\n"
            f"{two.number},1,40.00,USD,duplicate_billing,billed twice\n")  # fmt: skip
    return body, one.number


def _post(client, body: str, ref: str, dry: bool):  # noqa: ANN001, ANN202
    data = {"batch_ref": ref, "file": (io.BytesIO(body.encode("cp1252")), "lines.csv")}
    if dry:
        data["dry_run"] = "1"
    return client.post("/disputes/import", data=data, content_type="multipart/form-data")


def test_a_dry_run_shows_the_cases_then_the_upload_files_them(web: Web, make, cast):
    body, first = _csv(make, cast)
    client = web(cast.analyst)
    checked = _post(client, body, "AG-1", dry=True)
    assert checked.status_code == 200 and "these 2 cases would be filed" in text(checked)
    assert db.session.scalar(select(func.count(Dispute.id))) == 0
    # The dry run carries the checked file on: filing it needs no second upload.
    carried = re.search(r'<textarea name="content" hidden>(.*?)</textarea>', text(checked),
                        re.S).group(1)  # fmt: skip
    filed = client.post("/disputes/import", data={"batch_ref": "AG-1",
                                                  "content": html.unescape(carried)})  # fmt: skip
    page = text(filed)
    assert filed.status_code == 200 and "Filed 2 cases." in page and first in page
    refs = db.session.scalars(select(Dispute.id)).all()
    assert len(refs) == 2 and f"DSP-{refs[0]:06d}" in page
    again = _post(client, body, "AG-1", dry=False)  # the same file again: nothing twice
    assert again.status_code == 200 and db.session.scalar(select(func.count(Dispute.id))) == 2


def test_a_bad_row_is_named_by_its_line_and_nothing_is_filed(web: Web, make, cast):
    body, first = _csv(make, cast)
    bad = body.replace(f"{first},2,25.50", f"{first},9,25.50").replace("40.00", "4O.00")
    answer = _post(web(cast.analyst), bad, "AG-2", dry=False)
    page = text(answer)
    assert answer.status_code == 422 and "Nothing was filed." in page
    assert "line 2:" in page and "line 5:" in page  # the rows' own lines (a blank one between)
    assert db.session.scalar(select(func.count(Dispute.id))) == 0


def test_an_excel_workbook_imports_like_a_csv(web: Web, make, cast):
    from openpyxl import Workbook

    body, first = _csv(make, cast)
    book = Workbook()
    sheet = book.active
    for line in body.splitlines():
        cells = line.split(",")
        if len(cells) > 2 and cells[1].isdigit():  # Excel keeps numbers as numbers
            cells[1], cells[2] = int(cells[1]), float(cells[2])
        sheet.append(cells)
    saved = io.BytesIO()
    book.save(saved)
    data = {"batch_ref": "AG-X", "file": (io.BytesIO(saved.getvalue()), "lines.xlsx")}
    answer = web(cast.analyst).post("/disputes/import", data=data,
                                    content_type="multipart/form-data")  # fmt: skip
    page = text(answer)
    assert answer.status_code == 200 and "Filed 2 cases." in page, page[-800:]
    assert db.session.scalar(select(func.count(Dispute.id))) == 2


def test_a_damaged_workbook_or_a_nul_in_a_cell_is_refused_plainly(web: Web, make, cast):
    import zipfile

    saved = io.BytesIO()
    with zipfile.ZipFile(saved, "w") as fake:  # a workbook's directory, not a workbook's XML
        fake.writestr("[Content_Types].xml", "<broken")
        fake.writestr("xl/workbook.xml", "<broken")
    data = {"batch_ref": "AG-Z", "file": (io.BytesIO(saved.getvalue()), "lines.xlsx")}
    answer = web(cast.analyst).post("/disputes/import", data=data,
                                    content_type="multipart/form-data")  # fmt: skip
    assert answer.status_code == 422 and "cannot be read" in text(answer)
    nul = HEAD + "INV-\x00,1,10.00,USD,other,x\n"
    refused = _post(web(cast.analyst), nul, "AG-N", dry=True)
    assert refused.status_code == 422 and "line 2:" in text(refused)
