# Distill while pruning with L1-norm: MMRazor's iterative ItePruneAlgorithm
# schedule (uniform kept ratio, `prune_times` steps every `step_freq`
# iterations) on the student of a DCCD distillation from the unpruned
# teacher (ItePruneDCCDDistill). The DCCD recorders attach after the mutator,
# to the dynamic ops that are narrowed.
_base_ = [
    './l1-norm_r18w16_mnist.py',
    '../_base_/pruning/dccd_mnist_parts.py',
]

model = dict(_delete_=True,
             _scope_='mmrazor',
             type='ItePruneDCCDDistill',
             architecture=_base_.architecture,
             mutator_cfg={{_base_.model.mutator_cfg}},
             target_pruning_ratio={{_base_.model.target_pruning_ratio}},
             step_freq={{_base_.model.step_freq}},
             prune_times={{_base_.model.prune_times}},
             num_views={{_base_.num_views}},
             data_preprocessor={{_base_.dccd_data_preprocessor}},
             teacher={{_base_.mnist_teacher}},
             teacher_ckpt={{_base_.teacher_ckpt}},
             distiller={{_base_.dccd_distiller}})

train_dataloader = dict(batch_size=32,
                        dataset=dict(pipeline={{_base_.dccd_train_pipeline}}))
find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
