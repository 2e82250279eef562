# Baseline for configs/dccd/dccd_r50_r18_8xb16_cifar100.py: CRD (contrastive
# representation distillation, Tian et al. ICLR 2020; MMRazor's CRDLoss and
# CRDDataset memory bank); CIFAR-100, ResNet-50-CIFAR -> ResNet-18-CIFAR, on
# the same schedule as DCCD (MMPretrain's CIFAR-100 recipe: 8 GPUs x 16, 200
# epochs).
_base_ = [
    '../_base_/models/resnet-cifar_cifar100.py',
    '../_base_/datasets/cifar100_bs16_crd.py',
    '../_base_/schedules/cifar100_bs128_200e.py',
    '../_base_/fullscale_runtime.py',
]
# MMPretrain's model-zoo ResNet-50-CIFAR (79.90 top-1), fetched at build time.
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_b16x8_cifar100_20210528-67b58a1b.pth'  # noqa: E501

model = dict(
    _scope_='mmrazor',
    type='SingleTeacherDistill',
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[129.304, 124.070, 112.434],
        std=[68.170, 65.392, 70.418],
        bgr_to_rgb=False),
    architecture={{_base_.resnet18_cifar100}},
    teacher=dict(
        cfg_path='mmpretrain::resnet/resnet50_8xb16_cifar100.py',
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
                neg_num={{_base_.crd_neg_num}}, sample_n=50000)),
        connectors=dict(
            loss_crd_stu=dict(
                type='CRDConnector', dim_in=512, dim_out=128),
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

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
