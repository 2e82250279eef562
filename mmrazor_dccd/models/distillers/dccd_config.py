# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""What a :class:`DCCDDistiller` config says, parsed and checked before
anything is built: layer mappings, per-layer values, loss defaults, loss
weights and temperatures, and the messages that name the key and the fix."""
import copy
import difflib
import math
from typing import Dict, List, NamedTuple, Optional, Sequence, Union

import torch

from ..losses import check_loss_weight

LayerSpec = Union[str, Sequence[str], Dict[str, str]]


def as_mapping(layers: Optional[LayerSpec]) -> Dict[str, str]:
    """``'a'``, ``['a', 'b']`` or ``{'a': 'ta'}`` -> student: teacher name."""
    if layers is None:
        return {}
    if isinstance(layers, str):
        return {layers: layers}
    if isinstance(layers, dict):
        return dict(layers)
    return {layer: layer for layer in layers}


def with_default(loss: Optional[dict], default: dict) -> Optional[dict]:
    """A loss config without ``type`` updates the default loss, so
    ``--cfg-options model.distiller.dd_loss.loss_weight=0.1`` works on a
    config that relies on the default."""
    if loss is None or 'type' in loss:
        return copy.deepcopy(loss)
    return dict(copy.deepcopy(default), **loss)


def set_num_views(loss: dict, num_views: int, owner: str) -> dict:
    given = loss.setdefault('num_views', num_views)
    if given != num_views:
        raise ValueError(
            f"{loss.get('type')} has num_views={given} but {owner} has "
            f'num_views={num_views}. Set num_views once, on the algorithm '
            "(model.num_views); it is passed on to the distiller's losses.")
    return loss


def per_layer(value, num: int, name: str) -> List:
    if value is None or isinstance(value, int):
        return [value] * num
    if len(value) != num:
        raise ValueError(f'{name} has {len(value)} entries for {num} feature '
                         'layers.')
    return list(value)


def check_taus(losses: Dict[str, Optional[dict]]) -> None:
    """Refuse a temperature that is not a positive number (a division by
    it: inf/NaN losses at the first step) before anything is built."""
    for key, loss in losses.items():
        tau = None if loss is None else loss.get('tau')
        if tau is None:
            continue
        if isinstance(tau, bool) or not isinstance(tau, (int, float)) or \
                not math.isfinite(tau) or tau <= 0:
            raise ValueError(
                f'model.distiller.{key}.tau must be a positive, finite '
                f'temperature, got {tau!r}: the loss divides by it. Fix: '
                f'set {key}.tau > 0 (e.g. 0.1 for cc_loss, 4 for kd_loss), '
                'or remove it for the default.')


def check_weights(losses: Dict[str, Optional[dict]]) -> None:
    """Refuse bad ``loss_weight`` values before anything is built."""
    for key, loss in losses.items():
        if loss is not None and 'loss_weight' in loss:
            check_loss_weight(loss['loss_weight'], f'{key}.loss_weight')


class FeatureSpec(NamedTuple):
    """What the config says about one feature layer (checked when run)."""
    index: Optional[int]  # position in feature_layers; None for one layer
    student: str
    teacher: str
    student_channels: Optional[int]
    teacher_channels: Optional[int]


def nearest_names(name: str, names: List[str], num: int = 5) -> str:
    close = difflib.get_close_matches(name, names, n=num, cutoff=0.4)
    # Nothing close: show the top-level modules to start from.
    close = close or [n for n in names if n and '.' not in n][:num]
    return ', '.join(repr(n) for n in close)


def channels_of(record) -> Optional[int]:
    return record.size(1) if isinstance(record, torch.Tensor) and \
        record.dim() >= 2 else None
