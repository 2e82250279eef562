# FCOS (GN head), ResNet-18 backbone from a DCCD-distilled ImageNet student,
# COCO, 1x, 8 GPUs x 2 images. MMDetection's FCOS recipe is written for a
# caffe-style ResNet-50; the DCCD student is a pytorch-style MMPretrain
# ResNet-18 (RGB, ImageNet mean/std), so the backbone and normalisation are
# the ones of MMDetection's pytorch-style recipes.
# Backbone checkpoint: see retinanet_r18-dccd_fpn_1x_coco.py.
_base_ = 'mmdet::fcos/fcos_r50-caffe_fpn_gn-head_1x_coco.py'
custom_imports = dict(imports=['mmrazor_dccd'], allow_failed_imports=False)
backbone_ckpt = 'checkpoints/dccd_r18_in1k_backbone.pth'
model = dict(
    data_preprocessor=dict(
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        depth=18,
        norm_cfg=dict(type='BN', requires_grad=True),
        style='pytorch',
        init_cfg=dict(type='Pretrained', checkpoint=backbone_ckpt)),
    neck=dict(in_channels=[64, 128, 256, 512]))
