# DCCD, ImageNet-1k, ResNet-34 -> ResNet-18 (the paper's main ImageNet
# setting) on the schedule of MMRazor's KD anchor
# mmrazor::distill/mmcls/kd/kd_logits_resnet34_resnet18_8xb32_in1k.py:
# 8 GPUs x 32 images (x 2 views), SGD lr 0.1, 100 epochs.
# L = CE(all views) + alpha * KD + beta * L_cc + gamma * L_dd
_base_ = [
    '../_base_/datasets/imagenet_bs32_2views.py',
    'mmpretrain::_base_/schedules/imagenet_bs256.py',
    '../_base_/fullscale_runtime.py',
]
# MMPretrain's model-zoo ResNet-34 (73.62 top-1), fetched at build time.
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet34_8xb32_in1k_20210831-f257d4e6.pth'  # noqa: E501
num_views = 2  # set once: DCCDDistill passes it to the distiller/preprocessor
# KD as in the KD anchor (tau 1, weight 3), so DCCD adds L_cc + L_dd to it.
alpha, beta, gamma = 3.0, 1.0, 1.0

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
        cfg_path='mmpretrain::resnet/resnet18_8xb32_in1k.py',
        pretrained=False),
    teacher=dict(
        cfg_path='mmpretrain::resnet/resnet34_8xb32_in1k.py',
        pretrained=False),
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        type='DCCDDistiller',
        feature_layers='backbone.layer4',  # 512 x 7 x 7 in both
        student_channels=512,
        teacher_channels=512,
        logits_layer='head.fc',
        cc_loss=dict(
            type='ChannelContrastiveLoss', tau=0.1, mode='batch',
            loss_weight=beta),
        dd_loss=dict(
            type='DynamicDifferenceLoss', distance='mse', loss_weight=gamma),
        kd_loss=dict(type='KLDivergence', tau=1, loss_weight=alpha)))

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
