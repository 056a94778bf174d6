"""Keep children's details out of logs: search terms travel in query strings."""

import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


class DropQueryStrings(logging.Filter):
    """Removes everything after '?' in URLs a log line carries (``?q=<a child's name>``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg = _QUERY.sub("?…", message)
            record.args = ()
        return True


class NoTracebackForRefusals(logging.Filter):
    """A page refused (403) is one line in the log, not a traceback: it is not a fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
