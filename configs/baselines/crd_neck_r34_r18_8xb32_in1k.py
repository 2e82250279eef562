# Baseline for configs/dccd/dccd_r34_r18_8xb32_in1k.py: CRD (contrastive
# representation distillation, Tian et al. ICLR 2020; MMRazor's CRDLoss and
# CRDDataset memory bank); ImageNet-1k, ResNet-34 -> ResNet-18, on the same
# schedule as DCCD (8 GPUs x 32, SGD lr 0.1, 100 epochs).
_base_ = [
    '../_base_/datasets/imagenet_bs32_crd.py',
    'mmpretrain::_base_/schedules/imagenet_bs256.py',
    '../_base_/fullscale_runtime.py',
]
# MMPretrain's model-zoo ResNet-34 (73.62 top-1), fetched at build time.
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet34_8xb32_in1k_20210831-f257d4e6.pth'  # noqa: E501

model = dict(
    _scope_='mmrazor',
    type='SingleTeacherDistill',
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    architecture=dict(
        cfg_path='mmpretrain::resnet/resnet18_8xb32_in1k.py',
        pretrained=False),
    teacher=dict(
        cfg_path='mmpretrain::resnet/resnet34_8xb32_in1k.py',
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
                type='CRDConnector', dim_in=512, dim_out=128),
            loss_crd_tea=dict(
                type='CRDConnector', dim_in=512, dim_out=128)),
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

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
