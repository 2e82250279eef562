# ImageNet, 32 images per GPU, each as `num_views` independent draws of
# MMPretrain's random train transforms (DCCD's multi-view input). The images,
# epochs and LR schedule are those of the single-view baselines; each GPU
# forwards 32 x num_views crops.
_base_ = 'mmpretrain::_base_/datasets/imagenet_bs32.py'

num_views = 2
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='MultiView',
        num_views=num_views,
        transforms=[[
            dict(type='RandomResizedCrop', scale=224),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        ]]),
    dict(type='PackInputs'),
]
# DefaultSampler: no last partial batch (a batch of one breaks BN and
# batch-mode L_cc).
train_dataloader = dict(
    drop_last=True,
    dataset=dict(pipeline=train_pipeline))
