# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""A distillation checkpoint where a plain student one is expected:
``distill_to_student.py`` writes the plain student, ``tools/test.py``
refuses what would leave the model unloaded, ``extract_student_backbone.py
--config`` checks the module its ``--prefix`` names."""
import runpy
import sys

import pytest
import torch
import torch.nn as nn
from dccd_test_utils import REPO
from mmengine.registry import MODELS, init_default_scope

from mmrazor_dccd.compat import load_config
from mmrazor_dccd.engine.checkpoint import load_state_dict_file
from mmrazor_dccd.engine.student_checkpoint import check_checkpoint_fits

pytestmark = pytest.mark.fast

CONVERTER = f'{REPO}/tools/model_converters/distill_to_student.py'
EXTRACT = f'{REPO}/tools/model_converters/extract_student_backbone.py'
STUDENT_CFG = f'{REPO}/configs/mnist/resnet18-cifar-w4_mnist-student.py'


def _tool(monkeypatch, path, *args):
    """A tool in-process, as a user runs it (saves a subprocess)."""
    monkeypatch.setattr(sys, 'argv', [path, *args])
    runpy.run_path(path, run_name='__main__')


def _student():
    """The MNIST student (ResNet-18 CIFAR, width 4), randomly initialised."""
    init_default_scope('mmpretrain')
    return MODELS.build(load_config(STUDENT_CFG).model)


def _distill_ckpt(path, student, **extra):
    """A distillation checkpoint around ``student`` (teacher, connector)."""
    state = {f'architecture.{k}': v for k, v in student.state_dict().items()}
    state.update({'teacher.head.fc.weight': torch.ones(10, 16),
                  'distiller.connectors.c.weight': torch.ones(2), **extra})
    torch.save(dict(state_dict=state, meta=dict(iter=7, seed=3)), path)
    return path


def test_distillation_checkpoint_becomes_a_plain_student(tmp_path,
                                                         monkeypatch):
    """Fault: a DCCD / MMRazor KD checkpoint (student under
    ``architecture.``) for the student's own config.
    Result: ``distill_to_student.py IN OUT --config <student cfg>`` writes
    ``state_dict`` without ``architecture.`` (teacher and connectors
    dropped, ``meta`` kept) that the student config's model loads with
    ``strict=True``, equal tensor for tensor.
    """
    student = _student()
    src = _distill_ckpt(tmp_path / 'dccd.pth', student)
    dst = tmp_path / 'out' / 'student.pth'
    _tool(monkeypatch, CONVERTER, str(src), str(dst), '--config',
          STUDENT_CFG)
    ckpt = torch.load(dst, map_location='cpu', weights_only=True)
    assert ckpt['meta']['iter'] == 7 and ckpt['meta']['seed'] == 3
    assert ckpt['meta']['source'] == str(src)
    other = _student()
    other.load_state_dict(ckpt['state_dict'], strict=True)
    for key, value in student.state_dict().items():
        assert torch.equal(other.state_dict()[key], value), key
    assert sorted(p.name for p in (tmp_path / 'out').iterdir()) == [
        'student.pth']  # atomic: no partial file left


def test_converter_refuses_plain_and_pruning_checkpoints(tmp_path,
                                                         monkeypatch):
    """Fault: ``distill_to_student.py`` on a plain model's checkpoint, or on
    a pruning algorithm's (``mutator.`` keys, masked channels).
    Error: ``KeyError: ... has no key under 'architecture.': it is not a
    distillation checkpoint ... Prefixes found: backbone., head.``;
    ``ValueError: ... is a pruning algorithm's checkpoint ... Fix: export the
    pruned student with mmrazor_dccd.pruning.export``; nothing written.
    """
    plain = tmp_path / 'plain.pth'
    torch.save(dict(state_dict=_student().state_dict()), plain)
    with pytest.raises(KeyError, match="not a distillation checkpoint.*"
                       r"Prefixes found: backbone\., head\."):
        _tool(monkeypatch, CONVERTER, str(plain), str(tmp_path / 'a.pth'))
    pruned = _distill_ckpt(tmp_path / 'pruned.pth', nn.Linear(1, 1),
                           **{'mutator.units.0.mask': torch.ones(1)})
    with pytest.raises(ValueError, match="pruning algorithm's checkpoint.*"
                       'mmrazor_dccd.pruning.export'):
        _tool(monkeypatch, CONVERTER, str(pruned), str(tmp_path / 'b.pth'))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'plain.pth', 'pruned.pth']


def test_test_tool_refuses_a_checkpoint_that_does_not_fit(tmp_path):
    """Fault: ``tools/test.py <student config> <DCCD checkpoint>`` (reported
    ``accuracy/top1: 10.0`` of the random model, exit 0), or a checkpoint
    with missing / mis-shaped keys.
    Error: ``ValueError: '...' is a distillation checkpoint (its student
    lies under 'architecture.') ... Fix: convert it first: python
    tools/model_converters/distill_to_student.py ...``; ``RuntimeError``
    listing ``missing keys`` / ``shape mismatches``; before any test
    iteration.
    """
    student = _student()
    src = _distill_ckpt(tmp_path / 'dccd.pth', student)
    with pytest.raises(ValueError) as err:
        check_checkpoint_fits(student, str(src))
    msg = str(err.value)
    assert "lies under 'architecture.'" in msg and 'random weights' in msg
    assert f'distill_to_student.py {src}' in msg
    partial = dict(student.state_dict())
    partial.pop('head.fc.bias')
    partial['head.fc.weight'] = torch.zeros(3, 3)
    torch.save(dict(state_dict=partial), tmp_path / 'partial.pth')
    with pytest.raises(RuntimeError, match=r'missing keys \(1\): '
                       r'head\.fc\.bias(.|\n)*shape mismatches'):
        check_checkpoint_fits(student, str(tmp_path / 'partial.pth'))
    # A checkpoint that fits (DDP's 'module.' prefix too) passes.
    torch.save(dict(state_dict={f'module.{k}': v for k, v in
                                student.state_dict().items()}),
               tmp_path / 'ddp.pth')
    check_checkpoint_fits(student, str(tmp_path / 'ddp.pth'))


def test_extract_config_check_follows_the_prefix(tmp_path, monkeypatch):
    """Fault: ``extract_student_backbone.py ... --prefix architecture.
    --config <student cfg>`` (was refused: ``missing keys (120) ...
    unexpected keys (122)``: the whole student checked against its
    backbone).
    Result: ``--config`` checks the module the prefix names (the whole
    student for ``architecture.``, the backbone for
    ``architecture.backbone.``); both load strictly.
    """
    student = _student()
    src = _distill_ckpt(tmp_path / 'dccd.pth', student)
    for prefix, n in (('architecture.', len(student.state_dict())),
                      ('architecture.backbone.',
                       len(student.backbone.state_dict()))):
        dst = tmp_path / f'{prefix}pth'
        _tool(monkeypatch, EXTRACT, str(src), str(dst), '--prefix', prefix,
              '--config', STUDENT_CFG)
        assert len(load_state_dict_file(str(dst))) == n
