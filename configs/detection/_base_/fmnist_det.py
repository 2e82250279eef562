# The Fashion-MNIST detection set (tools/dataset_converters/
# fashion_mnist_detection.py: 96x96 canvases, 1-4 items of 24-40 px) and an
# iteration-based one-core CPU schedule, on MMDetection's runtime.
_base_ = 'mmdet::_base_/default_runtime.py'

custom_imports = dict(
    imports=['mmrazor_dccd', 'mmpretrain.models'], allow_failed_imports=False)
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0)

dataset_type = 'CocoDataset'
data_root = 'data/fmnist_det/'
canvas = 96
metainfo = dict(
    classes=('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
             'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'))
# Grayscale canvases at their own size; flips as in the classifiers'
# training (a mirrored garment is a garment).
train_pipeline = [
    dict(type='LoadImageFromFile', color_type='grayscale'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile', color_type='grayscale'),
    # The identity at the canvas size; it records the scale factor that
    # the head's post-processing needs.
    dict(type='Resize', scale=(canvas, canvas), keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor')),
]


def _split(split, pipeline, **kwargs):
    return dict(
        type=dataset_type,
        data_root=data_root,
        metainfo=metainfo,
        ann_file=f'annotations/instances_{split}.json',
        data_prefix=dict(img=f'{split}/'),
        pipeline=pipeline,
        **kwargs)


train_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=_split('train', train_pipeline,
                   filter_cfg=dict(filter_empty_gt=True)))
val_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=_split('val', test_pipeline, test_mode=True))
test_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=_split('test', test_pipeline, test_mode=True))
val_evaluator = dict(
    type='CocoMetric',
    ann_file=data_root + 'annotations/instances_val.json',
    metric='bbox',
    format_only=False)
test_evaluator = dict(
    val_evaluator, ann_file=data_root + 'annotations/instances_test.json')

max_iters = 1000
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=250)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=200),
    dict(type='CosineAnnealingLR', T_max=max_iters, by_epoch=False, begin=0,
         end=max_iters, eta_min=0)
]
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=35, norm_type=2))
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    checkpoint=dict(
        # Crash-safe: a killed save never leaves a truncated .pth.
        type='mmrazor.AtomicCheckpointHook', by_epoch=False,
        interval=max_iters, max_keep_ckpts=1))
log_processor = dict(by_epoch=False)
auto_scale_lr = dict(enable=False, base_batch_size=16)
