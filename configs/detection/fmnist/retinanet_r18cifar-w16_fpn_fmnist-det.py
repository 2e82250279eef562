# RetinaNet with the Fashion-MNIST teacher's backbone (ResNet-18-CIFAR
# width 16), extracted from the classifier with
#   python tools/model_converters/extract_student_backbone.py \
#       docs/results/teachers/fmnist_teacher_c12eb6ad8879.pth \
#       checkpoints/fmnist_r18cifar-w16_teacher_backbone.pth \
#       --prefix backbone. --config THIS_CONFIG
_base_ = [
    '../_base_/models/retinanet_fmnist-det.py',
    '../_base_/fmnist_det.py',
]
backbone_ckpt = 'checkpoints/fmnist_r18cifar-w16_teacher_backbone.pth'
model = _base_.retina_r18w16
model.backbone.init_cfg = dict(type='Pretrained', checkpoint=backbone_ckpt)
