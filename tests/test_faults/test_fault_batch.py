# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Degenerate batches: batch-mode L_cc on embeddings of length 1."""
import pytest
import torch

from mmrazor.registry import MODELS
from mmrazor_dccd.models.losses import ChannelContrastiveLoss  # noqa: F401

pytestmark = pytest.mark.fast


@pytest.mark.parametrize('shape', [(1, 8), (1, 8, 1, 1)])
def test_batch_mode_on_one_value_per_channel_is_refused(shape):
    """Fault: batch-mode ``cc_loss`` on pooled (1, C) features or (1, C, 1,
    1) maps: a batch of one, e.g. a last partial batch (was ``loss_cc`` =
    ln C exactly, zero gradient, every step, no warning).
    Error: ``ValueError: batch mode embeds each channel over the batch ...
    length B*H*W = 1 ... Fix: a batch of >= 2 images (drop_last=True for
    the train loader ...), or mode='per_sample' on spatial maps``.
    """
    loss = MODELS.build(dict(type='mmrazor.ChannelContrastiveLoss'))
    feat_s = torch.randn(*shape, requires_grad=True)
    with pytest.raises(ValueError) as err:
        loss(feat_s, torch.randn(*shape))
    msg = str(err.value)
    assert 'B*H*W = 1' in msg and 'drop_last=True' in msg
    assert "mode='per_sample'" in msg and '>= 2' in msg
    # Two images, or one spatial map, have a gradient.
    for ok in ((2, 8), (1, 8, 2, 2)):
        feat_s = torch.randn(*ok, requires_grad=True)
        loss(feat_s, torch.randn(*ok)).backward()
        assert feat_s.grad.abs().sum() > 0
