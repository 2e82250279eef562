# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from .dccd_distill import DCCDDistill

__all__ = ['DCCDDistill']
