# DCCD on real Fashion-MNIST, on CPU: benchmark pair (a), ResNet-18-CIFAR
# width 16 -> width 4, with the plugin's defaults: L = CE + beta * L_cc
# (beta 3) on one view of 64 images per step, the student-alone schedule.
# Chosen on the validation split (docs/benchmark.md, "Safe defaults"): two
# views of 32 images halve the distinct images per step and lost to one view
# on every pair; L_cc needs no second view. The full method with L_dd and
# two views: dccd-dd_r18w16_r18w4_fmnist.py. Other pairs:
# tools/benchmark/fmnist_benchmark.py.
_base_ = [
    '../_base_/models/fmnist_models.py',
    '../_base_/datasets/fmnist_bs64.py',
    '../_base_/schedules/fmnist_cpu.py',
]
# Written by `python tools/benchmark/fmnist_benchmark.py` (cached teacher) or
# `python tools/train.py configs/fmnist/resnet18-cifar-w16_fmnist-teacher.py`.
teacher_ckpt = 'work_dirs/resnet18-cifar-w16_fmnist-teacher/iter_600.pth'
num_views = 1  # set once: DCCDDistill passes it to the distiller/preprocessor

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
        demo_input=(1, 1, 28, 28),  # one training input: the shapes dry run
        student_channels=32,
        teacher_channels=128,
        # Defaults (docs/benchmark.md): L_cc batch mode, tau 0.1, beta 3; L_dd
        # off (it needs num_views=2: see dccd-dd_r18w16_r18w4_fmnist.py).
        logits_layer='head.fc'))
# The train pipeline and batch (64) are the dataset's, as for the student.

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
