# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The DCCD losses: hand-computed values, properties, gradients, AMP."""
import inspect
import math

import pytest
import torch
import torch.nn as nn

from mmrazor.registry import MODELS
from mmrazor_dccd.models.losses import (ChannelContrastiveLoss,
                                        DynamicDifferenceLoss,
                                        channel_contrastive_loss,
                                        channel_embeddings,
                                        dynamic_difference_loss,
                                        view_differences)

pytestmark = pytest.mark.fast


def _ce(row, target):
    return -row[target] + math.log(sum(math.exp(v) for v in row))


# --------------------------------------------------------------- L_cc values
def test_cc_per_sample_by_hand():
    # One sample, two channels of 1x2 maps.
    s = torch.tensor([[[[3., 4.]], [[0., 2.]]]])  # -> [.6, .8], [0, 1]
    t = torch.tensor([[[[5., 0.]], [[0., 7.]]]])  # -> [1, 0], [0, 1]
    tau = 0.5
    rows = [[0.6 / tau, 0.8 / tau], [0.0, 1.0 / tau]]
    expected = (_ce(rows[0], 0) + _ce(rows[1], 1)) / 2
    got = channel_contrastive_loss(s, t, tau=tau, mode='per_sample')
    assert got.item() == pytest.approx(expected, rel=1e-5)


def test_cc_per_sample_averages_over_samples():
    s = torch.randn(3, 4, 2, 2)
    t = torch.randn(3, 4, 2, 2)
    per = [
        channel_contrastive_loss(s[i:i + 1], t[i:i + 1], mode='per_sample')
        for i in range(3)
    ]
    got = channel_contrastive_loss(s, t, mode='per_sample')
    assert got.item() == pytest.approx(sum(per).item() / 3, rel=1e-5)


def test_cc_batch_mode_by_hand_on_pooled_features():
    # (B, C) = (2, 2): channel c is embedded over the batch.
    s = torch.tensor([[1., 0.], [1., 2.]])  # ch0 [1,1], ch1 [0,2]
    t = torch.tensor([[2., 1.], [0., 0.]])  # ch0 [2,0], ch1 [1,0]
    r = 1 / math.sqrt(2)
    rows = [[r * 1 / 0.1, r * 1 / 0.1], [0.0, 0.0]]
    expected = (_ce(rows[0], 0) + _ce(rows[1], 1)) / 2
    got = channel_contrastive_loss(s, t, tau=0.1, mode='batch')
    assert got.item() == pytest.approx(expected, rel=1e-5)


def test_channel_embeddings_center_by_hand():
    """center=True (the channel-alignment analysis) mean-centres each map."""
    feat = torch.tensor([[[[1., 3.]], [[2., 2.5]]]])
    emb = channel_embeddings(feat, 'per_sample', center=True)
    r = 1 / math.sqrt(2)
    torch.testing.assert_close(emb, torch.tensor([[[-r, r], [-r, r]]]))


# ----------------------------------------------------------- L_cc properties
@pytest.mark.parametrize('mode', ['per_sample', 'batch'])
def test_cc_prefers_aligned_channels_and_is_permutation_equivariant(mode):
    torch.manual_seed(0)
    t = torch.randn(4, 16, 5, 5)
    s = t + 0.3 * torch.randn_like(t)
    perm = torch.randperm(16)
    aligned = channel_contrastive_loss(s, t, mode=mode)
    shuffled = channel_contrastive_loss(s, t[:, perm], mode=mode)
    assert aligned < shuffled
    both = channel_contrastive_loss(s[:, perm], t[:, perm], mode=mode)
    assert both.item() == pytest.approx(aligned.item(), rel=1e-4, abs=1e-6)


def test_cc_gradients_reach_student_and_connector_not_teacher():
    torch.manual_seed(0)
    student = nn.Conv2d(3, 8, 3, padding=1)
    connector = MODELS.build(
        dict(type='ConvModuleConnector', in_channel=8, out_channel=16,
             norm_cfg=dict(type='BN'), act_cfg=None))
    teacher = nn.Conv2d(3, 16, 3, padding=1).requires_grad_(False)
    x = torch.randn(2, 3, 6, 6)
    loss = MODELS.build(dict(type='ChannelContrastiveLoss'))(
        connector(student(x)), teacher(x))
    loss.backward()
    assert student.weight.grad.abs().sum() > 0
    assert all(p.grad is not None and p.grad.abs().sum() > 0
               for p in connector.parameters())
    assert all(p.grad is None for p in teacher.parameters())


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_losses_finite_with_large_low_precision_inputs(dtype):
    torch.manual_seed(0)
    big = (torch.randn(4, 8, 3, 3) * 1e4).to(dtype)
    assert torch.isfinite(
        channel_contrastive_loss(big, big.flip(0), mode='per_sample'))
    assert torch.isfinite(channel_contrastive_loss(big, big, mode='batch'))
    logits = (torch.randn(8, 10) * 1e4).to(dtype)
    for distance in ('mse', 'kl'):
        value = dynamic_difference_loss(logits, logits.flip(1),
                                        distance=distance)
        assert torch.isfinite(value), distance
    with torch.autocast('cpu', dtype=torch.bfloat16):
        value = channel_contrastive_loss(big.float(), big.float(),
                                         mode='per_sample')
    assert value.dtype == torch.float32 and torch.isfinite(value)


# --------------------------------------------------------------- L_dd values
def test_view_differences_layout():
    # V=3 views of N=2 images, stacked view-major.
    logits = torch.arange(6.).view(6, 1)  # view v, image n -> 2v + n
    d = view_differences(logits, 3)
    assert d.view(-1).tolist() == [-2., -2., -4., -4., -2., -2.]


def test_dd_by_hand():
    s = torch.tensor([[1., 2.], [0., 0.]])  # d_s = [1, 2]
    t = torch.tensor([[2., 2.], [1., 1.]])  # d_t = [1, 1]
    assert dynamic_difference_loss(s, t).item() == pytest.approx(0.5)
    tau = 2.0
    p_t = [0.5, 0.5]
    z = [math.exp(0.5), math.exp(1.0)]
    p_s = [v / sum(z) for v in z]
    kl = sum(a * math.log(a / b) for a, b in zip(p_t, p_s)) * tau**2
    got = dynamic_difference_loss(s, t, distance='kl', tau=tau)
    assert got.item() == pytest.approx(kl, rel=1e-5)


@pytest.mark.parametrize('distance', ['mse', 'kl'])
def test_dd_zero_when_differences_match(distance):
    torch.manual_seed(0)
    t = torch.randn(3 * 4, 10)
    # The student differs from the teacher by a per-image offset shared by
    # all views: its differences equal the teacher's.
    offset = torch.randn(4, 10).repeat(3, 1)
    s = (t + offset).requires_grad_()
    loss = dynamic_difference_loss(s, t, num_views=3, distance=distance)
    assert loss.item() == pytest.approx(0.0, abs=1e-6)
    t.requires_grad_()
    loss = dynamic_difference_loss(s * 1.5, t, num_views=3, distance=distance)
    loss.backward()
    assert s.grad.abs().sum() > 0 and t.grad is None


# ------------------------------------------------------------------ bad input
def test_bad_inputs_name_the_fix():
    with pytest.raises(ValueError, match='connector'):
        channel_contrastive_loss(
            torch.randn(2, 8, 4, 4), torch.randn(2, 16, 4, 4))
    with pytest.raises(ValueError, match="mode='batch'|mode=\"batch\""):
        channel_contrastive_loss(
            torch.randn(2, 8), torch.randn(2, 8), mode='per_sample')
    with pytest.raises(ValueError, match='per_sample'):
        MODELS.build(dict(type='ChannelContrastiveLoss', mode='pixel'))
    with pytest.raises(ValueError, match='mse'):
        MODELS.build(dict(type='DynamicDifferenceLoss', distance='l3'))
    with pytest.raises(ValueError, match='not divisible by num_views=2') as e:
        dynamic_difference_loss(torch.randn(5, 10), torch.randn(5, 10))
    # The hint names things that exist: build them.
    hint = str(e.value)
    assert "type='MultiView'" in hint
    assert 'MultiViewClsDataPreprocessor' in hint
    from mmengine.registry import DefaultScope
    from mmpretrain.registry import TRANSFORMS
    with DefaultScope.overwrite_default_scope('mmpretrain'):  # configs' scope
        TRANSFORMS.build(dict(type='MultiView', num_views=2, transforms=[[
            dict(type='RandomFlip', prob=0.5)]]))
    MODELS.build(dict(type='mmrazor.MultiViewClsDataPreprocessor',
                      num_views=2))
    with pytest.raises(ValueError, match='num_views must be >= 2'):
        MODELS.build(dict(type='DynamicDifferenceLoss', num_views=1))
    with pytest.raises(ValueError, match=r'ChannelContrastiveLoss\.tau must '
                       'be a positive, finite temperature, got 0'):
        MODELS.build(dict(type='ChannelContrastiveLoss', tau=0))


def test_dd_on_features_flattens_maps():
    t = torch.randn(6, 4, 2, 2)
    offset = torch.randn(2, 4, 2, 2).repeat(3, 1, 1, 1)  # shared by views
    assert dynamic_difference_loss(t + offset, t,
                                   num_views=3).item() < 1e-5
    s = torch.randn(6, 4, 2, 2, requires_grad=True)
    dynamic_difference_loss(s, t, num_views=3).backward()
    assert s.grad.shape == s.shape


def test_weighted_crd_loss_applies_its_weight():
    """MMRazor's CRDLoss ignores loss_weight; WeightedCRDLoss applies it."""
    from mmengine.structures import BaseDataElement

    def loss(type_, weight):
        torch.manual_seed(0)  # same memory bank and negatives
        crd = MODELS.build(dict(type=type_, loss_weight=weight, neg_num=4,
                                sample_n=8, dim_out=6))
        samples = [BaseDataElement(sample_idx=torch.tensor(i))
                   for i in range(3)]
        return crd(torch.randn(3, 6), torch.randn(3, 6), samples)

    stock = loss('CRDLoss', 1.0)
    assert loss('CRDLoss', 0.25) == pytest.approx(stock.item())  # ignored
    assert loss('WeightedCRDLoss', 0.25).item() == pytest.approx(
        0.25 * stock.item(), rel=1e-6)


def test_functional_defaults_are_the_modules():
    """One home per default: the function and its module agree."""
    for func, module in ((channel_contrastive_loss, ChannelContrastiveLoss),
                         (dynamic_difference_loss, DynamicDifferenceLoss)):
        fn = inspect.signature(func).parameters
        mod = inspect.signature(module).parameters
        shared = set(fn) & set(mod)
        assert shared and all(fn[k].default == mod[k].default
                              for k in shared), func.__name__
    assert inspect.signature(channel_contrastive_loss).parameters[
        'mode'].default == 'batch'
