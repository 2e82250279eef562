# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""How redundant a feature map's channels are.

The paper's title claim is that DCCD "reduces neural network redundancy"
and that the channel contrastive objective "broadens student networks'
feature expression space". Three numbers measure that on data:

* the mean absolute Pearson correlation between two different channels
  (0: no channel predicts another linearly; 1: all channels are copies),
* the effective rank of the centred features (how many directions the
  feature energy really spreads over, out of C channels),
* the number of dead channels (constant over the data: they express
  nothing).

Every function takes features ``(B, C, H, W)`` or ``(B, C)`` and first
turns them into a sample matrix ``X`` of shape ``(N, C)``, channels as
variables (:func:`channel_samples`): one row per image and spatial position
(``samples='positions'``, ``N = B*H*W``; the default: it is the space
``ChannelContrastiveLoss`` shapes, which embeds each channel over the
batch's images and positions, and a ``(B, C, 4, 4)`` map gives 16 times
the rows) or one row per image after global average pooling
(``samples='images'``, ``N = B``: the vector the classifier head reads).
``(B, C)`` features are used as they are in both modes. All arithmetic is
in float64.
"""
import math
from typing import Dict

import torch

SAMPLES = ('positions', 'images')


def channel_samples(feat: torch.Tensor,
                    samples: str = 'positions') -> torch.Tensor:
    """The ``(N, C)`` float64 sample matrix of a feature map.

    Args:
        feat (Tensor): ``(B, C, H, W)`` or ``(B, C)`` features.
        samples (str): ``'positions'``: one row per (image, position),
            ``N = B*H*W``; ``'images'``: one row per image after global
            average pooling, ``N = B``. Defaults to 'positions'.
    """
    if samples not in SAMPLES:
        raise ValueError(f'Unknown samples {samples!r}; use one of '
                         f'{SAMPLES}.')
    if feat.dim() not in (2, 4):
        raise ValueError('Expected (B, C, H, W) or (B, C) features, got '
                         f'shape {tuple(feat.shape)}.')
    feat = feat.detach().double()
    if feat.dim() == 2:
        return feat
    if samples == 'images':
        return feat.mean(dim=(2, 3))
    return feat.permute(0, 2, 3, 1).reshape(-1, feat.size(1))


def channel_variance(feat: torch.Tensor,
                     samples: str = 'positions') -> torch.Tensor:
    """``(C,)`` variance of each channel over the samples (``N - 1``
    denominator).

    Args:
        feat (Tensor): ``(B, C, H, W)`` or ``(B, C)`` features.
        samples (str): See :func:`channel_samples`. Defaults to 'positions'.
    """
    return channel_samples(feat, samples).var(dim=0)


def dead_channels(feat: torch.Tensor,
                  samples: str = 'positions',
                  threshold: float = 1e-6) -> torch.Tensor:
    r"""``(C,)`` bool mask of dead channels.

    .. math::
        \mathrm{dead}_c = \mathrm{Var}(X_{:, c}) \le
            \theta \cdot \frac{1}{C} \sum_k \mathrm{Var}(X_{:, k})

    Relative to the layer's mean channel variance, so the count does not
    change when the whole layer is rescaled (e.g. by a BN weight): at the
    default ``theta = 1e-6`` a channel is dead when its standard deviation
    is below 1/1000 of a typical channel's. A ReLU channel that never fires
    (all zeros) or a constant channel has variance 0 up to rounding. A
    layer whose channels are all constant counts every channel dead.

    Args:
        feat (Tensor): ``(B, C, H, W)`` or ``(B, C)`` features.
        samples (str): See :func:`channel_samples`. Defaults to 'positions'.
        threshold (float): ``theta`` above. Defaults to 1e-6.
    """
    var = channel_variance(feat, samples)
    return var <= threshold * var.mean()


def channel_correlation(feat: torch.Tensor,
                        samples: str = 'positions') -> torch.Tensor:
    r"""``(C, C)`` Pearson correlation matrix of the channels.

    .. math::
        R_{ij} = \frac{\sum_n (X_{ni} - \bar X_i)(X_{nj} - \bar X_j)}
                      {\sqrt{\sum_n (X_{ni} - \bar X_i)^2}
                       \sqrt{\sum_n (X_{nj} - \bar X_j)^2}}

    Rows and columns of zero-variance channels are NaN (undefined).

    Args:
        feat (Tensor): ``(B, C, H, W)`` or ``(B, C)`` features.
        samples (str): See :func:`channel_samples`. Defaults to 'positions'.
    """
    x = channel_samples(feat, samples)
    x = x - x.mean(dim=0)
    norm = x.norm(dim=0)
    norm = torch.where(norm > 0, norm, torch.full_like(norm, math.nan))
    x = x / norm
    return x.T @ x


def mean_abs_correlation(feat: torch.Tensor,
                         samples: str = 'positions',
                         dead_threshold: float = 1e-6) -> float:
    r"""Mean absolute off-diagonal Pearson correlation of the live channels.

    .. math::
        \bar r = \frac{1}{L (L - 1)} \sum_{i \ne j} |R_{ij}|

    over the ``L`` channels that are not dead (:func:`dead_channels`):
    a dead channel's correlation is undefined, and the dead count reports
    it. NaN when fewer than two channels are live.

    Args:
        feat (Tensor): ``(B, C, H, W)`` or ``(B, C)`` features.
        samples (str): See :func:`channel_samples`. Defaults to 'positions'.
        dead_threshold (float): See :func:`dead_channels`. Defaults to 1e-6.
    """
    x = channel_samples(feat, samples)
    live = ~dead_channels(x, threshold=dead_threshold)
    num = int(live.sum())
    if num < 2:
        return math.nan
    corr = channel_correlation(x[:, live]).abs()
    return float((corr.sum() - corr.diagonal().sum()) / (num * (num - 1)))


def effective_rank(feat: torch.Tensor, samples: str = 'positions') -> float:
    r"""Effective rank (Roy & Vetterli, 2007) of the centred features.

    With :math:`s_1, ..., s_C` the singular values of the column-centred
    sample matrix :math:`X - \bar X`:

    .. math::
        p_i = \frac{s_i}{\sum_k s_k}, \qquad
        \mathrm{erank} = \exp\Big(-\sum_i p_i \log p_i\Big)

    (``0 log 0 = 0``). It lies in ``[1, C]``: 1 when every channel is a
    multiple of one signal, ``C`` when the energy is spread evenly over
    ``C`` orthogonal directions. Unlike the correlation it weighs channels
    by their scale: a channel of tiny variance adds almost nothing. 0 when
    every channel is constant.

    Args:
        feat (Tensor): ``(B, C, H, W)`` or ``(B, C)`` features.
        samples (str): See :func:`channel_samples`. Defaults to 'positions'.
    """
    x = channel_samples(feat, samples)
    s = torch.linalg.svdvals(x - x.mean(dim=0))
    if s.sum() <= 0:
        return 0.0
    p = s / s.sum()
    p = p[p > 0]
    return float(torch.exp(-(p * p.log()).sum()))


def feature_redundancy(feat: torch.Tensor,
                       samples: str = 'positions',
                       dead_threshold: float = 1e-6) -> Dict:
    """All three redundancy numbers of one feature map.

    Args:
        feat (Tensor): ``(B, C, H, W)`` or ``(B, C)`` features.
        samples (str): See :func:`channel_samples`. Defaults to 'positions'.
        dead_threshold (float): See :func:`dead_channels`. Defaults to 1e-6.

    Returns:
        dict: ``channels`` (C), ``samples`` (the mode) and ``num_samples``
        (N), ``mean_abs_correlation`` (:func:`mean_abs_correlation`),
        ``effective_rank`` (:func:`effective_rank`) and ``dead_channels``
        (how many, :func:`dead_channels`).
    """
    x = channel_samples(feat, samples)
    return dict(
        channels=x.size(1),
        samples=samples,
        num_samples=x.size(0),
        mean_abs_correlation=mean_abs_correlation(
            x, dead_threshold=dead_threshold),
        effective_rank=effective_rank(x),
        dead_channels=int(dead_channels(x, threshold=dead_threshold).sum()))
