# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The detection configs save checkpoints crash-safely."""
import glob

import pytest
from dccd_test_utils import REPO
from mmengine.registry import HOOKS, DefaultScope

from mmrazor_dccd.compat import load_config
from mmrazor_dccd.engine import AtomicCheckpointHook

pytestmark = pytest.mark.fast


def test_detection_configs_use_the_atomic_checkpoint_hook():
    """Fault: a detection run (``configs/detection/{mnist,fmnist}``) killed
    while saving (the base configs used MMEngine's ``CheckpointHook``: a
    truncated ``.pth``, a ``last_checkpoint`` naming a deleted file).
    Result: every MNIST / Fashion-MNIST detection config resolves to
    ``mmrazor.AtomicCheckpointHook`` (temp file + rename), which builds
    under the configs' ``mmdet`` scope.
    """
    configs = sorted(glob.glob(f'{REPO}/configs/detection/*mnist/*.py'))
    assert len(configs) >= 12
    for path in configs:
        cfg = load_config(path)
        hook = cfg.default_hooks.checkpoint
        assert hook.type == 'mmrazor.AtomicCheckpointHook', path
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        assert isinstance(HOOKS.build(hook.copy()), AtomicCheckpointHook)
