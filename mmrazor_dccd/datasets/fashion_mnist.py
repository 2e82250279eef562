# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Fashion-MNIST (Zalando, MIT): found or installed without a person typing.

The files are looked for, in order, in the config's ``data_root``, the
project cache, Debian's install path; then Debian's package
``dataset-fashion-mnist`` is fetched with ``apt-get download`` and unpacked
with ``dpkg-deb -x`` into the cache (no root needed); last, MMPretrain's own
download (a machine with internet). Debian strips the gzip headers, so the
*decompressed* files are verified against the SHA-256 of the official
release.
"""
import glob
import gzip
import hashlib
import os
import os.path as osp
import shutil
import subprocess
import tempfile
from functools import lru_cache
from typing import List, Optional

import numpy as np
from mmpretrain.datasets import FashionMNIST
from mmpretrain.datasets.mnist import read_image_file, read_label_file

from mmrazor.registry import DATASETS
from ..utils.paths import cache_dir
from .splits import balanced_indices

# SHA-256 of the decompressed official files (equal to Debian's bytes).
SHA256 = {
    'train-images-idx3-ubyte':
    'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    'train-labels-idx1-ubyte':
    'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
    't10k-images-idx3-ubyte':
    '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
    't10k-labels-idx1-ubyte':
    '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
}
SYSTEM_DIR = '/usr/share/datasets/fashion-mnist'
DEB_PACKAGE = 'dataset-fashion-mnist'
SPLITS = ('train', 'val', 'test')


def default_fashion_mnist_root() -> str:
    return cache_dir('data', 'fashion-mnist')


@lru_cache(maxsize=None)
def _sha256(path: str, size: int, mtime: float) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def _verified(folder: str) -> bool:
    """All four decompressed files are in ``folder`` with the right bytes."""
    for name, sha in SHA256.items():
        path = osp.join(folder, name)
        if not osp.isfile(path):
            return False
        stat = os.stat(path)
        if _sha256(path, stat.st_size, stat.st_mtime) != sha:
            return False
    return True


def _decompress(source: str, target: str) -> bool:
    """Decompress the four ``.gz`` files of ``source`` into ``target``."""
    if not all(osp.isfile(osp.join(source, n + '.gz')) for n in SHA256):
        return False
    os.makedirs(target, exist_ok=True)
    for name in SHA256:
        tmp = osp.join(target, f'{name}.tmp{os.getpid()}')
        with gzip.open(osp.join(source, name + '.gz'), 'rb') as src, \
                open(tmp, 'wb') as dst:
            shutil.copyfileobj(src, dst)
        os.replace(tmp, osp.join(target, name))  # never a half-written file
    return _verified(target)


@lru_cache(maxsize=8)
def _read_idx(path: str, size: int, mtime: float) -> np.ndarray:
    """Parsed idx file, once per process (benchmarks build many runs)."""
    reader = read_image_file if 'images' in path else read_label_file
    return reader(path).numpy()


def read_idx(path: str) -> np.ndarray:
    stat = os.stat(path)
    return _read_idx(path, stat.st_size, stat.st_mtime)


def _run(cmd, cwd) -> str:
    """'' when ``cmd`` succeeds, else why it failed."""
    try:
        subprocess.run(cmd, cwd=cwd, check=True, timeout=600,
                       capture_output=True)
    except subprocess.CalledProcessError as exc:
        return f'{cmd[0]} failed: {exc.stderr.decode(errors="replace")[-300:]}'
    except (OSError, subprocess.SubprocessError) as exc:
        return f'{cmd[0]} failed: {exc}'
    return ''


def _from_debian(target: str) -> str:
    """apt-get download + dpkg-deb -x into the cache; '' or why it failed."""
    with tempfile.TemporaryDirectory(dir=osp.dirname(target)) as tmp:
        why = _run(['apt-get', 'download', DEB_PACKAGE], tmp)
        if why and hasattr(os, 'geteuid') and os.geteuid() == 0:
            # A fresh image may have no package lists yet (root only).
            why = _run(['apt-get', 'update', '-qq'], tmp) or _run(
                ['apt-get', 'download', DEB_PACKAGE], tmp)
        if why:
            return why
        debs = glob.glob(osp.join(tmp, f'{DEB_PACKAGE}_*.deb'))
        if not debs:
            return 'apt-get download wrote no .deb'
        why = _run(['dpkg-deb', '-x', debs[0], osp.join(tmp, 'x')], tmp)
        if why:
            return why
        unpacked = osp.join(tmp, 'x') + SYSTEM_DIR
        if _decompress(unpacked, target):
            return ''
        return f'the package unpacked nothing usable into {unpacked}'


def _from_mmpretrain(target: str) -> str:
    try:
        FashionMNIST(data_root=target, download=True, pipeline=[])
    except Exception as exc:  # no network, wrong checksum, ...
        return f'{type(exc).__name__}: {exc}'
    return '' if _verified(target) else 'downloaded files failed SHA-256'


def prepare_fashion_mnist(data_root: Optional[str] = None) -> str:
    """Find (or install) verified Fashion-MNIST files; return their folder.

    Args:
        data_root (str, optional): A folder holding the four files,
            decompressed or ``.gz``. Tried first; ``.gz`` files are
            decompressed into the cache. Defaults to None.

    Returns:
        str: A folder with the four verified, decompressed idx files.
    """
    cache = default_fashion_mnist_root()
    tried = []
    for folder, label in ((data_root, 'data_root'), (cache, 'project cache'),
                          (SYSTEM_DIR, 'system path')):
        if not folder:
            continue
        if osp.isdir(folder) and _verified(folder):
            return folder
        if osp.isdir(folder) and _decompress(folder, cache):
            return cache
        tried.append(f'{label} {folder}: no verified files')
    os.makedirs(cache, exist_ok=True)
    for label, install in (('Debian package', _from_debian),
                           ("MMPretrain's download", _from_mmpretrain)):
        why = install(cache)
        if not why:
            return cache
        tried.append(f'{label}: {why}')
    raise FileNotFoundError(
        'Fashion-MNIST was not found. Tried:\n  ' + '\n  '.join(tried) +
        f'\nFix: `apt-get install {DEB_PACKAGE}` (or `apt-get download '
        f'{DEB_PACKAGE} && dpkg-deb -x {DEB_PACKAGE}_*.deb DIR`) and set '
        'data_root to the folder with the four files, or copy the official '
        f'files (https://github.com/zalandoresearch/fashion-mnist) to {cache}.'
    )


@DATASETS.register_module()
class PackagedFashionMNIST(FashionMNIST):
    """MMPretrain's Fashion-MNIST with a held-out validation split.

    ``split='val'`` is a class-balanced, seeded subset of the official
    training set (``val_per_class`` images per class); ``split='train'`` is
    the rest of it, so validation never overlaps training, and
    ``split='test'`` is the official test set, read only for final tables.

    Args:
        data_root (str, optional): Folder with the files; see
            :func:`prepare_fashion_mnist`. Defaults to None.
        split (str): ``'train'``, ``'val'`` or ``'test'``. Defaults to
            'train'.
        val_per_class (int): Training images per class held out as the
            validation split. Defaults to 500 (5,000 images).
        split_seed (int): Seed of the held-out split. Defaults to 0.
        num_per_class (int, optional): Keep a class-balanced subset of
            this many images per class of the chosen split. Defaults to
            None (all).
        subset_seed (int): Seed of that subset. Defaults to 0.
        **kwargs: Arguments of :class:`mmengine.dataset.BaseDataset`.
    """

    def __init__(self,
                 data_root: Optional[str] = None,
                 split: str = 'train',
                 val_per_class: int = 500,
                 split_seed: int = 0,
                 num_per_class: Optional[int] = None,
                 subset_seed: int = 0,
                 **kwargs) -> None:
        if split not in SPLITS:
            raise ValueError(f'Unknown split {split!r}; use one of {SPLITS} '
                             "('val' is held out from the training set).")
        self.fmnist_split = split
        self.val_per_class = val_per_class
        self.split_seed = split_seed
        self.num_per_class = num_per_class
        self.subset_seed = subset_seed
        kwargs.pop('download', None)
        super().__init__(
            data_root=prepare_fashion_mnist(data_root),
            # (MMPretrain warns on split='train' with test_mode; 'val' is
            # an evaluation split drawn from the training files.)
            split='train' if split == 'train' else 'test',
            download=False,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        root = self.data_prefix['root']
        prefix = 't10k' if self.fmnist_split == 'test' else 'train'
        imgs = read_idx(osp.join(root, f'{prefix}-images-idx3-ubyte'))
        labels = read_idx(osp.join(root, f'{prefix}-labels-idx1-ubyte'))
        keep = np.arange(len(labels))
        if self.fmnist_split != 'test':
            val = balanced_indices(labels, self.val_per_class,
                                   self.split_seed)
            keep = val if self.fmnist_split == 'val' else np.setdiff1d(
                keep, val)
        if self.num_per_class is not None:
            keep = keep[balanced_indices(labels[keep], self.num_per_class,
                                         self.subset_seed)]
        return [
            dict(img=imgs[i], gt_label=np.array(labels[i], dtype=np.int64))
            for i in keep
        ]

    def _serialize_data(self):
        if not self.data_list:
            raise ValueError(
                f'{type(self).__name__}(split={self.fmnist_split!r}) is '
                f'empty (num_per_class={self.num_per_class}, indices='
                f'{self._indices}). Fix: num_per_class >= 1 (or None), '
                'indices a positive int or a non-empty list.')
        return super()._serialize_data()

