# DCCD on real MNIST, on CPU: the project's embedded default.
# L = CE(all views) + alpha * KD + beta * L_cc + gamma * L_dd
_base_ = [
    '../_base_/models/resnet18-cifar_mnist.py',
    '../_base_/datasets/mnist_bs64.py',
    '../_base_/schedules/mnist_cpu.py',
]
# Written by `python tools/train.py configs/mnist/resnet18-cifar-w16_mnist-teacher.py`.
teacher_ckpt = 'work_dirs/resnet18-cifar-w16_mnist-teacher/iter_600.pth'
# One view of 64 images per step, beta 3: the defaults chosen on the
# Fashion-MNIST validation split (docs/benchmark.md, "Safe defaults"). Hinton
# KD and L_dd are off (alpha = gamma = 0): no form of L_dd helped a student.
# KD: kd_loss=dict(type='KLDivergence', tau=4, loss_weight=alpha). L_dd needs
# two views per image: dccd-dd_r18w16_r18w4_mnist.py.
num_views = 1  # set once: DCCDDistill passes it to the distiller/preprocessor
alpha, beta, gamma = 0.0, 3.0, 0.0

model = dict(
    _scope_='mmrazor',
    type='DCCDDistill',
    num_views=num_views,
    data_preprocessor=dict(
        type='MultiViewClsDataPreprocessor',
        num_classes=10, mean=[33.46], std=[78.87], to_rgb=False),
    architecture={{_base_.mnist_student}},
    teacher={{_base_.mnist_teacher}},
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        type='DCCDDistiller',
        feature_layers='backbone.layer4',
        student_channels=32,
        teacher_channels=128,
        logits_layer='head.fc',
        # batch mode: chosen by the ablation in docs/ablation.md.
        cc_loss=dict(
            type='ChannelContrastiveLoss', tau=0.1, mode='batch',
            loss_weight=beta),
        # dd_loss: unset, DCCDDistiller's default (None: L_dd off).
        kd_loss=None))

# The train pipeline and batch (64) are the dataset's, as for the student.

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
