"""Small real files of every accepted type, and the troublemakers, made in the tests."""

import io
import struct
import zipfile
import zlib


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        archive.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet/>')
    return buffer.getvalue()


def csv() -> bytes:
    return b"campaign,delivered,invalid\nCMP-1,1000,12\nCMP-2,2000,40\n"


def eml() -> bytes:
    return (
        b"From: buyer@agency.example\r\nTo: billing@retailer.example\r\n"
        b"Subject: Invoice INV-1 dispute\r\nDate: Tue, 3 Nov 2026 10:00:00 -0600\r\n\r\n"
        b"We were billed for impressions that never ran.\r\n"
    )


def txt() -> bytes:
    return "Call notes: the advertiser’s IO caps the CPM at 6.50.\n".encode()


ACCEPTED = {  # filename: (content, the content type it is stored with)
    "contract.pdf": (pdf, "application/pdf"),
    "screenshot.png": (png, "image/png"),
    "photo.jpg": (jpeg, "image/jpeg"),
    "delivery.xlsx": (xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "delivery.csv": (csv, "text/csv"),
    "thread.eml": (eml, "message/rfc822"),
    "notes.txt": (txt, "text/plain"),
}


def executable() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def zip_bomb() -> bytes:
    """A small zip that inflates to 50 MB of zeros, and is not a workbook."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("zeros.bin", "w", force_zip64=True) as member,
    ):
        for _ in range(50):
            member.write(b"\x00" * (1024 * 1024))
    return buffer.getvalue()


def workbook_bomb() -> bytes:
    """Looks like a workbook from its names, but one part inflates a thousandfold."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            for _ in range(50):
                member.write(b" " * (1024 * 1024))
    return buffer.getvalue()
