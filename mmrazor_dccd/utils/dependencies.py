# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Check that the installed OpenMMLab stack fits together.

Errors name the version found and the command that fixes it. The
classification install (``make install``) has the pure-Python
``mmcv-lite``; detection (MMDetection, mmcv's compiled ops) is the extra
``make install-det`` (docs/compat.md#install).
"""
import importlib.metadata as metadata
import importlib.util
from typing import List

MMCV_VERSION = '2.1.0'
INSTALL_MMCV = 'bash tools/install/install_mmcv.sh'
INSTALL_DET = ("`make install-det` (or `bash tools/install/install_mmcv.sh && "
               "pip install -e '.[det]'`; docs/compat.md#install)")
_MMCV_DISTS = ('mmcv', 'mmcv-lite', 'mmcv-full')


def _installed(dist: str):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def installed_mmcv_distributions() -> List[str]:
    """``['mmcv==2.1.0', ...]`` for every distribution providing ``mmcv``."""
    return [f'{d}=={v}' for d in _MMCV_DISTS if (v := _installed(d))]


def check_mmcv(require_ops: bool = False) -> None:
    """Raise ``ImportError`` unless exactly one mmcv 2.1.0 is installed.

    Args:
        require_ops (bool): Also require mmcv's compiled ops (``mmcv._ext``),
            which MMDetection needs. Defaults to False.
    """
    found = installed_mmcv_distributions()
    fix = ('Fix: `pip uninstall -y mmcv mmcv-lite mmcv-full`, then '
           '`pip install mmcv-lite==2.1.0` for classification or '
           f'`{INSTALL_MMCV}` for detection (from the mmrazor-dccd '
           'checkout; see docs/compat.md#install).')
    if not found:
        raise ImportError(f'mmcv is not installed. {fix}')
    if len(found) > 1:
        raise ImportError(
            f'Several distributions install the `mmcv` package: {found}; they '
            f'overwrite each other. Keep exactly one mmcv=={MMCV_VERSION}. '
            f'{fix}')
    dist, version = found[0].split('==')
    if version != MMCV_VERSION:
        raise ImportError(
            f'Found {found[0]}, but MMRazor 1.0.0, MMDetection 3.3.0 and '
            f'MMPretrain 1.2.0 together need mmcv=={MMCV_VERSION}. {fix}')
    if require_ops:
        try:
            import mmcv._ext  # noqa: F401
        except ImportError as exc:
            raise ImportError(
                f'Found {found[0]} without compiled ops (`import mmcv._ext` '
                f'failed: {exc}); MMDetection needs them. Fix: '
                f'{INSTALL_DET}.') from exc


def mmdet_installed() -> bool:
    """Whether MMDetection (the ``det`` extra) is importable."""
    return importlib.util.find_spec('mmdet') is not None


def require_mmdet(what: str) -> None:
    """Raise ``ImportError`` naming the fix unless the detection extra is
    installed (MMDetection and mmcv's compiled ops).

    Args:
        what (str): What needs it, for the message (e.g. a config path).
    """
    if not mmdet_installed():
        raise ImportError(
            f'{what} needs MMDetection, which the classification install '
            f'leaves out (it needs mmcv\'s compiled ops). Fix: {INSTALL_DET}.')
    check_mmcv(require_ops=True)
