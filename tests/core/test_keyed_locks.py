"""Per-key locks: one block per key at a time, in arrival order, and nothing left behind."""

from __future__ import annotations

import asyncio

from core.keyed_locks import KeyedLocks


async def test_blocks_of_one_key_run_one_at_a_time_in_arrival_order() -> None:
    locks: KeyedLocks[int] = KeyedLocks()
    order: list[str] = []

    async def block(key: int, name: str) -> None:
        async with locks.hold(key):
            order.append(f"{name} in")
            await asyncio.sleep(0.01)
            order.append(f"{name} out")

    await asyncio.gather(block(1, "a"), block(1, "b"), block(1, "c"))
    assert order == ["a in", "a out", "b in", "b out", "c in", "c out"]
    assert len(locks) == 0


async def test_other_keys_do_not_wait() -> None:
    locks: KeyedLocks[str] = KeyedLocks()
    release = asyncio.Event()

    async def hold_a() -> None:
        async with locks.hold("a"):
            await release.wait()

    holder = asyncio.create_task(hold_a())
    await asyncio.sleep(0)
    async with asyncio.timeout(1):
        async with locks.hold("b"):
            assert locks.users("a") == 1
    release.set()
    await holder
    assert (locks.users("a"), len(locks)) == (0, 0)


async def test_a_waiter_cancelled_leaves_the_count_true() -> None:
    locks: KeyedLocks[int] = KeyedLocks()
    release = asyncio.Event()

    async def hold() -> None:
        async with locks.hold(7):
            await release.wait()

    holder = asyncio.create_task(hold())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(hold())
    await asyncio.sleep(0)
    assert locks.users(7) == 2
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    assert locks.users(7) == 1
    release.set()
    await holder
    assert len(locks) == 0
