"""The only door WeasyPrint has to the outside world while it renders a report.

The report's text comes from documents we did not write (a cell may hold
``<img src="file:///etc/passwd">`` or a stylesheet link to a listener).  The
templates escape all of it, so such strings never become markup; this fetcher
is the second wall: even if some markup slipped through, WeasyPrint could load
nothing but our own fonts and stylesheets from the templates folder.  Every
other URL (http, https, ftp, data:, file:// anywhere else, a symlink leading
out, an unexpected file type) is refused and recorded.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..resources import TEMPLATES

# What a template may legitimately load; anything else under templates/ stays unreachable too.
ALLOWED_SUFFIXES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
                    ".woff2": "font/woff2", ".css": "text/css"}


class RefusedURL(ValueError):
    """A URL the report may not load; WeasyPrint turns it into a warning and skips the resource."""


class AssetFetcher(URLFetcher):
    """Serves files under ``root`` with an allowed suffix and refuses everything else.

    ``requested`` keeps every URL WeasyPrint asked for and ``refused`` the ones
    turned down, so a caller (or a test) can prove what was touched.
    """

    def __init__(self, root: Path = TEMPLATES) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=False)
        self.root = Path(root).resolve()
        self.requested: list[str] = []
        self.refused: list[str] = []

    def resolve(self, url: str) -> Path:
        """The local file ``url`` names, or RefusedURL: the whole policy lives here."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file":
            raise RefusedURL(f"scheme not allowed: {url[:80]}")
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"remote file URL not allowed: {url[:80]}")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        try:
            path.relative_to(self.root)
        except ValueError:
            raise RefusedURL(f"outside the templates folder: {url[:80]}") from None
        if path.suffix.lower() not in ALLOWED_SUFFIXES:
            raise RefusedURL(f"file type not allowed: {url[:80]}")
        if not path.is_file():
            raise RefusedURL(f"no such asset: {url[:80]}")
        return path

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        self.requested.append(url)
        try:
            path = self.resolve(url)
        except RefusedURL:
            self.refused.append(url)
            raise
        mime = ALLOWED_SUFFIXES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime or "application/octet-stream"})
