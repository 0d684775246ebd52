"""Files that ship inside the package: the report templates and fonts, and the bundled example cards.

Read through ``importlib.resources`` so that a normal ``pip install .`` (not only
an editable checkout) can render a report from any folder.  WeasyPrint and our
asset fetcher need real paths, so the package must be installed as files (a
wheel unpacked into site-packages), not imported from a zip; that is said, not
assumed.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_dir(name: str) -> Path:
    """A folder of package data as a path on disk."""
    path = Path(str(files("pipeline") / name))
    if not path.is_dir():
        raise RuntimeError(f"the pipeline package is missing its {name}/ folder ({path}); reinstall it")
    return path


TEMPLATES = package_dir("templates")
EXAMPLES = package_dir("examples")
