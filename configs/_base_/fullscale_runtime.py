# Runtime of the full-scale (GPU) recipes: MMPretrain's (NCCL, epoch-based
# hooks), plus the plugin. The MNIST/CPU configs use default_runtime.py (gloo).
_base_ = 'mmpretrain::_base_/default_runtime.py'

custom_imports = dict(imports=['mmrazor_dccd'], allow_failed_imports=False)
