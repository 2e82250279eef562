# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Channel contrastive loss of DCCD (Liu, Chen & Liu, IEEE TNNLS 2024).

Paper: https://doi.org/10.1109/TNNLS.2023.3238337. The equations are not
available offline; this is the reference design of ``docs/method.md``.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmrazor.registry import MODELS
from .checks import check_loss_args

MODES = ('per_sample', 'batch')


def channel_embeddings(feat: torch.Tensor,
                       mode: str = 'batch',
                       center: bool = False,
                       eps: float = 1e-6) -> torch.Tensor:
    """Embed every channel as its L2-normalised activation map, in fp32.

    Args:
        feat (Tensor): (B, C, H, W) or (B, C) features.
        mode (str): ``'per_sample'``: one embedding per (sample, channel),
            of length H*W, returned as (B, C, H*W). ``'batch'``: one per
            channel over the whole batch, of length B*H*W, returned as
            (1, C, B*H*W). Defaults to 'batch'.
        center (bool): Subtract each embedding's mean before normalising
            (the channel-alignment analysis does; the loss does not).
            Defaults to False.
        eps (float): Normalisation epsilon. Defaults to 1e-6.
    """
    if feat.dim() not in (2, 4):
        raise ValueError('Channel contrastive loss expects (B, C, H, W) or '
                         f'(B, C) features, got shape {tuple(feat.shape)}.')
    feat = feat.float().flatten(2) if feat.dim() == 4 else feat.float()[...,
                                                                        None]
    if mode == 'per_sample':
        if feat.size(-1) == 1:
            raise ValueError(
                'per_sample mode contrasts channels within one sample and '
                'needs spatial maps (H*W > 1), got features of shape '
                f'{tuple(feat.shape[:2])} x 1. Use mode="batch" for pooled '
                'features, or record a layer before pooling.')
        emb = feat
    elif mode == 'batch':
        emb = feat.transpose(0, 1).reshape(1, feat.size(1), -1)
    else:
        raise ValueError(f'Unknown channel contrastive mode {mode!r}; use one '
                         f'of {MODES}.')
    if center:
        emb = emb - emb.mean(dim=-1, keepdim=True)
    return F.normalize(emb, dim=-1, eps=eps)


def channel_contrastive_loss(feat_s: torch.Tensor,
                             feat_t: torch.Tensor,
                             tau: float = 0.1,
                             mode: str = 'batch') -> torch.Tensor:
    r"""InfoNCE over channels: each student channel must pick out its own
    teacher channel among all teacher channels.

    .. math::
        S_{ij} = \frac{u^s_i \cdot \mathrm{sg}(u^t_j)}{\tau}, \qquad
        L_{cc} = -\frac{1}{C}\sum_i \log
                 \frac{\exp S_{ii}}{\sum_j \exp S_{ij}}

    averaged over samples in ``per_sample`` mode (``u`` from
    :func:`channel_embeddings`). Computed in fp32 with log-softmax, outside
    autocast.

    Args:
        feat_s (Tensor): Student features, already aligned to the teacher's
            shape by a connector.
        feat_t (Tensor): Teacher features; no gradient flows into them.
        tau (float): Temperature. Defaults to 0.1.
        mode (str): ``'per_sample'`` or ``'batch'``. Defaults to 'batch'.

    Raises:
        ValueError: Shapes differ, or ``batch`` mode on features whose
            embeddings have length B*H*W = 1 (no gradient).
    """
    if feat_s.shape != feat_t.shape:
        raise ValueError(
            f'Student feature {tuple(feat_s.shape)} and teacher feature '
            f'{tuple(feat_t.shape)} differ. Map the student to the teacher '
            'with a connector: pass `student_channels` / `teacher_channels` '
            "to DCCDDistiller (it adds MMRazor's ConvModuleConnector), and "
            'for a spatial mismatch a `connector` list ending in '
            "TorchFunctionalConnector(function_name='interpolate').")
    if mode == 'batch' and feat_s.dim() in (2, 4) and \
            feat_s.numel() == feat_s.size(1):
        # Every embedding is one number, normalised to +-1: the loss is a
        # constant with zero gradient, and training learns nothing from it.
        raise ValueError(
            'batch mode embeds each channel over the batch; features of '
            f'shape {tuple(feat_s.shape)} give embeddings of length '
            'B*H*W = 1, so the loss is constant with zero gradient. Fix: a '
            'batch of >= 2 images (drop_last=True for the train loader so '
            "no partial batch of one is left), or mode='per_sample' on "
            'spatial maps (H*W > 1).')
    with torch.autocast(device_type=feat_s.device.type, enabled=False):
        # 1/tau on the (G, C, L) embeddings, not on the (G, C, C) logits.
        u_s = channel_embeddings(feat_s, mode) / tau
        u_t = channel_embeddings(feat_t.detach(), mode)
        logits = torch.bmm(u_s, u_t.transpose(1, 2))  # (G, C, C)
        num_groups, num_channels = logits.shape[:2]
        target = torch.arange(
            num_channels, device=logits.device).repeat(num_groups)
        return F.cross_entropy(logits.flatten(0, 1), target)


@MODELS.register_module()
class ChannelContrastiveLoss(nn.Module):
    """Channel contrastive loss of `DCCD
    <https://doi.org/10.1109/TNNLS.2023.3238337>`_.

    Channels are the instances: a student channel's positive is the same
    channel of the teacher, its negatives are all other teacher channels.
    No memory bank. See :func:`channel_contrastive_loss`. How the defaults
    were chosen: ``docs/method.md``, "Defaults".

    Args:
        tau (float): Temperature. Defaults to 0.1.
        mode (str): ``'per_sample'`` contrasts channels within each sample;
            ``'batch'`` embeds each channel over the whole (per-rank) batch.
            Defaults to 'batch'.
        loss_weight (float): Weight of the loss (``beta``). Defaults to 3.0.
    """

    def __init__(self,
                 tau: float = 0.1,
                 mode: str = 'batch',
                 loss_weight: float = 3.0) -> None:
        super().__init__()
        check_loss_args(type(self).__name__, loss_weight, tau,
                        dict(mode=(mode, MODES)))
        self.tau = tau
        self.mode = mode
        self.loss_weight = loss_weight

    def forward(self, preds_S: torch.Tensor,
                preds_T: torch.Tensor) -> torch.Tensor:
        """Forward.

        Args:
            preds_S (Tensor): Student features (B, C, H, W) or (B, C).
            preds_T (Tensor): Teacher features of the same shape.
        """
        return self.loss_weight * channel_contrastive_loss(
            preds_S, preds_T, self.tau, self.mode)
