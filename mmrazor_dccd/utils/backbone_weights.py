# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Take a sub-network (the distilled student's backbone) out of a checkpoint.

A ``DCCDDistill`` checkpoint written by MMEngine holds
``state_dict['architecture.backbone.*']`` (student) and
``state_dict['teacher.*']``. :func:`extract_state_dict` strips a prefix so the
result loads into the bare module, e.g. an MMDetection backbone through
``init_cfg=dict(type='Pretrained', checkpoint=...)``;
:func:`check_state_dict` says exactly which keys do not fit.
"""
import os
import os.path as osp
import tempfile
import zipfile
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

    Raises:
        FileNotFoundError: ``path`` is not a file.
        ValueError: ``path`` is not a ``torch.save`` file (a text file, a
            truncated download); torch itself raises e.g. ``IndexError``.
    """
    if '://' not in path:
        _check_checkpoint_file(path)
    ckpt = CheckpointLoader.load_checkpoint(path, map_location='cpu')
    if isinstance(ckpt, dict) and isinstance(ckpt.get('state_dict'), dict):
        ckpt = ckpt['state_dict']
    if not isinstance(ckpt, dict):
        raise TypeError(f'{path!r} holds a {type(ckpt).__name__}, not a state '
                        'dict or an MMEngine checkpoint.')
    return ckpt


def _check_checkpoint_file(path: str) -> None:
    """Refuse a missing file or one that ``torch.save`` did not write."""
    fix = ('Fix: pass the .pth file that tools/train.py wrote (e.g. '
           'work_dirs/<config>/iter_600.pth).')
    if not osp.isfile(path):
        raise FileNotFoundError(f'Checkpoint {path!r} does not exist. {fix}')
    with open(path, 'rb') as f:
        head = f.read(2)
    # torch.save writes a zip archive; before torch 1.6 a pickle (0x80).
    if not (zipfile.is_zipfile(path) or head[:1] == b'\x80'):
        raise ValueError(
            f'{path!r} is not a PyTorch checkpoint (neither a torch.save zip '
            'archive nor a pickle): another kind of file, or a truncated '
            f'one. {fix}')


def check_output_path(src: str, dst: str) -> None:
    """Refuse an output that would overwrite the input or a folder.

    Raises:
        ValueError: ``dst`` is ``src`` (compared by real path) or a folder.
    """
    if osp.realpath(dst) == osp.realpath(src):
        raise ValueError(
            f'The output {dst!r} is the input checkpoint {src!r}: writing '
            'it would destroy the distillation checkpoint. Fix: give another '
            'output path, e.g. checkpoints/student_backbone.pth.')
    if osp.isdir(dst):
        raise ValueError(f'The output {dst!r} is a folder. Fix: give a file '
                         'path, e.g. checkpoints/student_backbone.pth.')


def save_atomic(obj, path: str) -> None:
    """``torch.save`` so that ``path`` holds all of ``obj`` or is untouched.

    Writes a temporary file next to ``path`` and renames it into place;
    on failure the temporary file and any folder created for ``path`` are
    removed.
    """
    parent = osp.dirname(osp.abspath(path))
    created = []
    folder = parent
    while not osp.exists(folder):
        created.append(folder)
        folder = osp.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=osp.basename(path) + '.',
                               suffix='.partial')
    try:
        with os.fdopen(fd, 'wb') as f:
            torch.save(obj, f)
            f.flush()
            os.fsync(f.fileno())  # on disk before the rename
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        for folder in created:  # innermost first; only if still empty
            if osp.isdir(folder) and not os.listdir(folder):
                os.rmdir(folder)
        raise


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
    Everything is checked before ``dst`` is written, atomically; ``dst``
    is never ``src``.

    Args:
        src (str): Distillation (or any MMEngine) checkpoint.
        dst (str): Output path.
        prefix (str): Sub-module to extract. Defaults to
            ``'architecture.backbone.'``.
        backbone (nn.Module, optional): If given, the weights must load
            into it with ``strict=True`` before anything is written.
            Defaults to None.
    """
    check_output_path(src, dst)
    weights = extract_state_dict(load_state_dict_file(src), prefix)
    if backbone is not None:
        load_backbone(backbone, weights, f'{prefix!r} of {src!r}')
    save_atomic(
        dict(state_dict=weights, meta=dict(source=str(src), prefix=prefix)),
        dst)
    return weights
