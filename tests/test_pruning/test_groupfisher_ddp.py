# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""GroupFisher + DCCD under 2-process gloo DDP: the pruning parent's own
``__init__`` runs (MMRazor's GroupFisher converts BN to SyncBN when a process
group exists), then the mutator, then the DCCD recorders."""
import copy
import os.path as osp

import pytest
import torch
import torch.distributed as dist
import torch.nn as nn
from dccd_test_utils import spawn_gloo

CFG = 'configs/pruning/group-fisher-dccd_r18w16_mnist.py'


def _norms(module: nn.Module) -> set:
    return {
        type(m).__name__
        for m in module.modules()
        if isinstance(m, nn.modules.batchnorm._BatchNorm)
    }


def _build(repo):
    from mmengine.registry import DefaultScope

    import mmrazor_dccd.pruning  # noqa: F401
    from mmrazor.registry import MODELS
    from mmrazor_dccd.compat import load_config
    cfg = load_config(osp.join(repo, CFG))
    cfg.model.teacher_ckpt = None
    cfg.model.architecture.init_cfg = None
    with DefaultScope.overwrite_default_scope('mmrazor'):
        return MODELS.build(copy.deepcopy(cfg.model))


def _facts(model) -> dict:
    recorders = model.distiller.student_recorders
    hooked = {
        name: any(h == recorders.get_recorder(name).forward_hook
                  for h in model.student.get_submodule(
                      recorders.get_recorder(name).source)._forward_hooks.
                  values())
        for name in recorders.recorders
    }
    return dict(student_norms=_norms(model.student),
                teacher_norms=_norms(model.teacher),
                units=sorted(u.name for u in model.mutator.mutable_units),
                hooked=hooked)


def _worker(rank, world_size, repo, out):
    facts = _facts(_build(repo))
    gathered = [None] * world_size
    dist.all_gather_object(gathered, facts)
    if rank == 0:
        torch.save(gathered, out)


def test_groupfisher_dccd_initialises_through_its_parents_under_ddp(
        repo, tmp_path):
    out = str(tmp_path / 'facts.pth')
    spawn_gloo(_worker, tmp_path, repo, out)
    ranks = torch.load(out, weights_only=False)
    single = _facts(_build(repo))
    # Without a process group GroupFisher keeps plain BN (the mutator's
    # dynamic BN); under DDP its __init__ converted the student's BN to
    # SyncBN before the mutator swapped in MMRazor's DynamicSyncBatchNorm.
    assert single['student_norms'] == {'DynamicBatchNorm2d'}
    for facts in ranks:
        assert facts['student_norms'] == {'DynamicSyncBatchNorm'}
        assert facts['teacher_norms'] == {'BatchNorm2d'}  # not pruned
        # Same channel units as one process, on every rank; the DCCD
        # recorders hook the modules the mutator put in place.
        assert facts['units'] == single['units']
        assert facts['hooked'] == single['hooked']
        assert facts['hooked'] and all(facts['hooked'].values())


def test_cpu_launcher_refuses_groupfisher_naming_the_fix(repo, monkeypatch):
    """SyncBN cannot run on CPU (MMRazor's DynamicSyncBatchNorm refuses CPU
    tensors): tools/train.py --launcher pytorch says so before any process
    group or model exists."""
    from mmrazor_dccd.compat import load_config
    from mmrazor_dccd.engine.launcher import init_cpu_dist
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    cfg = load_config(osp.join(repo, CFG))
    with pytest.raises(RuntimeError,
                       match=r'GroupFisherDCCDDistill .*SyncBatchNorm runs '
                       r'on GPUs only.*drop --launcher'):
        init_cpu_dist(cfg, 'pytorch')
    assert not dist.is_initialized()
