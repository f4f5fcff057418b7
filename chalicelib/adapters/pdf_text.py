"""A PDF's text, for the regulations library's search: pypdf (already the scan's PDF parser),
imported on first use. A PDF without a text layer (a scan of paper) gives no words: the entry is
still found by its number, title and summary."""

from __future__ import annotations

import io
import logging

logger = logging.getLogger(__name__)

MAX_PAGES = 300
MAX_CHARS = 2_000_000


def extract_text(data: bytes) -> tuple[str, int | None]:
    """(the text of its first MAX_PAGES pages, its page count); ("", None) when it cannot be read."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = len(reader.pages)
        parts, size = [], 0
        for page in reader.pages[:MAX_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > MAX_CHARS:
                break
        return "\n".join(parts)[:MAX_CHARS], pages
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError):
        logger.warning("a library PDF's text could not be read", exc_info=True)
        return "", None
