# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from .feature_to_map import FeatureToMap, token_grid

__all__ = ['FeatureToMap', 'token_grid']
