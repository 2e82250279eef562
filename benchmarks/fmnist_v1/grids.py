# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The Fashion-MNIST benchmark's pairs, methods and grids, as data.

Option keys are config keys (``--cfg-options`` syntax); a dict value
replaces the node. How each grid was chosen, and in which order the studies
were run, is told in docs/benchmark.md, not here.
"""
C = 'configs/'
D = 'model.distiller.'
TEACHER = C + 'fmnist/resnet18-cifar-w16_fmnist-teacher.py'
MODELS = C + '_base_/models/fmnist_models.py'
DCCD = C + 'dccd/dccd_r18w16_r18w4_fmnist.py'  # the default: L_cc, 1 view
DCCD_DD = C + 'dccd/dccd-dd_r18w16_r18w4_fmnist.py'  # L_cc + L_dd, 2 views

# Teacher ResNet-18-CIFAR width 16 (layer4: 128 x 4 x 4) for every pair.
# `layer`/`channels`: the student map matched to the teacher's layer4;
# `pooled`: the student's pooled feature size (CRD); `last`: the student's
# last map when it differs from `layer`.
PAIRS = {
    'a': dict(title='(a) R18-w16 -> R18-w4', student='fmnist_r18w4',
              alone=C + 'fmnist/resnet18-cifar-w4_fmnist-student.py',
              layer='backbone.layer4', channels=32, pooled=32),
    'b': dict(title='(b) R18-w16 -> MobileNetV2-0.35', student='fmnist_mbv2',
              alone=C + 'fmnist/mobilenetv2-w0.35_fmnist-student.py',
              layer='backbone.layer3', channels=16, pooled=256,
              last=dict(layer='backbone.conv2', channels=256)),
    'c': dict(title='(c) R18-w16 -> R18-w8', student='fmnist_r18w8',
              alone=C + 'fmnist/resnet18-cifar-w8_fmnist-student.py',
              layer='backbone.layer4', channels=64, pooled=64),
}

CROP = dict(type='RandomCrop', crop_size=28, padding=2)
STRONG_CROP = dict(type='RandomResizedCrop', scale=28,
                   crop_ratio_range=(0.6, 1.0))


def views(num_views=2, crop=CROP):
    """A train pipeline of ``num_views`` draws of crop + horizontal flip."""
    return [
        dict(type='MultiView', num_views=num_views, transforms=[[
            crop, dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        ]]),
        dict(type='PackInputs'),
    ]


def dd(weight=1.0, **kwargs):
    return {D + 'dd_loss': dict(type='DynamicDifferenceLoss',
                                loss_weight=weight, **kwargs)}


def cc(weight=1.0):
    return {D + 'cc_loss': dict(type='ChannelContrastiveLoss', tau=0.1,
                                mode='batch', loss_weight=weight)}


NO_CC, NO_DD = {D + 'cc_loss': None}, {D + 'dd_loss': None}
DD_FORM = dict(response='logits', distance='mse')
DD_GAMMAS = (0.03, 0.1, 0.3)

# method -> (family, config, grid of (setting, options)). `family` says how
# the options change for another pair (pair_options).
METHODS = {
    'student': ('alone', None, [('default', {})]),
    'kd': ('logits', C + 'baselines/kd_r18w16_r18w4_fmnist.py', [
        (f'tau{t}', {D + 'distill_losses.loss_kl.tau': t}) for t in (1, 4, 8)
    ]),
    'dkd': ('logits', C + 'baselines/dkd_r18w16_r18w4_fmnist.py', [
        (f'beta{b}', {D + 'distill_losses.loss_dkd.beta': b})
        for b in (0.5, 2, 8)
    ]),
    'dist': ('logits', C + 'baselines/dist_r18w16_r18w4_fmnist.py', [
        (f'w{w}_tau{t}', {D + 'distill_losses.loss_dist.loss_weight': w,
                          D + 'distill_losses.loss_dist.tau': t})
        for w, t in ((1, 1), (2, 1), (2, 4))
    ]),
    'crd': ('crd', C + 'baselines/crd_r18w16_r18w4_fmnist.py', [
        (f'w{w}', {D + 'distill_losses.loss_crd.loss_weight': w})
        for w in (0.2, 0.8, 3.2)
    ]),
    'cwd': ('feature', C + 'baselines/cwd_r18w16_r18w4_fmnist.py', [
        (f'w{w}', {D + 'distill_losses.loss_cwd.loss_weight': w})
        for w in (1, 3, 10)
    ]),
    # The shipped default: L_cc on one view of 64 images.
    'dccd': ('dccd', DCCD, [
        (f'beta{b}_1view', dict(cc(b), **NO_DD)) for b in (0.3, 1, 3)
    ]),
    # L_cc + L_dd on two views of 32 images.
    'dccd_cc_dd': ('dccd', DCCD_DD, [
        (f'beta1_gamma{g}', dict(cc(1.0), **dd(g, **DD_FORM)))
        for g in DD_GAMMAS
    ]),
    'dccd_cc_2views': ('dccd', DCCD_DD, [
        (f'beta{b}', dict(cc(b), **NO_DD)) for b in (0.3, 1, 3)
    ]),
    'dccd_dd_only': ('dccd', DCCD_DD, [
        (f'gamma{g}', dict(NO_CC, **dd(g, **DD_FORM))) for g in DD_GAMMAS
    ]),
}
BASELINES = ('student', 'kd', 'dkd', 'dist', 'crd', 'cwd')
# Paired differences are reported for these.
OURS = ('dccd', 'dccd_cc_dd')
# Rows written before the methods were renamed (`dccd` was the two-view
# L_cc + L_dd method, `dccd_cc_only` the default).
RENAMED = {'dccd': 'dccd_cc_dd', 'dccd_cc_only': 'dccd'}

# The L_dd study (validation only): forms of the difference term, alone
# (`dccd_dd_only`) and with L_cc (`dccd_cc_dd`).
STUDY_FORMS = {
    'logits_mse_g1': dd(1.0),
    'logits_mse_g0.1': dd(0.1),
    'probs_t4_g1': dd(1.0, response='probs', tau=4.0),
    'probs_t1_g1': dd(1.0, response='probs', tau=1.0),
    'zscore_g1': dd(1.0, response='zscore'),
    'logits_cosine_g1': dd(1.0, distance='cosine'),
    'features_zscore_g1': dict(dd(1.0, response='zscore'),
                               **{D + 'dd_source': 'features'}),
    'probs_t4_g1_strong_views': dict(
        dd(1.0, response='probs', tau=4.0),
        **{'train_dataloader.dataset.pipeline': views(crop=STRONG_CROP)}),
    'probs_t4_g1_3views': dict(
        dd(1.0, response='probs', tau=4.0),
        **{'model.num_views': 3,
           'train_dataloader.dataset.pipeline': views(3)}),
}
STUDY = {('dccd_dd_only', form): dict(NO_CC, **opts)
         for form, opts in STUDY_FORMS.items()}
STUDY.update({('dccd_cc_dd', form): dict(cc(1.0), **opts)
              for form, opts in STUDY_FORMS.items()})

# The safe-default study (validation only, seeds 0-2, pairs (a) and (b)).
# Rule, fixed before the runs: the setting whose smaller mean paired
# validation difference vs the student alone over the two pairs is largest.
SAFETY_SEEDS = (0, 1, 2)
WARMUP_HOOKS = [dict(type='mmrazor.CPUDeterminismHook'),
                dict(type='mmrazor.DistillLossWarmupHook', warmup=200)]
POOL_TEACHER = dict(type='TorchFunctionalConnector',
                    function_name='adaptive_avg_pool2d',
                    func_args=dict(output_size=1))


def last_layer(pair) -> dict:
    """Options that distil the student's last feature map of ``pair``
    against the teacher's layer4 pooled to 1 x 1 (none when the last map is
    the matched one)."""
    last = PAIRS[pair].get('last')
    if last is None:
        return {}
    return {D + 'feature_layers': {last['layer']: 'backbone.layer4'},
            D + 'student_channels': last['channels'],
            D + 'teacher_connector': POOL_TEACHER}


def safety_grid(pair) -> dict:
    """setting -> (method, options): two-view settings run as
    ``dccd_cc_2views`` (the L_dd config, L_dd off), one-view settings as
    ``dccd`` (the default config)."""
    two = 'dccd_cc_2views'
    grid = {f'beta{b}': (two, dict(cc(b), **NO_DD)) for b in (0.1, 0.3, 1)}
    grid['beta1_warmup200'] = (two, dict(cc(1.0), **NO_DD,
                                         custom_hooks=WARMUP_HOOKS))
    if last_layer(pair):
        for b in (0.3, 1):
            grid[f'beta{b}_last'] = (two, dict(cc(b), **NO_DD,
                                               **last_layer(pair)))
    for b in (0.3, 1, 3):
        grid[f'beta{b}_1view'] = ('dccd', dict(cc(b), **NO_DD))
    if last_layer(pair):
        grid['beta1_last_1view'] = ('dccd', dict(
            cc(1.0), **NO_DD, **last_layer(pair)))
    return grid
