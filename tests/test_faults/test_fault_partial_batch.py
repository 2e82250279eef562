# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""No shipped config's train loader can end an epoch on a batch of one."""
import glob
import os.path as osp

from dccd_test_utils import REPO

from mmrazor_dccd.compat import load_config


def _shipped():
    return sorted(p for p in glob.glob(f'{REPO}/configs/**/*.py',
                                       recursive=True)
                  if '_base_' not in p.split(osp.sep))


def test_train_loaders_make_no_partial_batch_of_one():
    """Fault: a ``DefaultSampler`` train loader without ``drop_last`` whose
    data set leaves a last batch of one (65 images in batches of 64:
    torch's raw ``Expected more than 1 value per channel when training``
    from the BN connector; batch-mode ``L_cc`` constant, zero gradient).
    Result: every shipped config's train loader is an ``InfiniteSampler``
    (never a partial batch), a ``DefaultSampler`` with ``drop_last=True``,
    or, for detection, MMDetection's ``AspectRatioBatchSampler`` on spatial
    maps (B*H*W > 1 for a batch of one).
    """
    bad, seen = [], 0
    for path in _shipped():
        loader = load_config(path).get('train_dataloader')
        if not loader:
            continue
        seen += 1
        sampler = loader.get('sampler', {}).get('type', '').split('.')[-1]
        batch = loader.get('batch_sampler') or {}
        if sampler == 'InfiniteSampler' or loader.get('drop_last') or \
                batch.get('type', '').endswith('AspectRatioBatchSampler'):
            continue
        bad.append(f'{osp.relpath(path, REPO)}: {sampler}')
    assert seen > 40
    assert not bad, ('Train loaders that can make a partial batch of one; '
                     'add drop_last=True: ' + ', '.join(bad))
