# The student detector trained from scratch: the baseline for
# *-dccd_* (distilled backbone) and dccd_fpn_* (detector-to-detector DCCD).
_base_ = [
    '../_base_/models/retinanet_r18cifar_mnist-det.py',
    '../_base_/mnist_det.py',
]
model = {{_base_.retina_student}}
