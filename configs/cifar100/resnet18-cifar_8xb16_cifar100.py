# CIFAR-100 student trained alone (the no-distillation reference):
# ResNet-18-CIFAR on the same recipe as the teachers and distillers
# (8 GPUs x 16, 200 epochs).
_base_ = [
    '../_base_/models/resnet-cifar_cifar100.py',
    'mmpretrain::_base_/datasets/cifar100_bs16.py',
    '../_base_/schedules/cifar100_bs128_200e.py',
    '../_base_/fullscale_runtime.py',
]
model = {{_base_.resnet18_cifar100}}
# DefaultSampler: no last partial batch (a batch of one breaks BN and
# batch-mode L_cc).
train_dataloader = dict(drop_last=True)
