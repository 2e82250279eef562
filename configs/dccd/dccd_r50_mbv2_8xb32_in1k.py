# DCCD, ImageNet-1k, ResNet-50 -> MobileNetV2 (cross-architecture) on
# MobileNetV2's MMPretrain schedule, like MMRazor's KD anchor
# mmrazor::distill/mmcls/kd/kd_logits_resnet50_mobilenet-v2_8xb32_in1k.py:
# 8 GPUs x 32 images (x 2 views), SGD lr 0.045, x0.98 per epoch, 300 epochs.
_base_ = [
    'mmpretrain::_base_/datasets/imagenet_bs32_pil_resize.py',
    'mmpretrain::_base_/schedules/imagenet_bs256_epochstep.py',
    '../_base_/fullscale_runtime.py',
]
# MMPretrain's model-zoo ResNet-50 (76.55 top-1), fetched at build time.
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth'  # noqa: E501
num_views = 2  # set once: DCCDDistill passes it to the distiller/preprocessor
alpha, beta, gamma = 3.0, 1.0, 1.0  # KD as in the KD anchor (tau 1, w 3)

model = dict(
    _scope_='mmrazor',
    type='DCCDDistill',
    num_views=num_views,
    data_preprocessor=dict(
        type='MultiViewClsDataPreprocessor',
        num_classes=1000,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    architecture=dict(
        cfg_path='mmpretrain::mobilenet_v2/mobilenet-v2_8xb32_in1k.py',
        pretrained=False),
    teacher=dict(
        cfg_path='mmpretrain::resnet/resnet50_8xb32_in1k.py',
        pretrained=False),
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        type='DCCDDistiller',
        # MobileNetV2's last 1x1 conv (1280 x 7 x 7) against ResNet-50's
        # layer4 (2048 x 7 x 7); a 1x1 conv + BN connector maps 1280 -> 2048.
        feature_layers=dict({'backbone.conv2': 'backbone.layer4'}),
        student_channels=1280,
        teacher_channels=2048,
        logits_layer='head.fc',
        cc_loss=dict(
            type='ChannelContrastiveLoss', tau=0.1, mode='batch',
            loss_weight=beta),
        dd_loss=dict(
            type='DynamicDifferenceLoss', distance='mse', loss_weight=gamma),
        kd_loss=dict(type='KLDivergence', tau=1, loss_weight=alpha)))

# DefaultSampler: no last partial batch (a batch of one breaks BN and
# batch-mode L_cc).
train_dataloader = dict(
    drop_last=True,
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(
            type='MultiView',
            num_views=num_views,
            transforms=[[
                dict(type='RandomResizedCrop', scale=224, backend='pillow'),
                dict(type='RandomFlip', prob=0.5, direction='horizontal'),
            ]]),
        dict(type='PackInputs'),
    ]))

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
