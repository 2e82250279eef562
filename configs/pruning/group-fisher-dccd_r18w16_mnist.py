# Distill while pruning: GroupFisher prunes the student of a DCCD
# distillation from the unpruned MNIST teacher. The channel importance is
# the Fisher information of the DCCD objective; the distiller's recorders
# attach after the mutator swapped in its dynamic ops.
_base_ = ['./group-fisher_r18w16_mnist.py']
custom_imports = dict(imports=['mmrazor_dccd', 'mmrazor_dccd.pruning'],
                      allow_failed_imports=False)

num_views = 2
model = dict(
    _delete_=True,
    _scope_='mmrazor',
    type='GroupFisherDCCDDistill',
    architecture=_base_.architecture,
    interval={{_base_.interval}},
    mutator={{_base_.model.mutator}},
    num_views=num_views,
    data_preprocessor=dict(type='MultiViewClsDataPreprocessor',
                           num_views=num_views,
                           num_classes=10,
                           mean=[33.46],
                           std=[78.87],
                           to_rgb=False),
    teacher={{_base_.mnist_teacher}},
    teacher_ckpt={{_base_.teacher_ckpt}},
    distiller=dict(
        type='DCCDDistiller',
        num_views=num_views,
        feature_layers='backbone.layer4',  # 128 channels: never pruned
        logits_layer='head.fc',
        # The DCCD defaults chosen on the MNIST benchmark (docs/ablation.md):
        # batch-mode L_cc, L_dd, no KD.
        cc_loss=dict(type='ChannelContrastiveLoss', tau=0.1, mode='batch'),
        dd_loss=dict(type='DynamicDifferenceLoss', distance='mse'),
        kd_loss=None))

train_dataloader = dict(
    batch_size=32,
    dataset=dict(pipeline=[
        dict(type='MultiView',
             num_views=num_views,
             transforms=[[dict(type='RandomCrop', crop_size=28, padding=2)]]),
        dict(type='PackInputs'),
    ]))
find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
