# Runtime shared by this project's configs: MMPretrain's, plus the plugin.
_base_ = 'mmpretrain::_base_/default_runtime.py'

custom_imports = dict(imports=['mmrazor_dccd'], allow_failed_imports=False)
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0, deterministic=False)
# Crash-safe checkpoints (atomic .pth and last_checkpoint); bitwise
# reproducible CPU runs when randomness.deterministic=True.
default_hooks = dict(checkpoint=dict(type='mmrazor.AtomicCheckpointHook'))
custom_hooks = [dict(type='mmrazor.CPUDeterminismHook')]
