# Detector-to-detector DCCD on the MNIST canvases: the channel contrastive
# loss between the FPN levels of a trained teacher RetinaNet (width-16
# backbone) and a student RetinaNet (width-4 backbone, from scratch), through
# MMRazor's FpnTeacherDistill (the teacher runs backbone + neck only).
# Both FPNs have 32 channels, so no connector is needed.
_base_ = [
    '../_base_/models/retinanet_r18cifar_mnist-det.py',
    '../_base_/mnist_det.py',
]
# Written by tools/train.py with retinanet_r18cifar-w16_fpn_mnist-det.py.
teacher_ckpt = 'work_dirs/retinanet_r18cifar-w16_fpn_mnist-det/iter_300.pth'
levels = (0, 1, 2)  # strides 4, 8, 16: 32x32, 16x16, 8x8 maps at 128x128
cc_loss = dict(
    type='ChannelContrastiveLoss', tau=0.1, mode='per_sample',
    loss_weight=1.0)
# The output of every FPN level, in the student and in the teacher.
fpn_recorders = {
    f'fpn{i}': dict(type='ModuleOutputs', source=f'neck.fpn_convs.{i}.conv')
    for i in levels
}

model = dict(
    _scope_='mmrazor',
    type='FpnTeacherDistill',
    architecture={{_base_.retina_student}},
    teacher={{_base_.retina_teacher}},
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=fpn_recorders,
        teacher_recorders=fpn_recorders,
        distill_losses={f'loss_cc_fpn{i}': cc_loss for i in levels},
        loss_forward_mappings={
            f'loss_cc_fpn{i}': dict(
                preds_S=dict(from_student=True, recorder=f'fpn{i}'),
                preds_T=dict(from_student=False, recorder=f'fpn{i}'))
            for i in levels
        }))

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
