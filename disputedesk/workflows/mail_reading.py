"""Reading a message as a person reads it: its text, what they wrote this time, and its files.

- Text: the plain part, else the HTML turned to text (entities decoded, no tags, no styles);
  a charset Python does not know is read as UTF-8 or Windows-1252, else refused by name.
- This time's words: quoted earlier messages and the signature are folded away, by
  mail-parser-reply (Gmail's "On … wrote:", Outlook's "From: … Sent:" block, Apple Mail's
  quoting, in the languages below), never by rules of our own.
- Files: each attachment, a forwarded message kept whole as an .eml, the images shown inline
  in the HTML, and the files inside Outlook's winmail.dat (TNEF, by tnefparse).
"""

import html
import re
import struct
from dataclasses import dataclass
from email.message import EmailMessage, MIMEPart
from typing import cast

from mailparser_reply import EmailReplyParser
from tnefparse import TNEF

from disputedesk.workflows.errors import InvalidInput
from disputedesk.workflows.spreadsheet import decode_text

LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pl", "sv", "da", "cs"]
TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})
_PARSER = EmailReplyParser(languages=LANGUAGES)


@dataclass(frozen=True)
class Reading:
    text: str  # the whole text of the message
    reply: str  # what the sender wrote this time
    folded: str  # their signature and the earlier messages they quoted


def read_text(message: EmailMessage) -> Reading:
    """The message's text, split into this time's words and what is folded away."""
    text = _text_of(message) or _tnef_body(message)
    reply, folded = fold(text)
    return Reading(text=text, reply=reply, folded=folded)


def fold(text: str) -> tuple[str, str]:
    """(this time's words, signature and quoted text); the whole text when nothing is new."""
    if not text.strip():
        return "", ""
    replies = _PARSER.read(text).replies
    first = replies[0] if replies else None
    reply = (first.body or "").strip() if first else ""
    if not reply:
        return text.strip(), ""
    assert first is not None  # a reply comes from the first of them
    rest = [first.signatures or ""] + [r.content or "" for r in replies[1:]]
    return reply, "\n\n".join(part.strip() for part in rest if part.strip())


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = cast(str, part.get_content())  # a text part's content is its text
    except (LookupError, UnicodeError):  # a charset Python does not know, or a wrong one
        text = _decoded(part)
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    return text.replace("\x00", "").strip()


def html_to_text(markup: str) -> str:
    """The words of an HTML body: line breaks kept, tags, styles and scripts dropped."""
    text = re.sub(r"(?is)<(style|script|head)\b.*?</\1\s*>", " ", markup)
    text = re.sub(r"(?i)<br\s*/?>|</p\s*>|</div\s*>|</tr\s*>|</li\s*>|</h\d\s*>", "\n", text)
    text = re.sub(r"(?i)<blockquote\b[^>]*>", "\n> ", text)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return "\n".join(re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.splitlines())


def _decoded(part: MIMEPart) -> str:
    """The part's bytes as UTF-8, else Windows-1252; refused by name when neither reads."""
    try:
        payload = part.get_payload(decode=True)  # a body part is never multipart: bytes
        assert payload is None or isinstance(payload, bytes)
        return decode_text(payload or b"")[0]
    except ValueError:
        charset = part.get_content_charset() or "none"
        raise InvalidInput({"message": f"its text is in an unknown charset ({charset})"}) from None


def files_of(message: EmailMessage) -> list[tuple[str, str, bytes]]:
    """Each file a message carries, as (name, declared type, bytes)."""
    found, seen = [], set()
    for n, part in enumerate(message.iter_attachments(), start=1):
        seen.add(id(part))
        if part.get_content_type() == "message/rfc822":  # a forward: the message, whole
            inner = part.get_content()
            name = part.get_filename() or f"forwarded-{n}.eml"
            found.append((name, "message/rfc822", inner.as_bytes()))
        elif _is_tnef(part) and (inside := _tnef_files(part)) is not None:
            found.extend(inside)
        else:
            found.append((_name(part, n), part.get_content_type(),
                          part.get_payload(decode=True) or b""))  # fmt: skip
    inline = [p for p in _own_parts(message) if p.get_content_maintype() == "image"
              and id(p) not in seen]  # fmt: skip
    for n, image in enumerate(inline, start=1):
        found.append(
            (_name(image, n), image.get_content_type(), image.get_payload(decode=True) or b"")
        )
    return found


def _name(part: MIMEPart, n: int) -> str:
    """A file's own name, else one that says what it was (an image shown inline, say)."""
    kind = "inline-image" if part.get_content_maintype() == "image" else "attachment"
    return part.get_filename() or f"{kind}-{n}.{part.get_content_subtype()}"


def _own_parts(part: MIMEPart) -> list[MIMEPart]:
    """The message's parts, not those of a message forwarded inside it (that is its .eml)."""
    if part.get_content_type() == "message/rfc822":
        return []
    if not part.is_multipart():
        return [part]
    return [p for sub in part.iter_parts() for p in _own_parts(sub)]


def _is_tnef(part: EmailMessage) -> bool:
    name = (part.get_filename() or "").lower()
    return part.get_content_type() in TNEF_TYPES or name == "winmail.dat"


def _tnef(part: EmailMessage) -> TNEF | None:
    try:
        return TNEF(part.get_payload(decode=True) or b"")
    except (ValueError, IndexError, KeyError, UnicodeError, struct.error):
        return None  # not readable: kept as the file it is (and refused by the evidence check)


def _tnef_files(part: EmailMessage) -> list[tuple[str, str, bytes]] | None:
    """The files inside a winmail.dat; None when it cannot be read."""
    unpacked = _tnef(part)
    if unpacked is None:
        return None
    return [(a.long_filename() or f"winmail-{n}", "application/octet-stream", a.data or b"")
            for n, a in enumerate(unpacked.attachments, start=1)]  # fmt: skip


def _tnef_body(message: EmailMessage) -> str:
    """The text Outlook put only inside winmail.dat (a message with no text part)."""
    for part in message.iter_attachments():
        if _is_tnef(part) and (unpacked := _tnef(part)) is not None and unpacked.body:
            body = cast(str | bytes, unpacked.body)
            if isinstance(body, bytes):
                try:
                    body = decode_text(body.rstrip(b"\x00"))[0]
                except ValueError:
                    return ""
            return body.replace("\x00", "").strip()
    return ""
