# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Fashion-MNIST (Zalando, MIT) with a held-out validation split.

The files are read where :func:`mmrazor_dccd.data.find_fashion_mnist` finds
them verified; ``python tools/misc/prepare_data.py fashion_mnist`` puts them
there (``make install`` runs it).
"""
import os
import os.path as osp
from functools import lru_cache
from typing import List, Optional

import numpy as np
from mmpretrain.datasets import FashionMNIST
from mmpretrain.datasets.mnist import read_image_file, read_label_file

from mmrazor.registry import DATASETS
from ..data.prepare import find_fashion_mnist
from .splits import balanced_indices

SPLITS = ('train', 'val', 'test')


@lru_cache(maxsize=8)
def _read_idx(path: str, size: int, mtime: float) -> np.ndarray:
    """Parsed idx file, once per process (benchmarks build many runs)."""
    reader = read_image_file if 'images' in path else read_label_file
    return reader(path).numpy()


def read_idx(path: str) -> np.ndarray:
    stat = os.stat(path)
    return _read_idx(path, stat.st_size, stat.st_mtime)


@DATASETS.register_module()
class PackagedFashionMNIST(FashionMNIST):
    """MMPretrain's Fashion-MNIST with a held-out validation split.

    ``split='val'`` is a class-balanced, seeded subset of the official
    training set (``val_per_class`` images per class); ``split='train'`` is
    the rest of it, so validation never overlaps training, and
    ``split='test'`` is the official test set, read only for final tables.

    Args:
        data_root (str, optional): Folder with the files; see
            :func:`mmrazor_dccd.data.find_fashion_mnist`
            (prepared by ``python tools/misc/prepare_data.py``). Defaults
            to None.
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
            data_root=find_fashion_mnist(data_root),
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
