# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""A benchmark's `--jobs N` workers stop when the benchmark is killed, so a
restarted benchmark never runs beside orphans of the old one (which could
train the same runs twice)."""
import os
import os.path as osp
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from benchmarks.common import workers

pytestmark = pytest.mark.fast

WORKER = '''
import os, sys, time
from benchmarks.common import workers
index, runs = workers.share(sys.argv[sys.argv.index('--queue') + 1])
out = sys.argv[1]
for run in workers.while_parent_lives(runs):
    with open(os.path.join(out, f'worker{index}.pid'), 'w') as f:
        f.write(str(os.getpid()))
    time.sleep(run)
'''

PARENT = '''
import sys
from benchmarks.common import workers
workers.start('fake_worker', [sys.argv[1]], sys.argv[1] + '/queue.json',
              [60, 60], 2)
'''


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited: it only waits for its (gone) parent to reap it.
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().split(')')[-1].split()[0] != 'Z'
    except FileNotFoundError:
        return False


def _wait_for(predicate, timeout: float) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_killed_parent_takes_its_workers_with_it(tmp_path):
    (tmp_path / 'fake_worker.py').write_text(textwrap.dedent(WORKER))
    (tmp_path / 'parent.py').write_text(textwrap.dedent(PARENT))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(tmp_path), workers.REPO]))
    parent = subprocess.Popen([sys.executable, str(tmp_path / 'parent.py'),
                               str(tmp_path)], env=env)
    pids = [tmp_path / f'worker{i}.pid' for i in range(2)]
    try:
        assert _wait_for(lambda: all(p.exists() and p.read_text()
                                     for p in pids), 60), \
            'the workers never started'
        worker_pids = [int(p.read_text()) for p in pids]
        assert all(_alive(pid) for pid in worker_pids)
        parent.send_signal(signal.SIGKILL)  # no clean-up code runs
        parent.wait()
        assert _wait_for(lambda: not any(_alive(p) for p in worker_pids),
                         20), 'a worker outlived the killed benchmark'
    finally:
        for p in pids:
            if p.exists() and p.read_text():
                try:
                    os.kill(int(p.read_text()), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if parent.poll() is None:
            parent.kill()


def test_worker_of_a_gone_parent_stops_before_its_next_run(monkeypatch):
    monkeypatch.setenv('DCCD_WORKER_PARENT', str(os.getppid() + 10**6))
    with pytest.raises(SystemExit, match='stopped'):
        next(workers.while_parent_lives([1, 2]))
    monkeypatch.setenv('DCCD_WORKER_PARENT', str(os.getppid()))
    assert list(workers.while_parent_lives([1, 2])) == [1, 2]


def test_start_reports_a_failed_worker(tmp_path, monkeypatch):
    (tmp_path / 'failing_worker.py').write_text('raise SystemExit(3)\n')
    monkeypatch.setenv('PYTHONPATH', os.pathsep.join(
        filter(None, [str(tmp_path), os.environ.get('PYTHONPATH')])))
    with pytest.raises(SystemExit, match='Rerun to resume'):
        workers.start('failing_worker', [], osp.join(tmp_path, 'q.json'),
                      [1], 1)
