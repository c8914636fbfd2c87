"""`flask import contracts|delivery FILE.csv [--dry-run]` over the feed service."""

from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Contract, DeliveryRecord

HEADER = (
    "advertiser_ref,reference,version,tolerance_bp,delivery_source,effective_from,effective_to,"
    "product,campaign_ref,unit_kind,rate,discount_bp,cap_units,cap_amount,makegood_units,"
    "line_effective_from,line_effective_to\n"
)
HEAD = "{adv},IO-CSV-1,1,0,first_party,2026-01-01,2026-12-31,"
CONTRACTS = (
    HEADER
    + HEAD + "sponsored_products,,cpc,0.8075,500,,,,,\n"
    + HEAD + "display,CMP-9,cpm,6.50,0,,25000.00,1000,2026-04-01,\n"
)  # fmt: skip
DELIVERY = """external_ref,campaign_ref,source,period_start,period_end,delivered_units,invalid_units
DCM-1,CMP-9,third_party,2026-10-01,2026-10-07,7000,70
DCM-2,CMP-9,third_party,2026-10-08,2026-10-14,7100,
"""


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_dry_run_prints_what_would_change_and_saves_nothing(app, make, tmp_path):
    advertiser = make.advertiser(make.team("East"))
    path = tmp_path / "contracts.csv"
    path.write_text(CONTRACTS.format(adv=advertiser.ref))

    result = app.test_cli_runner().invoke(args=["import", "contracts", str(path), "--dry-run"])

    assert result.exit_code == 0, result.output
    assert f"{advertiser.ref}/IO-CSV-1 v1: would be created (2 lines)" in result.output
    assert "dry run, nothing saved: would be 1 created, 0 updated, 0 unchanged" in result.output
    assert count(Contract) == 0


def test_importing_a_file_twice_records_it_once(app, make, tmp_path):
    advertiser = make.advertiser(make.team("East"))
    path = tmp_path / "contracts.csv"
    path.write_text(CONTRACTS.format(adv=advertiser.ref))
    runner = app.test_cli_runner()

    first = runner.invoke(args=["import", "contracts", str(path)])
    again = runner.invoke(args=["import", "contracts", str(path)])

    assert first.exit_code == again.exit_code == 0
    assert "0 created, 0 updated, 1 unchanged" in again.output
    display = db.session.scalar(select(Contract).where(Contract.product == "display"))
    assert (display.cap_amount, display.makegood_units, str(display.effective_from)) == (
        2_500_000, 1_000, "2026-04-01"
    )  # fmt: skip


def test_delivery_rows_import_and_a_bad_row_is_named_by_its_line(app, tmp_path):
    path = tmp_path / "delivery.csv"
    path.write_text(DELIVERY)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import", "delivery", str(path)]).exit_code == 0
    assert count(DeliveryRecord) == 2

    path.write_text(DELIVERY.replace("7100,", "7100,9999999"))
    refused = runner.invoke(args=["import", "delivery", str(path)])

    assert refused.exit_code == 1
    assert "line 3: invalid_units is more than delivered_units" in refused.output
    assert "nothing imported" in refused.output
    assert db.session.scalar(select(DeliveryRecord.invalid_units).where(
        DeliveryRecord.external_ref == "DCM-2")) == 0  # fmt: skip


def test_a_csv_without_the_columns_is_refused(app, tmp_path):
    path = tmp_path / "delivery.csv"
    path.write_text("campaign,units\nCMP-1,5\n")
    result = app.test_cli_runner().invoke(args=["import", "delivery", str(path)])
    assert result.exit_code == 1 and "the CSV lacks columns: external_ref" in result.output


def test_a_windows_1252_file_with_blank_rows_imports_and_says_how_it_was_read(app, make, tmp_path):
    advertiser = make.advertiser(make.cast().team)
    path = tmp_path / "contracts.csv"
    # Excel on Windows: Windows-1252 ("Café" is 0xE9), CRLF, and trailing empty rows.
    text = CONTRACTS.format(adv=advertiser.ref).replace("IO-CSV-1", "IO-Café")
    path.write_bytes((text + ",,,,,,,,,,,,,,,,\n\n").replace("\n", "\r\n").encode("cp1252"))
    result = app.test_cli_runner().invoke(args=["import", "contracts", str(path)])
    assert result.exit_code == 0, result.output
    assert "read as windows-1252" in result.output
    assert db.session.scalar(select(Contract.reference)) == "IO-Café"


def test_a_file_in_neither_utf8_nor_windows_1252_is_refused_plainly(app, tmp_path):
    path = tmp_path / "delivery.csv"
    path.write_bytes(DELIVERY.encode() + b"\x81\x8d")  # bytes Windows-1252 leaves undefined
    result = app.test_cli_runner().invoke(args=["import", "delivery", str(path)])
    assert result.exit_code == 1 and "save the file as UTF-8" in result.output
    assert count(DeliveryRecord) == 0


def test_a_bad_row_after_a_blank_one_is_named_by_its_real_line(app, tmp_path):
    path = tmp_path / "delivery.csv"
    lines = DELIVERY.replace("7100,", "7100,9999999").splitlines()
    path.write_text("\n".join([lines[0], lines[1], "", lines[2]]) + "\n")
    refused = app.test_cli_runner().invoke(args=["import", "delivery", str(path)])
    assert "line 4: invalid_units is more than delivered_units" in refused.output


def test_fx_rates_import_from_csv_and_a_rate_on_file_is_never_rewritten(app, tmp_path):
    from disputedesk.app.models import FxRate

    path = tmp_path / "fx.csv"
    path.write_text("currency,effective_on,rate,source\nCAD,2026-12-01,0.7125,ECB\n"
                    "MXN,2026-12-01,0.0551,ECB\n")  # fmt: skip
    runner = app.test_cli_runner()
    done = runner.invoke(args=["import", "fx-rates", str(path)])
    assert done.exit_code == 0, done.output
    assert "CAD 2026-12-01: created" in done.output
    kept = db.session.scalar(select(FxRate.rate_micros).where(
        FxRate.currency == "CAD", FxRate.source == "ECB"))  # fmt: skip
    assert kept == 712_500
    path.write_text("currency,effective_on,rate,source\nCAD,2026-12-01,0.7200,ECB\n")
    refused = runner.invoke(args=["import", "fx-rates", str(path)])
    assert refused.exit_code == 1 and "is not rewritten" in refused.output
    path.write_text("currency,effective_on,rate,source\nCAD,2026-12-02,abc,ECB\n")
    bad = runner.invoke(args=["import", "fx-rates", str(path)])
    assert "line 2: rate" in bad.output and "nothing imported" in bad.output
