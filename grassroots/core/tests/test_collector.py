"""core.collector.paused: bulk work without cyclic collections, and the collector back after."""

from __future__ import annotations

import gc

import pytest

from grassroots.core.collector import paused


def test_the_block_that_paused_the_collector_resumes_it_even_after_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused():
        assert not gc.isenabled()
        raise RuntimeError("bulk work failed")
    assert gc.isenabled()


def test_a_nested_block_leaves_the_collector_paused_for_the_outer_one() -> None:
    with paused():
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_stays_paused() -> None:
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
