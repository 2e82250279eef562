# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Reusable pieces of the project's benchmarks (the tools are thin CLIs)."""
from .results_store import ResultsStore
from .runs import (ProgressHook, read_curve, set_options,
                   train_and_evaluate)
from .teacher import cached_teacher, teacher_key

__all__ = [
    'ResultsStore', 'ProgressHook', 'read_curve', 'set_options', 'train_and_evaluate',
    'cached_teacher', 'teacher_key'
]
