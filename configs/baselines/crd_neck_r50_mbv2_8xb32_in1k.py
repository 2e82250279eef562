# Baseline for configs/dccd/dccd_r50_mbv2_8xb32_in1k.py: CRD (contrastive
# representation distillation, Tian et al. ICLR 2020; MMRazor's CRDLoss and
# CRDDataset memory bank); ImageNet-1k, ResNet-50 -> MobileNetV2
# (cross-architecture), on the same schedule as DCCD (MobileNetV2's recipe: 8
# GPUs x 32, SGD lr 0.045, x0.98 per epoch, 300 epochs).
_base_ = [
    '../_base_/datasets/imagenet_bs32_crd.py',
    'mmpretrain::_base_/schedules/imagenet_bs256_epochstep.py',
    '../_base_/fullscale_runtime.py',
]
# MMPretrain's model-zoo ResNet-50 (76.55 top-1), fetched at build time.
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth'  # noqa: E501

model = dict(
    _scope_='mmrazor',
    type='SingleTeacherDistill',
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
        type='ConfigurableDistiller',
        student_recorders=dict(
            neck=dict(type='ModuleOutputs', source='neck.gap'),
            data_samples=dict(type='ModuleInputs', source='')),
        teacher_recorders=dict(
            neck=dict(type='ModuleOutputs', source='neck.gap')),
        distill_losses=dict(
            # sample_n: train-set size (rows of CRD's two memory banks).
            # WeightedCRDLoss applies loss_weight; MMRazor's CRDLoss ignores
            # it, so MMRazor's CRD configs (0.8) ran at 1, as here.
            loss_crd=dict(
                type='WeightedCRDLoss', loss_weight=1.0,
                neg_num={{_base_.crd_neg_num}}, sample_n=1281167)),
        connectors=dict(
            loss_crd_stu=dict(
                type='CRDConnector', dim_in=1280, dim_out=128),
            loss_crd_tea=dict(
                type='CRDConnector', dim_in=2048, dim_out=128)),
        loss_forward_mappings=dict(
            loss_crd=dict(
                s_feats=dict(
                    from_student=True, recorder='neck',
                    connector='loss_crd_stu'),
                t_feats=dict(
                    from_student=False, recorder='neck',
                    connector='loss_crd_tea'),
                data_samples=dict(
                    from_student=True, recorder='data_samples',
                    data_idx=1)))))

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

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
