# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Take a sub-network (the distilled student's backbone) out of a checkpoint.

A ``DCCDDistill`` checkpoint written by MMEngine holds
``state_dict['architecture.backbone.*']`` (student) and
``state_dict['teacher.*']``. :func:`extract_state_dict` strips a prefix so the
result loads into the bare module, e.g. an MMDetection backbone through
``init_cfg=dict(type='Pretrained', checkpoint=...)``;
:func:`check_state_dict` says exactly which keys do not fit.
"""
from collections import OrderedDict
from typing import Dict, List, Optional

import torch
import torch.nn as nn
from mmengine.runner import CheckpointLoader

STUDENT_BACKBONE = 'architecture.backbone.'
_MAX_KEYS = 10  # keys listed per error line


def load_state_dict_file(path: str) -> Dict[str, torch.Tensor]:
    """The state dict of a checkpoint file (safe loader, on CPU).

    Accepts full MMEngine checkpoints (``{'state_dict': ..., 'meta': ...}``)
    and bare state dicts.
    """
    ckpt = CheckpointLoader.load_checkpoint(path, map_location='cpu')
    if isinstance(ckpt, dict) and isinstance(ckpt.get('state_dict'), dict):
        ckpt = ckpt['state_dict']
    if not isinstance(ckpt, dict):
        raise TypeError(f'{path!r} holds a {type(ckpt).__name__}, not a state '
                        'dict or an MMEngine checkpoint.')
    return ckpt


def _prefixes(keys: List[str], depth: int = 2) -> List[str]:
    return sorted({'.'.join(k.split('.')[:depth]) + '.' for k in keys})


def _listed(keys) -> str:
    keys = sorted(keys)
    more = f' ... (+{len(keys) - _MAX_KEYS} more)' if len(
        keys) > _MAX_KEYS else ''
    return ', '.join(keys[:_MAX_KEYS]) + more


def extract_state_dict(
        state_dict: Dict[str, torch.Tensor],
        prefix: str = STUDENT_BACKBONE) -> 'OrderedDict[str, torch.Tensor]':
    """Keys under ``prefix``, with the prefix removed.

    A leading ``module.`` (DDP wrapper) is ignored.

    Args:
        state_dict (dict): Flat state dict of the whole model.
        prefix (str): Sub-module to keep. Defaults to
            ``'architecture.backbone.'`` (the student backbone of an MMRazor
            distillation checkpoint).

    Raises:
        KeyError: Nothing lies under ``prefix``; the message lists the
            prefixes the checkpoint has.
    """
    if not prefix.endswith('.'):
        prefix += '.'
    keys = [
        k[len('module.'):] if k.startswith('module.') else k
        for k in state_dict
    ]
    out = OrderedDict((k[len(prefix):], v)
                      for k, v in zip(keys, state_dict.values())
                      if k.startswith(prefix))
    if not out:
        hint = ''
        if prefix.startswith('architecture.'):
            hint = (' It holds no student weights: is it a distillation '
                    'checkpoint (DCCDDistill / SingleTeacherDistill)? For a '
                    "plain classifier or detector use prefix 'backbone.', "
                    "for the teacher 'teacher.backbone.'.")
        raise KeyError(f'The checkpoint has no key under {prefix!r}.{hint} '
                       f'Prefixes found: {_listed(_prefixes(keys))}.')
    return out


def check_state_dict(module: nn.Module,
                     state_dict: Dict[str, torch.Tensor],
                     what: str = 'the checkpoint') -> None:
    """Raise unless ``state_dict`` fits ``module`` exactly (strict load).

    Args:
        module (nn.Module): Target module, e.g. a detector's backbone.
        state_dict (dict): Weights meant for it.
        what (str): Names the weights in the message. Defaults to
            'the checkpoint'.

    Raises:
        RuntimeError: Listing missing keys, unexpected keys and shape
            mismatches.
    """
    expected = module.state_dict()
    missing = set(expected) - set(state_dict)
    unexpected = set(state_dict) - set(expected)
    shapes = [
        f'{k}: {tuple(state_dict[k].shape)} vs '
        f'{tuple(expected[k].shape)}' for k in expected
        if k in state_dict and state_dict[k].shape != expected[k].shape
    ]
    if not (missing or unexpected or shapes):
        return
    lines = [f'{what} does not fit {type(module).__name__}:']
    if missing:
        lines.append(f'  missing keys ({len(missing)}): {_listed(missing)}')
    if unexpected:
        lines.append(f'  unexpected keys ({len(unexpected)}): '
                     f'{_listed(unexpected)}')
    if shapes:
        lines.append(f'  shape mismatches (checkpoint vs model) '
                     f'({len(shapes)}): {_listed(shapes)}')
    lines.append('Fix: build the backbone exactly as the student of the '
                 'distillation config (type, depth, widths, in_channels), '
                 'or pick the sub-module with the right prefix.')
    raise RuntimeError('\n'.join(lines))


def load_backbone(module: nn.Module,
                  state_dict: Dict[str, torch.Tensor],
                  what: str = 'the checkpoint') -> nn.Module:
    """:func:`check_state_dict`, then a strict ``load_state_dict``."""
    check_state_dict(module, state_dict, what)
    module.load_state_dict(state_dict, strict=True)
    return module


def convert_student_backbone(
        src: str,
        dst: str,
        prefix: str = STUDENT_BACKBONE,
        backbone: Optional[nn.Module] = None
) -> 'OrderedDict[str, torch.Tensor]':
    """Write the weights under ``prefix`` of ``src`` as a checkpoint ``dst``.

    ``dst`` is ``{'state_dict': ..., 'meta': ...}`` with keys relative to the
    backbone, for ``init_cfg=dict(type='Pretrained', checkpoint=dst)``.

    Args:
        src (str): Distillation (or any MMEngine) checkpoint.
        dst (str): Output path.
        prefix (str): Sub-module to extract. Defaults to
            ``'architecture.backbone.'``.
        backbone (nn.Module, optional): If given, the weights must load
            into it with ``strict=True`` before anything is written.
            Defaults to None.
    """
    weights = extract_state_dict(load_state_dict_file(src), prefix)
    if backbone is not None:
        load_backbone(backbone, weights, f'{prefix!r} of {src!r}')
    torch.save(
        dict(state_dict=weights, meta=dict(source=str(src), prefix=prefix)),
        dst)
    return weights
