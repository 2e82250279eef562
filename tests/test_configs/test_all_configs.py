# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Every config under ``configs/`` parses, builds and runs one loss forward.

Configs are discovered with glob (``configs/_base_/`` holds bases, not
configs), so configs added later are covered without editing this file.
Each model is built on CPU the way MMEngine's Runner builds it (the
config's ``default_scope``, ``MODELS.build``), with ``teacher_ckpt=None`` so
nothing is downloaded, and gets a tiny batch of synthetic decoded images
(plus a box for detection) at the config's input size pushed through the
config's own train pipeline (loading steps skipped), collate function and
data preprocessor, then ``model(**data, mode='loss')``.
"""
import copy
import glob
import os.path as osp

import mmengine.config.utils as mmengine_config_utils
import mmengine.hub.hub as mmengine_hub
import numpy as np
import pytest
import torch
from mmengine.dataset import Compose
from mmengine.logging import MessageHub
from mmengine.registry import FUNCTIONS, MODELS, init_default_scope

from mmrazor_dccd.compat import load_config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    osp.relpath(p, REPO)
    for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in osp.relpath(p, REPO).split(osp.sep))
_SIZE_KEYS = {'RandomResizedCrop': 'scale', 'RandomCrop': 'crop_size',
              'CenterCrop': 'crop_size', 'Resize': 'scale',
              'RandomResize': 'scale', 'RandomChoiceResize': 'scale'}


@pytest.fixture(scope='module', autouse=True)
def cached_metafile_lookup():
    """MMEngine re-reads all ~250 metafiles of a package for every
    ``mmpretrain::`` reference (about 1 s each); memoise its own lookup
    (results and errors) for this module so 20+ configs parse in seconds."""
    real = mmengine_config_utils._get_cfg_metainfo
    cache = {}

    def memo(package_path, cfg_name):
        key = (package_path, cfg_name)
        if key not in cache:
            try:
                cache[key] = (True, real(package_path, cfg_name))
            except Exception as exc:  # ValueError: a base, not a metafile
                cache[key] = (False, exc)
        ok, value = cache[key]
        if not ok:
            raise value
        return copy.deepcopy(value)

    patch = pytest.MonkeyPatch()
    patch.setattr(mmengine_config_utils, '_get_cfg_metainfo', memo)
    patch.setattr(mmengine_hub, '_get_cfg_metainfo', memo)
    yield
    patch.undo()


def _flatten(transforms):
    for t in transforms:
        if isinstance(t, (list, tuple)):
            yield from _flatten(t)
        else:
            yield t
            yield from _flatten(t.get('transforms', []))


def _train_dataset(cfg):
    """Innermost dataset config (through CRDDataset and similar wrappers)
    and the first wrapper's settings."""
    dataset, wrapper = cfg.train_dataloader.dataset, {}
    while 'pipeline' not in dataset:
        wrapper = wrapper or dataset
        dataset = dataset.get('dataset') or dataset['datasets'][0]
    return dataset, wrapper


def _image_shape(pipeline):
    """(H, W) the config's train pipeline crops or resizes to."""
    shapes = []
    for t in _flatten(pipeline):
        key = _SIZE_KEYS.get(t['type'].split('.')[-1])
        size = t.get(key) if key else None
        if isinstance(size, int):
            shapes.append((size, size))
        elif isinstance(size, (list, tuple)) and len(size) == 2 \
                and all(isinstance(s, int) for s in size):
            # MMPretrain crops are (h, w); MMDet/MMCV scales are (w, h).
            shapes.append(tuple(size) if key == 'crop_size' else
                          (size[1], size[0]))
    return max(shapes, key=lambda s: s[0] * s[1]) if shapes else (32, 32)


def _find(cfg, key):
    """Depth-first search for ``key`` in nested dicts and lists."""
    if isinstance(cfg, dict):
        if key in cfg:
            return cfg[key]
        cfg = list(cfg.values())
    if isinstance(cfg, (list, tuple)):
        for value in cfg:
            found = _find(value, key)
            if found is not None:
                return found
    return None


def _channels(cfg):
    """Image channels: the length of the first normalisation mean."""
    for preprocessor in (_find(cfg.model, 'data_preprocessor'),
                         cfg.get('data_preprocessor')):
        if isinstance(preprocessor, dict) and 'mean' in preprocessor:
            return len(preprocessor['mean'])
    return 3


def _shrink_memory_banks(cfg):
    """CRD keeps two (train-set size x 128) banks (1.3 GB for ImageNet);
    one forward reads only ``neg_num + 1`` rows per image."""
    if isinstance(cfg, dict):
        if 'sample_n' in cfg and 'neg_num' in cfg:
            cfg['sample_n'] = cfg['neg_num'] + 2
        values = cfg.values()
    elif isinstance(cfg, (list, tuple)):
        values = cfg
    else:
        return
    for value in values:
        _shrink_memory_banks(value)


def _runner_info(cfg):
    """What MMEngine's Runner tells the model through the message hub
    (pruning algorithms read the schedule from it)."""
    hub = MessageHub.get_current_instance()
    train_cfg = cfg.get('train_cfg') or {}
    hub.update_info('epoch', 0)
    hub.update_info('iter', 0)
    hub.update_info('max_epochs', train_cfg.get('max_epochs', 1))
    hub.update_info('max_iters', train_cfg.get('max_iters', 1))


def _fake_batch(cfg, is_det):
    dataset, wrapper = _train_dataset(cfg)
    pipeline = [t for t in dataset.pipeline
                if not t['type'].split('.')[-1].startswith('Load')]
    h, w = _image_shape(dataset.pipeline)
    num = 2 if h * w <= 64 * 64 else 1
    rng = np.random.default_rng(0)
    transform = Compose(pipeline)
    samples = []
    for i in range(num):
        img = rng.integers(0, 255, (h, w, _channels(cfg)), dtype=np.uint8)
        results = dict(img=img, img_shape=(h, w), ori_shape=(h, w),
                       sample_idx=i, img_id=i, img_path=f'fake_{i}.jpg')
        if is_det:
            from mmdet.structures.bbox import HorizontalBoxes
            box = [w * 0.2, h * 0.2, w * 0.7, h * 0.8]
            results.update(
                gt_bboxes=HorizontalBoxes(np.array([box], np.float32)),
                gt_bboxes_labels=np.array([0], np.int64),
                gt_ignore_flags=np.array([False]))
        else:
            results['gt_label'] = i
        if 'neg_num' in wrapper:  # CRD: negatives' memory-bank rows
            results['contrast_sample_idxs'] = np.arange(
                wrapper['neg_num'] + 1)
        samples.append(transform(results))
    collate = cfg.train_dataloader.get('collate_fn',
                                       dict(type='pseudo_collate'))
    return FUNCTIONS.get(collate['type'])(samples)


def _export_pruned_students(node, out_dir):
    """Fine-tune configs read a pruned structure exported by an earlier
    stage: export a real one (MMRazor's L1 pruning at ratio 0.5) instead."""
    if isinstance(node, dict):
        if node.get('type') == 'PrunedStaticModel' and not osp.isfile(
                node['structure']):
            from mmengine.registry import DefaultScope

            from mmrazor_dccd.pruning import export_pruned
            from mmrazor_dccd.pruning.export import channel_analyzer
            with DefaultScope.overwrite_default_scope('mmrazor'):
                alg = MODELS.build(dict(
                    type='ItePruneAlgorithm',
                    architecture=copy.deepcopy(node['architecture']),
                    mutator_cfg=dict(
                        type='ChannelMutator',
                        channel_unit_cfg=dict(
                            type='L1MutableChannelUnit',
                            default_args=dict(choice_mode='ratio')),
                        parse_cfg=channel_analyzer(node['demo_input']))))
                # The unit feeding head.fc stays whole, as in the pipeline.
                alg.mutator.set_choices({
                    k: 1.0 if 'layer4.0.conv2' in k else 0.5
                    for k in alg.mutator.current_choices
                })
                out = export_pruned(alg, out_dir)
            node['structure'], node['checkpoint'] = (out['structure'],
                                                     out['checkpoint'])
        for value in node.values():
            _export_pruned_students(value, out_dir)


@pytest.mark.parametrize('path', CONFIGS)
def test_config_builds_and_runs_loss(path, tmp_path):
    cfg = load_config(osp.join(REPO, path))
    scope = cfg.get('default_scope', 'mmpretrain')
    init_default_scope(scope)
    model_cfg = copy.deepcopy(cfg.model)
    if 'teacher_ckpt' in model_cfg:
        model_cfg.teacher_ckpt = None  # model-zoo URLs / local teachers
    _shrink_memory_banks(model_cfg)
    _export_pruned_students(model_cfg, str(tmp_path))
    _runner_info(cfg)
    torch.manual_seed(0)
    model = MODELS.build(model_cfg)
    is_det = scope == 'mmdet' or any(
        'DetInputs' in t['type'] for t in _train_dataset(cfg)[0].pipeline)
    data = model.data_preprocessor(_fake_batch(cfg, is_det), training=True)
    model.train()
    losses = model(**data, mode='loss')

    assert losses, f'{path}: no losses'
    for name, value in losses.items():
        if 'loss' in name:
            value = torch.stack([v.sum() for v in value]) if isinstance(
                value, (list, tuple)) else value
            assert torch.isfinite(value).all(), f'{path}: {name}={value}'
    if 'teacher' in cfg.model:
        assert any(k.startswith('distill.') for k in losses), (
            f'{path}: distillation gave no distill.* loss: {list(losses)}')
