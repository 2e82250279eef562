# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""MMRazor's own GroupFisher recipe (MobileNetV2, the stock files) trains
through ``tools/train.py`` on a small real MNIST folder: prune, then the
stock finetune config on the pruned checkpoint (docs/compat.md)."""
import json
import os
import os.path as osp

import cv2
from dccd_test_utils import run_tool

from mmrazor_dccd.datasets.mnist_detection import load_mnist_digits

GF = 'mmrazor::pruning/mmcls/group_fisher/mobilenet/'
PRUNE = GF + 'group_fisher_act_prune_mobilenet-v2_8xb32_in1k.py'
FINETUNE = GF + 'group_fisher_act_finetune_mobilenet-v2_8xb32_in1k.py'


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


def data_options(root: str) -> list:
    """--cfg-options pointing an ImageNet config at the MNIST folder, at
    32x32, one short epoch, no validation."""
    return [
        f'train_dataloader.dataset.data_root={root}',
        'train_dataloader.dataset.metainfo.classes=[0,1,2,3,4,5,6,7,8,9]',
        'train_dataloader.dataset.pipeline.1.scale=32',
        'train_dataloader.batch_size=8', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False', 'train_cfg.max_epochs=1',
        'val_cfg=None', 'val_dataloader=None', 'val_evaluator=None'
    ]


def test_stock_group_fisher_prune_then_finetune(tmp_path):
    data = data_options(mnist_folder(str(tmp_path / 'mnist')))
    prune_dir, ft_dir = tmp_path / 'prune', tmp_path / 'finetune'
    proc = run_tool(
        'tools/train.py', PRUNE, '--work-dir', str(prune_dir),
        '--cfg-options', 'model.architecture.init_cfg=None',
        'model.architecture.head.num_classes=10', 'model.interval=2',
        'custom_hooks.1.demo_input.input_shape=[1,3,32,32]', *data)
    assert 'prunes a channel' in proc.stdout + proc.stderr
    run_tool(
        'tools/train.py', FINETUNE, '--work-dir', str(ft_dir),
        '--cfg-options',
        f'model.algorithm.init_cfg.checkpoint={prune_dir}/epoch_1.pth',
        'model.algorithm.architecture.init_cfg=None',
        'model.algorithm.architecture.head.num_classes=10', *data)
    # The finetuned model is the pruned one: fewer channels somewhere.
    subnet = json.loads((ft_dir / 'fix_subnet.json').read_text())
    full = {k: int(k.rsplit('_', 1)[1]) for k in subnet}
    assert any(subnet[k] < full[k] for k in subnet), subnet
    assert (ft_dir / 'epoch_1.pth').is_file()
