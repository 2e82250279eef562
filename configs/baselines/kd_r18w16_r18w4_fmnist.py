# MMRazor's logit KD (KLDivergence, Hinton et al. 2015) on Fashion-MNIST,
# benchmark pair (a). tau chosen on the validation split (docs/benchmark.md).
_base_ = ['../_base_/fmnist_distill.py']
model = dict(
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_kl=dict(type='KLDivergence', tau=4, loss_weight=1.0)),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))
