# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from .dccd_distiller import DCCDDistiller

__all__ = ['DCCDDistiller']
