# Baseline for configs/dccd/dccd_r34_r18_8xb16_cifar100.py: CRD (contrastive
# representation distillation, Tian et al. ICLR 2020; MMRazor's CRDLoss and
# CRDDataset memory bank); CIFAR-100, ResNet-34-CIFAR -> ResNet-18-CIFAR, on
# the same schedule as DCCD (MMPretrain's CIFAR-100 recipe: 8 GPUs x 16, 200
# epochs).
_base_ = [
    '../_base_/models/resnet-cifar_cifar100.py',
    '../_base_/datasets/cifar100_bs16_crd.py',
    '../_base_/schedules/cifar100_bs128_200e.py',
    '../_base_/fullscale_runtime.py',
    '../_base_/distill/crd_neck.py',
]
# Written by `python tools/train.py \
#     configs/cifar100/resnet34-cifar_8xb16_cifar100.py`.
teacher_ckpt = 'work_dirs/resnet34-cifar_8xb16_cifar100/epoch_200.pth'

model = dict(
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[129.304, 124.070, 112.434],
        std=[68.170, 65.392, 70.418],
        bgr_to_rgb=False),
    architecture={{_base_.resnet18_cifar100}},
    teacher={{_base_.resnet34_cifar100}},
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        distill_losses=dict(
            loss_crd=dict(neg_num={{_base_.crd_neg_num}}, sample_n=50000)),
        connectors=dict(
            loss_crd_stu=dict(dim_in=512), loss_crd_tea=dict(dim_in=512))))

val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
