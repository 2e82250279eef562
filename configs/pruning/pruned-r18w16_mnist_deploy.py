# Test an exported pruned model with tools/test.py:
#   python tools/test.py configs/pruning/pruned-r18w16_mnist_deploy.py \
#       DIR/pruned.pth --cfg-options model.structure=DIR/structure.json
# DIR: a prune stage's export, or a fine-tune stage's (its pruned.pth is the
# fine-tuned student, static, with plain keys).
_base_ = ['./finetune_pruned-r18w16_mnist.py']
model = dict(checkpoint=None)
