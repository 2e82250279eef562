# Real Fashion-MNIST (60k/10k, MIT), found or installed by the dataset class
# (data_root, cache, Debian's dataset-fashion-mnist; no downloads at run
# time). 'val' is 5,000 class-balanced images held out from the training
# set: hyper-parameters are chosen on it; 'test' is read for final tables.
dataset_type = 'mmrazor.PackagedFashionMNIST'
# Normalisation (train mean 0.2860, std 0.3530) lives in the preprocessors.

train_pipeline = [
    dict(type='RandomCrop', crop_size=28, padding=2),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    dataset=dict(type=dataset_type, split='train', pipeline=train_pipeline),
    sampler=dict(type='InfiniteSampler', shuffle=True),  # iteration-based
)
val_dataloader = dict(
    batch_size=500,
    num_workers=0,
    dataset=dict(
        type=dataset_type, split='val', test_mode=True,
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = dict(
    batch_size=500,
    num_workers=0,
    dataset=dict(
        type=dataset_type, split='test', test_mode=True,
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
test_evaluator = val_evaluator
