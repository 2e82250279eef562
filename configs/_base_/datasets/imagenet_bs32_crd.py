# ImageNet for CRD: MMRazor's CRDDataset adds each image's index and its
# `neg_num` negative indices (memory-bank rows). MMRazor's PackCRDClsInputs
# needs mmcls; MMPretrain's ToTensor + PackInputs(algorithm_keys) pack the
# same fields.
_base_ = 'mmpretrain::_base_/datasets/imagenet_bs32.py'

crd_neg_num = 16384
crd_keys = ['sample_idx', 'contrast_sample_idxs']
# PackInputs' default meta keys minus `sample_idx`, which CRD needs as a
# tensor data field (MMPretrain refuses a key that is both).
crd_meta_keys = ['img_path', 'ori_shape', 'img_shape', 'scale_factor',
                 'flip', 'flip_direction']
train_dataloader = dict(
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
                dict(type='ToTensor', keys=crd_keys),
                dict(
                    type='PackInputs', algorithm_keys=crd_keys,
                    meta_keys=crd_meta_keys),
            ])))
