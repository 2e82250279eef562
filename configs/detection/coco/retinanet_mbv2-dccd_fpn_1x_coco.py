# RetinaNet, MobileNetV2 backbone initialised from a DCCD-distilled ImageNet
# student (mmpretrain::mobilenet_v2/mobilenet-v2_8xb32_in1k.py as the
# architecture of a DCCDDistill run), COCO, 1x, 8 GPUs x 2 images.
# MMPretrain's MobileNetV2 is used as is (`mmpretrain.MobileNetV2`):
# MMDetection's own MobileNetV2 names its layers differently, so the
# distilled weights load strictly only into MMPretrain's. Checkpoint:
#   python tools/model_converters/extract_student_backbone.py \
#       work_dirs/<dccd_..._mbv2_in1k>/epoch_100.pth \
#       checkpoints/dccd_mbv2_in1k_backbone.pth --config THIS_CONFIG
_base_ = 'mmdet::retinanet/retinanet_r50_fpn_1x_coco.py'
custom_imports = dict(
    imports=['mmrazor_dccd', 'mmpretrain.models'], allow_failed_imports=False)
backbone_ckpt = 'checkpoints/dccd_mbv2_in1k_backbone.pth'
model = dict(
    backbone=dict(
        _delete_=True,
        type='mmpretrain.MobileNetV2',
        widen_factor=1.0,
        out_indices=(2, 4, 6),  # strides 8, 16, 32; 32, 96, 320 channels
        frozen_stages=-1,
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=True,
        init_cfg=dict(type='Pretrained', checkpoint=backbone_ckpt)),
    neck=dict(in_channels=[32, 96, 320], start_level=0, num_outs=5))
