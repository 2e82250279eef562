# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""A real DCCD run -> ``distill_to_student.py`` -> ``tools/test.py`` with
the student's own config, on CPU and real MNIST (about 45 s)."""
import re
import runpy
import sys

from dccd_test_utils import REPO, run_tool

DCCD_CFG = 'configs/dccd/dccd_r18w16_r18w4_mnist.py'
STUDENT_CFG = 'configs/mnist/resnet18-cifar-w4_mnist-student.py'
VAL = 'dataset.indices=50'  # the same 50 test images for val and test


def test_student_of_a_real_run_tests_as_it_validated(tmp_path,
                                                     monkeypatch):
    """Fault: ``tools/test.py <student config> <DCCD checkpoint>`` after a
    real ``tools/train.py`` run (was ``accuracy/top1`` of a random model,
    exit 0).
    Result: ``tools/test.py`` stops naming ``distill_to_student.py``; after
    the conversion it reports exactly the distillation run's student
    validation accuracy on the same images.
    """
    train = run_tool(
        'tools/train.py', DCCD_CFG, '--work-dir', str(tmp_path / 'run'),
        '--cfg-options', 'model.teacher_ckpt=None', 'train_cfg.max_iters=3',
        'train_cfg.val_interval=3', 'param_scheduler.T_max=3',
        'train_dataloader.batch_size=8', f'val_dataloader.{VAL}')
    val = re.findall(r'Iter\(val\)[^\n]*? accuracy/top1: ([\d.]+)',
                     train.stdout + train.stderr)
    assert val, train.stdout[-2000:]
    ckpt = str(tmp_path / 'run' / 'iter_3.pth')
    refused = run_tool('tools/test.py', STUDENT_CFG, ckpt, '--work-dir',
                       str(tmp_path / 'test'), '--cfg-options',
                       f'test_dataloader.{VAL}', check=False)
    assert refused.returncode != 0
    assert 'distill_to_student.py' in refused.stderr
    assert 'Iter(test)' not in refused.stdout + refused.stderr

    student = str(tmp_path / 'student.pth')
    tool = f'{REPO}/tools/model_converters/distill_to_student.py'
    monkeypatch.setattr(sys, 'argv', [tool, ckpt, student])
    runpy.run_path(tool, run_name='__main__')
    test = run_tool('tools/test.py', STUDENT_CFG, student, '--work-dir',
                    str(tmp_path / 'test'), '--cfg-options',
                    f'test_dataloader.{VAL}')
    top1 = re.findall(r"Test metrics: \{'accuracy/top1': ([\d.]+)\}",
                      test.stdout + test.stderr)
    assert top1 and float(top1[0]) == float(val[-1])
