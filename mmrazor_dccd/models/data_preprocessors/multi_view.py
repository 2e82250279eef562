# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Stack multi-view inputs for DCCD."""
from typing import List, Optional

import torch
from mmpretrain.models.utils import ClsDataPreprocessor

from mmrazor.registry import MODELS


def _is_multi_view(inputs) -> bool:
    """MultiView + pseudo_collate gives V lists of B tensors; + default_collate
    gives V tensors of shape (B, C, H, W)."""
    return isinstance(inputs, (list, tuple)) and len(inputs) > 0 and (
        isinstance(inputs[0], (list, tuple)) or
        (isinstance(inputs[0], torch.Tensor) and inputs[0].dim() == 4))


@MODELS.register_module()
class MultiViewClsDataPreprocessor(ClsDataPreprocessor):
    """MMPretrain's ``ClsDataPreprocessor`` for ``num_views`` views per image.

    Training batches from MMPretrain's ``MultiView`` transform are stacked
    view-major, ``[view 0 of images 0..N-1, view 1 of images 0..N-1, ...]``,
    with every data sample repeated per view (a clone, so batch augments such
    as Mixup/CutMix can write a different soft label per row) and tagged
    with its ``view_id``. Normalisation and batch augments then run on the
    stacked batch as in ``ClsDataPreprocessor``. Single-view batches
    (validation, test) pass through unchanged.

    Args:
        num_views (int): Views required per training image. Defaults to 1.
        **kwargs: Arguments of :class:`ClsDataPreprocessor`.
    """

    def __init__(self, num_views: int = 1, **kwargs) -> None:
        super().__init__(**kwargs)
        self.num_views = num_views

    def forward(self, data: dict, training: bool = False) -> dict:
        inputs = data['inputs']
        if not _is_multi_view(inputs):
            if training and self.num_views > 1:
                raise ValueError(
                    f'The train dataset yields one view per image, '
                    f'{self.num_views} are needed. Wrap its random '
                    "transforms in dict(type='MultiView', num_views="
                    f'{self.num_views}, transforms=[[...]]) before '
                    "dict(type='PackInputs').")
            return super().forward(data, training)
        if not training:  # prediction is single-view
            return super().forward(
                dict(data, inputs=inputs[0]), training)
        if len(inputs) != self.num_views:
            raise ValueError(f'Got {len(inputs)} views per image, '
                             f'num_views={self.num_views}: set the same '
                             'num_views in MultiView and on the algorithm '
                             '(model.num_views; DCCDDistill passes it to '
                             'this preprocessor).')
        return super().forward(
            dict(inputs=self._stack(inputs),
                 data_samples=self._repeat(data.get('data_samples'),
                                           len(inputs))), training)

    @staticmethod
    def _stack(views):
        if isinstance(views[0], torch.Tensor):
            return torch.cat(list(views), dim=0)
        return [img for view in views for img in view]

    @staticmethod
    def _repeat(samples: Optional[List], num_views: int) -> Optional[List]:
        if samples is None:
            return None
        out = []
        for view_id in range(num_views):
            for sample in samples:
                sample = sample if view_id == 0 else sample.clone()
                sample.set_metainfo(dict(view_id=view_id))
                out.append(sample)
        return out
