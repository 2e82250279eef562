# MMPretrain's CIFAR ResNets (3x3 stem, no max-pool) with a 100-class head.
# Configs use them as {{_base_.resnet18_cifar100}} etc.; ResNet-50-CIFAR
# comes from mmpretrain::resnet/resnet50_8xb16_cifar100.py (model zoo).
resnet18_cifar100 = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='ResNet_CIFAR', depth=18, num_stages=4, out_indices=(3, ),
        style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead', num_classes=100, in_channels=512,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
resnet34_cifar100 = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='ResNet_CIFAR', depth=34, num_stages=4, out_indices=(3, ),
        style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead', num_classes=100, in_channels=512,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
