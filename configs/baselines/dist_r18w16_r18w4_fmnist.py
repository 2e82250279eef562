# MMRazor's DIST (DISTLoss, Huang et al. NeurIPS 2022: inter- and intra-class
# Pearson correlation of softened predictions) on Fashion-MNIST, pair (a).
# Weight and tau chosen on the validation split (docs/benchmark.md).
_base_ = ['../_base_/fmnist_distill.py']
model = dict(
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_dist=dict(
                type='DISTLoss', inter_loss_weight=1.0,
                intra_loss_weight=1.0, tau=1.0, loss_weight=1.0)),
        loss_forward_mappings=dict(
            loss_dist=dict(
                logits_S=dict(from_student=True, recorder='fc'),
                logits_T=dict(from_student=False, recorder='fc')))))
