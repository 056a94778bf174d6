"""Uploads past ``CME_UPLOAD_MAX_MB`` are not kept: the bytes beyond the limit are read and
dropped, so a huge upload cannot fill the disk, while the file's real size is still known
and the form can say how large it was and what the limit is."""

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler


def upload_limit() -> int:
    """The largest upload kept, in bytes."""
    return settings.CME_UPLOAD_MAX_MB * 1024 * 1024


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Writes an upload to a temporary file up to the limit, and only counts the rest."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received <= upload_limit():
            self.file.write(raw_data)
        return None  # the chunk stops here, kept or not

    def file_complete(self, file_size):
        return super().file_complete(self.received)


def too_large(upload) -> str | None:
    """What is wrong with an upload's size, in plain words, or None."""
    if upload.size <= upload_limit():
        return None
    return (
        f"The file is {upload.size / (1024 * 1024):,.1f} MB: it must be "
        f"{settings.CME_UPLOAD_MAX_MB} MB or smaller. Split it into smaller files"
    )


def spreadsheet_problem(upload) -> str | None:
    """What is wrong with an upload of a CSV or XLSX file before it is read, or None."""
    if not upload.name.lower().endswith((".csv", ".xlsx")):
        return "The file must be a CSV or an Excel (.xlsx) file"
    return too_large(upload)
