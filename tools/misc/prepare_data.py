# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Fetch and verify the data sets into the project cache (``make install``
runs it; dataset classes that find no data name it).

    python tools/misc/prepare_data.py [all|fashion_mnist|mnist ...]
"""
from mmrazor_dccd.data.prepare import main

if __name__ == '__main__':
    main()
