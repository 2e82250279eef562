# CIFAR-100, 16 images per GPU, each as `num_views` independent draws of
# MMPretrain's random train transforms (DCCD's multi-view input).
_base_ = 'mmpretrain::_base_/datasets/cifar100_bs16.py'

num_views = 2
train_pipeline = [
    dict(
        type='MultiView',
        num_views=num_views,
        transforms=[[
            dict(type='RandomCrop', crop_size=32, padding=4),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        ]]),
    dict(type='PackInputs'),
]
# DefaultSampler: no last partial batch (a batch of one breaks BN and
# batch-mode L_cc).
train_dataloader = dict(
    drop_last=True,
    dataset=dict(pipeline=train_pipeline))
