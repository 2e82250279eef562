# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""MMRazor's CRD loss with the ``loss_weight`` it documents."""
import torch

from mmrazor.models.losses import CRDLoss
from mmrazor.registry import MODELS
from .checks import check_loss_args


@MODELS.register_module()
class WeightedCRDLoss(CRDLoss):
    """`CRD <https://arxiv.org/abs/1910.10699>`_ (MMRazor's ``CRDLoss``),
    scaled by ``loss_weight``.

    MMRazor 1.0.0's ``CRDLoss`` takes and documents ``loss_weight`` but its
    ``forward`` returns the unweighted loss, so every CRD config runs at
    weight 1 whatever it says (seen on Fashion-MNIST: weights 0.2, 0.8 and
    3.2 gave bit-identical runs). Use this class to tune CRD's weight.

    Args:
        loss_weight (float): Weight of the loss; finite and >= 0.
            Defaults to 1.0.
        **kwargs: Further arguments of MMRazor's ``CRDLoss``.
    """

    def __init__(self, loss_weight: float = 1.0, **kwargs) -> None:
        check_loss_args(type(self).__name__, loss_weight)
        super().__init__(loss_weight=loss_weight, **kwargs)

    def forward(self, s_feats: torch.Tensor, t_feats: torch.Tensor,
                data_samples) -> torch.Tensor:
        """Forward; see MMRazor's ``CRDLoss.forward``."""
        return self.loss_weight * super().forward(s_feats, t_feats,
                                                  data_samples)
