# ImageNet for CRD: MMRazor's CRDDataset adds each image's index and its
# `neg_num` negative indices (memory-bank rows). MMRazor's PackCRDClsInputs
# needs mmcls; mmrazor.PackCRDInputs packs the same fields.
_base_ = 'mmpretrain::_base_/datasets/imagenet_bs32.py'

crd_neg_num = 16384
# DefaultSampler: no last partial batch (a batch of one breaks BN and
# batch-mode L_cc).
train_dataloader = dict(
    drop_last=True,
    dataset=dict(
        _delete_=True,
        type='mmrazor.CRDDataset',
        neg_num=crd_neg_num,
        sample_mode='exact',
        percent=1.0,
        dataset=dict(
            type='ImageNet',
            data_root='data/imagenet',
            split='train',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='RandomResizedCrop', scale=224),
                dict(type='RandomFlip', prob=0.5, direction='horizontal'),
                dict(type='mmrazor.PackCRDInputs'),
            ])))
