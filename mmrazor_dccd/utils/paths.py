# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Where the project keeps data, teachers and built wheels."""
import os
import os.path as osp


def cache_dir(*parts: str) -> str:
    """``$MMRAZOR_DCCD_CACHE`` (default ``$XDG_CACHE_HOME/mmrazor_dccd``,
    i.e. ``~/.cache/mmrazor_dccd``), joined with ``parts``."""
    root = os.environ.get('MMRAZOR_DCCD_CACHE') or osp.join(
        os.environ.get('XDG_CACHE_HOME', osp.expanduser('~/.cache')),
        'mmrazor_dccd')
    return osp.join(root, *parts)
