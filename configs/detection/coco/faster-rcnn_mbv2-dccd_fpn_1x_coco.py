# Faster R-CNN (FPN), MobileNetV2 backbone from a DCCD-distilled ImageNet
# student, COCO, 1x, 8 GPUs x 2 images.
# Backbone checkpoint and why `mmpretrain.MobileNetV2`: see
# retinanet_mbv2-dccd_fpn_1x_coco.py.
_base_ = 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'
custom_imports = dict(
    imports=['mmrazor_dccd', 'mmpretrain.models'], allow_failed_imports=False)
backbone_ckpt = 'checkpoints/dccd_mbv2_in1k_backbone.pth'
model = dict(
    backbone=dict(
        _delete_=True,
        type='mmpretrain.MobileNetV2',
        widen_factor=1.0,
        out_indices=(1, 2, 4, 6),  # strides 4, 8, 16, 32 for the RPN/RoI
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=True,
        init_cfg=dict(type='Pretrained', checkpoint=backbone_ckpt)),
    neck=dict(in_channels=[24, 32, 96, 320]))
