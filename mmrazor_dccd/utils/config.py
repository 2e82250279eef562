# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Load configs, including MMRazor's stock ones written for MMClassification.

MMRazor 1.0.0's configs refer to ``mmcls::`` bases and models; MMClassification
became MMPretrain, which keeps the same config paths. :func:`load_config`
ports such a config in memory (a temporary copy, the installed file is left
alone) so ``tools/train.py mmrazor::distill/mmcls/kd/...py`` works.
"""
import os.path as osp
import re
import tempfile

from mmengine.config import Config
from mmengine.config.utils import MODULE2PACKAGE
from mmengine.utils import get_installed_path

# Let MMEngine resolve `_base_ = 'mmrazor_dccd::dccd/...py'` like
# `mmpretrain::`: it looks in get_installed_path(pkg)/.mim/configs, which is
# a symlink to configs/ in a checkout and a copy in an installed wheel.
MODULE2PACKAGE.setdefault('mmrazor_dccd', 'mmrazor_dccd')

# MMClassification 1.x names that MMPretrain renamed.
_MMCLS_RENAMES = {
    'mmcls::': 'mmpretrain::',
    'PackClsInputs': 'PackInputs',
    "'ClsDataSample'": "'DataSample'",
}
_RELATIVE_PY = re.compile(r"""(['"])(\.{1,2}/[^'"]+\.py)\1""")


def resolve_config_path(path: str) -> str:
    """Turn ``mmrazor::x.py`` / ``mmrazor_dccd::x.py`` into a file path."""
    if '::' not in path:
        return path
    package, rel = path.split('::', 1)
    root = osp.join(get_installed_path(package), '.mim', 'configs')
    if package == 'mmrazor_dccd' and not osp.isdir(root):
        # Editable install: configs live in the checkout.
        root = osp.join(osp.dirname(get_installed_path(package)), 'configs')
    return osp.join(root, rel)


def port_mmcls_text(text: str, config_dir: str) -> str:
    """Port a config's text from MMClassification to MMPretrain."""
    for old, new in _MMCLS_RENAMES.items():
        text = text.replace(old, new)
    # The copy lives elsewhere: anchor relative base paths to the original.
    return _RELATIVE_PY.sub(
        lambda m: repr(osp.normpath(osp.join(config_dir, m.group(2)))), text)


def load_config(path: str) -> Config:
    """``Config.fromfile`` that also accepts MMRazor's ``mmcls::`` configs."""
    path = resolve_config_path(path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'Config file not found: {path}')
    with open(path, encoding='utf-8') as f:
        text = f.read()
    if 'mmcls::' not in text:
        return Config.fromfile(path)
    ported = port_mmcls_text(text, osp.dirname(osp.abspath(path)))
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = osp.join(tmp, osp.basename(path))
        with open(tmp_path, 'w', encoding='utf-8') as f:
            f.write(ported)
        cfg = Config.fromfile(tmp_path)
    super(Config, cfg).__setattr__('_filename', path)
    return cfg
