# Baseline for configs/dccd/dccd_r50_mbv2_8xb32_in1k.py: DKD (decoupled KD,
# Zhao et al. CVPR 2022; MMRazor's DKDLoss); ImageNet-1k, ResNet-50 ->
# MobileNetV2 (cross-architecture), on the same schedule as DCCD
# (MobileNetV2's recipe: 8 GPUs x 32, SGD lr 0.045, x0.98 per epoch, 300
# epochs).
_base_ = [
    'mmpretrain::_base_/datasets/imagenet_bs32_pil_resize.py',
    'mmpretrain::_base_/schedules/imagenet_bs256_epochstep.py',
    '../_base_/fullscale_runtime.py',
]
# MMPretrain's model-zoo ResNet-50 (76.55 top-1), fetched at build time.
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth'  # noqa: E501

model = dict(
    _scope_='mmrazor',
    type='SingleTeacherDistill',
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    architecture=dict(
        cfg_path='mmpretrain::mobilenet_v2/mobilenet-v2_8xb32_in1k.py',
        pretrained=False),
    teacher=dict(
        cfg_path='mmpretrain::resnet/resnet50_8xb32_in1k.py',
        pretrained=False),
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc'),
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_dkd=dict(
                type='DKDLoss', tau=1, beta=0.5, loss_weight=1,
                # MMRazor's anchor setting. Note: MMRazor's DKDLoss turns
                # 'mean' into a SUM over the per-GPU batch (32x the DKD
                # paper's per-sample mean); use 'batchmean' (+
                # mmrazor.DistillLossWarmupHook) for the paper's loss.
                reduction='mean')),
        loss_forward_mappings=dict(
            loss_dkd=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc'),
                gt_labels=dict(
                    recorder='gt_labels', from_student=True, data_idx=1)))))

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
