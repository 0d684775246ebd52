"""The extraction cache: a file's contract tables keyed by its bytes, the pipeline's code and --quarter.

Re-running ``make report`` on unchanged inputs must not read them again; a
changed normaliser must not serve stale rows, so the key includes a hash of the
pipeline's own code.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Optional

from .. import __version__


def code_fingerprint() -> str:
    """Pipeline version plus a hash of its code: a changed normaliser must not serve stale rows."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent.parent
    for p in sorted(root.rglob("*.py")):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


class Cache:
    """Extraction results keyed by (source sha256, pipeline code, --quarter); a miss just recomputes."""

    def __init__(self, folder: Optional[Path]) -> None:
        self.folder = folder
        self.code = code_fingerprint() if folder else ""

    def _path(self, digest: str, quarter: Optional[str]) -> Path:
        assert self.folder is not None
        return self.folder / f"{digest}-{self.code}-{quarter or 'auto'}.pkl"

    def _trusted(self, p: Path) -> bool:
        """A pickle runs code when loaded: only load what this user wrote into a folder nobody else can write."""
        try:
            for q in (self.folder, p):
                st = q.stat()
                if st.st_uid != os.getuid() or st.st_mode & 0o022:
                    return False
        except OSError:
            return False
        return True

    def get(self, digest: str, quarter: Optional[str]) -> Optional[dict]:
        if not self.folder:
            return None
        p = self._path(digest, quarter)
        if not self._trusted(p):
            return None
        try:
            with open(p, "rb") as f:
                return pickle.load(f)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
            return None

    def put(self, digest: str, quarter: Optional[str], value: dict) -> None:
        if not self.folder:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.folder, 0o700)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._path(digest, quarter))
        except OSError:
            pass  # a cache that cannot be written is only slower
