# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""docs/support_matrix.md is the rendering of the support matrix test's
cases: a case added or dropped there fails here until the page is
regenerated (``python tools/analysis/support_matrix.py``)."""
import importlib.util
import os.path as osp

import pytest
from dccd_test_utils import REPO

pytestmark = pytest.mark.fast


def _tool():
    path = osp.join(REPO, 'tools/analysis/support_matrix.py')
    spec = importlib.util.spec_from_file_location('support_matrix', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_page_is_the_rendering():
    tool = _tool()
    with open(osp.join(REPO, tool.PAGE)) as f:
        assert f.read() == tool.render(tool.load_cases()), (
            'docs/support_matrix.md is stale: run '
            'python tools/analysis/support_matrix.py')


def test_every_case_is_on_the_page():
    """Each family and detector has a row, marked for each role it has a
    case in, and the required families are all there."""
    tool = _tool()
    cases = tool.load_cases()
    page = tool.render(cases)
    for name in list(cases.FAMILIES) + list(cases.DETECTORS):
        row = next(line for line in page.splitlines()
                   if line.startswith(f'| {name} |'))
        assert row.count(tool.YES) >= 2, row
    assert {'ResNet', 'ResNeXt', 'MobileNetV2', 'MobileNetV3',
            'ShuffleNetV2', 'EfficientNet', 'RegNet', 'ConvNeXt', 'ViT',
            'DeiT', 'Swin'} <= set(cases.FAMILIES)
    assert {'RetinaNet', 'FCOS', 'ATSS', 'Faster R-CNN'} <= set(
        cases.DETECTORS)
    for vit in ('ViT', 'DeiT', 'Swin'):
        assert ('ResNet', vit) in cases.CLS_CASES
        assert (vit, 'ResNet') in cases.CLS_CASES


def test_check_mode_reports_a_stale_page(tmp_path):
    tool = _tool()
    stale = tmp_path / 'page.md'
    stale.write_text('# old\n')
    assert tool.main(['--out', str(stale), '--check']) == 1
    assert tool.main(['--out', str(stale)]) == 0
    assert tool.main(['--out', str(stale), '--check']) == 0
