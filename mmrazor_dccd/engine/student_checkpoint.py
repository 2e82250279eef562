# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The plain student out of a distillation checkpoint, and checkpoints that
do not fit the model they are tested with refused.

A distillation checkpoint (``DCCDDistill``, MMRazor's ``SingleTeacherDistill``
KD family) holds the student under ``architecture.``, the teacher under
``teacher.`` and the connectors under ``distiller.``; the student's own
config (MMPretrain / MMDetection) expects the keys without ``architecture.``.
MMEngine loads ``load_from`` with ``strict=False``: a distillation checkpoint
given to the student config loads nothing and the random model is evaluated
without a word. :func:`convert_to_student` writes the plain checkpoint;
:func:`check_checkpoint_fits` refuses a checkpoint that leaves the model's
weights unloaded.
"""
from collections import OrderedDict
from typing import Dict, Optional

import torch
import torch.nn as nn
from mmengine.runner import CheckpointLoader

from .checkpoint import (_check_checkpoint_file, _listed, _prefixes,
                         check_output_path, check_state_dict,
                         load_state_dict_file, save_atomic)

STUDENT = 'architecture.'
CONVERTER = 'tools/model_converters/distill_to_student.py'
# Keys of MMRazor's pruning algorithms: the student is masked, not sliced.
_PRUNING = ('mutator.', )


def _strip_module(state_dict: Dict[str, torch.Tensor]) -> 'OrderedDict':
    """Keys without a leading ``module.`` (a DDP wrapper)."""
    return OrderedDict(
        (k[len('module.'):] if k.startswith('module.') else k, v)
        for k, v in state_dict.items())


def is_distillation_state_dict(state_dict: Dict[str, torch.Tensor]) -> bool:
    """Whether the weights are a whole distillation (or pruning) algorithm's:
    some key lies under ``architecture.``."""
    return any(k.startswith(STUDENT) for k in _strip_module(state_dict))


def student_state_dict(
        state_dict: Dict[str, torch.Tensor],
        src: str = 'the checkpoint') -> 'OrderedDict[str, torch.Tensor]':
    """The student's weights of a distillation state dict, keys relative to
    the student model (``architecture.`` removed; teacher, connectors and
    the algorithm's own buffers dropped).

    Raises:
        KeyError: No key under ``architecture.`` (not a distillation
            checkpoint); the message lists the prefixes found.
        ValueError: A pruning algorithm's checkpoint (``mutator.`` keys):
            its student is masked; the message names the pruning export.
    """
    keys = _strip_module(state_dict)
    if not is_distillation_state_dict(keys):
        raise KeyError(
            f'{src} has no key under {STUDENT!r}: it is not a distillation '
            'checkpoint (a plain model\'s checkpoint loads into its own '
            'config as it is). Prefixes found: '
            f'{_listed(_prefixes(list(keys), 1))}.')
    if any(k.startswith(_PRUNING) for k in keys):
        raise ValueError(
            f'{src} is a pruning algorithm\'s checkpoint (keys under '
            "'mutator.'): its student holds masked, not removed, channels. "
            'Fix: export the pruned student with mmrazor_dccd.pruning.export '
            '(tools/pruning/prune_distill.py writes <work-dir>/prune/'
            'pruned.pth and structure.json).')
    return OrderedDict((k[len(STUDENT):], v) for k, v in keys.items()
                       if k.startswith(STUDENT))


def convert_to_student(src: str,
                       dst: str,
                       model: Optional[nn.Module] = None
                       ) -> 'OrderedDict[str, torch.Tensor]':
    """Write the student of distillation checkpoint ``src`` as a plain
    checkpoint ``dst``: ``{'state_dict': <student>, 'meta': <src's meta +
    source>}``, atomically, never over ``src``.

    Args:
        src (str): Distillation checkpoint (keys under ``architecture.``).
        dst (str): Output path.
        model (nn.Module, optional): The student's own model; if given the
            weights must fit it exactly (strict) before anything is
            written. Defaults to None.
    """
    check_output_path(src, dst)
    _check_checkpoint_file(src)
    ckpt = CheckpointLoader.load_checkpoint(src, map_location='cpu')
    state_dict = ckpt.get('state_dict', ckpt) if isinstance(ckpt,
                                                            dict) else ckpt
    if not isinstance(state_dict, dict):
        raise TypeError(f'{src!r} holds a {type(state_dict).__name__}, not '
                        'a state dict or an MMEngine checkpoint.')
    weights = student_state_dict(state_dict, repr(src))
    if model is not None:
        check_state_dict(model, weights, f'The student of {src!r}')
    meta = dict(ckpt.get('meta') or {}) if 'state_dict' in ckpt else {}
    meta.update(source=str(src), converted_by=CONVERTER)
    save_atomic(dict(state_dict=weights, meta=meta), dst)
    return weights


def check_checkpoint_fits(model: nn.Module, filename: str) -> None:
    """Refuse a checkpoint that would leave ``model``'s weights unloaded
    (MMEngine's ``load_from`` loads with ``strict=False`` and evaluates the
    random weights).

    Raises:
        ValueError: A distillation checkpoint given to a plain model; the
            message names the converter.
        RuntimeError: Missing, unexpected or mis-shaped keys, listed.
    """
    weights = _strip_module(load_state_dict_file(filename))
    expected = model.state_dict()
    if is_distillation_state_dict(weights) and not any(
            k.startswith(STUDENT) for k in expected):
        raise ValueError(
            f'{filename!r} is a distillation checkpoint (its student lies '
            f"under {STUDENT!r}); {type(model).__name__} would load none of "
            'it and be tested with random weights. Fix: convert it first: '
            f'python {CONVERTER} {filename} <student.pth>, then test '
            '<student.pth>; or test it with the distillation config.')
    try:
        check_state_dict(model, weights, f'Checkpoint {filename!r}')
    except RuntimeError as exc:
        raise RuntimeError(
            f'{exc}\n(tools/test.py loads checkpoints strictly: a model '
            'with weights left unloaded reports a meaningless '
            'accuracy.)') from None
