# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The ``mmrazor_dccd`` registry scope.

A config that inherits ``mmrazor_dccd::...`` gets ``_scope_='mmrazor_dccd'``
on every typed top-level dict from that base (MMEngine's rule for package
configs). These registries make that scope resolve: they hold nothing
themselves and look names up in MMPretrain's registries (and from there in
MMEngine's). The DCCD modules live in MMRazor's registries (``mmrazor.X``),
so this module only routes the scope.
"""
from mmengine.registry import Registry
from mmpretrain import registry as _pretrain

_NAMES = ('RUNNERS', 'RUNNER_CONSTRUCTORS', 'LOOPS', 'HOOKS',
          'LOG_PROCESSORS', 'OPTIMIZERS', 'OPTIM_WRAPPERS',
          'OPTIM_WRAPPER_CONSTRUCTORS', 'PARAM_SCHEDULERS', 'DATASETS',
          'DATA_SAMPLERS', 'TRANSFORMS', 'MODELS', 'MODEL_WRAPPERS',
          'WEIGHT_INITIALIZERS', 'TASK_UTILS', 'METRICS', 'EVALUATOR',
          'VISUALIZERS', 'VISBACKENDS')


def _child(name: str) -> Registry:
    # MMPretrain spells it EVALUATORS. (An empty Registry is falsy.)
    parent = getattr(_pretrain, name if hasattr(_pretrain, name) else
                     name + 'S')
    return Registry(parent.name, parent=parent, scope='mmrazor_dccd')


globals().update({name: _child(name) for name in _NAMES})
