"""The clerk's words for an HWP or HWPX file the readers refuse, in one place so every refusal reads alike.

A refusal is one Korean line: what is wrong with the file, then what to do.  The
technical detail (a stream or zip member name, a sector number) stays in the
line after the plain statement, because it is what the pipeline's engineers
need when the office sends the file on; a library's own English text never goes
in (it is summarised by kind where that helps, ``zip_reason``).
"""
from __future__ import annotations

import zipfile
import zlib

RESAVE = "원본을 한글에서 다시 저장해 제출하세요"
CHECK_REAL = "실제 공약 보고서인지 확인하세요"
HWP3 = "HWP 3.x 파일은 읽을 수 없습니다 — 한글에서 HWP 5.0/HWPX 또는 PDF로 저장해 다시 제출하세요"
NOT_HWP = "HWP 5.0 파일이 아닙니다 ({}) — 카드를 PDF, HWP, HWPX 중 하나로 제출하세요"
PASSWORD = "암호가 걸린 {kind}입니다 — 한글에서 암호를 풀고 저장해 다시 제출하세요"


def damaged(kind: str, detail: str) -> str:
    """`HWP 파일이 손상되었습니다: … — 원본을 한글에서 다시 저장해 제출하세요` (kind: HWP or HWPX)."""
    return f"{kind} 파일이 손상되었습니다: {detail} — {RESAVE}"


def too_big(detail: str) -> str:
    """A size limit passed: the detail says which part and which limit."""
    return f"{detail} — {CHECK_REAL}"


def password(kind: str) -> str:
    return PASSWORD.format(kind=kind)


def zip_reason(exc: BaseException) -> str:
    """What went wrong inflating a zip member, by the kind of failure (zipfile's and zlib's texts are English)."""
    text = str(exc)
    if isinstance(exc, zipfile.BadZipFile) and "CRC" in text:
        return "검사값(CRC)이 맞지 않습니다"
    if isinstance(exc, NotImplementedError):
        return "지원하지 않는 압축 방식입니다"
    if isinstance(exc, EOFError):
        return "압축 데이터가 중간에 끊겼습니다"
    if isinstance(exc, zlib.error):
        return "압축 데이터가 손상되었습니다"
    return "압축을 풀 수 없습니다"
