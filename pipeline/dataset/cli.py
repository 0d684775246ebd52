"""``python -m pipeline collect ROOT --out DATASET [--scheduler ADDRESS] [--workers N]``: its arguments and handler.

Registered by ``pipeline.run.cli`` (``add_parser`` in ``build_parser``, ``run`` in
``main``).  Exit status as everywhere: 0 when every file this run read was read,
1 when any failed (one line each, `FILE: reason`), 2 for bad usage or a cluster
that cannot run the tasks.
"""
from __future__ import annotations

import argparse
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("정수를 주세요") from None
    if n < 1:
        raise argparse.ArgumentTypeError("1 이상이어야 합니다")
    return n


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``collect`` subcommand, in the main parser's style (an "인자" group, and its "옵션" group when the
    main parser provides one)."""
    c = sub.add_parser(
        "collect", help="폴더 아래 모든 보고서 파일 → 기관·분기별 데이터셋 (여러 작업자·여러 컴퓨터에서 읽기)",
        description="ROOT 아래(깊이 무관)의 보고서 파일을 extract와 같은 방법으로 읽어 기관·분기별 Parquet 데이터셋에 "
                    "더합니다. 이미 읽은 파일(같은 sha256, 같은 파이프라인)은 다시 읽지 않습니다.\n"
                    "예: python -m pipeline collect 보고서 --out 데이터셋 --workers 2",
    )
    args = c.add_argument_group("인자")
    args.add_argument("root", type=Path, metavar="ROOT",
                      help="보고서 폴더: ROOT/<기관>/<분기>/… 권장 (기관·분기는 문서에서, 없으면 폴더 이름에서)")
    opts = getattr(c, "options", c)
    opts.add_argument("--out", required=True, type=Path, metavar="DATASET",
                      help="데이터셋 폴더 (꼭 필요; 없으면 만듭니다). 예: --out 데이터셋")
    opts.add_argument("--scheduler", metavar="ADDRESS",
                      help="이미 떠 있는 Dask 스케줄러 (기본: 이 컴퓨터에 LocalCluster). 예: --scheduler tcp://host:8786")
    opts.add_argument("--workers", type=_positive, default=None, metavar="N",
                      help="LocalCluster 작업자 프로세스 수 (기본: 코어 수). 예: --workers 2")
    opts.add_argument("--commit-every", type=_positive, default=200, metavar="N",
                      help="파일 N개마다(또는 1분마다) 데이터셋에 저장 (기본: 200)")
    opts.add_argument("--retry-failed", action="store_true", help="전에 실패한 파일도 다시 읽습니다 (기본: 안 읽음)")
    opts.add_argument("--prune", action="store_true", help="ROOT에 더는 없는 파일의 행을 데이터셋에서 뺍니다 (기본: 남김)")
    opts.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                      help="내부 오류의 자세한 내용(영문 traceback)을 보여 줍니다 — 개발자용 (기본: 끔)")
    return c


def run(args: argparse.Namespace) -> int:
    from ..run.console import err
    from .collect import collect
    from .commit import DatasetBusy
    from .engine import ClusterProblem

    if not args.root.is_dir():
        err(f"{args.root}: 폴더가 아닙니다 — 보고서 파일이 든 폴더를 주세요")
        return EXIT_USAGE
    if args.scheduler and args.workers:
        err("--workers는 LocalCluster에만 씁니다 — --scheduler의 작업자 수는 클러스터 쪽에서 정합니다")
        return EXIT_USAGE
    try:
        s = collect(args.root, args.out, scheduler=args.scheduler, workers=args.workers,
                    every_files=args.commit_every, retry_failed=args.retry_failed, prune=args.prune,
                    debug=getattr(args, "debug", False))
    except DatasetBusy:
        err(f"{args.out}: 다른 collect 실행이 이 데이터셋에 쓰고 있습니다 — 그 실행이 끝난 뒤 다시 하세요")
        return EXIT_USAGE
    except ClusterProblem as exc:
        err(f"{args.scheduler or 'LocalCluster'}: {exc}")
        return EXIT_USAGE
    except OSError as exc:
        err(f"{exc.filename or args.out}: 데이터셋을 쓸 수 없습니다 ({exc.strerror or exc})")
        return EXIT_USAGE
    if s.replayed:
        print(f"지난 실행이 멈춘 저장을 마쳤습니다 ({s.replayed}건)")
    line = f"파일 {s.seen}개: 이번에 읽음 {s.read}개 (성공 {s.ok}, 실패 {len(s.failed)}), 이미 읽음 {s.up_to_date}개"
    if s.not_report:
        line += f", 보고서 아님 {s.not_report}개"
    print(line + f"; 데이터셋 {args.out} (공약사업 {s.items}건, {s.seconds:.0f}초)")
    if s.warnings:
        print(f"깨끗이 읽지 못한 칸 경고 {s.warnings}건 — findings 데이터셋의 extraction_warning을 보세요")
    if s.retry:
        print(f"클러스터 문제로 못 읽은 파일 {s.retry}개 — 다시 실행하면 그 파일만 읽습니다")
    if s.recorded_failures:
        print(f"전에 실패한 파일 {s.recorded_failures}개는 그대로 둡니다 (manifest.parquet의 status·reason; "
              "--retry-failed로 다시 읽기)")
    if s.missing:
        print(f"ROOT에 더는 없는 파일 {s.missing}개의 행은 데이터셋에 남겨 둡니다 (--prune으로 빼기)")
    if s.pruned:
        print(f"ROOT에 더는 없는 파일 {s.pruned}개의 행을 뺐습니다")
    return EXIT_FAILED if s.failed else EXIT_OK
