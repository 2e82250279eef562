# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from .config import load_config
from .dependencies import check_mmcv, installed_mmcv_distributions

__all__ = ['check_mmcv', 'installed_mmcv_distributions', 'load_config']
