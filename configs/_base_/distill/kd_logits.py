# MMRazor's logit KD (Hinton et al. 2015): SingleTeacherDistill with
# KLDivergence between the students' and the teacher's `head.fc` outputs.
# A config sets the models, `teacher_ckpt`, the data preprocessor, the
# loss's tau / loss_weight and `val_cfg` (the schedule base owns it).
model = dict(
    _scope_='mmrazor',
    type='SingleTeacherDistill',
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(loss_kl=dict(type='KLDivergence')),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))
find_unused_parameters = True
