"""Documents on a case: attached only when their contents are a kind a case holds and within
the size limit, scanned when a scanner is configured, served only to those who may see the
case (404 to anyone else) and never kept by the browser, never deleted, only withdrawn."""

import io
import os
import socket
import struct
import threading
import zipfile

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from cases.errors import CaseError
from cases.models import AccessLogEntry, Document
from cme_tracker.core import roles
from tests.cases.factories import EnquiryFactory, EpisodeFactory
from tests.conftest import _user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
EMAIL = (b"From: Head <head@school.example>\r\nTo: cme@council.example\r\n"
         b"Subject: Pupil left\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n"
         b"\r\nHello\r\n")  # fmt: skip


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def upload(client, episode, name, content, **extra):
    return client.post(reverse("cases:document_add", args=[episode.pk]),
                       {"file": SimpleUploadedFile(name, content), "attached_to": "case",
                        **extra})  # fmt: skip


def stored_files() -> int:
    folder = storages["documents"].location
    return sum(len(files) for _, _, files in os.walk(folder)) if os.path.isdir(folder) else 0


def test_an_officer_attaches_a_pdf_and_downloads_it(client, officer):
    episode = EpisodeFactory(allocated_officer=officer)
    client.force_login(officer)
    response = upload(client, episode, "Letter from Oakwood about Tobi.pdf", PDF,
                      description="Letter from the last school")  # fmt: skip
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.kind, document.size, document.uploaded_by) == ("PDF", len(PDF), officer)
    assert "Tobi" not in document.file.name  # the storage keeps a name of its own
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "Letter from Oakwood about Tobi.pdf" in page and "Letter from the last school" in page
    download = client.get(reverse("cases:document", args=[episode.pk, document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "no-store" in download["Cache-Control"]
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/pdf"
    history = client.get(reverse("cases:history", args=[episode.pk])).content.decode()
    assert "Document attached" in history


@pytest.mark.parametrize("name, content, said", [
    ("photo.pdf", PNG, "name says it is a PDF, but its contents are a PNG image"),
    ("tool.exe", b"MZ\x90\x00" + b"\0" * 60, "its contents are none of these"),
    ("notes.txt", b"just some words\n", "its contents are none of these"),
    ("empty.pdf", b"", "The file is empty"),
])  # fmt: skip
def test_a_file_that_is_not_a_document_is_refused_and_nothing_kept(
    client, officer, name, content, said
):
    episode = EpisodeFactory(allocated_officer=officer)
    before = stored_files()
    client.force_login(officer)
    response = upload(client, episode, name, content)
    assert response.status_code == 200 and said.lower() in response.content.decode().lower()
    assert not Document.objects.exists() and stored_files() == before


@pytest.mark.parametrize("name, content, kind", [
    ("visit.png", PNG, "PNG image"), ("email.eml", EMAIL, "Email"),
    ("report.docx", docx(), "Word document"), ("letter", PDF, "PDF"),
])  # fmt: skip
def test_each_kind_is_known_by_its_contents(officer, name, content, kind):
    episode = EpisodeFactory(allocated_officer=officer)
    document = services.document_attach(episode=episode, by=officer,
                                        upload=SimpleUploadedFile(name, content))  # fmt: skip
    assert document.kind == kind


def test_a_file_over_the_size_limit_is_refused(client, officer, settings):
    settings.CME_UPLOAD_MAX_MB = 1
    episode = EpisodeFactory(allocated_officer=officer)
    client.force_login(officer)
    response = upload(client, episode, "big.pdf", PDF + b"0" * (1536 * 1024))
    assert "it must be 1 MB or smaller" in response.content.decode()
    assert not Document.objects.exists()


def test_a_document_is_404_to_anyone_who_may_not_see_the_case(client, officer, school_user):
    episode = EpisodeFactory(allocated_officer=officer, is_sensitive=True)
    document = services.document_attach(episode=episode, by=officer,
                                        upload=SimpleUploadedFile("refuge.pdf", PDF))  # fmt: skip
    url = reverse("cases:document", args=[episode.pk, document.pk])
    client.force_login(school_user)
    assert client.get(url).status_code == 404
    colleague = _user_with_role(roles.CME_OFFICER)
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    look = AccessLogEntry.objects.get(user=colleague)
    assert (look.episode_id, look.details_shown) == (episode.pk, False)
    assert "refuge.pdf" not in client.get(episode.get_absolute_url()).content.decode()
    client.force_login(officer)
    assert client.get(url).status_code == 200
    wrong_case = EpisodeFactory(allocated_officer=officer)
    assert client.get(reverse("cases:document", args=[wrong_case.pk, document.pk])
                      ).status_code == 404  # fmt: skip


def test_a_document_is_withdrawn_with_a_reason_and_kept(client, officer):
    episode = EpisodeFactory(allocated_officer=officer)
    document = services.document_attach(episode=episode, by=officer,
                                        upload=SimpleUploadedFile("wrong.pdf", PDF))  # fmt: skip
    client.force_login(officer)
    url = reverse("cases:document_withdraw", args=[episode.pk, document.pk])
    assert "Say why the document is being withdrawn" in client.post(url, {"reason": ""}
                                                                    ).content.decode()  # fmt: skip
    assert client.post(url, {"reason": "Attached to the wrong case"}).status_code == 302
    document.refresh_from_db()
    assert document.is_withdrawn and document.withdrawn_by == officer
    assert document.file.storage.exists(document.file.name)  # never deleted
    assert client.get(reverse("cases:document", args=[episode.pk, document.pk])
                      ).status_code == 404  # fmt: skip
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "Withdrawn" in page and "Attached to the wrong case" in page
    with pytest.raises(CaseError, match="already been withdrawn"):
        services.document_withdraw(document=document, reason="again", by=officer)


def test_a_document_goes_with_an_enquiry_or_a_note(client, officer):
    episode = EpisodeFactory(allocated_officer=officer)
    enquiry = EnquiryFactory(episode=episode, made_to="Oakwood Primary")
    client.force_login(officer)
    response = upload(client, episode, "reply.eml", EMAIL, attached_to=f"enquiry-{enquiry.pk}")
    assert response.status_code == 302
    assert Document.objects.get().enquiry == enquiry
    other = EnquiryFactory()  # another case's: not offered, so not taken
    response = upload(client, episode, "x.eml", EMAIL, attached_to=f"enquiry-{other.pk}")
    assert response.status_code == 200 and Document.objects.count() == 1


class _Clamd(threading.Thread):
    """A scanner speaking clamd's INSTREAM protocol on a Unix socket: it finds the EICAR test
    string, and passes anything else."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        self.server.listen()

    def run(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                assert conn.recv(10) == b"zINSTREAM\0"
                data = b""
                while True:
                    size = struct.unpack("!L", self._exactly(conn, 4))[0]
                    if not size:
                        break
                    data += self._exactly(conn, size)
                found = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in data
                conn.sendall(b"stream: Eicar-Signature FOUND\0" if found else b"stream: OK\0")

    @staticmethod
    def _exactly(conn, n):
        data = b""
        while len(data) < n:
            data += conn.recv(n - len(data))
        return data


def test_the_virus_scan_when_configured(client, officer, settings, tmp_path):
    path = tmp_path / "clamd.sock"
    scanner = _Clamd(path)
    scanner.start()
    settings.CME_CLAMD_SOCKET = str(path)
    episode = EpisodeFactory(allocated_officer=officer)
    clean = services.document_attach(episode=episode, by=officer,
                                     upload=SimpleUploadedFile("ok.pdf", PDF))  # fmt: skip
    assert clean.scanned
    infected = PDF + b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    client.force_login(officer)
    response = upload(client, episode, "bad.pdf", infected)
    assert "The virus scanner found Eicar-Signature in the file" in response.content.decode()
    scanner.server.close()
    settings.CME_CLAMD_SOCKET = str(tmp_path / "nobody-here.sock")
    response = upload(client, episode, "later.pdf", PDF)
    assert "The virus scanner is not answering" in response.content.decode()
    assert Document.objects.count() == 1
