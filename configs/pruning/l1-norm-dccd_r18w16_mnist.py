# Distill while pruning with L1-norm: MMRazor's iterative ItePruneAlgorithm
# schedule (uniform kept ratio, `prune_times` steps every `step_freq`
# iterations) on the student of a DCCD distillation from the unpruned
# teacher (ItePruneDCCDDistill). The DCCD recorders attach after the mutator,
# to the dynamic ops that are narrowed.
_base_ = ['./l1-norm_r18w16_mnist.py']
custom_imports = dict(imports=['mmrazor_dccd', 'mmrazor_dccd.pruning'],
                      allow_failed_imports=False)

num_views = 2
model = dict(
    _delete_=True,
    _scope_='mmrazor',
    type='ItePruneDCCDDistill',
    architecture=_base_.architecture,
    mutator_cfg={{_base_.model.mutator_cfg}},
    target_pruning_ratio={{_base_.model.target_pruning_ratio}},
    step_freq={{_base_.model.step_freq}},
    prune_times={{_base_.model.prune_times}},
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
        feature_layers='backbone.layer4',  # 128 channels: kept at ratio 1.0
        logits_layer='head.fc',
        # The DCCD defaults chosen on the MNIST benchmark (docs/ablation.md).
        cc_loss=dict(type='ChannelContrastiveLoss', tau=0.1, mode='batch'),
        dd_loss=dict(type='DynamicDifferenceLoss', distance='mse'),
        kd_loss=None))

# 32 images x 2 views = 64 forwarded, like the cross-entropy config's 64.
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
