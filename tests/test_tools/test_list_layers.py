# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""tools/analysis/list_layers.py: the candidate feature layers of a
config's models with their output shapes and how DCCD reads them."""
import importlib.util
import os.path as osp

from dccd_test_utils import REPO, run_tool

from mmrazor_dccd.analysis import build_model

DCCD_CFG = 'configs/dccd/dccd_r18w16_r18w4_mnist.py'
DET_CFG = 'configs/detection/mnist/dccd_fpn_retina-w16_retina-w4_mnist-det.py'


def _tool():
    path = osp.join(REPO, 'tools/analysis/list_layers.py')
    spec = importlib.util.spec_from_file_location('list_layers', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(out, name):
    return next(line.split() for line in out.splitlines()
                if line.split()[:1] == [name])


def test_distillation_config_lists_student_and_teacher():
    """Both models of a DCCD config, on the distiller's demo_input: the
    width-4 student's layer4 is 32 channels at 4x4, the width-16 teacher's
    128."""
    out = run_tool('tools/analysis/list_layers.py', DCCD_CFG, '--depth',
                   '2').stdout
    student, teacher = out.split('# teacher')
    assert '# student: ImageClassifier, input (1, 1, 28, 28)' in student
    assert _row(student, 'backbone.layer4')[2:] == ['Tensor(1,', '32,',
                                                    '4,', '4)', 'map']
    assert _row(teacher, 'backbone.layer4')[2] == 'Tensor(1,'
    assert _row(teacher, 'backbone.layer4')[3] == '128,'
    assert _row(student, 'head.fc')[-1] == 'pooled'


def test_detector_neck_is_a_tuple_of_levels():
    """A detector runs extract_feat (its head needs image metas): the
    neck's FPN levels are one tuple, read with data_idx."""
    tool = _tool()
    cfg = tool.load_config(osp.join(REPO, DET_CFG))
    (who, model_cfg), = tool.models_of(cfg, 'student')
    assert who == 'student'
    rows = {r[0]: r for r in tool.list_layers(build_model(model_cfg),
                                              (1, 1, 64, 64), depth=2)}
    assert rows['neck'][1:] == (
        'FPN', 'tuple(Tensor(1, 32, 16, 16), Tensor(1, 32, 8, 8), '
        'Tensor(1, 32, 4, 4))', 'tuple: set data_idx')
    assert 'bbox_head' not in rows
    assert all(name.count('.') < 2 for name in rows)


def test_plain_config_and_tokens(tmp_path):
    """A plain model config is listed as 'model'; a ViT's layers give
    tokens, the default input is (1, 3, 224, 224)."""
    cfg = tmp_path / 'vit.py'
    cfg.write_text(
        "model = dict(_scope_='mmpretrain', type='ImageClassifier', "
        "backbone=dict(type='VisionTransformer', img_size=224, "
        'patch_size=32, arch=dict(embed_dims=32, num_layers=1, '
        'num_heads=1, feedforward_channels=32)))\n')
    tool = _tool()
    (who, model_cfg), = tool.models_of(tool.load_config(str(cfg)))
    assert who == 'model'
    rows = {r[0]: r for r in tool.list_layers(build_model(model_cfg))}
    assert rows['backbone.layers.0'][2:] == ('Tensor(1, 50, 32)', 'tokens')
