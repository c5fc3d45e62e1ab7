"""consistent_resize_torch in a DistributedDataParallel model: gloo, 2 processes on CPU; the gradients
equal the single-process run."""

from __future__ import annotations

import os
import socket
import tempfile

import pytest

torch = pytest.importorskip("torch")

from consistent_resize_torch import Resize  # noqa: E402


def _model():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(2, 3, 3, padding=1), Resize((9, 7), preset="pytorch_bicubic"), torch.nn.Conv2d(3, 1, 1)
    ).double()


def _data():
    generator = torch.Generator().manual_seed(1)
    return torch.randn(4, 2, 6, 5, dtype=torch.float64, generator=generator)


def _ddp_worker(rank, world, port, out_dir):
    import torch.distributed as dist

    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        model = torch.nn.parallel.DistributedDataParallel(_model())
        x = _data().chunk(world)[rank]
        model(x).square().mean().backward()
        torch.save([p.grad for p in model.parameters()], os.path.join(out_dir, f"grads{rank}.pt"))
        # both ranks done before the group goes: tearing gloo down while the other rank still talks to it
        # aborted a worker ("terminate called without an active exception") on a loaded 2-core machine
        dist.barrier()
    finally:
        dist.destroy_process_group()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ddp_gloo_two_processes_equal_single_process():
    import torch.multiprocessing as mp

    model = _model()
    model(_data()).square().mean().backward()
    single = [p.grad for p in model.parameters()]
    with tempfile.TemporaryDirectory() as out_dir:
        mp.spawn(_ddp_worker, args=(2, _free_port(), out_dir), nprocs=2, join=True)
        for rank in range(2):
            grads = torch.load(os.path.join(out_dir, f"grads{rank}.pt"))
            for got, expected in zip(grads, single):
                torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-12)
