# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The one atomic writer (mmrazor_dccd/engine/fileio.py)."""
import os
import pickle

import pytest
import torch

from mmrazor_dccd.engine.checkpoint import save_atomic
from mmrazor_dccd.engine.fileio import atomic_file, atomic_write

pytestmark = pytest.mark.fast


def test_atomic_write_replaces_the_whole_file(tmp_path):
    path = tmp_path / 'a' / 'b' / 'out.txt'
    atomic_write('first', str(path))  # folders are created
    atomic_write(b'second', str(path))
    assert path.read_bytes() == b'second'
    assert os.listdir(path.parent) == ['out.txt']  # no temporary file
    # Readable like a file opened with open(): the umask, not 0600.
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_failed_block_keeps_the_old_file_and_leaves_nothing(tmp_path):
    path = tmp_path / 'out.bin'
    path.write_bytes(b'old')
    with pytest.raises(ValueError, match='bad bytes'):
        with atomic_file(str(path)) as f:
            f.write(b'half of the new')
            raise ValueError('bad bytes')
    assert path.read_bytes() == b'old'
    assert os.listdir(tmp_path) == ['out.bin']
    # Folders made for a target that was never written are removed again.
    deep = tmp_path / 'new' / 'deeper' / 'x.pth'
    with pytest.raises((AttributeError, pickle.PicklingError)):
        save_atomic(lambda: None, str(deep))  # a lambda does not pickle
    assert os.listdir(tmp_path) == ['out.bin']


def test_save_atomic_writes_a_loadable_checkpoint(tmp_path):
    path = tmp_path / 'ckpt.pth'
    save_atomic(dict(state_dict=dict(w=torch.ones(2))), str(path))
    assert torch.equal(torch.load(path)['state_dict']['w'], torch.ones(2))
