# Baseline for configs/dccd/dccd_r34_r18_8xb16_cifar100.py: Hinton KD
# (MMRazor's SingleTeacherDistill + KLDivergence on the logits); CIFAR-100,
# ResNet-34-CIFAR -> ResNet-18-CIFAR, on the same schedule as DCCD
# (MMPretrain's CIFAR-100 recipe: 8 GPUs x 16, 200 epochs).
_base_ = [
    '../_base_/models/resnet-cifar_cifar100.py',
    'mmpretrain::_base_/datasets/cifar100_bs16.py',
    '../_base_/schedules/cifar100_bs128_200e.py',
    '../_base_/fullscale_runtime.py',
    '../_base_/distill/kd_logits.py',
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
        distill_losses=dict(loss_kl=dict(tau=4, loss_weight=1))))

val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
# DefaultSampler: no last partial batch (a batch of one breaks BN and
# batch-mode L_cc).
train_dataloader = dict(drop_last=True)
