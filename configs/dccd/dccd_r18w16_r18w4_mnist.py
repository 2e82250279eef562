# DCCD on real MNIST, on CPU: the project's embedded default (`make demo`).
# L = CE + beta * L_cc at the loss's defaults (docs/method.md, "Defaults"),
# on one view of 64 images per step; L_dd and Hinton KD off (KD:
# kd_loss=dict(type='KLDivergence', tau=4); L_dd needs two views per image:
# dccd-dd_r18w16_r18w4_mnist.py).
_base_ = [
    '../_base_/models/resnet18-cifar_mnist.py',
    '../_base_/datasets/mnist_bs64.py',
    '../_base_/schedules/mnist_cpu.py',
]
# Written by `python tools/train.py
#     configs/mnist/resnet18-cifar-w16_mnist-teacher.py`.
teacher_ckpt = 'work_dirs/resnet18-cifar-w16_mnist-teacher/iter_600.pth'
num_views = 1  # set once: DCCDDistill passes it to the distiller/preprocessor

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
        demo_input=(1, 1, 28, 28),  # one training input: the shapes dry run
        student_channels=32,
        teacher_channels=128,
        logits_layer='head.fc',
        # DCCDDistiller's default L_cc, stated (dd_loss, kd_loss: None).
        cc_loss=dict(
            type='ChannelContrastiveLoss', tau=0.1, mode='batch',
            loss_weight=3.0)))

# The train pipeline and batch (64) are the dataset's, as for the student.

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
