"""Recognise an upload's type from its content, never from its name or declared type."""

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

HEAD_BYTES = 8192
MAX_UNZIPPED = 200 * 1024 * 1024  # a workbook that inflates past this is a zip bomb
MAX_RATIO = 200


@dataclass(frozen=True)
class FileType:
    name: str
    content_type: str
    extensions: tuple[str, ...]
    declared_as: tuple[str, ...] = ()  # other declared types that honestly describe it


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = FileType("pdf", "application/pdf", (".pdf",), ("application/x-pdf",))
PNG = FileType("png", "image/png", (".png",))
JPEG = FileType("jpeg", "image/jpeg", (".jpg", ".jpeg"), ("image/jpg", "image/pjpeg"))
XLSX = FileType("xlsx", XLSX_TYPE, (".xlsx",))
EML = FileType("eml", "message/rfc822", (".eml",), ("text/plain",))
CSV = FileType("csv", "text/csv", (".csv", ".txt"),
               ("text/plain", "application/csv", "application/vnd.ms-excel"))  # fmt: skip
TXT = FileType("txt", "text/plain", (".txt", ".text", ".log", ".csv"), ("text/csv",))
ACCEPTED = "PDF, CSV, XLSX, PNG, JPEG, EML or TXT"

MAIL_HEADERS = (b"from:", b"to:", b"subject:", b"date:", b"received:", b"message-id:",
                b"mime-version:", b"return-path:", b"delivered-to:")  # fmt: skip
MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")


class Refused(ValueError):
    """The file is not one of the accepted types, or does not match its name."""


def recognise(path: Path, filename: str, declared: str | None) -> FileType:
    """Return the file's type, or raise Refused explaining why it is not accepted."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head:
        raise Refused("the file is empty")
    kind = _by_content(path, head)
    if kind is None:
        raise Refused(f"this is not a {ACCEPTED} file")
    suffix = Path(filename).suffix.lower()
    if suffix and suffix not in kind.extensions:
        raise Refused(f"the file's content is {kind.name.upper()}, but its name ends in {suffix}")
    if declared and _declared_conflicts(declared, kind):
        raise Refused(f"the file's content is {kind.name.upper()}, but it was sent as {declared}")
    return kind


def _by_content(path: Path, head: bytes) -> FileType | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return XLSX if is_workbook(path) else None
    return _text_type(head)


def is_workbook(path: Path | BinaryIO) -> bool:
    """Check the zip's directory only: never inflate a file that may be a bomb."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return False
    names = {e.filename for e in entries}
    unzipped = sum(e.file_size for e in entries)
    packed = max(sum(e.compress_size for e in entries), 1)
    return (
        "[Content_Types].xml" in names
        and "xl/workbook.xml" in names
        and unzipped <= MAX_UNZIPPED
        and unzipped / packed <= MAX_RATIO
    )


def _text_type(head: bytes) -> FileType | None:
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # a multi-byte character cut at the end is fine
            return None
        text = head[: error.start].decode("utf-8")
    lowered = text.lstrip("\ufeff \t\r\n").lower().encode()
    if any(marker in lowered[:1024] for marker in MARKUP):
        return None  # markup could run as a page in a browser; refuse it
    if any(ch < " " and ch not in "\t\r\n\f" for ch in text):
        return None
    lines = text.splitlines()
    first = lines[0].lower().encode() if lines else b""
    if any(first.startswith(h) for h in MAIL_HEADERS) and any(":" in line for line in lines[1:4]):
        return EML
    if len(lines) > 1 and "," in lines[0] and lines[0].count(",") == lines[1].count(","):
        return CSV
    return TXT


def _declared_conflicts(declared: str, kind: FileType) -> bool:
    declared = declared.split(";")[0].strip().lower()
    vague = ("", "application/octet-stream")
    return declared not in (*vague, kind.content_type, *kind.declared_as)
