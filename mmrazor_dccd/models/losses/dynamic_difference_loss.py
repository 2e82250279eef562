# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Dynamic difference loss of DCCD (Liu, Chen & Liu, IEEE TNNLS 2024).

Paper: https://doi.org/10.1109/TNNLS.2023.3238337. The equations are not
available offline; this is the reference design of ``docs/method.md``.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmrazor.registry import MODELS

DISTANCES = ('mse', 'smooth_l1', 'kl')


def view_differences(logits: torch.Tensor, num_views: int) -> torch.Tensor:
    """Differences between every pair of views of the same images.

    Args:
        logits (Tensor): (V*N, K) logits of V views stacked view-major along
            the batch: rows ``[v*N, (v+1)*N)`` are view ``v`` of images
            ``0..N-1``.
        num_views (int): V >= 2.

    Returns:
        Tensor: (P*N, K) with ``z(x_i) - z(x_j)`` for every pair i < j
        (P = V(V-1)/2).
    """
    if num_views < 2:
        raise ValueError(f'num_views must be >= 2, got {num_views}.')
    if logits.size(0) % num_views:
        raise ValueError(
            f'A batch of {logits.size(0)} predictions is not divisible by '
            f'num_views={num_views}: every image needs {num_views} views. '
            "Add dict(type='mmrazor.MultiViewAugment', num_views="
            f'{num_views}, ...) to the train pipeline and use '
            "'mmrazor.MultiViewClsDataPreprocessor'.")
    views = logits.reshape(num_views, -1, *logits.shape[1:])
    pairs = [views[i] - views[j] for i in range(num_views)
             for j in range(i + 1, num_views)]
    return torch.cat(pairs, dim=0)


def dynamic_difference_loss(logits_s: torch.Tensor,
                            logits_t: torch.Tensor,
                            num_views: int = 2,
                            distance: str = 'mse',
                            tau: float = 1.0) -> torch.Tensor:
    r"""Match the student's cross-view differences to the teacher's.

    .. math::
        d = z(x_1) - z(x_2), \qquad L_{dd} = \mathrm{dist}(d_s,
        \mathrm{sg}(d_t))

    ``mse`` and ``smooth_l1`` average over elements; ``kl`` is
    :math:`\tau^2\,\mathrm{KL}(\mathrm{softmax}(d_t/\tau)\,\|\,
    \mathrm{softmax}(d_s/\tau))` averaged over pairs. Computed in fp32.

    Args:
        logits_s (Tensor): Student logits (V*N, K), views stacked
            view-major.
        logits_t (Tensor): Teacher logits, same layout; detached.
        num_views (int): Number of views V. Defaults to 2.
        distance (str): ``'mse'``, ``'smooth_l1'`` or ``'kl'``. Defaults to
            'mse'.
        tau (float): Temperature of the ``kl`` distance. Defaults to 1.0.
    """
    if distance not in DISTANCES:
        raise ValueError(f'Unknown dynamic difference distance {distance!r}; '
                         f'use one of {DISTANCES}.')
    if logits_s.shape != logits_t.shape:
        raise ValueError(f'Student logits {tuple(logits_s.shape)} and teacher '
                         f'logits {tuple(logits_t.shape)} differ.')
    with torch.autocast(device_type=logits_s.device.type, enabled=False):
        d_s = view_differences(logits_s.float(), num_views)
        d_t = view_differences(logits_t.detach().float(), num_views)
        if distance == 'mse':
            return F.mse_loss(d_s, d_t)
        if distance == 'smooth_l1':
            return F.smooth_l1_loss(d_s, d_t)
        log_p_s = F.log_softmax(d_s / tau, dim=-1)
        log_p_t = F.log_softmax(d_t / tau, dim=-1)
        return F.kl_div(
            log_p_s, log_p_t, reduction='batchmean', log_target=True) * tau**2


@MODELS.register_module()
class DynamicDifferenceLoss(nn.Module):
    """Dynamic difference loss of `DCCD
    <https://doi.org/10.1109/TNNLS.2023.3238337>`_.

    The student learns how the teacher's response *changes* between
    augmented views of the same image. See :func:`dynamic_difference_loss`.

    Args:
        num_views (int): Views per image, stacked view-major along the batch.
            Defaults to 2.
        distance (str): ``'mse'``, ``'smooth_l1'`` or ``'kl'``. Defaults to
            'mse'.
        tau (float): Temperature of the ``kl`` distance. Defaults to 1.0.
        loss_weight (float): Weight of the loss (``gamma``). Defaults to 1.0.
    """

    def __init__(self,
                 num_views: int = 2,
                 distance: str = 'mse',
                 tau: float = 1.0,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if distance not in DISTANCES:
            raise ValueError('Unknown DynamicDifferenceLoss distance '
                             f'{distance!r}; use one of {DISTANCES}.')
        if num_views < 2:
            raise ValueError(f'num_views must be >= 2, got {num_views}.')
        self.num_views = num_views
        self.distance = distance
        self.tau = tau
        self.loss_weight = loss_weight

    def forward(self, preds_S: torch.Tensor,
                preds_T: torch.Tensor) -> torch.Tensor:
        """Forward.

        Args:
            preds_S (Tensor): Student logits (V*N, K).
            preds_T (Tensor): Teacher logits (V*N, K).
        """
        return self.loss_weight * dynamic_difference_loss(
            preds_S, preds_T, self.num_views, self.distance, self.tau)
