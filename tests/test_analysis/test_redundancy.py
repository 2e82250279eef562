# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Feature redundancy: the pure functions on tensors with known answers,
the channel alignment embedding against the loss, and
tools/analysis/feature_redundancy.py on a real (tiny) MNIST checkpoint."""
import json
import math

import pytest
import torch
import torch.nn.functional as F
from dccd_test_utils import run_tool

from mmrazor_dccd.analysis import (build_model, channel_correlation,
                                   channel_samples, channel_similarity,
                                   dead_channels, effective_rank,
                                   feature_redundancy, mean_abs_correlation,
                                   record_layers)
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.models.losses.channel_contrastive_loss import \
    channel_contrastive_loss

STUDENT_CFG = 'configs/mnist/resnet18-cifar-w4_mnist-student.py'
DCCD_CFG = 'configs/dccd/dccd_r18w16_r18w4_mnist.py'


@pytest.mark.fast
def test_channel_samples_positions_and_images():
    feat = torch.arange(2 * 3 * 2 * 2, dtype=torch.float).view(2, 3, 2, 2)
    x = channel_samples(feat)
    assert x.shape == (8, 3) and x.dtype == torch.float64
    assert torch.equal(x[1], feat[0, :, 0, 1].double())
    pooled = channel_samples(feat, 'images')
    assert torch.allclose(pooled, feat.mean(dim=(2, 3)).double())
    flat = torch.randn(5, 3)
    assert torch.equal(channel_samples(flat, 'images'), flat.double())
    with pytest.raises(ValueError, match='samples'):
        channel_samples(feat, 'pixels')


@pytest.mark.fast
@pytest.mark.parametrize('samples', ['positions', 'images'])
def test_identical_channels_are_fully_redundant(samples):
    torch.manual_seed(0)
    feat = torch.randn(64, 1, 4, 4).repeat(1, 16, 1, 1)
    assert mean_abs_correlation(feat, samples) == pytest.approx(1.0)
    assert effective_rank(feat, samples) == pytest.approx(1.0, abs=1e-6)
    assert not dead_channels(feat, samples).any()
    # Scaled and negated copies are as redundant: |r| = 1, one direction.
    feat = feat * torch.linspace(-2, 3, 16).view(1, 16, 1, 1)
    feat[:, 7] = 5.0 * feat[:, 0]  # linspace puts 0 between channels 6, 7
    assert mean_abs_correlation(feat, samples) == pytest.approx(1.0)
    assert effective_rank(feat, samples) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.fast
def test_independent_channels_are_not_redundant():
    torch.manual_seed(0)
    channels = 32
    feat = torch.randn(1000, channels, 4, 4)  # 16,000 positions
    assert mean_abs_correlation(feat) < 0.02
    assert channels - 0.1 < effective_rank(feat) <= channels
    # Pooling leaves 1,000 samples: E|r| ~ sqrt(2 / (pi * N)) = 0.025.
    assert mean_abs_correlation(feat, 'images') < 0.04
    assert channels - 0.5 < effective_rank(feat, 'images') <= channels


def _orthonormal_centred(rows, cols):
    x = torch.randn(rows, cols, dtype=torch.float64)
    return torch.linalg.qr(x - x.mean(dim=0))[0]  # columns sum to 0


@pytest.mark.fast
def test_effective_rank_counts_directions_by_energy():
    torch.manual_seed(0)
    signal = _orthonormal_centred(4000, 3)
    mixing = _orthonormal_centred(12, 3).T  # orthonormal rows
    # 3 directions of equal energy spread over all 12 channels: rank 3.
    x = signal @ torch.diag(torch.tensor([10., 10., 10.]).double()) @ mixing
    assert effective_rank(x) == pytest.approx(3.0)
    # A constant offset is centred away; a zero channel adds nothing.
    x = torch.cat([x + 7.0, torch.zeros(4000, 1).double()], dim=1)
    assert effective_rank(x) == pytest.approx(3.0)
    # Unequal energies: s = (3, 1), p = (3/4, 1/4).
    x = signal[:, :2] @ torch.diag(torch.tensor([3., 1.]).double())
    expected = math.exp(-(0.75 * math.log(0.75) + 0.25 * math.log(0.25)))
    assert effective_rank(x) == pytest.approx(expected)  # 1.755
    assert effective_rank(torch.zeros(10, 4)) == 0.0


@pytest.mark.fast
def test_dead_channels():
    torch.manual_seed(0)
    feat = torch.relu(torch.randn(200, 8, 4, 4))
    feat[:, 2] = 0  # a ReLU channel that never fires
    feat[:, 5] = 3.5  # constant: no information either
    feat[:, 6] *= 1e-4  # weak (std / typical = 1e-4 <= 1e-3) counts dead
    dead = dead_channels(feat)
    assert dead.tolist() == [False, False, True, False, False, True, True,
                             False]
    # Relative to the layer's scale: rescaling changes nothing.
    assert torch.equal(dead_channels(feat * 1e5), dead)
    assert dead_channels(feat, threshold=1e-9).sum() == 2
    assert dead_channels(torch.zeros(5, 3)).all()
    # Dead channels leave the correlation (theirs is undefined) ...
    assert channel_correlation(feat)[2].isnan().all()
    live = feat[:, [0, 1, 3, 4, 7]]
    assert mean_abs_correlation(feat) == pytest.approx(
        mean_abs_correlation(live))
    assert math.isnan(mean_abs_correlation(feat[:, 1:3]))  # 1 live
    # ... and the summary counts them.
    out = feature_redundancy(feat)
    assert out['dead_channels'] == 3 and out['channels'] == 8
    assert out['num_samples'] == 200 * 16
    assert 0 < out['effective_rank'] <= 5.0 + 1e-3


@pytest.mark.fast
def test_channel_similarity_centred_is_pearson_uncentred_is_the_loss():
    torch.manual_seed(0)
    feat_s = torch.randn(6, 5, 3, 3)
    feat_t = torch.relu(feat_s + 0.5 * torch.randn(6, 5, 3, 3))
    sim = channel_similarity(feat_s, feat_t)
    x_s, x_t = channel_samples(feat_s), channel_samples(feat_t)
    pearson = torch.corrcoef(torch.cat([x_s, x_t], dim=1).T)[:5, 5:]
    assert torch.allclose(sim.double(), pearson, atol=1e-5)
    # center=False is ChannelContrastiveLoss's default embedding exactly.
    raw = channel_similarity(feat_s, feat_t, center=False)
    loss = F.cross_entropy(raw / 0.1, torch.arange(5))
    assert torch.allclose(loss, channel_contrastive_loss(feat_s, feat_t, 0.1))


def test_record_layers_names_a_missing_layer():
    model = build_model(load_config(STUDENT_CFG).model)
    with pytest.raises(ValueError, match='backbone.layer4'):
        record_layers([(model, 'backbone.layer9')], [])


def test_tool_on_student_and_distillation_checkpoints(tmp_path):
    run_tool('tools/train.py', STUDENT_CFG, '--work-dir', str(tmp_path),
             '--cfg-options', 'train_cfg.max_iters=2',
             'train_cfg.val_interval=2', 'param_scheduler.T_max=2',
             'train_dataloader.dataset.num_per_class=20',
             'train_dataloader.batch_size=16',
             'val_dataloader.dataset.indices=100',
             'default_hooks.checkpoint.interval=2')
    ckpt = tmp_path / 'iter_2.pth'
    out = tmp_path / 'student.json'
    proc = run_tool('tools/analysis/feature_redundancy.py', STUDENT_CFG,
                    str(ckpt), '--images', '300', '--out', str(out))
    result = json.loads(out.read_text())
    assert json.loads(proc.stdout[proc.stdout.index('{'):]) == result
    assert result['layer'] == 'backbone.layer4'
    assert result['images'] == 300 and result['feature_shape'] == [32, 4, 4]
    assert result['channels'] == 32 and result['num_samples'] == 300 * 16
    assert 'of 32' in proc.stderr

    # The same student inside a distillation checkpoint, read through the
    # DCCD config (student = model.architecture, its feature layer).
    state = torch.load(ckpt, map_location='cpu')['state_dict']
    distill = {f'architecture.{k}': v for k, v in state.items()}
    distill['distiller.connectors.feat_connector.conv.weight'] = \
        torch.zeros(128, 32, 1, 1)
    torch.save(dict(state_dict=distill), tmp_path / 'distill.pth')
    out_d = tmp_path / 'distill.json'
    run_tool('tools/analysis/feature_redundancy.py', DCCD_CFG,
             str(tmp_path / 'distill.pth'), '--images', '300', '--out',
             str(out_d))
    result_d = json.loads(out_d.read_text())
    for key in ('layer', 'mean_abs_correlation', 'effective_rank',
                'dead_channels', 'num_samples'):
        assert result_d[key] == result[key], key
