"""The one check that a line a clerk reads is Korean: what English words are left once names are taken out.

Taken out first: file paths and file names, option names (``--quarter``), quoted text (a cell's text is data,
quoted as ``'…'``), and the names in ``ALLOWED`` / ``NAME_PHRASES`` — formats, units, the file-format parts a
reader's refusal names (``OLE``, ``FileHeader``, ``MediaBox``), command and placeholder names.  Whatever
word of three or more Latin letters is left is English prose.  Used by test_office_words (what the CLI prints)
and test_messages_korean (what the readers, the normaliser and the quarter combiner say).
"""
from __future__ import annotations

import re
from typing import Iterable

# Names, not prose: formats, units, command and placeholder names, default folder names, the version string,
# and the parts of a file a reader's message names (so an engineer can find them in the file).
ALLOWED = {
    "pdf", "hwp", "hwpx", "csv", "json", "html", "xlsx", "mb", "gb", "sha256", "traceback", "python", "pipeline",
    "make", "args", "extract", "tables", "report", "diff", "file", "dir", "old", "new", "input", "output",
    "archive", "pledge", "replaced", "pages", "png", "items", "budget", "plan", "performance", "findings",
    "collect",
    # format parts named by the readers
    "ole", "zip", "xml", "doctype", "crc", "ocr", "fat", "difat", "minifat", "fileheader", "xref", "cmap",
    "mediabox", "cropbox", "xobject",
}
# Names of more than one word: the paper size pdfminer falls back to, the PDF object a form is.
NAME_PHRASES = ("US Letter", "Form XObject")
PATHISH = re.compile(r"'[^']*'|\S*[/\\]\S*|\S+\.(?:pdf|hwp|hwpx|csv|txt|xlsx|html|json|xml)\b|--?[a-z][a-z-]*",
                     re.I)
WORD = re.compile(r"[A-Za-z]{3,}")


def english(line: str, foreign: Iterable[str] = ()) -> list[str]:
    """The English words of ``line`` once names, paths, options, quoted data and ``foreign`` texts are out."""
    for text in sorted(foreign, key=len, reverse=True):
        line = line.replace(text, " ")
    for phrase in NAME_PHRASES:
        line = line.replace(phrase, " ")
    line = PATHISH.sub(" ", line)
    return [w for w in WORD.findall(line) if w.lower() not in ALLOWED]
