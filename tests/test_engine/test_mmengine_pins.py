# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Pins on MMEngine internals that this package overrides.

``AtomicCheckpointHook._save_checkpoint_with_step`` replaces MMEngine's
private ``CheckpointHook._save_checkpoint_with_step`` (re-ordered so that a
kill mid-save never leaves a truncated checkpoint). ``setup.cfg`` accepts
``mmengine>=0.10.7,<1.0``; if a new MMEngine changes the upstream method, the
override may silently drop the change, so this test fails until the override
is re-checked against the new text.
"""
import inspect
import textwrap

from mmengine.hooks import CheckpointHook

from mmrazor_dccd.engine import AtomicCheckpointHook

# MMEngine 0.10.7's CheckpointHook._save_checkpoint_with_step, verbatim: the
# text AtomicCheckpointHook._save_checkpoint_with_step was written from.
UPSTREAM_0_10_7 = """\
def _save_checkpoint_with_step(self, runner, step, meta):
    # remove other checkpoints before save checkpoint to make the
    # self.keep_ckpt_ids are saved as expected
    if self.max_keep_ckpts > 0:
        # _save_checkpoint and _save_best_checkpoint may call this
        # _save_checkpoint_with_step in one epoch
        if len(self.keep_ckpt_ids) > 0 and self.keep_ckpt_ids[-1] == step:
            pass
        else:
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                _step = self.keep_ckpt_ids.popleft()
                if is_main_process():
                    ckpt_path = self.file_backend.join_path(
                        self.out_dir, self.filename_tmpl.format(_step))

                    if self.file_backend.isfile(ckpt_path):
                        self.file_backend.remove(ckpt_path)
                    elif self.file_backend.isdir(ckpt_path):
                        # checkpoints saved by deepspeed are directories
                        self.file_backend.rmtree(ckpt_path)

            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids',
                                           list(self.keep_ckpt_ids))

    ckpt_filename = self.filename_tmpl.format(step)
    self.last_ckpt = self.file_backend.join_path(self.out_dir,
                                                 ckpt_filename)
    runner.message_hub.update_info('last_ckpt', self.last_ckpt)

    runner.save_checkpoint(
        self.out_dir,
        ckpt_filename,
        self.file_client_args,
        save_optimizer=self.save_optimizer,
        save_param_scheduler=self.save_param_scheduler,
        meta=meta,
        by_epoch=self.by_epoch,
        backend_args=self.backend_args,
        **self.args)

    # Model parallel-like training should involve pulling sharded states
    # from all ranks, but skip the following procedure.
    if not is_main_process():
        return

    save_file = osp.join(runner.work_dir, 'last_checkpoint')
    with open(save_file, 'w') as f:
        f.write(self.last_ckpt)  # type: ignore
"""


def test_overridden_mmengine_method_is_the_one_we_copied():
    upstream = textwrap.dedent(
        inspect.getsource(CheckpointHook._save_checkpoint_with_step))
    assert issubclass(AtomicCheckpointHook, CheckpointHook)
    assert '_save_checkpoint_with_step' in vars(AtomicCheckpointHook)
    assert upstream == UPSTREAM_0_10_7, (
        'MMEngine changed CheckpointHook._save_checkpoint_with_step, which '
        'mmrazor_dccd.engine.hooks.AtomicCheckpointHook overrides. Re-check '
        'the override against the new upstream text (what it deletes, '
        'records in the message hub and writes to last_checkpoint, in what '
        'order), port any change, then update UPSTREAM_0_10_7 in this test.')
