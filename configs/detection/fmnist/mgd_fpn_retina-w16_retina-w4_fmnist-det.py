# MMRazor's MGD on FPN (mmrazor::distill/mmdet/mgd/
# mgd_fpn_retina_x101_retina_r50_2x_coco.py) ported to the Fashion-MNIST
# canvases: an MGDConnector (random masking + generation, lambda 0.65) on
# each student FPN level and MGDLoss against the teacher's, teacher
# RetinaNet width 16 -> student width 4. MGDLoss sums squared errors over
# C x H x W and divides by the batch, so its weight scales with the map
# size: the stock alpha 2e-5 is for 256 channels on COCO's ~100x150 P3;
# 2e-3 gives the same per-element weight on 64 x 24 x 24 (docs/detection.md).
# The stock config also starts the student's neck and head from the
# teacher's weights; that is an initialisation every method could use, so
# it is left out here: all methods start from the same student.
_base_ = [
    '../_base_/models/retinanet_fmnist-det.py',
    '../_base_/fmnist_det.py',
]
teacher_ckpt = 'work_dirs/retinanet_r18cifar-w16_fpn_fmnist-det/iter_1000.pth'
levels = (0, 1, 2)
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
        connectors={
            f's_fpn{i}_connector': dict(
                type='MGDConnector', student_channels=64,
                teacher_channels=64, lambda_mgd=0.65)
            for i in levels
        },
        distill_losses={
            f'loss_mgd_fpn{i}': dict(type='MGDLoss', alpha_mgd=2e-3)
            for i in levels
        },
        loss_forward_mappings={
            f'loss_mgd_fpn{i}': dict(
                preds_S=dict(from_student=True, recorder=f'fpn{i}',
                             connector=f's_fpn{i}_connector'),
                preds_T=dict(from_student=False, recorder=f'fpn{i}'))
            for i in levels
        }))
find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
