# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The plumbing the analysis tools share: load a student from either kind
of checkpoint, build a config's data loader, and record layers on it with
MMRazor's :class:`ModuleOutputsRecorder`."""
from contextlib import ExitStack
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from mmrazor.models.task_modules.recorder import ModuleOutputsRecorder
from mmrazor.registry import MODELS
from ..engine.checkpoint import load_state_dict_file


def sub_state(state: Dict[str, torch.Tensor],
              prefix: str) -> Dict[str, torch.Tensor]:
    """The entries of ``state`` under ``prefix``, with it stripped."""
    return {k[len(prefix):]: v for k, v in state.items()
            if k.startswith(prefix)}


def student_config(cfg: Config) -> dict:
    """The student of a distillation config (``model.architecture``), or
    the model of a plain one."""
    return cfg.model.get('architecture', cfg.model)


def student_state(state: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """The student's weights: the ``architecture.*`` entries of a
    distillation checkpoint, or a plain classifier checkpoint as it is."""
    return sub_state(state, 'architecture.') or state


def build_model(model_cfg: dict,
                state: Optional[Dict[str, torch.Tensor]] = None
                ) -> nn.Module:
    """Build a model (in MMRazor's scope; a config's ``_scope_`` still
    wins), load ``state`` strictly when given, and set eval mode."""
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(model_cfg)
    if state is not None:
        model.load_state_dict(state, strict=True)
    return model.eval()


def load_student(cfg: Config, checkpoint: str) -> nn.Module:
    """The config's student (or plain model) with the checkpoint's student
    weights (:func:`student_state`), in eval mode."""
    return build_model(student_config(cfg),
                       student_state(load_state_dict_file(checkpoint)))


def feature_layers(cfg: Config) -> Optional[Tuple[str, str]]:
    """The first (student, teacher) layer pair of the config's
    ``DCCDDistiller(feature_layers=...)``; None when it sets none."""
    layers = cfg.model.get('distiller', {}).get('feature_layers')
    if isinstance(layers, str):
        return layers, layers
    if isinstance(layers, dict):
        return next(iter(layers.items()))
    if layers:
        return layers[0], layers[0]
    return None


def build_loader(cfg: Config, split: str = 'val',
                 images: Optional[int] = None):
    """The config's ``<split>_dataloader``, cut to its first ``images``
    images."""
    loader_cfg = cfg[f'{split}_dataloader']
    if images is not None:
        loader_cfg.dataset.indices = images
    return Runner.build_dataloader(loader_cfg)


def record_layers(targets: Sequence[Tuple[nn.Module, str]],
                  loader,
                  preprocessor: Optional[nn.Module] = None
                  ) -> List[torch.Tensor]:
    """Run every batch of ``loader`` through each model and return the
    outputs of each ``(model, layer)`` target, concatenated over batches.

    Args:
        targets (Sequence[tuple[nn.Module, str]]): Models (in eval mode) and
            the names of the submodules to record.
        loader: A data loader of MMEngine data batches.
        preprocessor (nn.Module, optional): Turns a batch into inputs; by
            default the first model's ``data_preprocessor``.
    """
    if preprocessor is None:
        preprocessor = targets[0][0].data_preprocessor
    recorders = []
    for model, layer in targets:
        names = dict(model.named_modules())
        if layer not in names:
            stages = [n for n in names if n.count('.') == 1]
            raise ValueError(f'{type(model).__name__} has no submodule '
                             f'{layer!r}; its stages: {stages}.')
        recorder = ModuleOutputsRecorder(layer)
        recorder.initialize(model)
        recorders.append(recorder)
    models = list({id(m): m for m, _ in targets}.values())
    with torch.no_grad(), ExitStack() as stack:
        for recorder in recorders:
            stack.enter_context(recorder)
        for batch in loader:
            inputs = preprocessor(batch, False)['inputs']
            for model in models:
                model(inputs, mode='tensor')
        return [torch.cat(r.data_buffer) for r in recorders]
