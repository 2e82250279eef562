# Fine-tune an exported pruned model alone (cross-entropy): the baseline
# of DCCD fine-tuning. `pruned_dir` holds structure.json + pruned.pth
# written by tools/pruning/prune_distill.py (or export_pruned()).
_base_ = [
    '../_base_/models/resnet18-cifar_mnist.py',
    '../_base_/datasets/mnist_bs64.py',
    '../_base_/schedules/mnist_cpu.py',
]
pruned_dir = 'work_dirs/pruning/l1-norm/prune'

# The unpruned architecture narrowed to structure.json, weights loaded
# strictly; no pruning algorithm involved.
model = dict(_scope_='mmrazor',
             type='PrunedStaticModel',
             architecture={{_base_.mnist_teacher}},
             structure=pruned_dir + '/structure.json',
             checkpoint=pruned_dir + '/pruned.pth',
             demo_input=(1, 1, 28, 28))

max_iters = 200
optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = dict(T_max=max_iters)
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
