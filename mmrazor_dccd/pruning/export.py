# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Export a pruned student; rebuild it as a static model without the pruner.

The export is two small files: ``structure.json`` (channels kept per MMRazor
channel unit) and ``pruned.pth`` (the static, sliced state dict). Rebuilding
needs only the unpruned architecture config: :func:`PrunedStaticModel`
(registered in ``mmrazor.registry.MODELS``) narrows it with MMRazor's
``ChannelMutator`` + ``export_fix_subnet`` / ``load_fix_subnet`` (what
MMRazor's ``GroupFisherDeploySubModel`` does) and loads the weights strictly.
Units are keyed by their first module (``'backbone.layer1.0.conv1'``), not
by MMRazor's unit name, which embeds the channel count: a structure traced
on an already pruned model (a cascade's teaching assistant) then applies to
the unpruned architecture config too.
"""
import copy
import json
import os
import os.path as osp
from typing import Dict, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.runner import load_checkpoint

from mmrazor.registry import MODELS, TASK_UTILS
from mmrazor.structures.subnet.fix_subnet import (export_fix_subnet,
                                                  load_fix_subnet)


def channel_analyzer(demo_input: Sequence[int]) -> dict:
    """MMRazor's ``ChannelAnalyzer`` config for a model's real input shape.

    Its default demo input is (1, 3, 224, 224); tracing a model with another
    input (e.g. 1-channel 28x28) with it fails, so the shape is explicit.
    """
    return dict(_scope_='mmrazor',
                type='ChannelAnalyzer',
                demo_input=tuple(demo_input),
                tracer_type='FxTracer')


def count_resources(model: nn.Module, input_shape: Sequence[int]) -> Dict:
    """FLOPs (M) and parameters (M) of a model, by MMRazor's counters.

    Works on static models and on a pruning algorithm's dynamic student
    (MMRazor counts the active channels of dynamic ops).

    Args:
        model (nn.Module): The model.
        input_shape (Sequence[int]): One input, e.g. ``(1, 3, 224, 224)``.
    """
    estimator = TASK_UTILS.build(
        dict(_scope_='mmrazor',
             type='ResourceEstimator',
             units=dict(flops='M', params='M', latency='ms'),
             flops_params_cfg=dict(input_shape=tuple(input_shape))))
    training = model.training
    model.eval()
    with torch.no_grad():
        res = estimator.estimate(model)
    model.train(training)
    return dict(flops=float(res['flops']), params=float(res['params']))


def unit_key(unit_name: str) -> str:
    """``'backbone.conv1_(0, 16)_16'`` -> ``'backbone.conv1'``."""
    return unit_name.split('_(')[0]


def pruned_structure(mutator) -> Dict[str, int]:
    """Channels kept per mutable unit of a (trained) pruning mutator."""
    return {
        unit_key(unit.name): int(unit.mutable_channel.activated_channels)
        for unit in mutator.mutable_units
    }


def narrow(model: nn.Module, structure: Dict[str, int],
           demo_input: Sequence[int]) -> nn.Module:
    """Give ``model`` (in place) the channel counts of ``structure``."""
    from mmrazor.models.mutators import ChannelMutator
    mutator = ChannelMutator(
        channel_unit_cfg=dict(type='SequentialMutableChannelUnit'),
        parse_cfg=channel_analyzer(demo_input))
    mutator.prepare_from_supernet(model)
    names = {unit_key(u.name): u.name for u in mutator.mutable_units}
    unknown = sorted(set(structure) - set(names))
    if unknown:
        raise ValueError(
            f'Units {unknown} of the pruned structure are not in the '
            f'architecture (its units: {sorted(names)}). Rebuild with the '
            'architecture config that was pruned.')
    mutator.set_choices({names[k]: int(v) for k, v in structure.items()})
    fix_subnet, _ = export_fix_subnet(model)
    load_fix_subnet(model, fix_subnet)
    return model


def _drop_recorded(algorithm: nn.Module) -> None:
    """Free tensors kept from the last step (recorder buffers, GroupFisher's
    activations): they are not graph leaves, so a deepcopy would fail."""
    distiller = getattr(algorithm, 'distiller', None)
    if distiller is not None:
        for manager in (distiller.student_recorders,
                        distiller.teacher_recorders):
            for recorder in manager.recorders.values():
                recorder.reset_data_buffer()
    mutator = getattr(algorithm, 'mutator', None)
    if hasattr(mutator, 'reset_recorded_info'):
        mutator.reset_recorded_info()


def to_static(student: nn.Module) -> nn.Module:
    """A static copy of a pruned dynamic student (weights sliced to the kept
    channels) without hooks; the student itself is left untouched."""
    model = copy.deepcopy(student)
    fix_subnet, _ = export_fix_subnet(model)
    load_fix_subnet(model, fix_subnet)
    for module in model.modules():  # recorder hooks came with the copy
        module._forward_hooks.clear()
        module._forward_pre_hooks.clear()
        module._backward_hooks.clear()
    # load_fix_subnet builds fresh static ops in train mode: one mode again.
    model.train(student.training)
    return model


def export_pruned(algorithm: nn.Module, out_dir: str) -> Dict:
    """Write ``structure.json`` and ``pruned.pth`` of a pruned student.

    Args:
        algorithm (nn.Module): A pruning algorithm after (or during)
            training: its ``architecture`` (dynamic) and ``mutator``.
        out_dir (str): Folder for the two files.

    Returns:
        dict: ``structure`` and ``checkpoint`` paths, and the static model.
    """
    os.makedirs(out_dir, exist_ok=True)
    _drop_recorded(algorithm)
    structure = pruned_structure(algorithm.mutator)
    static = to_static(algorithm.architecture)
    paths = dict(structure=osp.join(out_dir, 'structure.json'),
                 checkpoint=osp.join(out_dir, 'pruned.pth'))
    with open(paths['structure'], 'w') as f:
        json.dump(structure, f, indent=2)
    torch.save({'state_dict': static.state_dict()}, paths['checkpoint'])
    return dict(paths, model=static)


@MODELS.register_module()
def PrunedStaticModel(architecture: Union[dict, nn.Module],
                      structure: Union[str, Dict[str, int]],
                      demo_input: Sequence[int],
                      checkpoint: Optional[str] = None,
                      strict: bool = True) -> nn.Module:
    """Rebuild an exported pruned model: no pruning algorithm, no mutator
    state, plain ``nn.Conv2d`` / ``nn.BatchNorm2d`` with fewer channels.

    Args:
        architecture (dict | nn.Module): The unpruned model (config).
        structure (str | dict): ``structure.json`` from :func:`export_pruned`
            or its content (channels kept per unit).
        demo_input (Sequence[int]): One input's shape (the model's real
            input, e.g. ``(1, 1, 28, 28)``), to trace the channel units.
        checkpoint (str, optional): ``pruned.pth`` from
            :func:`export_pruned`, loaded strictly with the safe loader.
            Defaults to None (random weights of the pruned shape).
        strict (bool): Refuse a checkpoint whose keys or shapes differ.
            Defaults to True.

    Returns:
        nn.Module: The static model with the checkpoint loaded; its
        ``init_cfg`` reloads the checkpoint when a Runner calls
        ``init_weights`` (so the weights survive a pruning mutator).
    """
    if isinstance(structure, str):
        if not osp.isfile(structure):
            raise FileNotFoundError(
                f'Pruned structure {structure!r} does not exist. Export it '
                'with mmrazor_dccd.pruning.export_pruned (tools/pruning/'
                'prune_distill.py writes it to <work-dir>/<stage>/).')
        with open(structure) as f:
            structure = json.load(f)
    if isinstance(architecture, dict):
        architecture = MODELS.build(copy.deepcopy(architecture))
    model = narrow(architecture, structure, demo_input)
    if checkpoint:
        try:
            load_checkpoint(model,
                            checkpoint,
                            map_location='cpu',
                            strict=strict)
        except RuntimeError as exc:
            raise RuntimeError(
                f'{checkpoint!r} does not fit the pruned structure: {exc}\n'
                'Pass the structure.json written with this checkpoint.'
            ) from exc
        # The weights are in place now (direct use, deployment, a DCCD
        # teacher). A Runner's init_weights loads them again, after any
        # pruning mutator built around this model has swapped in dynamic ops
        # (MMRazor's stock mutators re-initialise the ops they swap in).
        model.init_cfg = dict(type='Pretrained', checkpoint=checkpoint)
    model.train(model.training)
    return model


def conv_channels(model: nn.Module) -> Dict[str, int]:
    """Output channels of every ``nn.Conv2d`` (for reports and tests)."""
    return {
        name: m.out_channels
        for name, m in model.named_modules() if isinstance(m, nn.Conv2d)
    }
