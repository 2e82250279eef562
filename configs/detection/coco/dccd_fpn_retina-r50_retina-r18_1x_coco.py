# Detector-to-detector DCCD on COCO: the channel contrastive loss on the five
# FPN levels of a trained RetinaNet-R50 (teacher) and a RetinaNet-R18
# (student), through MMRazor's FpnTeacherDistill (teacher: backbone + neck
# only). The shape of MMRazor's cwd_fpn_retina_r101_retina_r50_1x_coco.py
# with ChannelContrastiveLoss in place of ChannelWiseDivergence; both FPNs
# have 256 channels, so no connector. 8 GPUs x 2 images, 1x.
_base_ = [
    'mmdet::_base_/datasets/coco_detection.py',
    'mmdet::_base_/schedules/schedule_1x.py',
    'mmdet::_base_/default_runtime.py'
]
custom_imports = dict(imports=['mmrazor_dccd'], allow_failed_imports=False)
teacher_ckpt = 'https://download.openmmlab.com/mmdetection/v2.0/retinanet/retinanet_r50_fpn_1x_coco/retinanet_r50_fpn_1x_coco_20200130-c2398f9e.pth'  # noqa: E501
# P3-P7 (strides 8-128). Below ~512 px inputs P7 becomes 1x1: drop level 4
# or use mode='batch' (per_sample needs H*W > 1).
levels = (0, 1, 2, 3, 4)
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
    architecture=dict(
        cfg_path='mmdet::retinanet/retinanet_r18_fpn_1x_coco.py',
        pretrained=False),
    teacher=dict(
        cfg_path='mmdet::retinanet/retinanet_r50_fpn_1x_coco.py',
        pretrained=False),
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

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0001))
find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
