"""Command line: ``python -m pipeline extract | tables | report | diff`` — in Korean, for a clerk.

Exit status everywhere: 0 when every input was read, 1 when any input failed or
something could not be written (each one line ``FILE: reason`` on stderr, the
rest still done), 2 for bad usage (a missing or wrong path, an unknown option).
No traceback reaches the user; ``--debug`` shows the English one for developers.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import traceback
from pathlib import Path
from typing import NoReturn, Optional, Sequence

from .. import __version__
from ..dataset import cli as collect_cli
from .console import err

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _quarter(value: str) -> str:
    from ..vocab import is_quarter

    v = value.strip().upper().replace("-", "")
    if not is_quarter(v):
        raise argparse.ArgumentTypeError(f"분기는 2021Q4처럼 씁니다 (받은 값: {value!r})")
    return v


def _jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"작업 프로세스 수는 정수로 씁니다 ({value!r})") from None
    if n < 1:
        raise argparse.ArgumentTypeError("작업 프로세스 수는 1 이상이어야 합니다")
    return n


# argparse's own messages, in Korean (the rest of a message — names, values — is kept).
_ARGPARSE_WORDS = [
    (re.compile(r"^the following arguments are required: (.*)$"), "꼭 필요한 인자가 빠졌습니다: {0}"),
    (re.compile(r"^unrecognized arguments: (.*)$"), "알 수 없는 인자입니다: {0}"),
    (re.compile(r"^argument (\S+): invalid choice: (\S+) \(choose from (.*)\)$"),
     "{0}: 알 수 없는 값 {1} (다음 중 하나: {2})"),
    (re.compile(r"^argument (\S+): expected one argument$"), "{0} 뒤에 값이 하나 필요합니다"),
    (re.compile(r"^argument (\S+): expected at least one argument$"), "{0} 뒤에 값이 하나 이상 필요합니다"),
    (re.compile(r"^argument (\S+): invalid \S+ value: (.*)$"), "{0}: 잘못된 값 {1}"),
    (re.compile(r"^argument (\S+): (.*)$"), "{0}: {1}"),
    (re.compile(r"^ambiguous option: (\S+) could match (.*)$"), "{0}만으로는 옵션을 정할 수 없습니다 (후보: {1})"),
]


def korean_usage_error(message: str) -> str:
    for pattern, words in _ARGPARSE_WORDS:
        m = pattern.match(message)
        if m:
            return words.format(*m.groups())
    return message


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        return super().add_usage(usage, actions, groups, "사용법: " if prefix is None else prefix)


class KoreanParser(argparse.ArgumentParser):
    """argparse with Korean headings and usage errors (one line and the usage, exit 2)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.options = self.add_argument_group("옵션")
        self.options.add_argument("-h", "--help", action="help", help="이 도움말을 보여 주고 끝냅니다")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: 사용법 오류: {korean_usage_error(message)}\n")


_DEBUG_HELP = "내부 오류의 자세한 내용(영문 traceback)을 보여 줍니다 — 개발자용 (기본: 끔)"


def _pages(value: str) -> list[int]:
    """``3``, ``2-5``, ``1,4`` or ``1,3-5`` → sorted distinct page numbers."""
    out: set[int] = set()
    try:
        for part in value.split(","):
            a, _, b = part.strip().partition("-")
            lo, hi = int(a), int(b) if b else int(a)
            if lo < 1 or hi < lo or hi - lo > 100_000:
                raise ValueError
            out.update(range(lo, hi + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--pages takes pages like 3, 2-5 or 1,4, not {value!r}") from None
    return sorted(out)


def build_parser() -> argparse.ArgumentParser:
    from .workers import WORKER_MEMORY_BYTES, default_jobs

    jobs_help = (f"동시에 읽는 작업 프로세스 수 (기본: 이 컴퓨터에서 {default_jobs()}개 — 코어 수, 단 작업 하나에 메모리 "
                 f"{WORKER_MEMORY_BYTES // 1024 ** 3} GB씩 해서 전체 메모리의 절반까지). 예: --jobs 2")
    p = KoreanParser(
        prog="python -m pipeline",
        description="공약사업 추진상황 카드(PDF, HWP, HWPX)를 계약 CSV로 읽고, 분기별로 보관하고, 비교하고, 보고서를 만듭니다.",
        epilog="명령마다 도움말: python -m pipeline 명령 --help  (예: python -m pipeline report --help)",
    )
    p.options.add_argument("--version", action="version", version=f"pledge-pipeline {__version__}",
                           help="버전을 보여 주고 끝냅니다")
    p.options.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    sub = p.add_subparsers(dest="command", required=True, metavar="명령", title="명령", parser_class=KoreanParser)

    e = sub.add_parser("extract", help="카드 파일을 items/budget/plan/performance/findings CSV로 읽습니다",
                       description="카드 파일을 읽어 CSV 다섯 개(items, budget, plan, performance, findings)를 씁니다.\n"
                       "예: python -m pipeline extract input/카드.pdf --out output/csv")
    ea = e.add_argument_group("인자")
    ea.add_argument("files", nargs="+", type=Path, metavar="FILE",
                    help="읽을 카드 파일, 여러 개 가능 (PDF, HWP, HWPX — 형식은 내용으로 알아냄). 예: input/카드.pdf")
    e.options.add_argument("--out", required=True, type=Path, metavar="DIR",
                           help="CSV 다섯 개를 쓸 폴더 (꼭 필요; 없으면 만듦). 예: --out output/csv")
    e.options.add_argument("--quarter", type=_quarter, metavar="분기",
                           help="문서에 보고 분기가 적혀 있지 않을 때 쓸 분기 (기본: 문서에서 찾음). 예: --quarter 2021Q4")
    e.options.add_argument("--jobs", type=_jobs, default=None, metavar="N", help=jobs_help)
    e.options.add_argument("--no-cache", action="store_true",
                           help="같은 파일을 전에 읽은 결과를 쓰지 않고 새로 읽습니다 (기본: 다시 씀)")
    e.options.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)

    t = sub.add_parser("tables", help="리더가 찾은 표를 칸마다 보여 줍니다 (숫자가 이상할 때)",
                       description="리더가 찾은 표를 칸마다(쪽, 위치, 병합 포함) 보여 줍니다.\n"
                       "예: python -m pipeline tables input/카드.pdf --pages 2-5")
    t.add_argument_group("인자").add_argument("file", type=Path, metavar="FILE", help="볼 파일. 예: input/카드.pdf")
    t.options.add_argument("--json", action="store_true", help="JSON 배열 하나로 (표 하나가 요소 하나; 기본: 글로)")
    t.options.add_argument("--pages", type=_pages, metavar="PAGES",
                           help="PDF의 이 쪽만 (기본: 모든 쪽). 예: --pages 3, --pages 2-5, --pages 1,4")
    t.options.add_argument("--png", type=Path, metavar="DIR",
                           help="PDF의 쪽마다 리더가 찾은 선·칸·행/열을 그린 PNG를 DIR에 씁니다 (--pages와 함께 쓰면 그 쪽만)")
    t.options.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)

    r = sub.add_parser("report", help="input/ → 읽기 → 보관 → 보고서 → 비교 (make report가 하는 일)",
                       description="입력 폴더의 카드를 읽어 분기별로 보관하고, 보고서와 전 분기 대비 변경 내역을 만듭니다.\n"
                       "예: python -m pipeline report --quarter 2023Q2   (make report ARGS=\"--quarter 2023Q2\")")
    r.options.add_argument("--input", type=Path, default=Path("input"), metavar="DIR",
                           help="카드 파일을 넣은 폴더, 하위 폴더까지 읽음 (기본: input). 예: --input 제출/2023Q2")
    r.options.add_argument("--output", type=Path, default=Path("output"), metavar="DIR",
                           help="결과를 쓸 폴더; 보관본은 그 안의 archive/에 쌓임 (기본: output). 예: --output 결과")
    r.options.add_argument("--quarter", type=_quarter, metavar="분기",
                           help="문서에 보고 분기가 적혀 있지 않을 때 쓸 분기 (기본: 문서에서 찾음). 예: --quarter 2023Q2")
    r.options.add_argument("--replace", action="store_true",
                           help="원본 파일이 그대로여도 지금 파이프라인으로 다시 읽어 다시 보관합니다; 이전 보관본은 남김 "
                           "(기본: 원본이 바뀐 분기만 저절로 다시 보관)")
    r.options.add_argument("--jobs", type=_jobs, default=None, metavar="N", help=jobs_help)
    r.options.add_argument("--no-pdf", action="store_true", help="report.pdf 없이 report.html만 씁니다 — 더 빠름 (기본: 둘 다)")
    r.options.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)

    d = sub.add_parser("diff", help="두 분기를 비교합니다 (보관된 분기나 CSV 폴더)",
                       description="두 분기의 계약 표를 비교해 diff.csv, diff.html, diff.pdf를 씁니다.\n"
                       "예: python -m pipeline diff 2023Q1 2023Q2 --out output/비교")
    da = d.add_argument_group("인자")
    da.add_argument("old", metavar="OLD", help="앞 분기: 보관된 분기(예: 2023Q1) 또는 CSV가 든 폴더")
    da.add_argument("new", metavar="NEW", help="뒤 분기: 보관된 분기(예: 2023Q2) 또는 CSV가 든 폴더")
    d.options.add_argument("--out", required=True, type=Path, metavar="DIR",
                           help="diff.csv, diff.html, diff.pdf를 쓸 폴더 (꼭 필요). 예: --out output/비교")
    d.options.add_argument("--archive", type=Path, default=Path("output/archive"), metavar="DIR",
                           help="보관본 폴더 (기본: output/archive)")
    d.options.add_argument("--no-pdf", action="store_true", help="diff.pdf 없이 diff.csv와 diff.html만 (기본: 셋 다)")
    d.options.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)
    collect_cli.add_parser(sub)
    return p


def _not_a_folder(path: Path) -> Optional[str]:
    if path.exists() and not path.is_dir():
        return f"{path}: 폴더 자리에 파일이 있습니다 — 결과를 쓸 폴더를 지정하세요"
    return None


# ----------------------------------------------------------------------------- extract

def cmd_extract(args: argparse.Namespace) -> int:
    from ..errors import OutputError
    from .batch import print_outcomes, process_files, write_csvs

    bad_out = _not_a_folder(args.out)
    if bad_out:
        err(bad_out)
        return EXIT_USAGE
    cache_dir = None if args.no_cache else _cache_dir()
    results = process_files(args.files, quarter=args.quarter, jobs=args.jobs, cache_dir=cache_dir)
    failed = print_outcomes(results, args.debug)
    ok = len(results) - failed
    if not ok:
        print(f"파일 {len(results)}개 중 0개 읽음 — 읽은 파일이 없어 CSV를 쓰지 않았습니다 ({args.out})")
        return EXIT_FAILED
    try:
        write_csvs(results, args.out)
    except OSError as exc:
        err(str(OutputError(args.out, exc)))
        return EXIT_FAILED
    cached = sum(1 for r in results if r.cached)
    items = sum(len(r.tables.get("items", [])) for r in results if r.ok and r.tables)
    print(f"파일 {len(results)}개 중 {ok}개 읽음" + (f" ({cached}개는 이전 결과 재사용)" if cached else "")
          + f", 항목 {items}개 — CSV: {args.out}/")
    return EXIT_FAILED if failed else EXIT_OK


def _cache_dir() -> Optional[Path]:
    env = os.environ.get("PIPELINE_CACHE")
    if env == "off":
        return None
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pledge-pipeline"


# ----------------------------------------------------------------------------- tables

def _ranges(pages: list[int]) -> list[tuple[int, int]]:
    """Sorted pages as contiguous (first, last) ranges."""
    out: list[tuple[int, int]] = []
    for p in pages:
        if out and p == out[-1][1] + 1:
            out[-1] = (out[-1][0], p)
        else:
            out.append((p, p))
    return out


def cmd_tables(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..readers import backend_for
    from .batch import join_parts, read_part
    from .workers import run_tasks

    debug_dir: Optional[Path] = args.png
    ranges: list[Optional[tuple[int, int]]] = [None]
    if args.pages or debug_dir:
        try:
            paged = backend_for(args.file).paged
        except (InputError, OSError) as exc:
            err(f"{args.file}: {exc}")
            return EXIT_FAILED
        if not paged:
            err(f"{args.file}: --pages와 --png는 PDF에만 쓸 수 있습니다 (이 형식에는 정해진 쪽이 없습니다)")
            return EXIT_USAGE
        if args.pages:
            ranges = list(_ranges(args.pages))
    tasks = [(i, read_part, (args.file, r)) for i, r in enumerate(ranges)]
    if debug_dir:
        from ..readers.pdf.debug import write_debug_pages

        tasks.append(("png", write_debug_pages, (args.file, args.pages, debug_dir)))
    results = run_tasks(tasks, 1)
    for key in sorted(results, key=str):
        status, value, detail = results[key]
        if status != "ok":
            err(f"{args.file}: {value}")
            if args.debug and detail:
                err(detail)
            return EXIT_FAILED
    parts = [results[i][1] for i in range(len(ranges))]
    doc = parts[0] if len(parts) == 1 else join_parts(args.file, parts)
    if debug_dir:
        err(f"{args.file}: 쪽 그림 {len(results['png'][1])}장을 {debug_dir}에 썼습니다")
    if args.json:
        json.dump(doc.tables_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return EXIT_OK
    print(f"{args.file}: {doc.format.upper()}, 표 {len(doc.tables)}개"
          + (f", {doc.page_count}쪽" if doc.page_count else ""))
    for i, t in enumerate(doc.tables):
        where = f"{t.page}쪽" if t.page else "쪽 없음"
        box = f" 위치 {tuple(round(v, 1) for v in t.bbox)}" if t.bbox else ""
        parent = f" (표 {t.parent + 1} 안)" if t.parent is not None else ""
        links = "".join([f" (표 {t.continues + 1}에서 이어짐)" if t.continues is not None else "",
                         f" (표 {t.continued_by + 1}로 이어짐)" if t.continued_by is not None else ""])
        print(f"\n== 표 {i + 1}: {t.rows}행 × {t.cols}열, {where}{box}{parent}{links}")
        for c in sorted(t.cells, key=lambda c: (c.row, c.col)):
            span = ""
            if c.rowspan > 1 or c.colspan > 1:
                span = f" 병합 {c.rowspan}×{c.colspan}"
            text = c.text.replace("\n", "⏎")
            print(f"  [{c.row},{c.col}]{span}: {text}")
    return EXIT_OK


# ----------------------------------------------------------------------------- diff

def cmd_diff(args: argparse.Namespace) -> int:
    from ..errors import InputError, OutputError
    from .flow import load_side, write_diff
    from .summary import change_counts

    bad_out = _not_a_folder(args.out)
    if bad_out:
        err(bad_out)
        return EXIT_USAGE
    try:
        old_q, old = load_side(args.old, args.archive)
        new_q, new = load_side(args.new, args.archive)
    except (FileNotFoundError, InputError) as exc:
        err(str(exc))
        return EXIT_USAGE
    try:
        d, paths = write_diff(old, new, args.out, before=old_q, after=new_q, pdf=not args.no_pdf)
    except OSError as exc:
        err(str(OutputError(args.out, exc)))
        return EXIT_FAILED
    print(f"{old_q} → {new_q}: {change_counts(d)} — " + ", ".join(str(p) for p in paths))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from .flow import run_report

    return run_report(args)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "debug"):
        args.debug = False
    handlers = {"extract": cmd_extract, "tables": cmd_tables, "report": cmd_report, "diff": cmd_diff, "collect": collect_cli.run}
    from ..errors import OutputError

    try:
        return handlers[args.command](args)
    except OutputError as exc:  # nothing could be written where it had to be (the temporary folder, say)
        err(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        err("중단했습니다")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception:  # noqa: BLE001 — a bug of ours: one line, the traceback only for developers
        if args.debug:
            err(traceback.format_exc().rstrip())
        err("내부 오류로 멈췄습니다 — --debug를 붙여 다시 실행한 출력과 함께 파이프라인 담당자에게 알려 주세요")
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
