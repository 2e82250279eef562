# CIFAR-100 for CRD (MMRazor's CRDDataset memory-bank sampling), as
# mmrazor::distill/mmcls/crd/crd_neck_r50_r18_8xb16_cifar10.py does for
# CIFAR-10, packed with mmrazor.PackCRDInputs.
_base_ = 'mmpretrain::_base_/datasets/cifar100_bs16.py'

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
            type='CIFAR100',
            data_root='data/cifar100',
            split='train',
            pipeline=[
                dict(type='RandomCrop', crop_size=32, padding=4),
                dict(type='RandomFlip', prob=0.5, direction='horizontal'),
                dict(type='mmrazor.PackCRDInputs'),
            ])))
