# MMRazor's PKD on FPN (mmrazor::distill/mmdet/pkd/
# pkd_fpn_retina_x101_retina_r50_2x_coco.py) ported to the Fashion-MNIST
# canvases: PKDLoss (Pearson correlation of normalised features, loss
# weight 10, the stock value) on the outputs of the neck, teacher RetinaNet
# width 16 -> student width 4.
_base_ = [
    '../_base_/models/retinanet_fmnist-det.py',
    '../_base_/fmnist_det.py',
]
teacher_ckpt = 'work_dirs/retinanet_r18cifar-w16_fpn_fmnist-det/iter_1000.pth'
levels = (0, 1, 2)
model = dict(
    _scope_='mmrazor',
    type='FpnTeacherDistill',
    architecture=_base_.retina_r18w4,
    teacher=_base_.retina_r18w16,
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(fpn=dict(type='ModuleOutputs', source='neck')),
        teacher_recorders=dict(fpn=dict(type='ModuleOutputs', source='neck')),
        distill_losses={
            f'loss_pkd_fpn{i}': dict(type='PKDLoss', loss_weight=10)
            for i in levels
        },
        loss_forward_mappings={
            f'loss_pkd_fpn{i}': dict(
                preds_S=dict(from_student=True, recorder='fpn', data_idx=i),
                preds_T=dict(from_student=False, recorder='fpn', data_idx=i))
            for i in levels
        }))
find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
