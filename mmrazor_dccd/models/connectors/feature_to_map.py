# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Parameter-free connectors that turn any feature into a (B, C, H, W) map."""
import math
from typing import Tuple

import torch
import torch.nn as nn

from mmrazor.registry import MODELS


def token_grid(num_tokens: int) -> Tuple[int, int]:
    """The (h, w) grid of ``num_tokens`` positions: square when it can be,
    else one row."""
    side = math.isqrt(num_tokens)
    return (side, side) if side * side == num_tokens else (1, num_tokens)


@MODELS.register_module()
class FeatureToMap(nn.Module):
    """(B, N, C) tokens or (B, C) pooled features as a (B, C, H, W) map.

    Tokens are C channels over N positions, laid on their square grid
    (one row when N is not a square). Maps pass through unchanged.

    Args:
        num_extra_tokens (int): Leading class / distillation tokens to drop
            from (B, N, C) tokens. Defaults to 0.
    """

    def __init__(self, num_extra_tokens: int = 0) -> None:
        super().__init__()
        self.num_extra_tokens = num_extra_tokens

    def forward(self, feat: torch.Tensor) -> torch.Tensor:
        if feat.dim() == 2:
            return feat[..., None, None]
        if feat.dim() == 3:
            feat = feat[:, self.num_extra_tokens:]
            return feat.transpose(1, 2).reshape(
                feat.size(0), feat.size(2), *token_grid(feat.size(1)))
        return feat
