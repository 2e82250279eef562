# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Two processes on one work dir: a second ``tools/train.py`` is refused,
and a checkpoint another process is writing is never deleted."""
import multiprocessing as mp
import os
import runpy
import subprocess
import sys
import time

import pytest
from dccd_test_utils import REPO
from mmengine.runner import Runner

from mmrazor_dccd.engine import WorkDirLock
from mmrazor_dccd.engine.work_dir_lock import LOCK_FILE

pytestmark = pytest.mark.fast

TRAIN = f'{REPO}/tools/train.py'
DCCD_CFG = f'{REPO}/configs/dccd/dccd_r18w16_r18w4_mnist.py'


def _hold(work_dir, ready):
    with WorkDirLock(work_dir):
        ready.set()
        time.sleep(60)  # killed by the test (an Event would stay locked)


@pytest.fixture
def running_train(tmp_path):
    """Another process holding ``tmp_path``'s lock, as a live run does."""
    ctx = mp.get_context('fork')
    ready = ctx.Event()
    proc = ctx.Process(target=_hold, args=(str(tmp_path), ready))
    proc.start()
    assert ready.wait(30)
    yield proc
    proc.kill()
    proc.join(30)


def test_second_train_on_a_work_dir_is_refused(tmp_path, running_train,
                                               monkeypatch):
    """Fault: a second ``tools/train.py`` on the work dir of a running one
    (a second sweep of the same config: both exited 0, the second replaced
    every checkpoint and the config dump of the first).
    Error: ``RuntimeError: Another tools/train.py is running on the work dir
    '...' (PID <pid> on <host> ...) ... Fix: pass another --work-dir``,
    before the Runner writes anything; after the first ends the work dir is
    free again.
    """
    before = sorted(os.listdir(tmp_path))
    monkeypatch.syspath_prepend(f'{REPO}/tools')
    monkeypatch.setattr(sys, 'argv', [TRAIN, DCCD_CFG, '--work-dir',
                                      str(tmp_path)])
    with pytest.raises(RuntimeError) as err:
        runpy.run_path(TRAIN, run_name='__main__')
    msg = str(err.value)
    assert f'PID {running_train.pid} on' in msg
    assert 'Fix: pass another --work-dir' in msg and str(tmp_path) in msg
    assert sorted(os.listdir(tmp_path)) == before == [LOCK_FILE]
    # The kernel frees the lock of a process that ended (also if killed).
    running_train.kill()
    running_train.join(30)
    with WorkDirLock(str(tmp_path)):
        pass


def test_partial_checkpoint_of_a_live_writer_is_kept(dccd_cfg, tmp_path):
    """Fault: ``AtomicCheckpointHook.before_train`` with another process's
    checkpoint in flight in the work dir (was deleted:
    ``FileNotFoundError: ... iter_5.pth.partial-<pid> -> iter_5.pth``).
    Result: only partial files of dead writers (``*.partial-<pid>-*``, the
    PID not running) are removed; a live writer's file is kept.
    """
    dead = subprocess.Popen([sys.executable, '-c', 'pass'])
    dead.wait()
    live = subprocess.Popen([sys.executable, '-c',
                             'import time; time.sleep(60)'])
    try:
        stale = tmp_path / f'iter_4.pth.partial-{dead.pid}-0a1b2c3d'
        in_flight = tmp_path / f'iter_5.pth.partial-{live.pid}-0a1b2c3d'
        for path in (stale, in_flight):
            path.write_bytes(b'PK\x03\x04')
        Runner.from_cfg(dccd_cfg).train()
        assert in_flight.exists()
        assert not stale.exists()
    finally:
        live.kill()
        live.wait()
