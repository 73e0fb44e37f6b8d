"""Run the `llmkit` command line with one fault injected (used by tests/test_faults.py).

    LLMKIT_FAULT=kill-after-step:3 python tests/fault_injection.py train sentiment ...
    LLMKIT_FAULT=term-after-step:2:1 accelerate launch --multi_gpu --num_processes 2 tests/fault_injection.py train ...

Faults, counted from this process's start (a resumed run counts from 0 again):
    kill-after-step:N           SIGKILL this process right after its N-th optimizer step
    kill-while-saving:N         SIGKILL it while writing its N-th checkpoint: files written, marker not yet
    term-after-step:N[:RANK]    SIGTERM it (only on process RANK, if given) right after its N-th optimizer step
"""

import os
import signal

from torch.optim.optimizer import register_optimizer_step_post_hook

from llmkit import checkpoints
from llmkit.cli import main

kind, count, *only_rank = os.environ["LLMKIT_FAULT"].split(":")
when = int(count)
calls = {"steps": 0, "saves": 0}


def after_step(optimizer, args, kwargs):
    calls["steps"] += 1
    this_rank = not only_rank or os.environ.get("RANK", "0") == only_rank[0]
    if calls["steps"] == when and kind.endswith("after-step") and this_rank:
        os.kill(os.getpid(), signal.SIGKILL if kind.startswith("kill") else signal.SIGTERM)


seal = checkpoints._seal


def seal_or_die(*args, **kwargs):
    calls["saves"] += 1
    if calls["saves"] == when and kind == "kill-while-saving":
        os.kill(os.getpid(), signal.SIGKILL)
    seal(*args, **kwargs)


register_optimizer_step_post_hook(after_step)
checkpoints._seal = seal_or_die
main()
