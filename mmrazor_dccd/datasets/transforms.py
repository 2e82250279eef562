# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Packing for MMRazor's CRD on MMPretrain."""
import numpy as np
import torch
from mmpretrain.datasets.transforms import PackInputs

from mmrazor.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PackCRDInputs(PackInputs):
    """MMPretrain's ``PackInputs`` plus the indices MMRazor's ``CRDLoss``
    reads: ``sample_idx`` (a 0-dim long tensor) and
    ``contrast_sample_idxs`` (from ``CRDDataset``), packed as data fields.

    MMRazor's own ``PackCRDClsInputs`` does this for MMClassification, which
    MMPretrain replaced.

    Args:
        **kwargs: Arguments of :class:`PackInputs`; ``sample_idx`` is removed
            from ``meta_keys`` (it is a data field here).
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault('meta_keys', PackInputs.DEFAULT_META_KEYS)
        kwargs['meta_keys'] = tuple(
            k for k in kwargs['meta_keys'] if k != 'sample_idx')
        super().__init__(**kwargs)

    def transform(self, results: dict) -> dict:
        packed = super().transform(results)
        sample = packed['data_samples']
        sample.set_data(
            dict(sample_idx=torch.tensor(int(results['sample_idx']))))
        if 'contrast_sample_idxs' in results:
            sample.set_data(
                dict(contrast_sample_idxs=torch.from_numpy(
                    np.asarray(results['contrast_sample_idxs'])).long()))
        return packed
