# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""tools/model_converters/extract_student_backbone.py on bad input: it never
overwrites its input, leaves nothing behind on failure, names the file."""
import os
import os.path as osp
import runpy
import sys

import pytest
import torch
from dccd_test_utils import REPO

from mmrazor_dccd.engine.checkpoint import load_state_dict_file

pytestmark = pytest.mark.fast

TOOL = osp.join(REPO, 'tools/model_converters/extract_student_backbone.py')
STUDENT = {
    'architecture.backbone.conv1.weight': torch.arange(6.).reshape(2, 3),
    'architecture.head.fc.weight': torch.ones(2),
    'teacher.backbone.conv1.weight': torch.zeros(2, 3),
}


def _tool(monkeypatch, *args):
    """The tool in-process, as a user runs it (saves a subprocess)."""
    monkeypatch.setattr(sys, 'argv', ['extract_student_backbone.py', *args])
    runpy.run_path(TOOL, run_name='__main__')


@pytest.fixture
def ckpt(tmp_path):
    path = tmp_path / 'dccd.pth'
    torch.save(dict(state_dict=STUDENT, meta=dict(iter=1)), path)
    return path


def _snapshot(folder):
    return sorted(p.relative_to(folder).as_posix()
                  for p in folder.rglob('*'))


@pytest.mark.parametrize('same', ['path', 'relative', 'symlink'])
def test_output_equal_to_input_is_refused(ckpt, tmp_path, monkeypatch,
                                          same):
    """Fault: ``extract_student_backbone.py`` with the output equal to its
    input (also through ``./sub/../`` or a symlink).
    Error: ``ValueError: The output '...' is the input checkpoint '...':
    writing it would destroy the distillation checkpoint. Fix: give another
    output path``; the input is byte for byte unchanged.
    """
    before = ckpt.read_bytes()
    dst = str(ckpt)
    if same == 'relative':
        monkeypatch.chdir(tmp_path)
        dst = osp.join('.', 'sub', '..', ckpt.name)
        os.mkdir(tmp_path / 'sub')
    elif same == 'symlink':
        dst = str(tmp_path / 'link.pth')
        os.symlink(ckpt, dst)
    with pytest.raises(ValueError) as err:
        _tool(monkeypatch, str(ckpt), dst)
    msg = str(err.value)
    assert 'is the input checkpoint' in msg and ckpt.name in msg
    assert 'Fix: give another output path' in msg
    assert ckpt.read_bytes() == before  # the distillation run is intact
    assert load_state_dict_file(str(ckpt)).keys() == STUDENT.keys()


def test_text_file_names_the_file_and_the_fix(tmp_path, monkeypatch):
    """Fault: a text file as the converter's input (was ``IndexError``).
    Error: ``ValueError: '.../notes.txt' is not a PyTorch checkpoint ... Fix:
    pass the .pth file that tools/train.py wrote``; no output folder is
    created.
    """
    text = tmp_path / 'notes.txt'
    text.write_text('not a checkpoint\n')
    dst = tmp_path / 'out' / 'backbone.pth'
    with pytest.raises(ValueError) as err:  # was IndexError
        _tool(monkeypatch, str(text), str(dst))
    msg = str(err.value)
    assert str(text) in msg and 'is not a PyTorch checkpoint' in msg
    assert 'Fix: pass the .pth file that tools/train.py wrote' in msg
    assert not (tmp_path / 'out').exists()  # no empty output folder


def test_truncated_checkpoint_is_not_a_checkpoint(ckpt, tmp_path,
                                                  monkeypatch):
    """Fault: a truncated or missing checkpoint as the converter's input.
    Error: ``ValueError: '.../cut.pth' is not a PyTorch checkpoint``;
    ``FileNotFoundError: Checkpoint '.../missing.pth' does not exist``.
    """
    cut = tmp_path / 'cut.pth'
    cut.write_bytes(ckpt.read_bytes()[:200])
    with pytest.raises(ValueError, match='cut.pth.*not a PyTorch checkpoint'):
        _tool(monkeypatch, str(cut), str(tmp_path / 'out.pth'))
    with pytest.raises(FileNotFoundError, match='missing.pth.*does not exist'):
        _tool(monkeypatch, str(tmp_path / 'missing.pth'),
              str(tmp_path / 'out.pth'))


def test_failure_leaves_nothing_behind(ckpt, tmp_path, monkeypatch):
    """Fault: the converter failing after it started (here a ``--prefix``
    under which the checkpoint has no key).
    Error: ``KeyError: The checkpoint has no key under 'neck.' ...``; no
    output folder and no partial file are left.
    """
    before = _snapshot(tmp_path)
    dst = tmp_path / 'a' / 'b' / 'backbone.pth'
    with pytest.raises(KeyError, match="no key under 'neck.'"):
        _tool(monkeypatch, str(ckpt), str(dst), '--prefix', 'neck.')
    assert _snapshot(tmp_path) == before  # no folder, no partial file


def test_write_is_atomic(ckpt, tmp_path, monkeypatch):
    """Fault: the converter's save dying half-way (``No space left on
    device``).
    Error: that ``OSError``; an earlier output stays byte for byte, no
    temporary file and no new folder are left.

    A save that dies half-way keeps the previous output and leaves no
    temporary file."""
    dst = tmp_path / 'out' / 'backbone.pth'
    _tool(monkeypatch, str(ckpt), str(dst))
    good = dst.read_bytes()
    assert load_state_dict_file(str(dst)).keys() == {'conv1.weight'}

    def dies(obj, f, *args, **kwargs):
        f.write(b'half')
        raise OSError('No space left on device')

    monkeypatch.setattr(torch, 'save', dies)
    with pytest.raises(OSError, match='No space left'):
        _tool(monkeypatch, str(ckpt), str(dst))
    assert dst.read_bytes() == good
    assert os.listdir(dst.parent) == ['backbone.pth']
    # A first write that fails creates no folder either.
    with pytest.raises(OSError, match='No space left'):
        _tool(monkeypatch, str(ckpt), str(tmp_path / 'new' / 'x.pth'))
    assert not (tmp_path / 'new').exists()
