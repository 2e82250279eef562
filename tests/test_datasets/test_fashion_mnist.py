# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Fashion-MNIST's dataset class: splits balanced, disjoint, seeded (the
files themselves: tests/test_data/test_prepare.py)."""
import numpy as np
import pytest

from mmrazor_dccd.data import prepare_fashion_mnist
from mmrazor_dccd.datasets import PackagedFashionMNIST


@pytest.fixture(scope='module')
def files():
    """The real files, obtained as a fresh machine would (cache, system
    path or Debian's package)."""
    return prepare_fashion_mnist()


def test_splits_are_balanced_disjoint_and_seeded(files):
    train = PackagedFashionMNIST(data_root=files, split='train', pipeline=[])
    val = PackagedFashionMNIST(data_root=files, split='val', pipeline=[])
    test = PackagedFashionMNIST(data_root=files, split='test', pipeline=[],
                                test_mode=True)
    assert (len(train), len(val), len(test)) == (55000, 5000, 10000)

    def labels(ds):
        return np.array([int(ds.get_data_info(i)['gt_label'])
                         for i in range(len(ds))])

    assert (np.bincount(labels(val)) == 500).all()
    assert (np.bincount(labels(train)) == 5500).all()
    assert (np.bincount(labels(test)) == 1000).all()
    # val is held out of train: no image appears in both.
    key = {val.get_data_info(i)['img'].tobytes() for i in range(len(val))}
    assert not any(train.get_data_info(i)['img'].tobytes() in key
                   for i in range(0, len(train), 7))
    other = PackagedFashionMNIST(data_root=files, split='val', split_seed=1,
                                 pipeline=[])
    same = PackagedFashionMNIST(data_root=files, split='val', pipeline=[])
    assert np.array_equal(labels(same), labels(val))
    assert any(not np.array_equal(other.get_data_info(i)['img'],
                                  val.get_data_info(i)['img'])
               for i in range(10))
    small = PackagedFashionMNIST(data_root=files, num_per_class=3,
                                 pipeline=[])
    assert (np.bincount(labels(small)) == 3).all()
    assert train.metainfo['classes'][0] == 'T-shirt/top'
    with pytest.raises(ValueError, match="'val' is held out"):
        PackagedFashionMNIST(data_root=files, split='valid', pipeline=[])
