# A short iteration-based CPU schedule for Fashion-MNIST; the benchmark sets
# max_iters (same for every method of a table).
_base_ = './mnist_cpu.py'
