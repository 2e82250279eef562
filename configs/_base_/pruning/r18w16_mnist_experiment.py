# The prune -> export -> fine-tune experiment on MNIST, read by
# benchmarks.pruning.pipeline.Experiment.fromfile (tools/pruning/*.py):
# the unpruned width-16 ResNet_CIFAR-18, its input, one config per stage
# (paths relative to this file) and the L1 configs' kept channel ratio per
# FLOPs target (the unit feeding head.fc kept; counted with MMRazor's
# ResourceEstimator on a (1, 1, 28, 28) input: see docs/pruning.md).
_base_ = ['../models/resnet18-cifar_mnist.py']
architecture = _base_.mnist_teacher
input_shape = (1, 1, 28, 28)
stage_configs = dict(
    l1='../../pruning/l1-norm_r18w16_mnist.py',
    l1_dccd='../../pruning/l1-norm-dccd_r18w16_mnist.py',
    groupfisher='../../pruning/group-fisher_r18w16_mnist.py',
    groupfisher_dccd='../../pruning/group-fisher-dccd_r18w16_mnist.py',
    finetune='../../pruning/finetune_pruned-r18w16_mnist.py',
    finetune_dccd='../../pruning/dccd_finetune_pruned-r18w16_mnist.py')
# (FLOPs target, kept ratio): 0.44 -> ~25% FLOPs, 0.68 -> ~50%.
l1_kept_ratios = [(0.25, 0.44), (0.5, 0.68)]
