# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""How a :class:`DCCDDistiller` config is read: layer mappings, per-layer
values, partial loss configs, and the nearest names an error suggests.
Values are checked by the modules that own them."""
import copy
import difflib
from typing import Dict, List, NamedTuple, Optional, Sequence, Union

import torch

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


def with_type(loss: Optional[dict], default_type: str) -> Optional[dict]:
    """A loss config without ``type`` is ``default_type`` with its own
    defaults updated, so ``--cfg-options model.distiller.dd_loss.
    loss_weight=0.1`` works on a config that relies on the default."""
    if loss is None or 'type' in loss:
        return copy.deepcopy(loss)
    return dict(type=default_type, **copy.deepcopy(loss))


def per_layer(value, num: int, name: str) -> List:
    if value is None or isinstance(value, int):
        return [value] * num
    if len(value) != num:
        raise ValueError(f'{name} has {len(value)} entries for {num} feature '
                         'layers.')
    return list(value)


class FeatureSpec(NamedTuple):
    """What the config says about one feature layer (checked when run)."""
    index: Optional[int]  # position in feature_layers; None for one layer
    student: str
    teacher: str
    student_channels: Optional[int]
    teacher_channels: Optional[int]
    loss: str  # the channel contrastive loss on this layer


def nearest_names(name: str, names: List[str], num: int = 5) -> str:
    close = difflib.get_close_matches(name, names, n=num, cutoff=0.4)
    # Nothing close: show the top-level modules to start from.
    close = close or [n for n in names if n and '.' not in n][:num]
    return ', '.join(repr(n) for n in close)


def channels_of(record) -> Optional[int]:
    return record.size(1) if isinstance(record, torch.Tensor) and \
        record.dim() >= 2 else None
