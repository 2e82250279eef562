# The student detector (ResNet-18-CIFAR width 4, the student of pair (a))
# with a randomly initialised backbone: the baseline of the transfer table
# and the student of the detector-to-detector table.
_base_ = [
    '../_base_/models/retinanet_fmnist-det.py',
    '../_base_/fmnist_det.py',
]
model = _base_.retina_r18w4
