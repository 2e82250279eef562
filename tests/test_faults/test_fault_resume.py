# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Resume faults: a truncated checkpoint under ``--resume`` (named, and the
newest complete one used), a work dir copied or moved elsewhere (resumes
from its own checkpoints), an explicit truncated checkpoint (named, with
the one to pass)."""
import shutil

import pytest
from dccd_test_utils import run_tool

KD_CFG = 'configs/baselines/kd_logits_r18w16_r18w4_mnist.py'
QUICK = [
    'train_dataloader.dataset.num_per_class=20',
    'val_dataloader.dataset.indices=50',
    'train_dataloader.batch_size=8',
    'default_hooks.checkpoint.interval=2',
    'model.teacher_ckpt=None',
    'default_hooks.logger.interval=1',
]


def _train(work_dir, max_iters, *extra, check=True):
    return run_tool(
        'tools/train.py', KD_CFG, '--work-dir', str(work_dir),
        '--cfg-options', f'train_cfg.max_iters={max_iters}',
        f'train_cfg.val_interval={max_iters}',
        f'param_scheduler.T_max={max_iters}', *QUICK, *extra, check=check)


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    work = tmp_path_factory.mktemp('resume') / 'run'
    _train(work, 4)
    return work


def _loaded_from(proc):
    log = proc.stdout + proc.stderr
    return [line.split('from path: ')[-1].strip() for line in
            log.splitlines() if 'Loads checkpoint by local backend' in line]


def test_truncated_last_checkpoint_falls_back_to_the_newest_complete(
        trained, tmp_path):
    """Fault: ``--resume`` where the newest checkpoint (named by
    ``last_checkpoint``) is truncated.
    Result: a warning naming ``iter_4.pth`` (``zip archive is truncated``,
    not resuming from it); training resumes from the newest complete one,
    ``iter_2.pth``, and finishes.
    """
    work = tmp_path / 'run'
    shutil.copytree(trained, work)
    data = (work / 'iter_4.pth').read_bytes()
    (work / 'iter_4.pth').write_bytes(data[:len(data) // 2])
    proc = _train(work, 6, '--resume')
    log = proc.stdout + proc.stderr
    assert 'iter_4.pth' in log and 'not resuming' in log.lower()
    assert 'zip archive is truncated' in log
    assert _loaded_from(proc) == [str(work / 'iter_2.pth')]
    assert 'Iter(train) [3/6]' in log  # continued from iteration 2
    assert (work / 'iter_6.pth').is_file()


def test_copied_work_dir_resumes_from_its_own_checkpoints(trained, tmp_path):
    """Fault: ``--resume`` in a copied work dir, whose
    ``last_checkpoint`` names the original folder.
    Result: the copy resumes from its own ``iter_4.pth``; the original folder
    gets nothing.
    """
    copy = tmp_path / 'copy'
    shutil.copytree(trained, copy)
    # last_checkpoint still names the original folder's iter_4.pth.
    assert str(trained) in (copy / 'last_checkpoint').read_text()
    proc = _train(copy, 6, '--resume')
    assert _loaded_from(proc) == [str(copy / 'iter_4.pth')]
    assert (copy / 'iter_6.pth').is_file()
    assert not (trained / 'iter_6.pth').exists()


def test_moved_work_dir_resumes(trained, tmp_path):
    """Fault: ``--resume`` in a moved work dir: ``last_checkpoint`` names a
    path that no longer exists.
    Result: it resumes from the work dir's own newest checkpoint.
    """
    source = tmp_path / 'source'
    shutil.copytree(trained, source)
    (source / 'last_checkpoint').write_text(str(tmp_path / 'gone' /
                                                'iter_4.pth'))
    proc = _train(source, 6, '--resume')
    assert _loaded_from(proc) == [str(source / 'iter_4.pth')]


def test_explicit_truncated_checkpoint_names_the_one_to_pass(
        trained, tmp_path):
    """Fault: ``--resume <file>`` naming a truncated checkpoint.
    Error: ``CorruptCheckpointError`` naming ``iter_4.pth`` and the complete
    ``iter_2.pth`` to pass instead; ``iter_2.pth`` is unchanged.
    """
    work = tmp_path / 'run'
    shutil.copytree(trained, work)
    data = (work / 'iter_4.pth').read_bytes()
    (work / 'iter_4.pth').write_bytes(data[:100])
    proc = _train(work, 6, '--resume', str(work / 'iter_4.pth'),
                  check=False)
    assert proc.returncode != 0
    err = proc.stderr.splitlines()[-1]
    assert 'CorruptCheckpointError' in err and 'iter_4.pth' in err
    assert str(work / 'iter_2.pth') in err
    assert (work / 'iter_2.pth').read_bytes() == (
        trained / 'iter_2.pth').read_bytes()  # nothing was lost
