# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Checkpoint faults: a malicious pickle never runs, a cut-short or
non-checkpoint teacher file is named as such (not as a wrong architecture),
a missing teacher names the key. Real MMRazor / MMPretrain models, real
``torch.save`` files; every file is unchanged afterwards."""
import copy
import os
import os.path as osp
import runpy
import sys

import pytest
import torch
from dccd_test_utils import REPO
from mmengine.registry import DefaultScope
from mmengine.runner import load_checkpoint

from mmrazor.registry import MODELS
from mmrazor_dccd.engine import CorruptCheckpointError, UnsafeCheckpointError

TOOL = osp.join(REPO, 'tools/model_converters/extract_student_backbone.py')


pytestmark = [pytest.mark.fast, pytest.mark.usefixtures('mmrazor_scope')]


@pytest.fixture(scope='module')
def model_cfg(reference_cfg):
    """The reference DCCD model (r18 w16 teacher, r18 w4 student)."""
    return reference_cfg.model


@pytest.fixture(scope='module')
def teacher_bytes(model_cfg, tmp_path_factory):
    """A complete teacher checkpoint, as ``torch.save`` writes it."""
    with DefaultScope.overwrite_default_scope('mmrazor'):
        teacher = MODELS.build(copy.deepcopy(model_cfg.teacher))
    path = tmp_path_factory.mktemp('teacher') / 'teacher.pth'
    torch.save(dict(state_dict=teacher.state_dict(), meta=dict(iter=2)),
               path)
    return path.read_bytes()


def _build(model_cfg, teacher_ckpt):
    cfg = copy.deepcopy(model_cfg)
    cfg.teacher_ckpt = str(teacher_ckpt)
    return MODELS.build(cfg)


class _RunsACommand:
    """What a malicious checkpoint carries: unpickling it calls
    ``os.system(command)``."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command, )


def _malicious(folder, marker):
    path = folder / 'malicious.pth'
    torch.save(dict(state_dict=dict(w=torch.zeros(1)),
                    meta=_RunsACommand(f'touch {marker}')), path)
    return path


@pytest.mark.parametrize('loader', ['load_checkpoint', 'teacher_ckpt',
                                    'extract_student_backbone'])
def test_malicious_pickle_never_runs(model_cfg, tmp_path, monkeypatch,
                                     loader):
    """Fault: A checkpoint whose pickle calls ``os.system`` (a real
    ``__reduce__`` payload), given to ``load_checkpoint`` (``load_from``,
    ``--resume``, ``tools/test.py``), ``model.teacher_ckpt`` or
    ``extract_student_backbone.py``.
    Error: ``UnsafeCheckpointError`` naming the file, ``posix.system``,
    ``arbitrary code`` and how to re-save it; never ``weights_only=False``;
    the payload does not run, no output is written.
    """
    marker = tmp_path / 'payload_ran'
    path = _malicious(tmp_path, marker)
    before = path.read_bytes()
    with pytest.raises(UnsafeCheckpointError) as err:
        if loader == 'load_checkpoint':
            load_checkpoint(torch.nn.Linear(1, 1), str(path))
        elif loader == 'teacher_ckpt':
            _build(model_cfg, path)
        else:
            monkeypatch.setattr(sys, 'argv', [
                'extract_student_backbone.py', str(path),
                str(tmp_path / 'out' / 'backbone.pth')])
            runpy.run_path(TOOL, run_name='__main__')
    msg = str(err.value)
    assert str(path) in msg and 'posix.system' in msg
    assert 'arbitrary code' in msg and 'Re-save it' in msg
    assert 'weights_only=False' not in msg
    assert not marker.exists()  # the payload never ran
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ['malicious.pth']  # no output
    # The payload is live: the unsafe loader this project never uses runs
    # it (proves the test would notice if the safe loader were bypassed).
    torch.load(path, weights_only=False)
    assert marker.exists()


def _corrupt(kind, data):
    if kind == 'truncated':  # a save or copy that did not finish
        return data[:len(data) // 2]
    return b''


@pytest.mark.parametrize('kind', ['truncated', 'empty'])
def test_corrupt_teacher_checkpoint_names_the_file(
        model_cfg, teacher_bytes, tmp_path, kind):
    """Fault: ``model.teacher_ckpt`` is a truncated or empty file.
    Error: ``CorruptCheckpointError`` naming the file, ``is not a complete
    PyTorch checkpoint`` and the newest complete checkpoint beside it
    (``Point to a complete checkpoint``); never ``does not fit the teacher
    architecture``. The complete one it names loads.
    """
    good, bad = tmp_path / 'iter_2.pth', tmp_path / 'iter_4.pth'
    good.write_bytes(teacher_bytes)
    bad.write_bytes(_corrupt(kind, teacher_bytes))
    before = bad.read_bytes()
    with pytest.raises(CorruptCheckpointError) as err:
        _build(model_cfg, bad)
    msg = str(err.value)
    assert f"'{bad}' is not a complete PyTorch checkpoint" in msg
    assert 'Point to a complete checkpoint' in msg and str(good) in msg
    assert 'does not fit' not in msg
    assert bad.read_bytes() == before and good.read_bytes() == teacher_bytes
    if kind == 'truncated':  # the fix it names works
        model = _build(model_cfg, good)
        assert not any(p.requires_grad for p in model.teacher.parameters())


TEXTS = [b'loss: 0.31\nacc: 97.0\n', b'not a checkpoint\n', b'<html>\n']


@pytest.mark.parametrize('text', TEXTS, ids=['log', 'note', 'html'])
def test_text_file_teacher_checkpoint_is_refused_naming_the_file(
        model_cfg, tmp_path, text):
    """Fault: ``model.teacher_ckpt`` is a text file (a log, a note, an
    HTML error page saved as ``.pth``).
    Error: an error naming the file; nothing is loaded, the file is
    unchanged (which error: see the known gap below).
    """
    bad = tmp_path / 'teacher.pth'
    bad.write_bytes(text)
    with pytest.raises((CorruptCheckpointError,
                        UnsafeCheckpointError)) as err:
        _build(model_cfg, bad)
    assert str(bad) in str(err.value)
    assert 'does not fit' not in str(err.value)
    assert bad.read_bytes() == text


@pytest.mark.parametrize('text', TEXTS, ids=['log', 'note', 'html'])
def test_text_file_teacher_checkpoint_is_named_not_a_checkpoint(
        model_cfg, tmp_path, text):
    """Fault: ``model.teacher_ckpt`` is a text file.
    Error: ``CorruptCheckpointError: '<file>' is not a complete PyTorch
    checkpoint: it is neither a zip archive nor a pickle``, not an unsafe
    checkpoint.
    """
    bad = tmp_path / 'teacher.pth'
    bad.write_bytes(text)
    with pytest.raises((CorruptCheckpointError,
                        UnsafeCheckpointError)) as err:
        _build(model_cfg, bad)
    assert isinstance(err.value, CorruptCheckpointError), str(err.value)
    assert 'neither a zip archive nor a pickle' in str(err.value)


def test_missing_teacher_checkpoint_names_the_key(model_cfg, tmp_path):
    """Fault: ``model.teacher_ckpt`` names a file that does not exist.
    Error: ``FileNotFoundError: Teacher checkpoint '<path>' does not exist.
    Train the teacher first ... or set `model.teacher_ckpt` to its path``;
    nothing is created.
    """
    missing = tmp_path / 'work_dirs' / 'teacher' / 'iter_600.pth'
    with pytest.raises(FileNotFoundError) as err:
        _build(model_cfg, missing)
    msg = str(err.value)
    assert f"'{missing}' does not exist" in msg
    assert 'Train the teacher first' in msg
    assert '`model.teacher_ckpt`' in msg
    assert os.listdir(tmp_path) == []
