# CIFAR-100 for CRD (MMRazor's CRDDataset memory-bank sampling), as
# mmrazor::distill/mmcls/crd/crd_neck_r50_r18_8xb16_cifar10.py does for
# CIFAR-10, packed with MMPretrain's ToTensor + PackInputs(algorithm_keys).
_base_ = 'mmpretrain::_base_/datasets/cifar100_bs16.py'

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
            type='CIFAR100',
            data_root='data/cifar100',
            split='train',
            pipeline=[
                dict(type='RandomCrop', crop_size=32, padding=4),
                dict(type='RandomFlip', prob=0.5, direction='horizontal'),
                dict(type='ToTensor', keys=crd_keys),
                dict(
                    type='PackInputs', algorithm_keys=crd_keys,
                    meta_keys=crd_meta_keys),
            ])))
