# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Dynamic difference loss of DCCD (Liu, Chen & Liu, IEEE TNNLS 2024).

Paper: https://doi.org/10.1109/TNNLS.2023.3238337. The equations are not
available offline; this is the reference design of ``docs/method.md``, with
the forms studied in ``docs/benchmark.md``.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmrazor.registry import MODELS
from .channel_contrastive_loss import check_loss_weight

RESPONSES = ('logits', 'probs', 'zscore')
DISTANCES = ('mse', 'smooth_l1', 'cosine', 'kl')


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
    if num_views < 2:
        raise ValueError(f'num_views must be >= 2, got {num_views}.')
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


def view_responses(preds: torch.Tensor,
                   response: str = 'logits',
                   tau: float = 1.0,
                   eps: float = 1e-6) -> torch.Tensor:
    """What is differenced: (B, ...) predictions -> (B, D) responses.

    Args:
        preds (Tensor): Logits (B, K) or features (B, C, H, W), flattened.
        response (str): ``'logits'`` (raw), ``'probs'``
            (``softmax(z / tau)``) or ``'zscore'`` (each row standardised
            to zero mean and unit std, as in logit-standardisation KD, so
            the student need not copy the teacher's logit scale).
            Defaults to 'logits'.
        tau (float): Temperature of ``'probs'``. Defaults to 1.0.
        eps (float): Added to the std of ``'zscore'``. Defaults to 1e-6.
    """
    if response not in RESPONSES:
        raise ValueError(f'Unknown dynamic difference response {response!r}; '
                         f'use one of {RESPONSES}.')
    preds = preds.flatten(1)
    if response == 'probs':
        return F.softmax(preds / tau, dim=-1)
    if response == 'zscore':
        mean = preds.mean(dim=-1, keepdim=True)
        return (preds - mean) / (preds.std(dim=-1, keepdim=True) + eps)
    return preds


def dynamic_difference_loss(preds_s: torch.Tensor,
                            preds_t: torch.Tensor,
                            num_views: int = 2,
                            distance: str = 'mse',
                            tau: float = 1.0,
                            response: str = 'logits') -> torch.Tensor:
    r"""Match the student's cross-view differences to the teacher's.

    .. math::
        d = r(x_1) - r(x_2), \qquad L_{dd} = \mathrm{dist}(d_s,
        \mathrm{sg}(d_t))

    with the response ``r`` of :func:`view_responses` (raw logits,
    ``softmax(z / tau)`` or z-scored logits; features work too). Distances:
    ``mse`` / ``smooth_l1`` average over elements, except on ``probs``,
    where ``mse`` is :math:`\tau^2\,\lVert d_s - d_t\rVert^2` averaged over
    pairs (the squared distance of two probability differences, scaled
    like Hinton KD so its size does not shrink with the temperature);
    ``cosine`` is :math:`1 - \cos(d_s, d_t)` averaged over pairs (direction
    only); ``kl`` is :math:`\tau^2\,\mathrm{KL}(\mathrm{softmax}(d_t/\tau)
    \,\|\,\mathrm{softmax}(d_s/\tau))`, a softmax *of the difference
    vector*, kept for the MNIST ablation. Computed in fp32.

    Args:
        preds_s (Tensor): Student responses (V*N, ...), views stacked
            view-major.
        preds_t (Tensor): Teacher responses, same layout; detached.
        num_views (int): Number of views V. Defaults to 2.
        distance (str): One of ``DISTANCES``. Defaults to 'mse'.
        tau (float): Temperature of ``probs`` and ``kl``. Defaults to 1.0.
        response (str): One of ``RESPONSES``. Defaults to 'logits'.
    """
    if distance not in DISTANCES:
        raise ValueError(f'Unknown dynamic difference distance {distance!r}; '
                         f'use one of {DISTANCES}.')
    if preds_s.shape != preds_t.shape:
        raise ValueError(
            f'Student responses {tuple(preds_s.shape)} and teacher responses '
            f'{tuple(preds_t.shape)} differ. For features, map the student '
            'to the teacher with a connector (DCCDDistiller does when '
            'student_channels and teacher_channels are set).')
    with torch.autocast(device_type=preds_s.device.type, enabled=False):
        d_s = view_differences(
            view_responses(preds_s.float(), response, tau), num_views)
        d_t = view_differences(
            view_responses(preds_t.detach().float(), response, tau),
            num_views)
        if distance == 'mse' and response == 'probs':
            return (d_s - d_t).pow(2).sum(-1).mean() * tau**2
        if distance == 'mse':
            return F.mse_loss(d_s, d_t)
        if distance == 'smooth_l1':
            return F.smooth_l1_loss(d_s, d_t)
        if distance == 'cosine':
            return (1 - F.cosine_similarity(d_s, d_t, dim=-1, eps=1e-8)).mean()
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
    The defaults are the form and weight that measured best on the
    Fashion-MNIST validation split (``docs/benchmark.md``): raw logit
    differences, mse, gamma 0.03. No form made a student better than the
    student alone there, so ``DCCDDistiller`` leaves it off by default.

    Args:
        num_views (int): Views per image, stacked view-major along the batch.
            ``DCCDDistiller`` passes its own. Defaults to 2.
        distance (str): ``'mse'``, ``'smooth_l1'``, ``'cosine'`` or
            ``'kl'``. Defaults to 'mse'.
        tau (float): Temperature of ``response='probs'`` and of the ``kl``
            distance. Defaults to 1.0.
        response (str): What is differenced: ``'logits'``, ``'probs'``
            (``softmax(z / tau)``) or ``'zscore'``. Defaults to 'logits'.
        loss_weight (float): Weight of the loss (``gamma``). Defaults to
            0.03.
    """

    def __init__(self,
                 num_views: int = 2,
                 distance: str = 'mse',
                 tau: float = 1.0,
                 response: str = 'logits',
                 loss_weight: float = 0.03) -> None:
        super().__init__()
        if distance not in DISTANCES:
            raise ValueError('Unknown DynamicDifferenceLoss distance '
                             f'{distance!r}; use one of {DISTANCES}.')
        if response not in RESPONSES:
            raise ValueError('Unknown DynamicDifferenceLoss response '
                             f'{response!r}; use one of {RESPONSES}.')
        if num_views < 2:
            raise ValueError(f'num_views must be >= 2, got {num_views}.')
        if tau <= 0:
            raise ValueError(
                f'tau must be positive, got {tau}. Fix: set tau > 0 (the '
                'temperature divides the similarities).')
        check_loss_weight(loss_weight, 'DynamicDifferenceLoss.loss_weight')
        self.num_views = num_views
        self.distance = distance
        self.tau = tau
        self.response = response
        self.loss_weight = loss_weight

    def forward(self, preds_S: torch.Tensor,
                preds_T: torch.Tensor) -> torch.Tensor:
        """Forward.

        Args:
            preds_S (Tensor): Student logits (V*N, K) or features.
            preds_T (Tensor): Teacher logits or features, same shape.
        """
        return self.loss_weight * dynamic_difference_loss(
            preds_S, preds_T, self.num_views, self.distance, self.tau,
            self.response)
