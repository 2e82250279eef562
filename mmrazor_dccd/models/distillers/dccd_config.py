# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""How a :class:`DCCDDistiller` config is read: layer mappings, per-layer
values, partial loss configs, and the nearest names an error suggests.
Values are checked by the modules that own them."""
import copy
import difflib
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

import torch.nn as nn

from mmrazor.models.task_modules.recorder import ModuleOutputsRecorder

LayerSpec = Union[str, Sequence[str], Dict[str, str]]


def as_pairs(layers: Optional[LayerSpec],
             data_idx=None) -> List[Tuple[str, str]]:
    """``'a'``, ``['a', 'b']`` or ``{'a': 'ta'}`` -> (student, teacher)
    names. A list may name a layer more than once (one entry per output of
    a tuple, picked by ``data_idx``); one layer with a list ``data_idx`` is
    that layer once per index (``'neck'``, ``[0, 1, 2]``: three FPN
    levels)."""
    if layers is None:
        return []
    if isinstance(layers, str):
        layers = [layers]
    pairs = list(layers.items()) if isinstance(layers, dict) else [
        (layer, layer) for layer in layers
    ]
    if len(pairs) == 1 and isinstance(data_idx, (list, tuple)):
        return pairs * len(data_idx)
    return pairs


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
    data_idx: Optional[int]  # entry of a tuple / list output


def check_sources(model: nn.Module, recorders, who: str,
                  keys: Dict[str, str]) -> None:
    """Refuse a recorded module name that ``model`` lacks, naming the
    config key (``keys``: recorder name -> key), the model and the nearest
    valid names (MMRazor only asserts '"x" is not in the model.')."""
    names = [name for name, _ in model.named_modules()]
    for rec_name, recorder in recorders.recorders.items():
        if not isinstance(recorder, ModuleOutputsRecorder) or \
                recorder.source in names:
            continue
        key = keys.get(rec_name, f'{who}_recorders.{rec_name}.source')
        raise ValueError(
            f'DCCDDistiller {key}: {recorder.source!r} is not a module of '
            f'the {who} ({type(model).__name__}). Nearest module names in '
            f'the {who}: {nearest_names(recorder.source, names)}. Fix: set '
            f"{key} to a name from the {who}'s `named_modules()`.")


def nearest_names(name: str, names: List[str], num: int = 5) -> str:
    close = difflib.get_close_matches(name, names, n=num, cutoff=0.4)
    # Nothing close: show the top-level modules to start from.
    close = close or [n for n in names if n and '.' not in n][:num]
    return ', '.join(repr(n) for n in close)


def channel_connector(connector: Union[dict, List[dict]], in_channel: int,
                      out_channel: int) -> Union[dict, List[dict]]:
    """``connector`` with the channels filled into it (into the first entry
    of a list, which MMRazor chains)."""
    chain = copy.deepcopy(connector)
    first = chain[0] if isinstance(chain, list) else chain
    first.update(in_channel=in_channel, out_channel=out_channel)
    return chain
