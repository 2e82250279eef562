# MMRazor's CRD (CRDLoss + CRDDataset memory banks, Tian et al. ICLR 2020) on
# Fashion-MNIST, pair (a), on the pooled features. Weight chosen on the
# validation split. sample_n must equal the training set size (55,000).
# WeightedCRDLoss is MMRazor's CRDLoss with its documented loss_weight
# applied (MMRazor's forward ignores it).
_base_ = ['../_base_/fmnist_distill.py']
model = dict(
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            neck=dict(type='ModuleOutputs', source='neck.gap'),
            data_samples=dict(type='ModuleInputs', source='')),
        teacher_recorders=dict(
            neck=dict(type='ModuleOutputs', source='neck.gap')),
        distill_losses=dict(
            loss_crd=dict(
                type='WeightedCRDLoss', loss_weight=0.8, neg_num=1024,
                sample_n=55000)),
        connectors=dict(
            loss_crd_stu=dict(type='CRDConnector', dim_in=32, dim_out=128),
            loss_crd_tea=dict(type='CRDConnector', dim_in=128, dim_out=128)),
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
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='mmrazor.CRDDataset',
        neg_num=1024,
        sample_mode='exact',
        percent=1.0,
        dataset=dict(
            type='mmrazor.PackagedFashionMNIST',
            split='train',
            pipeline=[
                dict(type='RandomCrop', crop_size=28, padding=2),
                dict(type='RandomFlip', prob=0.5, direction='horizontal'),
                dict(type='mmrazor.PackCRDInputs'),
            ])))
