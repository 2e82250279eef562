# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Input faults: a zero temperature, a view count the data does not have.
Real MMRazor / MMPretrain models and real MNIST batches; each fault stops
before a training step is taken (nothing to lose)."""
import copy

import pytest
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from mmrazor.registry import MODELS

TWO_VIEWS = [
    dict(type='MultiView', num_views=2,
         transforms=[[dict(type='RandomCrop', crop_size=28, padding=2)]]),
    dict(type='PackInputs'),
]


pytestmark = [pytest.mark.fast, pytest.mark.usefixtures('mmrazor_scope')]


def _batch(loader_cfg):
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return next(iter(Runner.build_dataloader(copy.deepcopy(loader_cfg))))


def _model(cfg, num_views=1, **distiller):
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.num_views = num_views
    model_cfg.distiller.update(distiller)
    return MODELS.build(model_cfg)


def _loss(model, batch):
    data = model.data_preprocessor(copy.deepcopy(batch), training=True)
    return model(**data, mode='loss')


# -------------------------------------------------------------- temperature
@pytest.mark.parametrize('num_views,key,loss', [
    (1, 'cc_loss', dict(tau=0)),
    (1, 'cc_loss', dict(type='ChannelContrastiveLoss', tau=-0.1)),
    (2, 'dd_loss', dict(type='DynamicDifferenceLoss', tau=0.0)),
])
def test_zero_tau_is_refused_at_build_time(cfg, num_views, key, loss):
    """Fault: ``tau=0`` (or negative) for ``cc_loss`` / ``dd_loss``.
    Error: ``ValueError: <key>.tau must be a positive, finite temperature,
    got 0 ... Fix: set <key>.tau > 0, or remove it for the default`` when
    the model is built, before any data is read.
    """
    with pytest.raises(ValueError,
                       match=rf'{key}\.tau must be a positive.*got -?0'):
        _model(cfg, num_views, **{key: loss})


def test_zero_tau_error_names_the_key_and_the_fix(cfg):
    """Fault: ``cc_loss=dict(tau=0)``.
    Error: ``ValueError`` naming ``cc_loss.tau`` and a ``Fix:`` (a
    positive temperature, e.g. 0.1).
    """
    with pytest.raises(ValueError) as err:
        _model(cfg, cc_loss=dict(tau=0))
    msg = str(err.value)
    assert 'cc_loss.tau' in msg and 'Fix' in msg


def test_zero_kd_tau_never_trains_silently(cfg, batch):
    """Fault: ``kd_loss=dict(type='KLDivergence', tau=0)`` (MMRazor's
    loss, no check of its own).
    Error: no step is taken: today ``FloatingPointError: Loss term
    'distill.loss_kd' is nan`` at the first step (see the known gap below).
    """
    with pytest.raises((ValueError, FloatingPointError)) as err:
        _loss(_model(cfg, kd_loss=dict(type='KLDivergence', tau=0)), batch)
    assert 'loss_kd' in str(err.value) or 'kd_loss' in str(err.value)


def test_zero_kd_tau_is_refused_at_build_time_naming_the_key(cfg):
    """Fault: ``kd_loss=dict(type='KLDivergence', tau=0)``.
    Error: ``ValueError`` naming ``kd_loss.tau`` when the model is built.
    """
    try:
        _model(cfg, kd_loss=dict(type='KLDivergence', tau=0))
        msg = 'built'
    except ValueError as exc:
        msg = str(exc)
    assert 'kd_loss.tau' in msg, msg


# -------------------------------------------------------------- view counts
def test_two_views_where_one_is_needed(cfg):
    """Fault: a ``MultiView(num_views=2)`` train pipeline under a
    one-view model (``model.num_views=1``).
    Error: ``ValueError: Got 2 views per image, num_views=1: set the same
    num_views in MultiView and the preprocessor`` at the first batch.
    """
    loader = copy.deepcopy(cfg.train_dataloader)
    loader.dataset.pipeline = TWO_VIEWS
    model = _model(cfg)
    with pytest.raises(ValueError) as err:
        model.data_preprocessor(_batch(loader), training=True)
    msg = str(err.value)
    assert 'Got 2 views per image, num_views=1' in msg
    assert 'MultiView' in msg


def test_two_views_where_one_is_needed_names_model_num_views(cfg):
    """Fault: a two-view pipeline under ``model.num_views=1``.
    Error: ``ValueError`` naming ``model.num_views`` (the one place to set
    it) or dropping ``MultiView`` as the fix.
    """
    loader = copy.deepcopy(cfg.train_dataloader)
    loader.dataset.pipeline = TWO_VIEWS
    with pytest.raises(ValueError) as err:
        _model(cfg).data_preprocessor(_batch(loader), training=True)
    assert 'model.num_views' in str(err.value)
