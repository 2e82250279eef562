# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Load configs, including MMRazor's stock ones written for MMClassification.

MMRazor 1.0.0's configs refer to ``mmcls::`` bases and models
(MMClassification became MMPretrain, which keeps most config paths), to a few
MMPretrain / MMDetection configs renamed since, and to files relative to their
own folder or to MMRazor's repository root. :func:`load_config` ports such a
config into a temporary copy (the installed file is left alone) so
``tools/train.py mmrazor::pruning/mmcls/group_fisher/...py`` works. The
``mmcls`` scope and modules themselves are served by
:mod:`mmrazor_dccd.compat_mmcls`.
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
# Upstream configs that MMRazor 1.0.0 refers to by their old names.
UPSTREAM_RENAMES = {
    'mmpretrain::deit/deit-base_pt-16xb64_in1k.py':
    'mmpretrain::deit/deit-base_16xb64_in1k.py',
    'mmdet::faster_rcnn/faster_rcnn_r50_fpn_1x_coco.py':
    'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py',
    'mmdet::faster_rcnn/faster_rcnn_r101_fpn_2x_coco.py':
    'mmdet::faster_rcnn/faster-rcnn_r101_fpn_2x_coco.py',
    'mmdet::gfl/gfl_r50_fpn_mstrain_2x_coco.py':
    'mmdet::gfl/gfl_r50_fpn_ms-2x_coco.py',
}
# A quoted relative file name: a base config or a data file.
_RELATIVE_FILE = re.compile(
    r"""(['"])([^'"\s:]+\.(py|json|pth|yaml|yml))\1""")
_MIM_CONFIGS = f'{osp.sep}.mim{osp.sep}configs{osp.sep}'


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


def _resolve_relative(match: re.Match, config_dir: str) -> str:
    """Anchor one relative file name to where the original config lives.

    ``_base_`` files (``.py``) are relative to the config's folder, as in
    MMEngine. Data files (``fix_subnet.json``) are kept when they exist from
    the working directory, else looked up in the config's folder, else, for
    MMRazor's ``'configs/...'`` (relative to its repository root), in the
    installed package's ``.mim`` folder. Names found nowhere stay as they
    are, so the error names what the config wrote.
    """
    name, ext = match.group(2), match.group(3)
    if osp.isabs(name):
        return match.group(0)
    candidates = [osp.join(config_dir, name)]
    if ext != 'py':
        candidates.insert(0, name)
        if _MIM_CONFIGS in config_dir + osp.sep:
            mim_root = (config_dir + osp.sep).split(_MIM_CONFIGS)[0]
            candidates.append(osp.join(mim_root, '.mim', name))
    for path in candidates:
        if osp.isfile(path):
            return match.group(0) if path == name else repr(
                osp.normpath(osp.abspath(path)))
    return match.group(0)


def port_mmcls_text(text: str, config_dir: str) -> str:
    """Port a config's text to MMPretrain / MMDetection 3.x, for a copy.

    Args:
        text (str): The config file's text.
        config_dir (str): The folder of the original config file, which
            relative file names are resolved against.

    Returns:
        str: The text with ``mmcls::`` paths and names ported, upstream
        configs renamed since MMRazor 1.0.0 mapped to their new names, and
        relative files made absolute.
    """
    for old, new in _MMCLS_RENAMES.items():
        text = text.replace(old, new)
    for old, new in UPSTREAM_RENAMES.items():
        text = text.replace(old, new)
    return _RELATIVE_FILE.sub(lambda m: _resolve_relative(m, config_dir),
                              text)


def scope_mmcls_preprocessors(cfg) -> None:
    """Give ``type='mmcls.ImageClassifier'`` its MMClassification default.

    MMClassification's ``ImageClassifier`` defaulted its data preprocessor to
    ``'mmcls.ClsDataPreprocessor'``; MMPretrain's defaults to the unscoped
    ``'ClsDataPreprocessor'``, which is not found when the classifier is
    built from another scope (``_scope_='mmrazor'``), as MMRazor's configs
    do. The scoped default is written into the config, in place.
    """
    if isinstance(cfg, dict):
        if (cfg.get('type') == 'mmcls.ImageClassifier'
                and cfg.get('data_preprocessor') is None):
            cfg['data_preprocessor'] = dict(type='mmcls.ClsDataPreprocessor')
        for value in cfg.values():
            scope_mmcls_preprocessors(value)
    elif isinstance(cfg, (list, tuple)):
        for value in cfg:
            scope_mmcls_preprocessors(value)


def load_config(path: str) -> Config:
    """``Config.fromfile`` that also loads MMRazor's stock configs.

    A config that needs porting (see :func:`port_mmcls_text`) is loaded from
    a ported temporary copy; the installed file is left alone and
    ``cfg.filename`` is the original path.
    """
    path = resolve_config_path(path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'Config file not found: {path}')
    with open(path, encoding='utf-8') as f:
        text = f.read()
    ported = port_mmcls_text(text, osp.dirname(osp.abspath(path)))
    if ported == text:
        cfg = Config.fromfile(path)
        scope_mmcls_preprocessors(cfg._cfg_dict)
        return cfg
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = osp.join(tmp, osp.basename(path))
        with open(tmp_path, 'w', encoding='utf-8') as f:
            f.write(ported)
        cfg = Config.fromfile(tmp_path)
    super(Config, cfg).__setattr__('_filename', path)
    scope_mmcls_preprocessors(cfg._cfg_dict)
    return cfg
