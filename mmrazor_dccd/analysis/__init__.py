# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from .channel_alignment import (apply_linear_connector, channel_similarity,
                                fit_linear_connector, own_channel_share)

__all__ = [
    'channel_similarity', 'own_channel_share', 'fit_linear_connector',
    'apply_linear_connector'
]
