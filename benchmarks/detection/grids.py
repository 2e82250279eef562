# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The detection benchmark's set, schedule, initialisations and grids, as
data. How the set and the schedule were chosen (the designs tried and
their validation AP) is told in docs/detection.md, not here."""
C = 'configs/detection/fmnist/'
D = 'model.distiller.'

# The Fashion-MNIST canvas set (mmrazor_dccd.data.
# fashion_mnist_detection.make_fashion_mnist_detection arguments).
DATA = dict(num_images=dict(train=8000, val=1000, test=1000), canvas_size=96,
            num_objects=(1, 4), object_size=(24, 40), seed=0)
# Every detection run: iterations, images per step, validations during
# training (the AP-vs-iteration curve; the last one is the val score).
SCHEDULE = dict(iters=1000, batch=16, val_every=250)
SEEDS = (5, 6, 7)  # the classification benchmark's first test seeds

# Detector configs: the student detector (the backbone of pair (a)'s
# students) and the teacher detector (the teacher's backbone).
STUDENT_DET = C + 'retinanet_r18cifar-w4_fpn_fmnist-det.py'
TEACHER_DET = C + 'retinanet_r18cifar-w16_fpn_fmnist-det.py'

# Backbone transfer: where each initialisation comes from. `cls`: a
# classifier of the Fashion-MNIST benchmark (its run folders, same seed as
# the detector); `teacher`: the shipped teacher classifier; `random`: none.
# `best_baseline` is the pair's baseline with the best mean validation
# top-1 in the classification table.
TRANSFER_PAIR = 'a'
TRANSFER = f'transfer_{TRANSFER_PAIR}'  # the experiment's name in the stores
INITS = ('random', 'student', 'kd', 'dccd', 'best_baseline', 'teacher')
CLS_BASELINES = ('kd', 'dkd', 'dist', 'crd', 'cwd')
# The classification runs the backbones come from (benchmarks.fmnist's
# short schedule: run folders <cls-work-dir>/v2/final/<pair>/
# <method>-<setting>/seed<seed>/iter_400.pth).
CLS_STAGE, CLS_ITERS = 'v2/final', 400

# Detector-to-detector distillation: teacher detector (TEACHER_DET, trained
# once, seed 0) -> student detector (STUDENT_DET). method -> (config, the
# loss-weight option of every FPN level, grid, factor between values).
DET_DISTILL = 'distill_w16_w4'
LEVELS = (0, 1, 2)


def _per_level(name, key):
    return [f'{D}distill_losses.loss_{name}_fpn{i}.{key}' for i in LEVELS]


DISTILL = {
    'none': (STUDENT_DET, None, (), None),
    'dccd': (C + 'dccd_fpn_retina-w16_retina-w4_fmnist-det.py',
             _per_level('cc', 'loss_weight'), (0.25, 1, 4), 4),
    'cwd': (C + 'cwd_fpn_retina-w16_retina-w4_fmnist-det.py',
            _per_level('cwd', 'loss_weight'), (2.5, 10, 40), 4),
    'pkd': (C + 'pkd_fpn_retina-w16_retina-w4_fmnist-det.py',
            _per_level('pkd', 'loss_weight'), (2.5, 10, 40), 4),
    'mgd': (C + 'mgd_fpn_retina-w16_retina-w4_fmnist-det.py',
            _per_level('mgd', 'alpha_mgd'), (5e-4, 2e-3, 8e-3), 4),
}
TUNE_SEEDS = (10, )
MAX_EXTENSIONS = 1
