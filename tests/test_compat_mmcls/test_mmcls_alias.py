# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""``mmcls`` (MMClassification) served by MMPretrain, in memory."""
import importlib
import subprocess
import sys

import mmpretrain
import pytest
import torch
from mmengine.registry import DefaultScope

from mmrazor.registry import MODELS, TRANSFORMS
from mmrazor_dccd.compat import mmcls as compat_mmcls

pytestmark = pytest.mark.fast


def test_mmrazor_gets_mmpretrain_for_every_mmcls_import():
    """No MMRazor module is left with an ``mmcls`` placeholder."""
    import mmrazor.datasets  # noqa: F401
    import mmrazor.models  # noqa: F401
    left = sorted(
        f'{name}.{key}' for name, mod in list(sys.modules.items())
        if name.startswith('mmrazor') and mod is not None
        for key, value in vars(mod).items()
        if isinstance(value, type) and value.__name__ == 'PlaceHolder'
        and 'mmcls' in [c.cell_contents for c in
                        value.__init__.__closure__ or ()])
    assert not left
    from mmrazor.models.task_modules.demo_inputs import default_demo_inputs
    from mmrazor.models.task_modules.tracer.loss_calculator import \
        image_classifier_loss_calculator as calc
    assert default_demo_inputs.ImageClassifier is \
        mmpretrain.models.ImageClassifier
    assert calc.ImageClassifier is mmpretrain.models.ImageClassifier


def test_renamed_names_and_modules():
    from mmcls.datasets.transforms.formatting import PackClsInputs, to_tensor
    from mmcls.structures import ClsDataSample
    from mmcls.structures.cls_data_sample import ClsDataSample as Same
    assert ClsDataSample is Same is mmpretrain.structures.DataSample
    assert PackClsInputs is mmpretrain.datasets.PackInputs
    assert to_tensor is mmpretrain.datasets.transforms.formatting.to_tensor
    import mmcls
    assert mmcls.models.utils.make_divisible(30, 8) == 32


def test_missing_names_say_so():
    with pytest.raises(ImportError, match='no MMPretrain counterpart'):
        from mmcls.models import NoSuchClassifier  # noqa: F401
    with pytest.raises(ImportError, match='`mmpretrain.no_such_module`'):
        importlib.import_module('mmcls.no_such_module')
    with pytest.raises(KeyError, match='no MMPretrain counterpart'):
        MODELS.build(dict(type='mmcls.NoSuchClassifier'))


def test_mmcls_scope_and_type_names_build_mmpretrain():
    head = dict(type='LinearClsHead', num_classes=10, in_channels=512)
    net = MODELS.build(
        dict(_scope_='mmcls', type='ImageClassifier',
             backbone=dict(type='ResNet_CIFAR', depth=18), neck=dict(
                 type='GlobalAveragePooling'), head=head))
    assert type(net) is mmpretrain.models.ImageClassifier
    assert type(MODELS.build(dict(type='mmcls.LinearClsHead', num_classes=10,
                                  in_channels=8))).__name__ == 'LinearClsHead'
    assert TRANSFORMS.get('mmcls.PackClsInputs') is \
        mmpretrain.datasets.PackInputs
    with DefaultScope.overwrite_default_scope('mmcls'):  # like mmcls configs
        out = net(torch.rand(2, 3, 32, 32))
    assert out.shape == (2, 10)


def test_get_model_with_mmcls_path():
    from mmengine.hub import get_model
    model = get_model('mmcls::resnet/resnet18_8xb16_cifar10.py')
    assert type(model) is mmpretrain.models.ImageClassifier


def test_apply_is_idempotent_and_no_distribution_is_claimed():
    import importlib.metadata as metadata
    assert compat_mmcls.apply() is compat_mmcls.apply()
    assert sum(isinstance(f, compat_mmcls.MMClsAliasFinder)
               for f in sys.meta_path) == 1
    with pytest.raises(metadata.PackageNotFoundError):
        metadata.version('mmcls')  # nothing claims a real install


def test_mmengine_installed_path_of_mmcls_is_mmpretrains():
    """MMEngine's ``get_installed_path('mmcls')`` (MMRazor's test library,
    ``pkg::`` config loading) finds MMPretrain's configs instead of failing
    with "mmcls is a namespace package"."""
    from mmengine.config import Config
    from mmengine.utils import get_installed_path
    root = get_installed_path('mmcls')
    assert root == get_installed_path('mmpretrain')
    cfg = Config.fromfile(
        f'{root}/.mim/configs/resnet/resnet18_8xb16_cifar10.py')
    assert cfg.model.backbone.type == 'ResNet_CIFAR'


def test_real_mmcls_is_never_shadowed(tmp_path):
    """With an ``mmcls`` package on the path, the alias stays off."""
    (tmp_path / 'mmcls').mkdir()
    (tmp_path / 'mmcls' / '__init__.py').write_text('REAL = True\n')
    code = ('import mmrazor_dccd, mmcls, sys\n'
            'from mmrazor_dccd.compat import mmcls as c\n'
            'assert mmcls.REAL and c.apply() is None\n'
            'assert not any(isinstance(f, c.MMClsAliasFinder) '
            'for f in sys.meta_path)\nprint("ok")\n')
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, env={'PYTHONPATH': str(tmp_path),
                                          'OMP_NUM_THREADS': '1'})
    assert proc.returncode == 0 and 'ok' in proc.stdout, proc.stderr[-2000:]
