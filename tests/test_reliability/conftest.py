# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from reliability_fixtures import dccd_cfg, tiny_dccd_cfg  # noqa: F401
