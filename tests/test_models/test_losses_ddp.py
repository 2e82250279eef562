# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""ChannelContrastiveLoss under DDP (2 gloo processes on CPU).

``per_sample`` mode is a mean of per-sample terms, so DDP (mean of the
per-rank means, averaged gradients) equals one process on the global batch.
``batch`` mode embeds each channel over the *per-rank* batch: under DDP it
contrasts channels of each rank's local batch (documented in docs/method.md).
"""
import torch
import torch.distributed as dist
import torch.nn as nn
from dccd_test_utils import spawn_gloo
from torch.nn.parallel import DistributedDataParallel

from mmrazor_dccd.models.losses import channel_contrastive_loss


def _models():
    torch.manual_seed(0)
    student = nn.Conv2d(3, 8, 3, padding=1)
    teacher = nn.Conv2d(3, 8, 3, padding=1).requires_grad_(False)
    inputs = torch.randn(4, 3, 6, 6)
    return student, teacher, inputs


def _worker(rank, world_size, out, mode):
    student, teacher, inputs = _models()
    ddp = DistributedDataParallel(student)
    local = inputs.chunk(world_size)[rank]
    loss = channel_contrastive_loss(ddp(local), teacher(local), mode=mode)
    loss.backward()
    mean_loss = loss.detach().clone()
    dist.all_reduce(mean_loss)
    mean_loss /= world_size
    if rank == 0:
        torch.save(dict(loss=mean_loss, grad=student.weight.grad.clone()),
                   out)


def _run_ddp(tmp_path, mode):
    out = str(tmp_path / f'{mode}.pth')
    spawn_gloo(_worker, tmp_path, out, mode)
    return torch.load(out)


def _run_single(mode):
    student, teacher, inputs = _models()
    loss = channel_contrastive_loss(student(inputs), teacher(inputs),
                                    mode=mode)
    loss.backward()
    return dict(loss=loss.detach(), grad=student.weight.grad)


def test_per_sample_ddp_equals_single_process(tmp_path):
    ddp = _run_ddp(tmp_path, 'per_sample')
    single = _run_single('per_sample')
    torch.testing.assert_close(ddp['loss'], single['loss'])
    torch.testing.assert_close(ddp['grad'], single['grad'])


def test_batch_mode_contrasts_per_rank_batches(tmp_path):
    # Documented behaviour: per-rank statistics, so DDP differs from one
    # process on the global batch (but stays a valid loss).
    ddp = _run_ddp(tmp_path, 'batch')
    single = _run_single('batch')
    assert torch.isfinite(ddp['loss'])
    assert not torch.allclose(ddp['loss'], single['loss'])
