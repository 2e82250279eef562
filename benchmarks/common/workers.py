# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The worker processes of a benchmark's ``--jobs N``: N single-threaded
processes, each running its share of one queue of runs.

A worker dies with its parent. Killing a benchmark's main process (a
stopped session, Ctrl-C, ``kill``) used to leave its workers running the
old queue; a restarted benchmark then ran beside them and could train the
same runs twice. Now the kernel sends each worker SIGTERM when the parent
dies (Linux ``PR_SET_PDEATHSIG``), and every worker also checks before
each run that its parent is still the one that started it, and stops if
not (other systems).
"""
import ctypes
import json
import os
import signal
import subprocess
import sys
from typing import Iterator, List, Sequence, Tuple

from mmrazor_dccd.engine.fileio import atomic_write
from .runs import REPO

PR_SET_PDEATHSIG = 1


def start(module: str, argv: Sequence[str], queue: str, runs: list,
          jobs: int) -> None:
    """Write ``runs`` to ``queue`` and run ``python -m module *argv --queue
    queue:i:jobs`` for i < jobs (one thread each); wait for all of them. If
    this process is stopped, the workers are stopped with it."""
    atomic_write(json.dumps(runs), queue)
    env = dict(os.environ, OMP_NUM_THREADS='1',
               DCCD_WORKER_PARENT=str(os.getpid()),
               PYTHONPATH=os.pathsep.join(
                   filter(None, [REPO, os.environ.get('PYTHONPATH')])))
    procs = [subprocess.Popen(
        [sys.executable, '-m', module, *argv, '--queue',
         f'{queue}:{i}:{jobs}'], env=env, cwd=REPO) for i in range(jobs)]
    try:
        failed = [p.wait() for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait()
    if any(failed):
        raise SystemExit('A benchmark worker failed; see its output above. '
                         'Rerun to resume: finished runs are kept.')


def die_with_parent() -> None:
    """Ask the kernel for SIGTERM when the parent dies (Linux); a no-op
    elsewhere, where :func:`share` checks the parent between runs."""
    if not sys.platform.startswith('linux'):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def parent_alive() -> bool:
    """Whether the benchmark process that started this worker still is
    its parent."""
    parent = os.environ.get('DCCD_WORKER_PARENT')
    return parent is None or os.getppid() == int(parent)


def share(queue_arg: str) -> Tuple[str, List]:
    """``(index, runs)``: this worker's share of the queue named by
    ``--queue path:index:jobs``. Arms :func:`die_with_parent`."""
    die_with_parent()
    if not parent_alive():
        raise SystemExit('The benchmark that started this worker has '
                         'stopped; this worker stops too.')
    path, index, jobs = queue_arg.rsplit(':', 2)
    with open(path) as f:
        return index, json.load(f)[int(index)::int(jobs)]


def while_parent_lives(runs: list) -> Iterator:
    """Yield the runs one by one while the parent lives."""
    for run in runs:
        if not parent_alive():
            raise SystemExit('The benchmark that started this worker has '
                             'stopped; this worker stops too (a rerun '
                             'resumes).')
        yield run
