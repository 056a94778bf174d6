"""The optional virus scan: ClamAV's daemon (clamd), spoken to over its socket with its
INSTREAM command, when ``CME_CLAMD_SOCKET`` (a Unix socket path) or ``CME_CLAMD_ADDRESS``
(host:port) is set. A file is refused if clamd finds anything, and refused too when clamd is
configured but does not answer: nothing unscanned gets in while scanning is on."""

import socket
import struct

from django.conf import settings

CHUNK = 64 * 1024


class ScanRefused(Exception):
    """What the scan says of the file, for the person uploading it."""


def is_configured() -> bool:
    return bool(settings.CME_CLAMD_SOCKET or settings.CME_CLAMD_ADDRESS)


def _connect() -> socket.socket:
    if settings.CME_CLAMD_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(settings.CME_CLAMD_TIMEOUT_SECONDS)
        sock.connect(settings.CME_CLAMD_SOCKET)
        return sock
    host, _, port = settings.CME_CLAMD_ADDRESS.rpartition(":")
    return socket.create_connection((host, int(port)), timeout=settings.CME_CLAMD_TIMEOUT_SECONDS)


def scan(file) -> bool:
    """True when scanned and clean; False when no scanner is configured. Raises ScanRefused
    when clamd finds something or cannot be asked."""
    if not is_configured():
        return False
    file.seek(0)
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := file.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0") and (part := sock.recv(4096)):
                answer += part
    except OSError:
        raise ScanRefused("The virus scanner is not answering, so the file has not been "
                          "attached: try again in a few minutes") from None  # fmt: skip
    finally:
        file.seek(0)
    said = answer.rstrip(b"\0").decode("utf-8", "replace")
    if said.endswith("OK"):
        return True
    if said.endswith("FOUND"):
        found = said.removeprefix("stream: ").removesuffix(" FOUND")
        raise ScanRefused(f"The virus scanner found {found} in the file: it has not been attached")
    raise ScanRefused("The virus scanner could not check the file, so it has not been attached")
