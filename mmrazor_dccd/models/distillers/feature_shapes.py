# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""What a feature layer outputs, worked out by one dry forward at build
time, and the parameter-free steps that lay it out as a (B, C, H, W) map
of its teacher's size."""
from contextlib import contextmanager
from functools import partial
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmrazor.registry import MODELS
from ..connectors import FeatureToMap, token_grid

KINDS = '(B, C, H, W) maps, (B, C) pooled features or (B, N, C) tokens'


class Feature(NamedTuple):
    """One recorded feature, as the losses will see it."""
    kind: str  # 'map', 'pooled' or 'tokens'
    channels: int
    size: Tuple[int, int]  # (H, W) once laid out as a map
    data_idx: Optional[int]  # the entry of a tuple / list output
    extra_tokens: int  # leading class / distillation tokens dropped


def _eval_batch_norm(module: nn.SyncBatchNorm, x: torch.Tensor):
    return F.batch_norm(x, module.running_mean, module.running_var,
                        module.weight, module.bias,
                        module.running_mean is None, 0.0, module.eps)


@contextmanager
def _sync_bn_as_bn(model: nn.Module):
    """In eval mode SyncBatchNorm is plain batch norm, but MMRazor's dynamic
    SyncBatchNorm (GroupFisher under DDP) refuses CPU inputs even then: the
    dry forward computes the same thing with ``F.batch_norm``."""
    sync = [m for m in model.modules() if isinstance(m, nn.SyncBatchNorm)]
    for module in sync:
        module.forward = partial(_eval_batch_norm, module)
    try:
        yield
    finally:
        for module in sync:
            del module.forward


def dry_forward(model: nn.Module, recorders, names: Sequence[str],
                demo_input: Sequence[int],
                layers: Sequence[str] = ()) -> Dict[str, Any]:
    """Run ``model`` once on zeros of shape ``demo_input`` and return what
    the recorders ``names`` saw. Eval mode (then each module's mode is
    restored), no grad and a forked RNG: BN statistics, dropout and the
    random state are left as they were. Where every recorded ``layers``
    lies in the backbone or neck, only ``extract_feat`` runs: a detector's
    head needs image metas (Faster R-CNN's RPN), and the head is not
    measured."""
    modes = [(m, m.training) for m in model.modules()]
    param = next(model.parameters(), None)
    demo = torch.zeros(tuple(demo_input),
                       device=param.device if param is not None else 'cpu')
    try:
        with torch.random.fork_rng(devices=[]), torch.no_grad(), recorders, \
                _sync_bn_as_bn(model):
            model.eval()
            if hasattr(model, 'extract_feat') and layers and all(
                    layer.split('.')[0] in ('backbone', 'neck')
                    for layer in layers):
                model.extract_feat(demo)
            else:
                model(demo, mode='tensor')
            return {
                name: recorders.get_recorder(name).get_record_data()
                for name in names
            }
    finally:
        for module, mode in modes:
            module.training = mode
        for recorder in recorders.recorders.values():
            recorder.reset_data_buffer()


def default_demo_input(model: nn.Module) -> Tuple[int, ...]:
    """(1, C, 224, 224), C the input channels of the first convolution
    (3 without one): ImageNet-style models and one-channel MNIST ones."""
    conv = next((m for m in model.modules() if isinstance(m, nn.Conv2d)),
                None)
    return (1, conv.in_channels if conv is not None else 3, 224, 224)


def measure(student: nn.Module, teacher: nn.Module, student_recorders,
            teacher_recorders, specs: Dict[str, Any],
            demo_input: Optional[Sequence[int]],
            keep_extra_tokens: bool) -> Dict[str, Tuple[Feature, Feature]]:
    """(student, teacher) :class:`Feature` of every recorder in ``specs``
    (``FeatureSpec`` s), from one dry forward of each model."""
    demo = demo_input or default_demo_input(student)
    try:
        records = [
            dry_forward(model, recorders, list(specs), demo,
                        [getattr(spec, who) for spec in specs.values()])
            for model, recorders, who in (
                (student, student_recorders, 'student'),
                (teacher, teacher_recorders, 'teacher'))
        ]
    except (RuntimeError, ValueError, TypeError) as exc:
        raise ValueError(
            f'DCCDDistiller demo_input: a dry forward of {tuple(demo)} '
            f'failed ({type(exc).__name__}: {exc}). Fix: set demo_input to '
            'the shape of one training input, e.g. (1, 1, 28, 28) for '
            'MNIST.') from exc
    return {
        rec: tuple(
            feature_of(
                record[rec], who, layer, spec.data_idx,
                0 if keep_extra_tokens else extra_tokens_of(model, layer))
            for record, who, layer, model in (
                (records[0], 'student', spec.student, student),
                (records[1], 'teacher', spec.teacher, teacher)))
        for rec, spec in specs.items()
    }


def chains(student: Feature, teacher: Feature,
           channel: Optional[nn.Module]) -> Tuple[List, List]:
    """The student's and the teacher's connector modules: tokens and pooled
    features laid out as maps where the other side or the ``channel``
    connector (a 1x1 conv) needs a map, then the resize."""
    layout = 'tokens' in (student.kind, teacher.kind) or \
        student.kind != teacher.kind or (
            student.kind == 'pooled' and channel is not None)
    s_mods = [FeatureToMap(student.extra_tokens)] if layout else []
    t_mods = [FeatureToMap(teacher.extra_tokens)] if layout else []
    if channel is not None:
        s_mods.append(channel)
    s_resize, t_resize = resize_to(student, teacher)
    return (s_mods + [MODELS.build(c) for c in s_resize],
            t_mods + [MODELS.build(c) for c in t_resize])


def describe(record) -> str:
    """``Tensor(1, 65, 192)``, ``tuple(Tensor(1, 49, 768), tuple)``."""
    if isinstance(record, torch.Tensor):
        return f"Tensor({', '.join(map(str, record.shape))})"
    if isinstance(record, (tuple, list)):
        inner = ', '.join(
            describe(r) if isinstance(r, torch.Tensor) else type(r).__name__
            for r in record)
        return f'{type(record).__name__}({inner})'
    return type(record).__name__


def extra_tokens_of(model: nn.Module, layer: str) -> int:
    """``num_extra_tokens`` of the nearest module holding ``layer`` (MMPretrain
    ViTs: 1 class token, 2 with DeiT's distillation token), else 0."""
    modules = dict(model.named_modules())
    parts = layer.split('.')
    for i in range(len(parts), -1, -1):
        value = getattr(modules.get('.'.join(parts[:i])), 'num_extra_tokens',
                        None)
        if isinstance(value, int):
            return value
    return 0


def feature_of(record, who: str, layer: str, data_idx: Optional[int],
               extra_tokens: int) -> Feature:
    """Read one recorded output; name the layer, what it returned and the
    option that fixes it when it is no feature."""
    returned = describe(record)
    if isinstance(record, (tuple, list)):
        if data_idx is None or not -len(record) <= data_idx < len(record):
            raise ValueError(
                f'DCCDDistiller feature_layers: the {who} layer {layer!r} '
                f'returns {returned}. Fix: set data_idx to the index of the '
                f'feature in it (data_idx=0 for the first).')
        record = record[data_idx]
    else:
        data_idx = None
    if not isinstance(record, torch.Tensor) or record.dim() not in (2, 3, 4):
        raise ValueError(
            f'DCCDDistiller feature_layers: the {who} layer {layer!r} '
            f'returns {returned}; DCCD distils {KINDS}. Fix: set '
            'feature_layers to a layer that outputs one of them (or '
            'data_idx to pick one from a tuple).')
    if record.dim() == 4:
        return Feature('map', record.size(1), tuple(record.shape[2:]),
                       data_idx, 0)
    if record.dim() == 2:
        return Feature('pooled', record.size(1), (1, 1), data_idx, 0)
    return Feature('tokens', record.size(2),
                   token_grid(record.size(1) - extra_tokens), data_idx,
                   extra_tokens)


def resize_to(student: Feature, teacher: Feature) -> Tuple[List, List]:
    """Connector configs that bring both features to one spatial size:
    ``adaptive_avg_pool2d`` where the student's map is the larger (each
    teacher position gets the mean of the student positions it covers),
    bilinear ``interpolate`` where it is the smaller, and a pooled teacher
    for a pooled (1x1) student."""
    if student.size == teacher.size:
        return [], []
    if student.size == (1, 1):
        return [], [_functional('adaptive_avg_pool2d', output_size=1)]
    if all(s >= t for s, t in zip(student.size, teacher.size)):
        return [_functional('adaptive_avg_pool2d',
                            output_size=teacher.size)], []
    return [_functional('interpolate', size=teacher.size, mode='bilinear',
                        align_corners=False)], []


def _functional(name: str, **func_args) -> dict:
    return dict(type='TorchFunctionalConnector', function_name=name,
                func_args=func_args)


def check_channels(spec, student_recorder, teacher_recorder,
                   mapping: dict) -> None:
    """Stop before a connector meets a feature of another width: name the
    config key (``student_channels`` / ``teacher_channels``, overrides of
    what was measured) and the recorded channel count."""
    measured = {
        who: feature_of(recorder.get_record_data(), who, layer,
                        spec.data_idx, 0).channels
        for who, recorder, layer in (
            ('student', student_recorder, spec.student),
            ('teacher', teacher_recorder, spec.teacher))
    }
    at = '' if spec.index is None else f'[{spec.index}]'
    for who, layer, given in (
            ('student', spec.student, spec.student_channels),
            ('teacher', spec.teacher, spec.teacher_channels)):
        if given is not None and given != measured[who]:
            raise ValueError(
                f'DCCDDistiller {who}_channels{at} is {given}, but the '
                f'{who} layer {layer!r} outputs {measured[who]} channels. '
                f'Fix: set {who}_channels{at}={measured[who]}.')
    connected = any('connector' in arg for arg in mapping.values())
    if measured['student'] != measured['teacher'] and not connected:
        raise ValueError(
            f"DCCDDistiller: the student layer {spec.student!r} outputs "
            f"{measured['student']} channels, the teacher layer "
            f"{spec.teacher!r} {measured['teacher']}, and no connector maps "
            f'one to the other in loss_forward_mappings.{spec.loss}. Fix: '
            'add a connector to that mapping, or leave the mapping out '
            '(DCCDDistiller then measures both layers and adds one).')
