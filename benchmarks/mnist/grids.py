# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The MNIST benchmark's methods, as data: name -> (config, options).

``make demo`` runs :data:`BASE`; ``--full`` adds :data:`FULL`;
:data:`ABLATION` runs with ``--methods`` (``--quick`` runs all). Their
history is told in docs/ablation.md.
"""
TEACHER = 'configs/mnist/resnet18-cifar-w16_mnist-teacher.py'
STUDENT = 'configs/mnist/resnet18-cifar-w4_mnist-student.py'
KD = 'configs/baselines/kd_logits_r18w16_r18w4_mnist.py'
DKD = 'configs/baselines/dkd_r18w16_r18w4_mnist.py'
CRD = 'configs/baselines/crd_r18w16_r18w4_mnist.py'
DCCD = 'configs/dccd/dccd_r18w16_r18w4_mnist.py'  # default: L_cc, 1 view
# Two views, beta 1: the config of every L_dd run and of dccd_cc_2views.
DCCD_DD = 'configs/dccd/dccd-dd_r18w16_r18w4_mnist.py'
D = 'model.distiller.'
NO_DD = {D + 'dd_loss': None}
KD_LOSS = dict(type='KLDivergence', tau=4, loss_weight=1.0)


def dd(gamma=1.0, **kwargs):
    """L_dd as the MNIST runs had it (raw logits, mse) at weight gamma."""
    return dict(type='DynamicDifferenceLoss', distance='mse',
                loss_weight=gamma, **kwargs)


DD1 = {D + 'dd_loss': dd(1.0)}  # L_dd at gamma 1

# 'dccd' is the shipped default: L_cc only, one view, beta 3.
BASE = {
    'student': (STUDENT, {}),
    'kd': (KD, {}),
    'dccd': (DCCD, {}),
}
FULL = {
    'dkd': (DKD, {}),
    'crd': (CRD, {}),
    # L_cc alone on two views of 32 images, beta 1.
    'dccd_cc_2views': (DCCD_DD, NO_DD),
    'dccd_cc_dd': (DCCD_DD, DD1),  # L_cc + L_dd (gamma 1)
    'dccd_dd_only': (DCCD_DD, dict(DD1, **{D + 'cc_loss': None})),
    # L_cc + L_dd + Hinton KD, and one change at a time to it.
    'dccd_kd': (DCCD_DD, dict(DD1, **{D + 'kd_loss': KD_LOSS})),
    'dccd_kd_per_sample': (DCCD_DD, dict(DD1, **{
        D + 'kd_loss': KD_LOSS,
        D + 'cc_loss.mode': 'per_sample'
    })),
    'dccd_kd_beta0.1': (DCCD_DD, dict(DD1, **{
        D + 'kd_loss': KD_LOSS,
        D + 'cc_loss.loss_weight': 0.1
    })),
    'dccd_kd_tau0.05': (DCCD_DD, dict(DD1, **{
        D + 'kd_loss': KD_LOSS,
        D + 'cc_loss.tau': 0.05
    })),
    'dccd_kd_tau0.5': (DCCD_DD, dict(DD1, **{
        D + 'kd_loss': KD_LOSS,
        D + 'cc_loss.tau': 0.5
    })),
}

# The L_dd study.
STRONG_VIEWS = [
    dict(type='MultiView',
         num_views=2,
         transforms=[[
             dict(type='RandomResizedCrop',
                  scale=28,
                  crop_ratio_range=(0.5, 1.0)),
             dict(type='RandomCrop', crop_size=28, padding=2),
         ]]),
    dict(type='PackInputs'),
]
ABLATION = {
    'dccd_gamma0.1': (DCCD_DD, {D + 'dd_loss': dd(0.1)}),
    'dccd_gamma0.3': (DCCD_DD, {D + 'dd_loss': dd(0.3)}),
    'dccd_gamma3': (DCCD_DD, {D + 'dd_loss': dd(3.0)}),
    'dccd_dd_kl': (DCCD_DD, {D + 'dd_loss': dict(dd(1.0), distance='kl')}),
    'dccd_strong_views': (DCCD_DD, dict(DD1, **{
        'train_dataloader.dataset.pipeline': STRONG_VIEWS
    })),
    'dccd_cc_only_strong_views': (DCCD_DD, dict(NO_DD, **{
        'train_dataloader.dataset.pipeline': STRONG_VIEWS
    })),
}
ALL = dict(BASE, **FULL, **ABLATION)
