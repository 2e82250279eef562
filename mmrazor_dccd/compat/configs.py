# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Load configs, including MMRazor's stock ones written for MMClassification.

MMRazor 1.0.0's configs refer to ``mmcls::`` bases and models
(MMClassification became MMPretrain, which keeps most config paths), to a few
MMPretrain / MMDetection configs renamed since, and to files relative to their
own folder or to MMRazor's repository root. :func:`load_config` ports such a
config into a temporary copy (the installed file is left alone) so
``tools/train.py mmrazor::pruning/mmcls/group_fisher/...py`` works. The
``mmcls`` scope and modules themselves are served by
:mod:`mmrazor_dccd.compat.mmcls`.

Targets MMRazor 1.0.0's stock configs and MMEngine 0.10.7's config loader.
"""
import os.path as osp
import re
import tempfile

from mmengine.config import Config
from mmengine.utils import get_installed_path

from ..utils.dependencies import mmdet_installed, require_mmdet

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
# ``'mmdet::...'``, ``'mmdet.X'``, ``_scope_='mmdet'``: MMDetection is needed.
_MMDET_NAME = re.compile(r"""['"]mmdet(::|\.|['"])""")


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


def port_names(text: str) -> str:
    """Port a config's names: ``mmcls::`` paths and renamed MMClassification
    names to MMPretrain, renamed upstream configs to their new names."""
    for old, new in {**_MMCLS_RENAMES, **UPSTREAM_RENAMES}.items():
        text = text.replace(old, new)
    return text


def _data_file(name: str, config_dir: str) -> str:
    """Where a relative data file (``fix_subnet.json``) of a config is.

    From the working directory if it is there, else the config's folder,
    else, for MMRazor's ``'configs/...'`` (relative to its repository root),
    the installed package's ``.mim`` folder; ``name`` when found nowhere, so
    the error names what the config wrote.
    """
    candidates = [name, osp.join(config_dir, name)]
    if _MIM_CONFIGS in config_dir + osp.sep:
        mim_root = (config_dir + osp.sep).split(_MIM_CONFIGS)[0]
        candidates.append(osp.join(mim_root, '.mim', name))
    found = next((c for c in candidates if osp.isfile(c)), name)
    return name if found == name else osp.normpath(osp.abspath(found))


def _port_file(path: str, tmp: str) -> str:
    """The file to load for config ``path``: itself when nothing needs
    porting, else a ported copy in ``tmp`` (its bases ported likewise)."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    config_dir = osp.dirname(osp.abspath(path))

    def resolve(match: re.Match, copied: bool) -> str:
        name, ext = match.group(2), match.group(3)
        if osp.isabs(name):
            return match.group(0)
        if ext != 'py':
            new = _data_file(name, config_dir)
            return match.group(0) if new == name else repr(new)
        base = osp.normpath(osp.join(config_dir, name))
        if not osp.isfile(base):
            return match.group(0)
        new = _port_file(base, tmp)
        # A copy elsewhere must name its unported bases absolutely too.
        return repr(new) if new != base or copied else match.group(0)

    ported = _RELATIVE_FILE.sub(lambda m: resolve(m, False), port_names(text))
    if ported == text:
        return path
    ported = _RELATIVE_FILE.sub(lambda m: resolve(m, True), ported)
    fd, copy = tempfile.mkstemp(suffix='_' + osp.basename(path), dir=tmp)
    with open(fd, 'w', encoding='utf-8') as f:
        f.write(ported)
    return copy


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


def drop_merged_preprocessor(cfg: Config) -> None:
    """Undo ``data_preprocessor = {}`` merged into a typeless base one.

    MMRazor's pruning configs move the base config's data preprocessor into
    the architecture and write ``data_preprocessor = {}`` to drop the
    top-level one; MMEngine merges ``{}`` into the base dict instead, and the
    Runner then hands the algorithm a preprocessor without ``type``. The
    intent (the algorithm uses its architecture's) is restored.
    """
    top, model = cfg.get('data_preprocessor'), cfg.get('model')
    if (isinstance(top, dict) and 'type' not in top
            and isinstance(model, dict)
            and isinstance(model.get('architecture'), dict)
            and 'data_preprocessor' in model['architecture']):
        cfg.data_preprocessor = None


def _needs_mmdet(path: str) -> bool:
    """Whether config ``path`` or a relative base of it names MMDetection."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    if _MMDET_NAME.search(text):
        return True
    for match in _RELATIVE_FILE.finditer(text):
        base = osp.normpath(osp.join(osp.dirname(osp.abspath(path)),
                                     match.group(2)))
        if match.group(3) == 'py' and base != osp.normpath(path) and \
                osp.isfile(base) and _needs_mmdet(base):
            return True
    return False


def load_config(path: str) -> Config:
    """``Config.fromfile`` that also loads MMRazor's stock configs.

    A config (or a relative base of it) that needs porting is loaded from a
    ported temporary copy: ``mmcls::`` paths and renamed MMClassification
    names go to MMPretrain, upstream configs renamed since MMRazor 1.0.0 to
    their new names (:data:`UPSTREAM_RENAMES`), and relative bases and data
    files are resolved against the original config's folder. The installed
    file is left alone and ``cfg.filename`` is the original path.
    """
    path = resolve_config_path(path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'Config file not found: {path}')
    if not mmdet_installed() and _needs_mmdet(path):
        require_mmdet(f'The detection config {path}')
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Config.fromfile(_port_file(path, tmp))
    super(Config, cfg).__setattr__('_filename', path)
    scope_mmcls_preprocessors(cfg._cfg_dict)
    drop_merged_preprocessor(cfg)
    return cfg


def apply() -> None:
    """Let MMEngine resolve ``_base_ = 'mmrazor_dccd::dccd/...py'`` like
    ``mmpretrain::``; idempotent.

    MMEngine looks in ``get_installed_path(pkg)/.mim/configs``, a symlink to
    ``configs/`` in a checkout and a copy in an installed wheel.
    """
    from mmengine.config.utils import MODULE2PACKAGE
    MODULE2PACKAGE.setdefault('mmrazor_dccd', 'mmrazor_dccd')
