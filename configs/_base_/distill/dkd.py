# DKD (decoupled KD, Zhao et al. CVPR 2022; MMRazor's DKDLoss) on `head.fc`,
# the labels read from the head's loss module. A config sets the models,
# `teacher_ckpt`, the data preprocessor, the loss's tau / alpha / beta /
# loss_weight / reduction and `val_cfg` (the schedule base owns it).
model = dict(
    _scope_='mmrazor',
    type='SingleTeacherDistill',
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc'),
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(loss_dkd=dict(type='DKDLoss')),
        loss_forward_mappings=dict(
            loss_dkd=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc'),
                gt_labels=dict(
                    recorder='gt_labels', from_student=True, data_idx=1)))))
find_unused_parameters = True
