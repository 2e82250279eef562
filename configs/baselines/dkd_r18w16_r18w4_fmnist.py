# MMRazor's DKD (decoupled KD, Zhao et al. CVPR 2022) on Fashion-MNIST,
# pair (a), with the paper's per-sample mean ('batchmean'; MMRazor's 'mean'
# sums over the batch, see configs/baselines/dkd_r18w16_r18w4_mnist.py) and
# its linear loss warm-up.
# beta chosen on the validation split (docs/benchmark.md).
_base_ = ['../_base_/fmnist_distill.py']
model = dict(
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc'),
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_dkd=dict(
                type='DKDLoss', tau=4, alpha=1, beta=2, loss_weight=1,
                reduction='batchmean')),
        loss_forward_mappings=dict(
            loss_dkd=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc'),
                gt_labels=dict(
                    recorder='gt_labels', from_student=True, data_idx=1)))))
custom_hooks = [
    dict(type='mmrazor.CPUDeterminismHook'),
    dict(type='mmrazor.DistillLossWarmupHook', warmup=30),
]
