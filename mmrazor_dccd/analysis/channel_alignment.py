# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""How well student channels line up with their teacher channels.

``L_cc`` asks student channel ``i`` (after the connector) to be most similar
to teacher channel ``i`` among all teacher channels. These functions measure
that on data: the channel similarity matrix (cosine similarity of the
channels' batch-mode embeddings, mean-centred: see
:func:`channel_similarity`) and the share of student channels whose most
similar teacher channel is their own.
"""
from typing import Tuple

import torch

from ..models.losses.channel_contrastive_loss import channel_embeddings


def channel_similarity(feat_s: torch.Tensor,
                       feat_t: torch.Tensor,
                       center: bool = True) -> torch.Tensor:
    """(C, C) cosine similarities of student (rows) and teacher (columns)
    channels, each channel embedded over the whole batch.

    The embedding is :func:`channel_embeddings` in ``'batch'`` mode, the
    one ``ChannelContrastiveLoss`` uses by default, but mean-centred by
    default here, where the loss embeds uncentred. Centred,
    each entry is the Pearson correlation of the two channels over images x
    positions: whether they vary together. Uncentred, the cosine also
    holds the product of the two channels' means, and the teacher's
    recorded ResNet stage outputs are post-ReLU (non-negative), so two
    channels that vary independently still score above 0 and a channel's
    score depends on its mean, not only on what it tracks.
    ``center=False`` gives the loss's default embedding exactly (the logits
    ``S * tau`` of :func:`channel_contrastive_loss` in batch mode).

    Args:
        feat_s (Tensor): Student features (B, C, H, W) or (B, C), already
            mapped to the teacher's shape.
        feat_t (Tensor): Teacher features of the same shape.
        center (bool): Mean-centre the channel embeddings. Defaults to True
            (what ``tools/analysis/channel_alignment.py`` reports).
    """
    if feat_s.shape != feat_t.shape:
        raise ValueError(f'Student {tuple(feat_s.shape)} and teacher '
                         f'{tuple(feat_t.shape)} features differ: map the '
                         'student with its connector first.')
    u_s = channel_embeddings(feat_s, 'batch', center=center)[0]
    u_t = channel_embeddings(feat_t, 'batch', center=center)[0]
    return u_s @ u_t.T


def own_channel_share(similarity: torch.Tensor) -> float:
    """Share of rows whose largest entry is on the diagonal."""
    own = similarity.argmax(dim=1) == torch.arange(similarity.size(0))
    return float(own.float().mean())


def fit_linear_connector(feat_s: torch.Tensor, feat_t: torch.Tensor,
                         ridge: float = 1e-3) -> Tuple[torch.Tensor,
                                                       torch.Tensor]:
    """Least-squares 1x1 conv (weight (C_t, C_s), bias (C_t,)) mapping
    student to teacher features: the connector a model trained without one
    (student alone, logit KD) is given for a fair comparison.

    Args:
        feat_s (Tensor): (B, C_s, H, W) student features.
        feat_t (Tensor): (B, C_t, H, W) teacher features, same H, W.
        ridge (float): Ridge term, relative to the mean feature energy.
            Defaults to 1e-3.
    """
    x = feat_s.permute(0, 2, 3, 1).reshape(-1, feat_s.size(1)).double()
    y = feat_t.permute(0, 2, 3, 1).reshape(-1, feat_t.size(1)).double()
    x = torch.cat([x, torch.ones_like(x[:, :1])], dim=1)
    gram = x.T @ x
    gram += ridge * gram.diagonal().mean() * torch.eye(gram.size(0),
                                                       dtype=gram.dtype)
    coef = torch.linalg.solve(gram, x.T @ y)  # (C_s + 1, C_t)
    return coef[:-1].T.float(), coef[-1].float()


def apply_linear_connector(feat_s: torch.Tensor, weight: torch.Tensor,
                           bias: torch.Tensor) -> torch.Tensor:
    """Apply the 1x1 conv of :func:`fit_linear_connector` to (B, C_s, H, W)
    student features."""
    return (torch.einsum('bchw,tc->bthw', feat_s, weight) +
            bias[:, None, None])
