# Copyright (c) mmrazor-dccd contributors. All rights reserved.
import pytest
from mmengine.registry import DefaultScope


@pytest.fixture(autouse=True)
def mmrazor_scope():
    """Build from MMRazor's registry whatever scope earlier tests left."""
    with DefaultScope.overwrite_default_scope('mmrazor'):
        yield
