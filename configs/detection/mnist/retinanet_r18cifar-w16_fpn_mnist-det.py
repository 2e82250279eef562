# The teacher detector of dccd_fpn_retina-w16_retina-w4_mnist-det.py: the
# student detector with a 4x wider backbone (the base's `retina_teacher`),
# initialised from the MNIST teacher classifier
# (configs/mnist/resnet18-cifar-w16_mnist-teacher.py), extracted with
#   python tools/model_converters/extract_student_backbone.py \
#       work_dirs/resnet18-cifar-w16_mnist-teacher/iter_600.pth \
#       work_dirs/checkpoints/r18cifar-w16_mnist_backbone.pth \
#       --prefix backbone. \
#       --config THIS_CONFIG
_base_ = './retinanet_r18cifar-w4_fpn_mnist-det.py'
backbone_ckpt = 'work_dirs/checkpoints/r18cifar-w16_mnist_backbone.pth'
model = dict(
    backbone=dict(
        stem_channels=16,
        base_channels=16,
        init_cfg=dict(type='Pretrained', checkpoint=backbone_ckpt)),
    neck=dict(in_channels=[64, 128]))
