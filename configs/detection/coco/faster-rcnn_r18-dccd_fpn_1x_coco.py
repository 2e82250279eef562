# Faster R-CNN (FPN), ResNet-18 backbone from a DCCD-distilled ImageNet
# student, COCO, 1x, 8 GPUs x 2 images.
# Backbone checkpoint: see retinanet_r18-dccd_fpn_1x_coco.py.
_base_ = 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['mmrazor_dccd'], allow_failed_imports=False)
backbone_ckpt = 'checkpoints/dccd_r18_in1k_backbone.pth'
model = dict(
    backbone=dict(
        depth=18,
        init_cfg=dict(type='Pretrained', checkpoint=backbone_ckpt)),
    neck=dict(in_channels=[64, 128, 256, 512]))
