# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Safe checkpoint loading and crash-safe checkpoint saving."""
import argparse
import io
import os
import os.path as osp
import signal
import time

import pytest
import torch
from mmengine.fileio import LocalBackend
from mmengine.hooks import CheckpointHook
from mmengine.runner import Runner, load_checkpoint

from mmrazor.registry import MODELS
from mmrazor_dccd.engine import (AtomicCheckpointHook, AtomicLocalBackend,
                                 UnsafeCheckpointError)


def _refused(tmp_path):
    """A teacher checkpoint that also pickles an arbitrary global."""
    path = str(tmp_path / 'evil.pth')
    torch.save({'state_dict': {}, 'args': argparse.Namespace(lr=0.1)}, path)
    return path


def test_arbitrary_global_is_refused_with_the_fix(dccd_cfg, tmp_path):
    path = _refused(tmp_path)
    with pytest.raises(UnsafeCheckpointError) as info:
        load_checkpoint(torch.nn.Linear(2, 2), path)
    msg = str(info.value)
    assert '`argparse.Namespace`' in msg and 'arbitrary code' in msg
    assert 'torch.serialization.add_safe_globals([Namespace])' in msg
    assert len(msg) < 800 and 'weights_only=False' not in msg
    # The same through the DCCD teacher and through --resume.
    dccd_cfg.model.teacher_ckpt = path
    with pytest.raises(UnsafeCheckpointError, match='Namespace'):
        MODELS.build(dccd_cfg.model)
    dccd_cfg.model.teacher_ckpt = None
    dccd_cfg.update(resume=True, load_from=path)
    with pytest.raises(UnsafeCheckpointError, match='Namespace'):
        Runner.from_cfg(dccd_cfg).train()


def _die_in_child(write):
    """Run ``write`` in a forked child that SIGKILLs itself mid-write."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover  (child)
        try:
            write()
        finally:
            os._exit(3)  # never reached when the kill landed
    deadline = time.time() + 60
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.time() > deadline:
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


class _KillHalfWay(io.FileIO):
    """A file whose ``write`` writes half of the bytes, then is killed."""

    def write(self, data):
        super().write(bytes(data)[:len(data) // 2])
        self.flush()
        os.kill(os.getpid(), signal.SIGKILL)


def test_save_killed_half_way(tmp_path, monkeypatch):
    data = torch.randn(1000)
    blob = io.BytesIO()
    torch.save({'w': data}, blob)
    old = str(tmp_path / 'old.pth')
    torch.save({'w': torch.zeros(3)}, old)

    # MMEngine's LocalBackend writes in place: a truncated checkpoint.
    import mmengine.fileio.backends.local_backend as local_backend
    monkeypatch.setattr(local_backend, 'open',
                        lambda p, mode: _KillHalfWay(p, 'w'), raising=False)
    _die_in_child(lambda: LocalBackend().put(blob.getvalue(), old))
    monkeypatch.undo()
    assert 0 < osp.getsize(old) < len(blob.getvalue())
    with pytest.raises(Exception):
        torch.load(old)

    # The atomic backend: killed before the rename, the old file is intact.
    torch.save({'w': torch.zeros(3)}, old)
    monkeypatch.setattr(os, 'fsync', lambda fd: os.kill(os.getpid(), 9))
    _die_in_child(lambda: AtomicLocalBackend().put(blob.getvalue(), old))
    monkeypatch.undo()
    assert torch.equal(torch.load(old)['w'], torch.zeros(3))
    AtomicLocalBackend().put(blob.getvalue(), old)
    assert torch.equal(torch.load(old)['w'], data)


@pytest.mark.parametrize('hook_type',
                         ['CheckpointHook', 'mmrazor.AtomicCheckpointHook'])
def test_last_checkpoint_survives_a_killed_save(dccd_cfg, monkeypatch,
                                                hook_type):
    """Kill the save of iteration 3 with max_keep_ckpts=1."""
    dccd_cfg.default_hooks.checkpoint = dict(
        type=hook_type, by_epoch=False, interval=1, max_keep_ckpts=1)
    runner = Runner.from_cfg(dccd_cfg)
    runner.train()
    work_dir = runner.work_dir
    assert open(osp.join(work_dir, 'last_checkpoint')).read().endswith(
        'iter_2.pth')
    hook = next(h for h in runner.hooks if isinstance(h, CheckpointHook))

    # The kill lands while iter_3.pth is being written.
    import mmengine.fileio.backends.local_backend as local_backend
    monkeypatch.setattr(local_backend, 'open',
                        lambda p, mode: _KillHalfWay(p, 'w'), raising=False)
    monkeypatch.setattr(os, 'fsync', lambda fd: os.kill(os.getpid(), 9))
    _die_in_child(lambda: hook._save_checkpoint_with_step(
        runner, 3, dict(iter=3)))
    monkeypatch.undo()

    last = open(osp.join(work_dir, 'last_checkpoint')).read().strip()
    assert isinstance(hook, AtomicCheckpointHook) == (
        'Atomic' in hook_type)
    if hook_type == 'CheckpointHook':
        # MMEngine deleted iter_2.pth before writing iter_3.pth: --resume
        # would follow last_checkpoint to a file that no longer exists.
        assert last.endswith('iter_2.pth') and not osp.exists(last)
        assert osp.getsize(osp.join(work_dir, 'iter_3.pth')) > 0
        with pytest.raises(Exception):
            torch.load(osp.join(work_dir, 'iter_3.pth'))
    else:
        assert last.endswith('iter_2.pth')
        assert torch.load(last)['meta']['iter'] == 2
        assert not osp.exists(osp.join(work_dir, 'iter_3.pth'))
        # A fresh hook clears the killed save's temporary file.
        leftovers = [f for f in os.listdir(work_dir) if '.partial-' in f]
        assert leftovers
        hook.before_train(runner)
        assert not [f for f in os.listdir(work_dir) if '.partial-' in f]
