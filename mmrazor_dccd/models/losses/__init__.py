# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from .channel_contrastive_loss import (ChannelContrastiveLoss,
                                       channel_contrastive_loss,
                                       channel_embeddings)
from .checks import LossArgumentError, check_loss_args
from .dynamic_difference_loss import (DynamicDifferenceLoss,
                                      dynamic_difference_loss,
                                      view_differences)
from .weighted_crd_loss import WeightedCRDLoss

__all__ = [
    'ChannelContrastiveLoss', 'channel_contrastive_loss',
    'channel_embeddings', 'LossArgumentError', 'check_loss_args',
    'DynamicDifferenceLoss', 'dynamic_difference_loss', 'view_differences',
    'WeightedCRDLoss'
]
