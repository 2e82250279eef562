# Baseline for configs/dccd/dccd_r50_mbv2_8xb32_in1k.py: CRD (contrastive
# representation distillation, Tian et al. ICLR 2020; MMRazor's CRDLoss and
# CRDDataset memory bank); ImageNet-1k, ResNet-50 -> MobileNetV2
# (cross-architecture), on the same schedule as DCCD (MobileNetV2's recipe: 8
# GPUs x 32, SGD lr 0.045, x0.98 per epoch, 300 epochs).
_base_ = [
    '../_base_/datasets/imagenet_bs32_crd.py',
    'mmpretrain::_base_/schedules/imagenet_bs256_epochstep.py',
    '../_base_/fullscale_runtime.py',
    '../_base_/distill/crd_neck.py',
]
# MMPretrain's model-zoo ResNet-50 (76.55 top-1), fetched at build time.
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth'  # noqa: E501

model = dict(
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    architecture=dict(
        cfg_path='mmpretrain::mobilenet_v2/mobilenet-v2_8xb32_in1k.py',
        pretrained=False),
    teacher=dict(
        cfg_path='mmpretrain::resnet/resnet50_8xb32_in1k.py',
        pretrained=False),
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        distill_losses=dict(
            loss_crd=dict(neg_num={{_base_.crd_neg_num}}, sample_n=1281167)),
        connectors=dict(
            loss_crd_stu=dict(dim_in=1280), loss_crd_tea=dict(dim_in=2048))))

# MobileNetV2's recipe loads and resizes with Pillow.
train_dataloader = dict(
    dataset=dict(
        dataset=dict(pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='RandomResizedCrop', scale=224, backend='pillow'),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
            dict(type='mmrazor.PackCRDInputs'),
        ])))
_pil_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=_pil_test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=_pil_test_pipeline))

val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
