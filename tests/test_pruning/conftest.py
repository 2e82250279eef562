# Copyright (c) mmrazor-dccd contributors. All rights reserved.
import copy
import os.path as osp

import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.registry import DefaultScope

import mmrazor_dccd.pruning  # noqa: F401  (registers the pruning pieces)
from benchmarks.pruning.pipeline import Experiment
from mmrazor.registry import DATASETS, MODELS

EXPERIMENT = 'configs/_base_/pruning/r18w16_mnist_experiment.py'


@pytest.fixture(autouse=True)
def mmrazor_scope():
    """Build from MMRazor's registry whatever scope earlier tests left."""
    with DefaultScope.overwrite_default_scope('mmrazor'):
        yield


@pytest.fixture(scope='session')
def mnist_experiment(repo):
    """The pipeline's MNIST experiment (architecture, input, configs)."""
    return Experiment.fromfile(osp.join(repo, EXPERIMENT))


@pytest.fixture(scope='session')
def w16(mnist_experiment):
    """The MNIST teacher's architecture config (ResNet_CIFAR-18, width 16)."""
    return copy.deepcopy(mnist_experiment.architecture)


@pytest.fixture(scope='session')
def teacher_ckpt(w16, tmp_path_factory):
    """A width-16 checkpoint (initialised, untrained: pipelines only)."""
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(copy.deepcopy(w16))
    model.init_weights()
    path = str(tmp_path_factory.mktemp('teacher') / 'w16.pth')
    torch.save({'state_dict': model.state_dict()}, path)
    return path


@pytest.fixture(scope='session')
def mnist_batch():
    """Eight real MNIST test images, packed like a dataloader batch."""
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        dataset = DATASETS.build(
            dict(type='mmrazor.PackagedMNIST',
                 split='test',
                 test_mode=True,
                 indices=8,
                 pipeline=[dict(type='PackInputs')]))
        return pseudo_collate([dataset[i] for i in range(8)])
