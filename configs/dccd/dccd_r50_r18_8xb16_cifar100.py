# DCCD, CIFAR-100, ResNet-50-CIFAR -> ResNet-18-CIFAR, on MMPretrain's
# CIFAR-100 schedule: 8 GPUs x 16 images (x 2 views), 200 epochs.
_base_ = [
    '../_base_/models/resnet-cifar_cifar100.py',
    '../_base_/datasets/cifar100_bs16_2views.py',
    '../_base_/schedules/cifar100_bs128_200e.py',
    '../_base_/fullscale_runtime.py',
]
# MMPretrain's model-zoo ResNet-50-CIFAR (79.90 top-1), fetched at build time.
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_b16x8_cifar100_20210528-67b58a1b.pth'  # noqa: E501
num_views = 2  # set once: DCCDDistill passes it to the distiller/preprocessor
alpha, beta, gamma = 1.0, 1.0, 1.0  # KD as in the KD baseline (tau 4, w 1)

model = dict(
    _scope_='mmrazor',
    type='DCCDDistill',
    num_views=num_views,
    data_preprocessor=dict(
        type='MultiViewClsDataPreprocessor',
        num_classes=100,
        mean=[129.304, 124.070, 112.434],
        std=[68.170, 65.392, 70.418],
        to_rgb=False),
    architecture={{_base_.resnet18_cifar100}},
    teacher=dict(
        cfg_path='mmpretrain::resnet/resnet50_8xb16_cifar100.py',
        pretrained=False),
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        type='DCCDDistiller',
        feature_layers='backbone.layer4',  # 512 vs 2048 channels, 4 x 4
        student_channels=512,
        teacher_channels=2048,
        logits_layer='head.fc',
        cc_loss=dict(
            type='ChannelContrastiveLoss', tau=0.1, mode='batch',
            loss_weight=beta),
        dd_loss=dict(
            type='DynamicDifferenceLoss', distance='mse', loss_weight=gamma),
        kd_loss=dict(type='KLDivergence', tau=4, loss_weight=alpha)))

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
