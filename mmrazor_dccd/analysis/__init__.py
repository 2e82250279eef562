# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from .channel_alignment import (apply_linear_connector, channel_similarity,
                                fit_linear_connector, own_channel_share)
from .recording import (build_loader, build_model, feature_layers,
                        load_student, record_layers, student_config,
                        student_state, sub_state)
from .redundancy import (channel_correlation, channel_samples,
                         channel_variance, dead_channels, effective_rank,
                         feature_redundancy, mean_abs_correlation)

__all__ = [
    'channel_similarity', 'own_channel_share', 'fit_linear_connector',
    'apply_linear_connector', 'sub_state', 'student_config', 'student_state',
    'build_model', 'load_student', 'feature_layers', 'build_loader',
    'record_layers', 'channel_samples', 'channel_variance', 'dead_channels',
    'channel_correlation', 'mean_abs_correlation', 'effective_rank',
    'feature_redundancy'
]
