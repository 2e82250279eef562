# Distill while pruning: GroupFisher prunes the student of a DCCD
# distillation from the unpruned MNIST teacher. The channel importance is
# the Fisher information of the DCCD objective; the distiller's recorders
# attach after the mutator swapped in its dynamic ops.
_base_ = [
    './group-fisher_r18w16_mnist.py',
    '../_base_/pruning/dccd_mnist_parts.py',
]

model = dict(_delete_=True,
             _scope_='mmrazor',
             type='GroupFisherDCCDDistill',
             architecture=_base_.architecture,
             interval={{_base_.interval}},
             mutator={{_base_.model.mutator}},
             num_views={{_base_.num_views}},
             data_preprocessor={{_base_.dccd_data_preprocessor}},
             teacher={{_base_.mnist_teacher}},
             teacher_ckpt={{_base_.teacher_ckpt}},
             distiller={{_base_.dccd_distiller}})

train_dataloader = dict(batch_size=32,
                        dataset=dict(pipeline={{_base_.dccd_train_pipeline}}))
find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
