# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Dynamic difference loss of DCCD (Liu, Chen & Liu, IEEE TNNLS 2024).

Paper: https://doi.org/10.1109/TNNLS.2023.3238337. The equations are not
available offline; this is the reference design of ``docs/method.md``.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmrazor.registry import MODELS
from .checks import LossValueError, check_loss_args

DISTANCES = ('mse', 'kl')


def view_differences(preds: torch.Tensor, num_views: int) -> torch.Tensor:
    """Differences between every pair of views of the same images.

    Args:
        preds (Tensor): (V*N, ...) responses of V views stacked view-major
            along the batch: rows ``[v*N, (v+1)*N)`` are view ``v`` of
            images ``0..N-1``.
        num_views (int): V >= 2.

    Returns:
        Tensor: (P*N, ...) with ``r(x_i) - r(x_j)`` for every pair i < j
        (P = V(V-1)/2).
    """
    if preds.size(0) % num_views:
        raise ValueError(
            f'A batch of {preds.size(0)} predictions is not divisible by '
            f'num_views={num_views}: every image needs {num_views} views. '
            "Wrap the random train transforms in MMPretrain's dict(type="
            f"'MultiView', num_views={num_views}, transforms=[[...]]) and "
            "use dict(type='mmrazor.MultiViewClsDataPreprocessor', "
            f'num_views={num_views}).')
    views = preds.reshape(num_views, -1, *preds.shape[1:])
    pairs = [views[i] - views[j] for i in range(num_views)
             for j in range(i + 1, num_views)]
    return torch.cat(pairs, dim=0)


def dynamic_difference_loss(preds_s: torch.Tensor,
                            preds_t: torch.Tensor,
                            num_views: int = 2,
                            distance: str = 'mse',
                            tau: float = 1.0) -> torch.Tensor:
    r"""Match the student's cross-view differences to the teacher's.

    .. math::
        d = z(x_1) - z(x_2), \qquad L_{dd} = \mathrm{dist}(d_s,
        \mathrm{sg}(d_t))

    on raw responses ``z`` (logits, or features flattened per sample).
    ``mse`` averages over elements; ``kl`` is :math:`\tau^2\,\mathrm{KL}(
    \mathrm{softmax}(d_t/\tau)\,\|\,\mathrm{softmax}(d_s/\tau))`, a softmax
    *of the difference vector* (the MNIST ablation's form). Computed in fp32.

    Args:
        preds_s (Tensor): Student responses (V*N, ...), views stacked
            view-major.
        preds_t (Tensor): Teacher responses, same layout; detached.
        num_views (int): Number of views V >= 2. Defaults to 2.
        distance (str): ``'mse'`` or ``'kl'``. Defaults to 'mse'.
        tau (float): Temperature of ``kl``. Defaults to 1.0.
    """
    if preds_s.shape != preds_t.shape:
        raise ValueError(
            f'Student responses {tuple(preds_s.shape)} and teacher responses '
            f'{tuple(preds_t.shape)} differ. For features, map the student '
            'to the teacher with a connector (DCCDDistiller does when '
            'student_channels and teacher_channels are set).')
    with torch.autocast(device_type=preds_s.device.type, enabled=False):
        d_s = view_differences(preds_s.float().flatten(1), num_views)
        d_t = view_differences(preds_t.detach().float().flatten(1),
                               num_views)
        if distance == 'mse':
            return F.mse_loss(d_s, d_t)
        if distance != 'kl':
            raise ValueError(f'Unknown distance {distance!r}; use one of '
                             f'{DISTANCES}.')
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
    ``DCCDDistiller`` leaves it off by default; how the defaults were
    chosen: ``docs/method.md``, "Defaults".

    Args:
        num_views (int): Views per image (>= 2), stacked view-major along the
            batch. ``DCCDDistill`` passes its own. Defaults to 2.
        distance (str): ``'mse'`` or ``'kl'``. Defaults to 'mse'.
        tau (float): Temperature of the ``kl`` distance. Defaults to 1.0.
        loss_weight (float): Weight of the loss (``gamma``). Defaults to
            0.03.
    """

    def __init__(self,
                 num_views: int = 2,
                 distance: str = 'mse',
                 tau: float = 1.0,
                 loss_weight: float = 0.03) -> None:
        super().__init__()
        owner = type(self).__name__
        check_loss_args(owner, loss_weight, tau,
                        dict(distance=(distance, DISTANCES)))
        if num_views < 2:
            raise LossValueError(
                'num_views', f'{{key}} must be >= 2, got {num_views}: the '
                'loss differences the views of one image and needs '
                'num_views >= 2. Fix: set model.num_views=2 with a '
                'MultiView(num_views=2) train pipeline, or leave the loss '
                'out (L_cc alone needs one view).', owner)
        self.num_views = num_views
        self.distance = distance
        self.tau = tau
        self.loss_weight = loss_weight

    def forward(self, preds_S: torch.Tensor,
                preds_T: torch.Tensor) -> torch.Tensor:
        """Forward.

        Args:
            preds_S (Tensor): Student logits (V*N, K) or features.
            preds_T (Tensor): Teacher logits or features, same shape.
        """
        return self.loss_weight * dynamic_difference_loss(
            preds_S, preds_T, self.num_views, self.distance, self.tau)
