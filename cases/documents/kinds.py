"""What a file is, from its contents, never its name: the kinds of document a case takes.

Each kind is known by its first bytes (and, for the zip-based office formats, the names
inside the archive, read without unpacking anything). A file whose name claims one kind but
whose contents are another is refused, so what a colleague opens is what it says it is."""

import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("PDF", "application/pdf", (".pdf",))
JPEG = Kind("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
PNG = Kind("PNG image", "image/png", (".png",))
HEIC = Kind("HEIC photo", "image/heic", (".heic", ".heif"))
EMAIL = Kind("Email", "message/rfc822", (".eml",))
OUTLOOK = Kind("Outlook email or older Office document", "application/vnd.ms-outlook",
               (".msg", ".doc", ".xls", ".ppt"))  # fmt: skip
WORD = Kind("Word document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",))  # fmt: skip
EXCEL = Kind("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             (".xlsx",))  # fmt: skip
POWERPOINT = Kind("PowerPoint presentation",
                  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                  (".pptx",))  # fmt: skip
OPEN_DOCUMENT = Kind("OpenDocument file", "application/vnd.oasis.opendocument",
                     (".odt", ".ods", ".odp"))  # fmt: skip
KINDS = [PDF, JPEG, PNG, HEIC, EMAIL, OUTLOOK, WORD, EXCEL, POWERPOINT, OPEN_DOCUMENT]
ACCEPTED = "a PDF, a photo (JPEG, PNG or HEIC), an email (.eml or .msg) or an office document"

_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]")
_EMAIL_HEADERS = (b"from:", b"to:", b"subject:", b"date:", b"message-id:", b"received:")


def _email(start: bytes) -> bool:
    """An email export: RFC 5322 header lines first, with some of an email's own headers."""
    lines = start.replace(b"\r\n", b"\n").split(b"\n")
    headers = []
    for line in lines:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t"):
            continue  # a header folded onto the next line
        if not _HEADER.match(line):
            return False
        headers.append(line.lower())
    known = sum(any(h.startswith(name) for name in _EMAIL_HEADERS) for h in headers)
    return known >= 2


def _office(file) -> Kind | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                if archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument"):
                    return OPEN_DOCUMENT
                return None
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in (("word/", WORD), ("xl/", EXCEL), ("ppt/", POWERPOINT)):
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def kind_of(file) -> Kind | None:
    """The kind of document ``file`` (open, binary, seekable) holds, or None."""
    file.seek(0)
    start = file.read(4096)
    file.seek(0)
    kind = None
    if start.startswith(b"%PDF-"):
        kind = PDF
    elif start.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif start.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif start[4:8] == b"ftyp" and start[8:12] in (b"heic", b"heix", b"mif1", b"heif", b"msf1"):
        kind = HEIC
    elif start.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        kind = OUTLOOK
    elif start.startswith(b"PK\x03\x04"):
        kind = _office(file)
    elif _email(start):
        kind = EMAIL
    file.seek(0)
    return kind


def problem(file, name: str) -> tuple[Kind | None, str | None]:
    """(the file's kind, None), or (None, what is wrong with it in plain words)."""
    kind = kind_of(file)
    if kind is None:
        return None, f"The file must be {ACCEPTED}: its contents are none of these"
    extension = PurePath(name).suffix.lower()
    claimed = next((k for k in KINDS if extension in k.extensions), None)
    if claimed is not None and claimed is not kind:
        return None, (f"The file's name says it is a {claimed.label}, but its contents are a "
                      f"{kind.label}: rename it or choose the right file")  # fmt: skip
    return kind, None
