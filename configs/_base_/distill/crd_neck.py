# CRD (contrastive representation distillation, Tian et al. ICLR 2020) on the
# pooled neck features, through MMRazor's CRDConnector and CRDDataset memory
# bank (a `*_crd.py` dataset base). WeightedCRDLoss applies loss_weight
# (MMRazor's CRDLoss ignores it, so MMRazor's CRD configs, 0.8, ran at 1).
# A config sets the models, `teacher_ckpt`, the data preprocessor, the loss's
# neg_num / sample_n (train-set size: rows of the two memory banks), the
# connectors' dim_in and `val_cfg` (the schedule base owns it).
model = dict(
    _scope_='mmrazor',
    type='SingleTeacherDistill',
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            neck=dict(type='ModuleOutputs', source='neck.gap'),
            data_samples=dict(type='ModuleInputs', source='')),
        teacher_recorders=dict(
            neck=dict(type='ModuleOutputs', source='neck.gap')),
        distill_losses=dict(
            loss_crd=dict(type='WeightedCRDLoss', loss_weight=1.0)),
        connectors=dict(
            loss_crd_stu=dict(type='CRDConnector', dim_out=128),
            loss_crd_tea=dict(type='CRDConnector', dim_out=128)),
        loss_forward_mappings=dict(
            loss_crd=dict(
                s_feats=dict(
                    from_student=True, recorder='neck',
                    connector='loss_crd_stu'),
                t_feats=dict(
                    from_student=False, recorder='neck',
                    connector='loss_crd_tea'),
                data_samples=dict(
                    from_student=True, recorder='data_samples',
                    data_idx=1)))))
find_unused_parameters = True
