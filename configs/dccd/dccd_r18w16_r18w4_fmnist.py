# DCCD on real Fashion-MNIST, on CPU: benchmark pair (a), ResNet-18-CIFAR
# width 16 -> width 4. L = CE(all views) + beta * L_cc + gamma * L_dd
# (+ alpha * KD when kd_loss is set). Settings chosen on the validation
# split: docs/benchmark.md. Other pairs: tools/benchmark/fmnist_benchmark.py.
_base_ = [
    '../_base_/models/fmnist_models.py',
    '../_base_/datasets/fmnist_bs64.py',
    '../_base_/schedules/fmnist_cpu.py',
]
# Written by `python tools/benchmark/fmnist_benchmark.py` (cached teacher) or
# `python tools/train.py configs/fmnist/resnet18-cifar-w16_fmnist-teacher.py`.
teacher_ckpt = 'work_dirs/resnet18-cifar-w16_fmnist-teacher/iter_600.pth'
num_views = 2  # set once: DCCDDistill passes it to the distiller/preprocessor

model = dict(
    _scope_='mmrazor',
    type='DCCDDistill',
    num_views=num_views,
    data_preprocessor=dict(
        type='MultiViewClsDataPreprocessor',
        num_classes=10, mean=[72.94], std=[90.02], to_rgb=False),
    architecture={{_base_.fmnist_r18w4}},
    teacher={{_base_.fmnist_teacher}},
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        type='DCCDDistiller',
        feature_layers='backbone.layer4',
        student_channels=32,
        teacher_channels=128,
        # Defaults (docs/benchmark.md): L_cc batch mode, tau 0.1, beta 1; L_dd
        # off (dd_loss=dict(type='DynamicDifferenceLoss') turns it on).
        logits_layer='head.fc'))

# Every image gives `num_views` independent draws of the random transforms;
# 32 images x 2 views = 64 forwarded per step, like the baselines' 64.
train_dataloader = dict(
    batch_size=32,
    dataset=dict(pipeline=[
        dict(
            type='MultiView',
            num_views=num_views,
            transforms=[[
                dict(type='RandomCrop', crop_size=28, padding=2),
                dict(type='RandomFlip', prob=0.5, direction='horizontal'),
            ]]),
        dict(type='PackInputs'),
    ]))

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
