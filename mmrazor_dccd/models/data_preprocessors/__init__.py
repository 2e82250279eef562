# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from .multi_view import MultiViewClsDataPreprocessor

__all__ = ['MultiViewClsDataPreprocessor']
