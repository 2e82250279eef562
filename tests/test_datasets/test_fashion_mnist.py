# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Fashion-MNIST: found in the documented order, verified, split honestly."""
import gzip
import os
import shutil

import numpy as np
import pytest

from mmrazor_dccd.data import prepare as prep
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


def test_data_root_gz_files_are_decompressed_and_verified(files, tmp_path,
                                                          monkeypatch):
    monkeypatch.setenv('MMRAZOR_DCCD_CACHE', str(tmp_path / 'cache'))
    monkeypatch.setattr(prep, 'SYSTEM_DIR', str(tmp_path / 'no-system'))
    gz = tmp_path / 'gz'
    gz.mkdir()
    for name in prep.FMNIST_SHA256:  # header-less .gz, like Debian's
        with open(os.path.join(files, name), 'rb') as src, \
                gzip.GzipFile(gz / (name + '.gz'), 'wb', mtime=0) as dst:
            shutil.copyfileobj(src, dst)
    root = prepare_fashion_mnist(str(gz))
    assert root == str(tmp_path / 'cache' / 'data' / 'fashion-mnist')
    assert prep._verified(root)
    # Without data_root the cache is found first; a data_root without the
    # files is an error, not a silent fall-back.
    assert prepare_fashion_mnist() == root
    with pytest.raises(FileNotFoundError, match='holds none of the four'):
        prepare_fashion_mnist(str(tmp_path / 'nothing'))


def test_corrupt_files_are_refused_and_every_place_is_listed(
        files, tmp_path, monkeypatch):
    monkeypatch.setenv('MMRAZOR_DCCD_CACHE', str(tmp_path / 'cache'))
    monkeypatch.setattr(prep, 'SYSTEM_DIR', str(tmp_path / 'no-system'))
    bad = tmp_path / 'bad'
    shutil.copytree(files, bad)
    with open(bad / 't10k-labels-idx1-ubyte', 'r+b') as f:
        f.seek(100)
        f.write(b'\x09')  # one flipped label
    assert not prep._verified(str(bad))
    # No apt-get on PATH, and MMPretrain's download cannot connect.
    monkeypatch.setenv('PATH', str(tmp_path / 'empty-bin'))
    monkeypatch.setenv('http_proxy', 'http://127.0.0.1:9')
    monkeypatch.setenv('https_proxy', 'http://127.0.0.1:9')
    # A given data_root is used or refused, naming the file.
    with pytest.raises(RuntimeError, match='t10k-labels-idx1-ubyte has '
                       'SHA-256 .*Fix'):
        prepare_fashion_mnist(str(bad))
    with pytest.raises(FileNotFoundError) as exc:
        prepare_fashion_mnist()
    msg = str(exc.value)
    for place in ('project cache', 'system path', 'Debian package',
                  "MMPretrain's download",
                  'apt-get install dataset-fashion-mnist'):
        assert place in msg
