# CIFAR-100 teacher: ResNet-34-CIFAR trained alone on MMPretrain's CIFAR-100
# recipe (8 GPUs x 16, 200 epochs); MMPretrain's model zoo has no CIFAR-100
# ResNet-34. Its last checkpoint is the teacher of
# configs/dccd/dccd_r34_r18_8xb16_cifar100.py and
# configs/baselines/*_r34_r18_8xb16_cifar100.py.
_base_ = [
    '../_base_/models/resnet-cifar_cifar100.py',
    'mmpretrain::_base_/datasets/cifar100_bs16.py',
    '../_base_/schedules/cifar100_bs128_200e.py',
    '../_base_/fullscale_runtime.py',
]
model = {{_base_.resnet34_cifar100}}
# DefaultSampler: no last partial batch (a batch of one breaks BN and
# batch-mode L_cc).
train_dataloader = dict(drop_last=True)
