# The detector on the MobileNetV2-0.35 student of pair (b), its backbone
# from the DCCD-distilled classifier of the Fashion-MNIST benchmark's pair
# (b) (a run folder such as work_dirs/fmnist_v2/v2/final/b/dccd-*/seed5),
# extracted with
#   python tools/model_converters/extract_student_backbone.py \
#       RUN_FOLDER/iter_400.pth \
#       checkpoints/dccd_mbv2-0.35_fmnist_backbone.pth --config THIS_CONFIG
_base_ = [
    '../_base_/models/retinanet_fmnist-det.py',
    '../_base_/fmnist_det.py',
]
backbone_ckpt = 'checkpoints/dccd_mbv2-0.35_fmnist_backbone.pth'
model = _base_.retina_mbv2
model.backbone.init_cfg = dict(type='Pretrained', checkpoint=backbone_ckpt)
