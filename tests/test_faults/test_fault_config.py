# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Bad DCCD config values are refused at build time (or at the first step,
before a connector runs), naming the key, what was measured and the fix.
Real MMRazor / MMPretrain models and real MNIST batches."""
import copy
import math

import pytest
import torch

from mmrazor.registry import MODELS

pytestmark = [pytest.mark.fast, pytest.mark.usefixtures('mmrazor_scope')]


def _model(cfg, **distiller):
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.distiller.update(distiller)
    return MODELS.build(model_cfg)


def _loss(model, batch):
    data = model.data_preprocessor(copy.deepcopy(batch), training=True)
    return model(**data, mode='loss')


# ------------------------------------------------------------ loss weights
@pytest.mark.parametrize('key,loss', [
    ('cc_loss', dict(loss_weight=-1.0)),
    ('cc_loss', dict(type='ChannelContrastiveLoss', loss_weight=math.nan)),
    ('dd_loss', dict(type='DynamicDifferenceLoss', loss_weight=math.inf)),
    ('kd_loss', dict(type='KLDivergence', loss_weight=-0.5)),
])
def test_bad_loss_weight_names_the_key(cfg, key, loss):
    """Fault: ``loss_weight`` negative, NaN or inf in ``cc_loss`` /
    ``dd_loss`` / ``kd_loss``.
    Error: ``ValueError: cc_loss.loss_weight is -1.0: a loss weight must be
    finite and >= 0 ... Fix: set cc_loss.loss_weight to a finite number >= 0
    (0 switches the term off ...)``, at build time.
    """
    with pytest.raises(ValueError) as err:
        _model(cfg, **{key: loss})
    msg = str(err.value)
    assert f'{key}.loss_weight is' in msg
    assert f'Fix: set {key}.loss_weight to a finite number >= 0' in msg
    assert '0 switches the term off' in msg


def test_bad_loss_weight_in_distill_losses_and_loss_classes(cfg):
    """Fault: a bad ``loss_weight`` in ``distill_losses.<name>``, a quoted
    one (``'3'`` from the command line), or in a DCCD loss built alone.
    Error: ``ValueError: distill_losses.loss_extra.loss_weight is -2.0 ...
    Fix``; ``TypeError: cc_loss.loss_weight must be a number, got '3'``;
    ``ValueError: ChannelContrastiveLoss.loss_weight is -1 ...``.
    """
    with pytest.raises(ValueError,
                       match=r'distill_losses\.loss_extra\.loss_weight is '
                       r'-2.0.*Fix'):
        _model(cfg, distill_losses=dict(
            loss_extra=dict(type='ChannelContrastiveLoss', loss_weight=-2.)))
    with pytest.raises(TypeError, match='cc_loss.loss_weight must be a '
                       "number, got '3'"):
        _model(cfg, cc_loss=dict(loss_weight='3'))  # a quoted CLI value
    for loss in ('ChannelContrastiveLoss', 'DynamicDifferenceLoss',
                 'WeightedCRDLoss'):
        with pytest.raises(ValueError, match=f'{loss}.loss_weight is -1'):
            MODELS.build(dict(type=loss, loss_weight=-1))


def test_zero_loss_weight_is_allowed_and_switches_the_term_off(cfg, batch):
    """Fault: ``loss_weight=0``.
    Result: allowed: the term is computed and contributes 0; the student's
    loss stays finite.
    """
    model = _model(cfg, cc_loss=dict(loss_weight=0.0))
    losses = _loss(model, batch)
    assert losses['distill.loss_cc'].item() == 0.0
    assert torch.isfinite(losses['student.loss'])


# ------------------------------------------------------------ module names
@pytest.mark.parametrize('key,value,who,bad,near', [
    ('feature_layers', 'backbone.layer9', 'student', 'backbone.layer9',
     'backbone.layer4'),
    ('feature_layers', {'backbone.layer4': 'backbone.layr4'}, 'teacher',
     'backbone.layr4', 'backbone.layer4'),
    ('logits_layer', ('head.fc', 'head.fc1'), 'teacher', 'head.fc1',
     'head.fc'),
    ('logits_layer', 'head.linear', 'student', 'head.linear', 'head'),
])
def test_unknown_module_names_the_model_and_nearest_names(
        cfg, key, value, who, bad, near):
    """Fault: a name in ``feature_layers`` / ``logits_layer`` that is not a
    module of the student or the teacher (was MMRazor's bare assertion).
    Error: ``ValueError: DCCDDistiller feature_layers: 'backbone.layer9' is
    not a module of the student (ImageClassifier). Nearest module names in the
    student: 'backbone.layer4', ... Fix: set feature_layers to a name from the
    student's named_modules()``.
    """
    extra = dict(kd_loss=dict(type='KLDivergence')) \
        if key == 'logits_layer' else {}
    with pytest.raises(ValueError) as err:  # was MMRazor's AssertionError
        _model(cfg, **{key: value}, **extra)
    msg = str(err.value)
    assert f'DCCDDistiller {key}: {bad!r} is not a module of the {who} ' \
        '(ImageClassifier)' in msg
    nearest = msg.split('Nearest module names')[1]
    assert repr(near) in nearest.split('Fix')[0]
    assert f"Fix: set {key} to a name from the {who}'s" in msg


def test_unknown_module_in_user_recorders(cfg):
    """Fault: an unknown ``source`` in extra ``student_recorders`` /
    ``teacher_recorders``.
    Error: ``ValueError: student_recorders.extra.source: 'neck.gap2' is not a
    module of the student``, nearest ``'neck.gap'``.
    """
    with pytest.raises(ValueError, match=r'student_recorders\.extra\.source: '
                       "'neck.gap2' is not a module of the student.*"
                       "'neck.gap'"):
        _model(cfg, student_recorders=dict(
            extra=dict(type='ModuleOutputs', source='neck.gap2')))


# ----------------------------------------------------------------- channels
@pytest.mark.parametrize('key,value,measured', [
    ('student_channels', 64, 32),
    ('teacher_channels', 256, 128),
])
def test_wrong_channels_name_the_key_and_measured_count(
        cfg, batch, key, value, measured):
    """Fault: ``student_channels`` / ``teacher_channels`` that the layer
    does not output.
    Error: ``ValueError: DCCDDistiller student_channels is 64, but the student
    layer 'backbone.layer4' outputs 32 channels. Fix: set
    student_channels=32``, at the first step, before the connector runs.

    Was: a raw conv shape error from the connector at the first step."""
    model = _model(cfg, **{key: value})
    with pytest.raises(ValueError) as err:
        _loss(model, batch)
    who = key.split('_')[0]
    msg = str(err.value)
    assert f'DCCDDistiller {key} is {value}, but the {who} layer ' \
        f"'backbone.layer4' outputs {measured} channels" in msg
    assert f'Fix: set {key}={measured}' in msg


def test_wrong_channels_of_one_layer_of_several(cfg, batch):
    """Fault: a wrong entry in a list of ``teacher_channels`` (several
    ``feature_layers``).
    Error: ``ValueError: ... teacher_channels[0] is 32, but the teacher layer
    'backbone.layer3' outputs 64 channels. Fix: set teacher_channels[0]=64``;
    the corrected list trains.
    """
    model = _model(cfg, feature_layers=['backbone.layer3', 'backbone.layer4'],
                   student_channels=[16, 32], teacher_channels=[32, 128])
    with pytest.raises(ValueError, match=r'teacher_channels\[0\] is 32, but '
                       "the teacher layer 'backbone.layer3' outputs 64 "
                       r'channels. Fix: set teacher_channels\[0\]=64'):
        _loss(model, batch)
    model = _model(cfg, feature_layers=['backbone.layer3', 'backbone.layer4'],
                   student_channels=[16, 32], teacher_channels=[64, 128])
    assert torch.isfinite(_loss(model, batch)['distill.loss_cc_0'])


def test_unset_channels_are_measured_and_connected(cfg, batch):
    """Fault: ``student_channels`` / ``teacher_channels`` unset where the
    layers differ (32 and 128 channels).
    Result: the distiller measures both layers by a dry forward at build
    time and builds the 1x1 conv + BN connector 32 -> 128 itself; the first
    step trains with a finite ``L_cc``.
    """
    model = _model(cfg, student_channels=None, teacher_channels=None)
    convs = [m for m in model.distiller.connectors.modules()
             if isinstance(m, torch.nn.Conv2d)]
    assert [(c.in_channels, c.out_channels) for c in convs] == [(32, 128)]
    assert torch.isfinite(_loss(model, batch)['distill.loss_cc'])
