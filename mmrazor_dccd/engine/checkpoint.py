# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Checkpoint handling in one place: integrity, safe loading, atomic saving
and taking the distilled student's backbone out.

* Integrity: :func:`checkpoint_problem` says, without unpickling, why a file
  is not a complete PyTorch checkpoint (empty, truncated zip, another kind
  of file); :func:`newest_complete_checkpoint` finds the one to use instead.
* Safe loading: :func:`explain_refusal` wraps MMEngine's loaders (which
  :mod:`mmrazor_dccd.compat.checkpoints` does once per process) so that
  torch's ``weights_only`` refusals and damaged files raise
  :class:`UnsafeCheckpointError` / :class:`CorruptCheckpointError`, naming
  the file and the fix; :func:`load_state_dict_file` reads a state dict.
* Saving: :func:`save_atomic` (``torch.save`` through the one atomic writer,
  :mod:`mmrazor_dccd.engine.fileio`).
* Backbone extraction: a ``DCCDDistill`` checkpoint written by MMEngine
  holds ``state_dict['architecture.backbone.*']`` (student) and
  ``state_dict['teacher.*']``. :func:`extract_state_dict` strips a prefix so
  the result loads into the bare module, e.g. an MMDetection backbone
  through ``init_cfg=dict(type='Pretrained', checkpoint=...)``;
  :func:`check_state_dict` says exactly which keys do not fit.
"""
import functools
import glob
import os.path as osp
import pickle
import re
import zipfile
from collections import OrderedDict
from typing import Callable, Dict, List, Optional

import torch
import torch.nn as nn
from mmengine.runner import CheckpointLoader

from .fileio import atomic_file

_UNSUPPORTED_GLOBAL = re.compile(r'Unsupported global: GLOBAL ([\w.]+)')


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds a pickled global that the safe loader refuses."""


class CorruptCheckpointError(OSError):
    """A file that is not a complete PyTorch checkpoint."""


def checkpoint_problem(path: str) -> Optional[str]:
    """Why ``path`` is not a complete PyTorch checkpoint, without unpickling
    it; None when its structure is sound (or it does not exist)."""
    if not osp.isfile(path):
        return None
    if osp.getsize(path) == 0:
        return 'the file is empty'
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                bad = archive.testzip()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            return f'its zip archive is damaged ({exc})'
        return None if bad is None else f'member {bad!r} is damaged'
    with open(path, 'rb') as f:
        head = f.read(2)
    if head[:1] == b'\x80':  # a legacy (pre-1.6) pickle-based checkpoint
        return None
    if head == b'PK':
        return 'its zip archive is truncated (no central directory)'
    return 'it is neither a zip archive nor a pickle (not a checkpoint)'


def newest_complete_checkpoint(folder: str,
                               exclude: Optional[str] = None
                               ) -> Optional[str]:
    """The newest ``iter_N.pth`` / ``epoch_N.pth`` in ``folder`` whose
    structure is sound (by N, then modification time)."""
    def order(path):
        digits = re.findall(r'\d+', osp.basename(path))
        return (int(digits[-1]) if digits else -1, osp.getmtime(path))

    found = glob.glob(osp.join(folder, 'iter_*.pth')) + glob.glob(
        osp.join(folder, 'epoch_*.pth'))
    for path in sorted(found, key=order, reverse=True):
        if (exclude is None or osp.abspath(path) != osp.abspath(exclude)) \
                and checkpoint_problem(path) is None:
            return path
    return None


def corrupt_checkpoint_message(filename: str, problem: str) -> str:
    """The explanation and the fix for a file that is not a checkpoint."""
    msg = (f'{filename!r} is not a complete PyTorch checkpoint: {problem}. '
           'It was cut short (a save or copy that did not finish, a full '
           'disk) or is another kind of file. Point to a complete '
           'checkpoint')
    if osp.isfile(filename):
        other = newest_complete_checkpoint(osp.dirname(osp.abspath(
            filename)), exclude=filename)
        if other:
            msg += f' (the newest complete one beside it: {other!r})'
    return msg + ', or re-create this one.'


def unsafe_checkpoint_message(filename: str,
                              global_name: Optional[str],
                              reason: str = '') -> str:
    """The explanation and the fix for a checkpoint the safe loader
    refuses (a pickled global, or another construct it does not allow)."""
    if global_name is None:
        return (
            f'Checkpoint {filename!r} was refused by torch\'s safe loader '
            f'(weights_only=True): {reason}. Unpickling it may run '
            'arbitrary code. Re-save it with tensors and plain containers '
            "only, e.g. `torch.save({'state_dict': model.state_dict()}, "
            'path)`, from code you trust.')
    module, _, name = global_name.rpartition('.')
    return (
        f'Checkpoint {filename!r} contains the pickled global '
        f'`{global_name}`, which is not allow-listed for torch\'s safe '
        'loader (weights_only=True); unpickling it may run arbitrary code, '
        'so the checkpoint was refused. If you trust this file, allow-list '
        'the class before loading, e.g. in a module named in the config\'s '
        f'`custom_imports`: `from {module} import {name}; '
        f'torch.serialization.add_safe_globals([{name}])`. Otherwise re-save '
        'it with tensors and plain containers only, e.g. '
        "`torch.save({'state_dict': model.state_dict()}, path)`.")


def _refusal_reason(message: str) -> str:
    """The line of torch's refusal that says what was refused (never its
    advice to turn ``weights_only`` off)."""
    for line in message.splitlines():
        line = line.replace('WeightsUnpickler error:', '').strip()
        if line and 'weights_only' not in line and \
                not line.startswith('Check the documentation'):
            return line.rstrip('.')
    return 'a construct the safe loader does not allow'


def explain_refusal(loader: Callable) -> Callable:
    """Wrap an MMEngine checkpoint loader: a refusal of the safe loader
    raises :class:`UnsafeCheckpointError`, a file that is not a complete
    checkpoint :class:`CorruptCheckpointError`; both name the file and the
    fix."""

    @functools.wraps(loader)
    def load(filename, *args, **kwargs):
        try:
            return loader(filename, *args, **kwargs)
        except (UnsafeCheckpointError, CorruptCheckpointError):
            raise
        except pickle.UnpicklingError as exc:
            message = str(exc)
            match = _UNSUPPORTED_GLOBAL.search(message)
            # A damaged or foreign file is named as such, not as unsafe.
            problem = None if match else checkpoint_problem(str(filename))
            if problem is None and (match or
                                    'Weights only load failed' in message):
                err = UnsafeCheckpointError(unsafe_checkpoint_message(
                    filename, match.group(1) if match else None,
                    _refusal_reason(message)))
                err.torch_message = message
                raise err from None  # torch's advice would turn safety off
            problem = problem or message
            raise CorruptCheckpointError(corrupt_checkpoint_message(
                filename, problem)) from exc
        except (RuntimeError, EOFError, IndexError, KeyError, ValueError,
                zipfile.BadZipFile) as exc:
            problem = checkpoint_problem(str(filename))
            if problem is None:
                raise
            raise CorruptCheckpointError(corrupt_checkpoint_message(
                filename, problem)) from exc

    load.__wrapped_loader__ = loader
    return load


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
    """Refuse a missing file or one that is not a complete checkpoint."""
    fix = ('Fix: pass the .pth file that tools/train.py wrote (e.g. '
           'work_dirs/<config>/iter_600.pth).')
    if not osp.isfile(path):
        raise FileNotFoundError(f'Checkpoint {path!r} does not exist. {fix}')
    problem = checkpoint_problem(path)
    if problem:
        raise ValueError(f'{path!r} is not a PyTorch checkpoint: {problem} '
                         f'(another kind of file, or a truncated one). {fix}')


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
    """``torch.save`` so that ``path`` holds all of ``obj`` or is untouched
    (through :func:`~mmrazor_dccd.engine.fileio.atomic_file`)."""
    with atomic_file(path) as f:
        torch.save(obj, f)


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
