# Detector-to-detector DCCD on the Fashion-MNIST canvases: the channel
# contrastive loss between the FPN levels of the trained teacher RetinaNet
# (width-16 backbone, retinanet_r18cifar-w16_fpn_fmnist-det.py) and the
# student RetinaNet (width-4 backbone), through MMRazor's FpnTeacherDistill
# (the teacher runs backbone + neck only). Both FPNs have 64 channels: no
# connector.
_base_ = [
    '../_base_/models/retinanet_fmnist-det.py',
    '../_base_/fmnist_det.py',
]
# Written by tools/train.py with retinanet_r18cifar-w16_fpn_fmnist-det.py.
teacher_ckpt = 'work_dirs/retinanet_r18cifar-w16_fpn_fmnist-det/iter_1000.pth'
levels = (0, 1, 2)  # strides 4, 8, 16: 24x24, 12x12, 6x6 maps at 96x96
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
    architecture=_base_.retina_r18w4,
    teacher=_base_.retina_r18w16,
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
