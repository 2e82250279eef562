# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""DCCDDistiller + DCCDDistill + MultiViewClsDataPreprocessor on real MNIST."""
import copy

import pytest
import torch
from mmengine.runner import Runner
from torch.nn.modules.batchnorm import _BatchNorm

from mmrazor.registry import MODELS
from mmrazor_dccd.compat import load_config

pytestmark = pytest.mark.fast

# The multi-view tests use the two-view (L_cc + L_dd) config; the default
# config (one view, L_cc alone) has its own test below.
CFG = 'configs/dccd/dccd-dd_r18w16_r18w4_mnist.py'
DEFAULT_CFG = 'configs/dccd/dccd_r18w16_r18w4_mnist.py'


def _load(repo, path):
    import os
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        return load_config(path)
    finally:
        os.chdir(cwd)


@pytest.fixture(scope='module')
def cfg(repo):
    cfg = _load(repo, CFG)
    cfg.model.teacher_ckpt = None
    cfg.train_dataloader.dataset.num_per_class = 2
    cfg.train_dataloader.batch_size = 4
    return cfg


def _batch(cfg, dataloader='train_dataloader'):
    from mmengine.registry import DefaultScope
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        loader = Runner.build_dataloader(copy.deepcopy(cfg[dataloader]))
        return next(iter(loader))


def test_multi_view_train_step(cfg):
    model_cfg = copy.deepcopy(cfg.model)
    # All three terms (Hinton KD and L_dd are off in the config's default).
    model_cfg.distiller.kd_loss = dict(type='KLDivergence', tau=4)
    model_cfg.distiller.dd_loss = dict(type='DynamicDifferenceLoss')
    model = MODELS.build(model_cfg)
    model.train()
    assert all(not m.training for m in model.teacher.modules()
               if isinstance(m, _BatchNorm))
    data = model.data_preprocessor(_batch(cfg), training=True)
    inputs, samples = data['inputs'], data['data_samples']
    assert inputs.shape == (8, 1, 28, 28)  # 4 images x 2 views, view-major
    assert [s.metainfo['view_id'] for s in samples] == [0] * 4 + [1] * 4
    assert [int(s.gt_label) for s in samples[:4]] == [
        int(s.gt_label) for s in samples[4:]]
    # Two independent draws of the random crop.
    assert not torch.equal(inputs[:4], inputs[4:])

    losses = model(inputs, samples, mode='loss')
    assert {'distill.loss_cc', 'distill.loss_dd', 'distill.loss_kd'} <= set(
        losses)
    assert all(torch.isfinite(v).all() for v in losses.values())
    total = sum(v.sum() for k, v in losses.items() if 'loss' in k)
    total.backward()
    connector = model.distiller.connectors['feat_connector']
    assert all(p.grad is not None for p in connector.parameters())
    assert all(p.grad is None for p in model.teacher.parameters())
    assert model.student.backbone.conv1.weight.grad.abs().sum() > 0


def test_default_config_is_one_view_cc_only(repo):
    cfg = _load(repo, DEFAULT_CFG)
    cfg.model.teacher_ckpt = None
    cfg.train_dataloader.dataset.num_per_class = 2
    cfg.train_dataloader.batch_size = 4
    model = MODELS.build(copy.deepcopy(cfg.model))
    assert model.num_views == model.data_preprocessor.num_views == 1
    assert model.distiller.distill_losses['loss_cc'].loss_weight == 3.0
    model.train()
    data = model.data_preprocessor(_batch(cfg), training=True)
    assert data['inputs'].shape == (4, 1, 28, 28)  # 4 images, one view
    losses = model(**data, mode='loss')
    assert {k for k in losses if k.startswith('distill.')} == {
        'distill.loss_cc'}
    sum(v.sum() for k, v in losses.items() if 'loss' in k).backward()
    assert model.student.backbone.conv1.weight.grad.abs().sum() > 0


def test_prediction_is_single_view(cfg):
    model = MODELS.build(copy.deepcopy(cfg.model))
    model.eval()  # MMRazor's train() returns None: no chaining
    cfg = copy.deepcopy(cfg)
    cfg.val_dataloader.batch_size = 5
    cfg.val_dataloader.dataset.indices = 5
    data = model.data_preprocessor(_batch(cfg, 'val_dataloader'), False)
    preds = model(**data, mode='predict')
    assert len(preds) == 5 and preds[0].pred_score.shape == (10, )


def test_one_view_where_two_are_needed(cfg):
    cfg = copy.deepcopy(cfg)
    cfg.train_dataloader.dataset.pipeline = [dict(type='PackInputs')]
    model = MODELS.build(copy.deepcopy(cfg.model))
    with pytest.raises(ValueError, match="type='MultiView', num_views=2"):
        model.data_preprocessor(_batch(cfg), training=True)


def test_channels_are_measured_when_not_given(cfg):
    """Layer names are enough: a dry forward at build time measures both
    layers and the 32 -> 128 connector is built before any optimizer."""
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.distiller.student_channels = None
    model_cfg.distiller.teacher_channels = None
    model = MODELS.build(model_cfg)
    conv = model.distiller.connectors['feat_connector'].conv_module.conv
    assert (conv.in_channels, conv.out_channels) == (32, 128)
    data = model.data_preprocessor(_batch(cfg), training=True)
    assert torch.isfinite(model(**data, mode='loss')['distill.loss_cc'])


def test_channel_mismatch_without_connector(cfg):
    """A loss the user maps without a connector stops at the first step."""
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.distiller.loss_forward_mappings = dict(loss_cc=dict(
        preds_S=dict(from_student=True, recorder='feat'),
        preds_T=dict(from_student=False, recorder='feat')))
    model = MODELS.build(model_cfg)
    data = model.data_preprocessor(_batch(cfg), training=True)
    with pytest.raises(ValueError, match='no connector maps one to the '
                       'other'):
        model(**data, mode='loss')


def test_teacher_checkpoint_errors(cfg, tmp_path):
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.teacher_ckpt = str(tmp_path / 'missing.pth')
    with pytest.raises(FileNotFoundError, match='Train the teacher first'):
        MODELS.build(model_cfg)
    # A checkpoint of another architecture (the student) is refused.
    student = MODELS.build(copy.deepcopy(cfg.model.architecture))
    torch.save({'state_dict': student.state_dict()}, tmp_path / 'wrong.pth')
    model_cfg.teacher_ckpt = str(tmp_path / 'wrong.pth')
    with pytest.raises(RuntimeError, match='does not fit the teacher'):
        MODELS.build(model_cfg)
    # The right one loads, and the teacher stays frozen.
    teacher = MODELS.build(copy.deepcopy(cfg.model.teacher))
    torch.save({'state_dict': teacher.state_dict()}, tmp_path / 'ok.pth')
    model_cfg.teacher_ckpt = str(tmp_path / 'ok.pth')
    model = MODELS.build(model_cfg)
    model.init_weights()  # what the Runner does next: must not reset them
    assert not any(p.requires_grad for p in model.teacher.parameters())
    torch.testing.assert_close(model.teacher.state_dict(),
                               teacher.state_dict())


def test_distiller_terms_switch_off():

    def DCCDDistiller(**kwargs):
        return MODELS.build(
            dict(_scope_='mmrazor', type='DCCDDistiller', **kwargs))

    d = DCCDDistiller(feature_layers=None, dd_loss=None,
                      kd_loss=dict(type='KLDivergence'))
    assert list(d.distill_losses) == ['loss_kd']
    d = DCCDDistiller(feature_layers=['backbone.layer3', 'backbone.layer4'],
                      student_channels=[16, 32], teacher_channels=[16, 128])
    assert set(d.distill_losses) == {'loss_cc_0', 'loss_cc_1'}  # defaults
    assert d.distill_losses['loss_cc_0'].mode == 'batch'
    d = DCCDDistiller(feature_layers=['backbone.layer3', 'backbone.layer4'],
                      student_channels=[16, 32], teacher_channels=[16, 128],
                      dd_loss=dict(type='DynamicDifferenceLoss'),
                      num_views=2)
    assert set(d.distill_losses) == {'loss_cc_0', 'loss_cc_1', 'loss_dd'}
    assert d.distill_losses['loss_dd'].loss_weight == 0.03
    assert list(d.connectors) == ['feat_1_connector']
    assert d.distill_losses['loss_dd'].num_views == 2
    with pytest.raises(ValueError, match='no loss'):
        DCCDDistiller(dd_loss=None)


def test_distiller_connector_chain_and_user_overrides():
    import torch.nn as nn
    d = MODELS.build(dict(
        _scope_='mmrazor', type='DCCDDistiller',
        feature_layers='backbone.layer3', dd_loss=None,
        student_channels=16, teacher_channels=64,
        connector=[
            dict(type='ConvModuleConnector', kernel_size=1,
                 norm_cfg=dict(type='BN'), act_cfg=None),
            dict(type='TorchFunctionalConnector', function_name='interpolate',
                 func_args=dict(size=(4, 4)))
        ],
        distill_losses=dict(loss_cc=dict(type='ChannelContrastiveLoss',
                                         mode='batch', tau=0.5))))
    chain = d.connectors['feat_connector']
    assert isinstance(chain, nn.Sequential)
    out = chain(torch.randn(2, 16, 7, 7))
    assert out.shape == (2, 64, 4, 4)
    # The user's explicit loss replaces the generated one.
    assert d.distill_losses['loss_cc'].mode == 'batch'
    assert d.distill_losses['loss_cc'].tau == 0.5


def _distiller(**kwargs):
    return MODELS.build(dict(_scope_='mmrazor', type='DCCDDistiller',
                             **kwargs))


def test_partial_loss_override_updates_the_default():
    d = _distiller(feature_layers='backbone.layer4', num_views=2,
                   dd_loss=dict(loss_weight=0.1),
                   cc_loss=dict(mode='per_sample'))
    dd, cc = d.distill_losses['loss_dd'], d.distill_losses['loss_cc']
    assert type(dd).__name__ == 'DynamicDifferenceLoss'
    assert dd.loss_weight == 0.1
    assert cc.mode == 'per_sample' and cc.tau == 0.1  # default tau kept


def test_num_views_is_set_once_on_the_algorithm(cfg):
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.num_views = 3
    model_cfg.distiller.dd_loss = dict(type='DynamicDifferenceLoss')
    model_cfg.distiller.pop('num_views', None)
    model_cfg.data_preprocessor.pop('num_views', None)
    model = MODELS.build(model_cfg)
    assert model.distiller.distill_losses['loss_dd'].num_views == 3
    assert model.data_preprocessor.num_views == 3
    model_cfg.distiller.num_views = 2
    with pytest.raises(ValueError, match='num_views=3.*num_views=2'):
        MODELS.build(model_cfg)
    model_cfg.distiller.pop('num_views')
    model_cfg.distiller.dd_loss = dict(type='DynamicDifferenceLoss',
                                       num_views=2)
    with pytest.raises(ValueError, match='model.num_views'):
        MODELS.build(model_cfg)


def test_bad_loss_argument_is_named_by_its_config_key():
    """The loss checks its argument; the distiller names the config key."""
    with pytest.raises(ValueError, match=r'^cc_loss\.mode is .pixel.; use '
                       "one of \\('per_sample', 'batch'\\)"):
        _distiller(feature_layers='backbone.layer4',
                   cc_loss=dict(mode='pixel'))
    with pytest.raises(ValueError, match=r'^dd_loss\.distance is'):
        _distiller(num_views=2, dd_loss=dict(distance='l3'))
    with pytest.raises(ValueError, match=r'^kd_loss\.tau must be a positive'):
        _distiller(kd_loss=dict(type='KLDivergence', tau=-1))
    with pytest.raises(ValueError,
                       match=r'^distill_losses\.loss_x\.loss_weight is -1'):
        _distiller(kd_loss=dict(type='KLDivergence'), distill_losses=dict(
            loss_x=dict(type='KLDivergence', loss_weight=-1)),
            loss_forward_mappings=dict(loss_x=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits'))))


def test_channels_are_checked_at_the_first_step_only(cfg, monkeypatch):
    from mmrazor_dccd.models.distillers import dccd_distiller
    model = MODELS.build(copy.deepcopy(cfg.model))
    calls = []
    check = dccd_distiller.check_channels
    monkeypatch.setattr(dccd_distiller, 'check_channels',
                        lambda *a: calls.append(a) or check(*a))
    data = model.data_preprocessor(_batch(cfg), training=True)
    for _ in range(2):
        model(**data, mode='loss')
    assert len(calls) == 1


def test_default_cc_loss_has_one_home(repo):
    """The class signature holds the defaults; the README repeats them."""
    import ast
    import inspect
    import re

    from mmrazor_dccd.models.losses import ChannelContrastiveLoss
    params = inspect.signature(ChannelContrastiveLoss).parameters
    defaults = {k: p.default for k, p in params.items()}
    d = _distiller(feature_layers='backbone.layer4')
    loss = d.distill_losses['loss_cc']
    assert {k: getattr(loss, k) for k in defaults} == defaults
    # Where the README spells the default loss out, it is the signature's.
    readme = open(f'{repo}/README.md').read()
    for args in re.findall(r"cc_loss=dict\(type='ChannelContrastiveLoss', "
                           r"(.*?)\)", readme, re.S):
        call = ast.parse(f'f({args})', mode='eval').body
        given = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
        assert given == {k: defaults[k] for k in given}


def test_one_view_allows_cc_only_and_refuses_dd():
    d = _distiller(feature_layers='backbone.layer4', num_views=1)
    assert sorted(d.distill_losses) == ['loss_cc']
    with pytest.raises(ValueError, match='num_views >= 2'):
        _distiller(feature_layers='backbone.layer4', num_views=1,
                   dd_loss=dict(type='DynamicDifferenceLoss'))


def test_minimal_config_trains_one_view_by_default(repo):
    """Issue 18: no num_views anywhere gives the documented default, one
    view with L_cc in batch mode, and one real training step works."""
    from mmengine.optim import OptimWrapper
    base = _load(repo, DEFAULT_CFG)
    model = MODELS.build(dict(
        type='DCCDDistill',
        data_preprocessor=dict(type='MultiViewClsDataPreprocessor',
                               num_classes=10, mean=[33.46], std=[78.87],
                               to_rgb=False),
        architecture=base.model.architecture,
        teacher=base.model.teacher,
        distiller=dict(type='DCCDDistiller',
                       feature_layers='backbone.layer4',
                       student_channels=32, teacher_channels=128)))
    assert model.num_views == model.distiller.num_views == 1
    assert model.data_preprocessor.num_views == 1
    assert model.distiller.distill_losses['loss_cc'].mode == 'batch'
    cfg = copy.deepcopy(base)
    cfg.train_dataloader.dataset.num_per_class = 2
    cfg.train_dataloader.batch_size = 4
    data = _batch(cfg)  # the dataset's own one-view pipeline
    model.train()
    conv1 = model.student.backbone.conv1.weight
    before = conv1.detach().clone()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    log = model.train_step(data, optim)
    assert {'student.loss', 'distill.loss_cc'} <= set(log)
    assert all(torch.isfinite(v) for v in log.values())
    assert not torch.equal(before, conv1.detach())


def _views_of(cfg):
    """num_views of the train pipeline's MultiView, 1 without one."""
    pipeline = cfg.train_dataloader.dataset.get('pipeline', [])
    views = [t['num_views'] for t in pipeline
             if str(t.get('type', '')).endswith('MultiView')]
    return views[0] if views else 1


@pytest.mark.parametrize('path', [
    'configs/dccd/dccd_r18w16_r18w4_mnist.py',
    'configs/dccd/dccd-dd_r18w16_r18w4_mnist.py',
    'configs/dccd/dccd_r18w16_r18w4_fmnist.py',
    'configs/dccd/dccd-dd_r18w16_r18w4_fmnist.py',
    'configs/dccd/dccd_r34_r18_8xb16_cifar100.py',
    'configs/dccd/dccd_r50_r18_8xb16_cifar100.py',
    'configs/dccd/dccd_r34_r18_8xb32_in1k.py',
    'configs/dccd/dccd_r50_mbv2_8xb32_in1k.py',
    'configs/pruning/dccd_finetune_pruned-r18w16_mnist.py',
    'configs/pruning/group-fisher-dccd_r18w16_mnist.py',
    'configs/pruning/l1-norm-dccd_r18w16_mnist.py',
])
def test_configs_state_num_views_as_their_pipeline(repo, path):
    """Every DCCD config states num_views on the algorithm, equal to its
    train pipeline's views: none relies on the class default."""
    cfg = _load(repo, path)
    assert 'num_views' in cfg.model, path
    assert cfg.model.num_views == _views_of(cfg), path
    dd_loss = cfg.model.distiller.get('dd_loss')
    assert dd_loss is None or cfg.model.num_views >= 2, path
