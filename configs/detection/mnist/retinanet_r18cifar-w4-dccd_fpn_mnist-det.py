# The student detector with its backbone initialised from the DCCD-distilled
# MNIST student (configs/dccd/dccd_r18w16_r18w4_mnist.py), extracted with
#   python tools/model_converters/extract_student_backbone.py \
#       work_dirs/dccd_r18w16_r18w4_mnist/iter_600.pth \
#       work_dirs/checkpoints/dccd_r18cifar-w4_mnist_backbone.pth \
#       --config THIS_CONFIG
_base_ = './retinanet_r18cifar-w4_fpn_mnist-det.py'
backbone_ckpt = 'work_dirs/checkpoints/dccd_r18cifar-w4_mnist_backbone.pth'
model = dict(
    backbone=dict(init_cfg=dict(type='Pretrained', checkpoint=backbone_ckpt)))
