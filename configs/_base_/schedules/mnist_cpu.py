# A short iteration-based CPU schedule; the benchmark overrides max_iters.
_base_ = '../default_runtime.py'  # + iteration-based hooks below

max_iters = 600
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.2, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='CosineAnnealingLR', T_max=max_iters, by_epoch=False, eta_min=0)
train_cfg = dict(by_epoch=False, max_iters=max_iters, val_interval=200)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(
    checkpoint=dict(
        type='mmrazor.AtomicCheckpointHook', by_epoch=False, interval=200,
        max_keep_ckpts=2, save_last=True),
    logger=dict(type='LoggerHook', interval=20, log_metric_by_epoch=False))
log_processor = dict(by_epoch=False)
auto_scale_lr = dict(base_batch_size=64)
