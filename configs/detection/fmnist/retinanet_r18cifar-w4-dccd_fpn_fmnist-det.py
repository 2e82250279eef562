# The student detector with its backbone from the DCCD-distilled
# Fashion-MNIST student of pair (a) (configs/dccd/dccd_r18w16_r18w4_fmnist.py),
# extracted with
#   python tools/model_converters/extract_student_backbone.py \
#       work_dirs/dccd_r18w16_r18w4_fmnist/iter_400.pth \
#       checkpoints/dccd_r18cifar-w4_fmnist_backbone.pth \
#       --config THIS_CONFIG
_base_ = './retinanet_r18cifar-w4_fpn_fmnist-det.py'
backbone_ckpt = 'checkpoints/dccd_r18cifar-w4_fmnist_backbone.pth'
model = dict(
    backbone=dict(init_cfg=dict(type='Pretrained', checkpoint=backbone_ckpt)))
