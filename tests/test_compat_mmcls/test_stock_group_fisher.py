# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""MMRazor's own GroupFisher recipe (MobileNetV2, the stock files) trains
through ``tools/train.py`` on a small real MNIST folder: a short unpruned
run gives the starting weights, the stock prune config prunes from them, the
stock finetune config finetunes the pruned model, then DCCD distils into
that exported model from the unpruned one (docs/compat.md)."""
import json
import math
import os
import os.path as osp

import cv2
import pytest
import torch
from dccd_test_utils import run_tool

from mmrazor_dccd.data.mnist_detection import load_mnist_digits

GF = 'mmrazor::pruning/mmcls/group_fisher/mobilenet/'
UNPRUNED = 'mmpretrain::mobilenet_v2/mobilenet-v2_8xb32_in1k.py'
PRUNE = GF + 'group_fisher_act_prune_mobilenet-v2_8xb32_in1k.py'
FINETUNE = GF + 'group_fisher_act_finetune_mobilenet-v2_8xb32_in1k.py'
DCCD = 'configs/pruning/dccd_finetune_group-fisher-act-mbv2_8xb32_in1k.py'
# The RandomResizedCrop inside the DCCD config's MultiView transform.
MULTIVIEW_CROP = 'train_dataloader.dataset.pipeline.1.transforms.0.0'


def mnist_folder(root: str, per_class: int = 4) -> str:
    """``root/train/<digit>/<n>.png``: an ImageNet-style folder of real
    MNIST digits, read by the stock config's own ``ImageNet`` dataset."""
    digits, labels = load_mnist_digits('train')
    count = {}
    for img, label in zip(digits, labels.tolist()):
        if count.get(label, 0) < per_class:
            count[label] = count.get(label, 0) + 1
            folder = osp.join(root, 'train', str(label))
            os.makedirs(folder, exist_ok=True)
            cv2.imwrite(osp.join(folder, f'{count[label]}.png'), img)
    return root


def data_options(root: str,
                 crop: str = 'train_dataloader.dataset.pipeline.1') -> list:
    """--cfg-options pointing an ImageNet config at the MNIST folder, at
    32x32 (``crop``: the RandomResizedCrop), one short epoch, no
    validation."""
    return [
        f'train_dataloader.dataset.data_root={root}',
        'train_dataloader.dataset.metainfo.classes=[0,1,2,3,4,5,6,7,8,9]',
        f'{crop}.scale=32', 'train_dataloader.batch_size=8',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False', 'train_cfg.max_epochs=1',
        'val_cfg=None', 'val_dataloader=None', 'val_evaluator=None'
    ]


def state_dict(path) -> dict:
    return torch.load(path, map_location='cpu',
                      weights_only=False)['state_dict']


def shapes(weights: dict, prefix: str = '') -> dict:
    """Shapes of the tensors under ``prefix``, keyed without it."""
    return {
        k[len(prefix):]: v.shape
        for k, v in weights.items() if k.startswith(prefix)
    }


@pytest.fixture(scope='module')
def recipe(tmp_path_factory):
    """Unpruned run, stock prune from its weights, stock finetune."""
    tmp = tmp_path_factory.mktemp('group_fisher')
    root = mnist_folder(str(tmp / 'mnist'))
    dirs = {k: tmp / k for k in ('unpruned', 'prune', 'finetune')}
    run_tool('tools/train.py', UNPRUNED, '--work-dir', str(dirs['unpruned']),
             '--cfg-options', 'model.head.num_classes=10', *data_options(root))
    proc = run_tool(
        'tools/train.py', PRUNE, '--work-dir', str(dirs['prune']),
        '--cfg-options', 'model.architecture.init_cfg.checkpoint='
        f"{dirs['unpruned']}/epoch_1.pth",
        'model.architecture.head.num_classes=10', 'model.interval=2',
        'custom_hooks.1.demo_input.input_shape=[1,3,32,32]',
        *data_options(root))
    assert 'prunes a channel' in proc.stdout + proc.stderr
    run_tool(
        'tools/train.py', FINETUNE, '--work-dir', str(dirs['finetune']),
        '--cfg-options', 'model.algorithm.init_cfg.checkpoint='
        f"{dirs['prune']}/epoch_1.pth",
        'model.algorithm.architecture.init_cfg=None',
        'model.algorithm.architecture.head.num_classes=10',
        *data_options(root))
    return dict(dirs, root=root)


def pruned_units(finetune_dir) -> dict:
    """Units the finetuned model has fewer channels in: unit -> (kept,
    unpruned), from the stock finetune's ``fix_subnet.json``."""
    subnet = json.loads((finetune_dir / 'fix_subnet.json').read_text())
    full = {k: int(k.rsplit('_', 1)[1]) for k in subnet}
    return {k: (v, full[k]) for k, v in subnet.items() if v < full[k]}


def test_stock_group_fisher_prune_then_finetune(recipe):
    # The finetuned model is the pruned one: fewer channels somewhere.
    assert pruned_units(recipe['finetune'])
    assert (recipe['finetune'] / 'epoch_1.pth').is_file()


def test_dccd_into_pruned_from_unpruned_teacher(recipe, tmp_path):
    teacher = recipe['unpruned'] / 'epoch_1.pth'
    finetuned = recipe['finetune'] / 'epoch_1.pth'
    # Contrast a pruned unit's output: 'backbone.layer2.1.conv.0.conv_...'
    # is the conv of ConvModule 'backbone.layer2.1.conv.0'.
    unit, (kept, full) = sorted(pruned_units(recipe['finetune']).items())[0]
    layer = unit.split('_(')[0].rsplit('.conv', 1)[0]
    proc = run_tool(
        'tools/train.py', DCCD, '--work-dir', str(tmp_path), '--cfg-options',
        f"model.architecture.fix_subnet={recipe['finetune']}/fix_subnet.json",
        f'model.architecture.architecture.init_cfg.checkpoint={finetuned}',
        'model.architecture.architecture.head.num_classes=10',
        f'model.teacher_ckpt={teacher}', 'model.teacher.head.num_classes=10',
        f'model.distiller.feature_layers={layer}',
        f'model.distiller.student_channels={kept}',
        f'model.distiller.teacher_channels={full}',
        'default_hooks.logger.interval=1',
        *data_options(recipe['root'], crop=MULTIVIEW_CROP))
    log = proc.stdout + proc.stderr
    # The student got the finetuned weights, every key and shape matching
    # (MMEngine's Pretrained init only warns on a mismatch); the teacher's
    # load is strict.
    assert f'load model from: {finetuned}' in log
    assert 'do not match exactly' not in log

    ckpt = state_dict(tmp_path / 'epoch_1.pth')
    # The teacher is the unpruned run's model, unchanged by distillation.
    for key, value in state_dict(teacher).items():
        assert torch.equal(ckpt['teacher.' + key], value), key
    # The student is the exported pruned structure, narrower than the
    # teacher at the distilled layer; the connector bridges the two.
    assert shapes(ckpt, 'architecture.') == shapes(state_dict(finetuned))
    conv = f'{layer}.conv.weight'
    assert ckpt['architecture.' + conv].shape[0] == kept
    assert ckpt['teacher.' + conv].shape[0] == full > kept
    connector = 'distiller.connectors.feat_connector.conv_module.conv.weight'
    assert ckpt[connector].shape[:2] == (full, kept)
    # Both DCCD terms were trained on, finite at every logged step.
    scalars = [
        json.loads(line)
        for line in open(next(tmp_path.glob('*/vis_data/scalars.json')))
    ]
    for term in ('distill.loss_cc', 'distill.loss_dd'):
        values = [s[term] for s in scalars if term in s]
        assert values and all(math.isfinite(v) for v in values), term
