# Baseline for configs/dccd/dccd_r34_r18_8xb16_cifar100.py: DKD (decoupled
# KD, Zhao et al. CVPR 2022; MMRazor's DKDLoss); CIFAR-100, ResNet-34-CIFAR
# -> ResNet-18-CIFAR, on the same schedule as DCCD (MMPretrain's CIFAR-100
# recipe: 8 GPUs x 16, 200 epochs).
_base_ = [
    '../_base_/models/resnet-cifar_cifar100.py',
    'mmpretrain::_base_/datasets/cifar100_bs16.py',
    '../_base_/schedules/cifar100_bs128_200e.py',
    '../_base_/fullscale_runtime.py',
    '../_base_/distill/dkd.py',
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
            loss_dkd=dict(
                tau=4, alpha=1, beta=8, loss_weight=1,
                # The DKD paper's per-sample mean: MMRazor's configs pass
                # 'mean', which its DKDLoss turns into a sum over the batch.
                reduction='batchmean'))))

val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')

# The DKD paper's CIFAR recipe ramps the loss linearly over 20 epochs.
custom_hooks = [
    dict(type='mmrazor.DistillLossWarmupHook', warmup=20, by_epoch=True)
]
# DefaultSampler: no last partial batch (a batch of one breaks BN and
# batch-mode L_cc).
train_dataloader = dict(drop_last=True)
