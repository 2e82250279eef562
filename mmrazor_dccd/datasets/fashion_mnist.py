# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Fashion-MNIST (Zalando, MIT): found or installed without a person typing.

A config's ``data_root`` is used if it verifies, else it is an error.
Without one the files are looked for, in order, in the project cache and
Debian's install path; then Debian's package ``dataset-fashion-mnist`` is
fetched with ``apt-get download`` and unpacked with ``dpkg-deb -x`` (no root
needed); last, MMPretrain's own download (a machine with internet). Debian
strips the gzip headers, so the *decompressed* files are verified against
the SHA-256 of the official release, in a temporary folder, before they are
moved into the cache: the cache never holds unverified bytes.
"""
import glob
import gzip
import hashlib
import os
import os.path as osp
import shutil
import subprocess
import tempfile
import zlib
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


def sha256_of(path: str) -> str:
    """SHA-256 of a file, hashed once per process while it is unchanged."""
    stat = os.stat(path)
    return _sha256(path, stat.st_size, stat.st_mtime)


def _problem(folder: str, shown: Optional[str] = None) -> Optional[str]:
    """Why ``folder`` does not hold the four verified files; None if it
    does. Names the first file that failed and, for wrong bytes, its
    expected and actual SHA-256.

    Args:
        folder (str): Folder to check.
        shown (str, optional): How to name a file in the message, with
            ``{}`` for its name. Defaults to its path.
    """
    if not osp.isdir(folder):
        return f'{folder} does not exist'
    shown = shown or osp.join(folder, '{}')
    for name, sha in SHA256.items():
        path = osp.join(folder, name)
        if not osp.isfile(path):
            return f'{shown.format(name)} is missing'
        actual = sha256_of(path)
        if actual != sha:
            return (f'{shown.format(name)} has SHA-256 {actual}, expected '
                    f'{sha} (corrupt, or not the official file)')
    return None


def _verified(folder: str) -> bool:
    """All four decompressed files are in ``folder`` with the right bytes."""
    return _problem(folder) is None


def _has_any(folder: str, suffix: str = '') -> bool:
    return any(osp.isfile(osp.join(folder, n + suffix)) for n in SHA256)


def _install(folder: str, target: str) -> None:
    """Move the verified files of ``folder`` into ``target``.

    Each file is replaced atomically; a verified ``target`` is left as it
    is (same bytes, and readers of it are not disturbed).
    """
    if _verified(target):
        return
    os.makedirs(target, exist_ok=True)
    for name in SHA256:
        os.replace(osp.join(folder, name), osp.join(target, name))


def _staging(target: str) -> tempfile.TemporaryDirectory:
    """A temporary folder next to ``target`` (same file system, so the
    final ``os.replace`` is atomic)."""
    parent = osp.dirname(osp.abspath(target))
    os.makedirs(parent, exist_ok=True)
    return tempfile.TemporaryDirectory(dir=parent, prefix='.fmnist-tmp-')


def _decompress(source: str, target: str) -> str:
    """Decompress the four ``.gz`` files of ``source``, verify them, then
    move them into ``target``; '' on success, else why not (``target`` is
    untouched then)."""
    missing = [n + '.gz' for n in SHA256
               if not osp.isfile(osp.join(source, n + '.gz'))]
    if missing:
        return f'{", ".join(missing)} missing in {source}'
    with _staging(target) as tmp:
        for name in SHA256:
            gz = osp.join(source, name + '.gz')
            try:
                with gzip.open(gz, 'rb') as src, \
                        open(osp.join(tmp, name), 'wb') as dst:
                    shutil.copyfileobj(src, dst)
            except (OSError, EOFError, zlib.error) as exc:
                return f'{gz} does not decompress ({exc})'
        # Name the .gz the user has, not the temporary file.
        why = _problem(tmp, osp.join(source, '{}.gz') + ' (decompressed)')
        if why:
            return why
        _install(tmp, target)
    return ''


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
    with _staging(target) as tmp:
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
        why = _decompress(osp.join(tmp, 'x') + SYSTEM_DIR, target)
        return f'downloaded and unpacked, but {why}' if why else ''


def _from_mmpretrain(target: str) -> str:
    """MMPretrain's download into a fresh folder, verified, then moved into
    ``target``; '' or what happened."""
    with _staging(target) as tmp:
        try:
            FashionMNIST(data_root=tmp, download=True, pipeline=[])
        except Exception as exc:  # no network, wrong checksum, ...
            got = 'nothing was downloaded' if not os.listdir(tmp) else \
                'the download stopped part-way'
            return f'{got} ({type(exc).__name__}: {exc})'
        why = _problem(tmp, 'the downloaded {}')
        if why:
            return 'downloaded, but ' + why
        _install(tmp, target)
    return ''


def _check_data_root(data_root: str, cache: str) -> str:
    """The folder to read for a user-given ``data_root``; an error naming
    the file and the fix when it does not verify (never a fall-back)."""
    fix = ('Fix: replace it with the official file (https://github.com/'
           f'zalandoresearch/fashion-mnist, or Debian\'s {DEB_PACKAGE}), or '
           'drop data_root to use the verified project cache '
           f'({cache}) or the automatic install.')
    if _has_any(data_root):
        why = _problem(data_root)
        if why is None:
            return data_root
        raise RuntimeError(f'Fashion-MNIST data_root: {why}. {fix}')
    if _has_any(data_root, '.gz'):
        why = _decompress(data_root, cache)
        if not why:
            return cache
        raise RuntimeError(f'Fashion-MNIST data_root: {why}. {fix}')
    raise FileNotFoundError(
        f'Fashion-MNIST data_root {data_root} holds none of the four files '
        f'({", ".join(SHA256)}, decompressed or .gz). Fix: set data_root '
        'to the folder that holds them, or drop data_root to use the '
        f'project cache ({cache}) or the automatic install.')


def _describe(folder: str) -> str:
    """What is wrong with a folder that did not verify."""
    if osp.isdir(folder) and not _has_any(folder):
        return f'{folder} holds none of the four files'
    return _problem(folder)


def prepare_fashion_mnist(data_root: Optional[str] = None) -> str:
    """Find (or install) verified Fashion-MNIST files; return their folder.

    Args:
        data_root (str, optional): A folder holding the four files,
            decompressed or ``.gz``. When given it is used or it is an
            error (naming the file that failed and its SHA-256): never a
            silent fall-back. ``.gz`` files are decompressed into the
            project cache. Defaults to None: the project cache, the system
            path, Debian's package, MMPretrain's download, in that order.

    Returns:
        str: A folder with the four verified, decompressed idx files.
    """
    cache = default_fashion_mnist_root()
    if data_root:
        return _check_data_root(data_root, cache)
    if _verified(cache):
        return cache
    tried = [f'project cache: {_describe(cache)}']
    if _verified(SYSTEM_DIR):
        return SYSTEM_DIR
    if _has_any(SYSTEM_DIR, '.gz'):
        why = _decompress(SYSTEM_DIR, cache)
        if not why:
            return cache
        tried.append(f'system path: {why}')
    else:
        tried.append(f'system path: {_describe(SYSTEM_DIR)}')
    for label, install in ((f'Debian package {DEB_PACKAGE}', _from_debian),
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
