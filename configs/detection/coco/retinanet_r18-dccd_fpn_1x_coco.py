# RetinaNet, ResNet-18 backbone initialised from a DCCD-distilled ImageNet
# student (mmpretrain::resnet/resnet18_8xb32_in1k.py as the architecture of a
# DCCDDistill run), COCO, 1x, 8 GPUs x 2 images. The backbone checkpoint is
# written by
#   python tools/model_converters/extract_student_backbone.py \
#       work_dirs/<dccd_r34_r18_in1k>/epoch_100.pth \
#       checkpoints/dccd_r18_in1k_backbone.pth --config THIS_CONFIG
_base_ = 'mmdet::retinanet/retinanet_r18_fpn_1x_coco.py'
custom_imports = dict(imports=['mmrazor_dccd'], allow_failed_imports=False)
backbone_ckpt = 'checkpoints/dccd_r18_in1k_backbone.pth'
model = dict(
    backbone=dict(init_cfg=dict(type='Pretrained', checkpoint=backbone_ckpt)))
