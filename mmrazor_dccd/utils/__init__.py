# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from ..compat.configs import load_config
from .dependencies import check_mmcv, installed_mmcv_distributions

__all__ = [
    'check_mmcv', 'installed_mmcv_distributions', 'load_config',
    'register_all_modules'
]


def register_all_modules(init_default_scope: bool = False) -> None:
    """Register MMPretrain's, MMRazor's and this plugin's modules.

    MMEngine calls ``<scope>.utils.register_all_modules`` for the
    ``mmrazor_dccd`` scope of configs inheriting ``mmrazor_dccd::`` bases.

    Args:
        init_default_scope (bool): Also set the default scope to
            ``mmpretrain``. Defaults to False.
    """
    import mmpretrain.utils

    import mmrazor.utils
    import mmrazor_dccd  # noqa: F401
    mmrazor.utils.register_all_modules(False)
    mmpretrain.utils.register_all_modules(init_default_scope)
