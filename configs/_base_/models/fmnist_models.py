# Fashion-MNIST teacher and students (1-channel 28x28 input). Configs use
# them as {{_base_.fmnist_teacher}} etc.; the benchmark reads them from here.
# Teacher: ResNet-18-CIFAR width 16 (0.70M parameters). Students:
#   r18w4 - width 4 (same family, 0.045M), pair (a)
#   mbv2  - MobileNetV2 (widen 0.35, 1 input channel, 256 last channels,
#           0.28M),
#           pair (b), cross-architecture
#   r18w8 - width 8 (0.18M), pair (c), a student that can match the teacher
_preprocessor = dict(
    type='ClsDataPreprocessor',
    num_classes=10, mean=[72.94], std=[90.02], to_rgb=False)
_head = dict(
    type='LinearClsHead', num_classes=10,
    loss=dict(type='CrossEntropyLoss', loss_weight=1.0))


def _resnet(width):
    return dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(
            type='ResNet_CIFAR', depth=18, in_channels=1,
            stem_channels=width, base_channels=width),
        data_preprocessor=_preprocessor,
        neck=dict(type='GlobalAveragePooling'),
        head=dict(_head, in_channels=8 * width))


fmnist_teacher = _resnet(16)
fmnist_r18w4 = _resnet(4)
fmnist_r18w8 = _resnet(8)
fmnist_mbv2 = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='mmrazor.MobileNetV2_CIFAR', widen_factor=0.35, in_channels=1,
        stem_stride=2, last_channels=256),
    data_preprocessor=_preprocessor,
    neck=dict(type='GlobalAveragePooling'),
    head=dict(_head, in_channels=256))
