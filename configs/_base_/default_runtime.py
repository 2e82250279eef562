# Runtime shared by this project's configs: MMPretrain's, plus the plugin.
_base_ = 'mmpretrain::_base_/default_runtime.py'

custom_imports = dict(imports=['mmrazor_dccd'], allow_failed_imports=False)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(
        type='CheckpointHook', interval=1, max_keep_ckpts=2,
        save_last=True))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0, deterministic=False)
