# ResNet-18 with the CIFAR stem for 1-channel 28x28 MNIST: a wide teacher
# (base width 16, 0.70M parameters) and a narrow student (width 4, 0.04M).
# Configs use them as {{_base_.mnist_teacher}} / {{_base_.mnist_student}}.
mnist_teacher = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='ResNet_CIFAR', depth=18, in_channels=1, stem_channels=16,
        base_channels=16),
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        num_classes=10, mean=[33.46], std=[78.87], to_rgb=False),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead', num_classes=10, in_channels=128,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
mnist_student = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='ResNet_CIFAR', depth=18, in_channels=1, stem_channels=4,
        base_channels=4),
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        num_classes=10, mean=[33.46], std=[78.87], to_rgb=False),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead', num_classes=10, in_channels=32,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
