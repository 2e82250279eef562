# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""What the package itself uses: the dependency check
(:mod:`.dependencies`), the cache folder (:mod:`.paths`) and the scope hook
MMEngine calls."""

__all__ = ['register_all_modules']


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
