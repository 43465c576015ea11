"""The registry of paths and suites: every path one module, the suites'
catalogues, the baselines, and a fake path added as a newcomer would."""

import pytest

from gfp_bench import registry
from gfp_bench.config import BenchConfig
from gfp_bench.paths import simulated_paths

PATHS = ["vswitch-only", "host-dpdk", "guest-dpdk", "both", "reference",
         "direct"]
COMPONENTS = ["fwd-vhost-io", "testpmd-vhost-io", "fwd-vhost-io-retry",
              "fwd-vhost-macswap",
              "testpmd-vhost-macswap", "fwd-mmap", "testpmd-afpacket",
              "fwd-xdp", "fwd-xdp-copy", "fwd-xdp-hold",
              "ovs-pmmap", "ovs-pmmap-zc", "ovs-system",
              "ovs-afpacket"]
IDLE = ["fwd-idle-poll", "fwd-idle-sleep", "fwd-idle-interrupt"]


def test_suites_and_their_paths_in_order():
    assert [s.name for s in registry.suites()] == ["paths", "components",
                                                   "idle"]
    assert list(registry.catalogue("paths")) == PATHS
    assert list(registry.catalogue("components")) == COMPONENTS
    assert list(registry.catalogue("idle")) == IDLE
    with pytest.raises(KeyError):
        registry.suite_paths("nosuch")


def test_baselines():
    assert registry.baselines(PATHS)["both"] == "vswitch-only"
    assert registry.baselines(PATHS)["vswitch-only"] == "vswitch-only"
    b = registry.baselines(COMPONENTS)
    assert b["fwd-vhost-io"] == "testpmd-vhost-io"
    assert b["fwd-vhost-io-retry"] == "fwd-vhost-io"
    assert b["fwd-mmap"] == "testpmd-afpacket"
    assert b["fwd-xdp"] == "fwd-mmap"
    assert b["fwd-xdp-copy"] == "fwd-xdp"
    assert b["fwd-xdp-hold"] == "fwd-mmap"
    assert b["ovs-pmmap"] == b["ovs-afpacket"] == "ovs-system"
    assert b["ovs-pmmap-zc"] == "ovs-pmmap"
    # A baseline not asked for: no ratio.
    assert "fwd-mmap" not in registry.baselines(["fwd-mmap"])
    b = registry.baselines(IDLE)
    assert b["fwd-idle-sleep"] == b["fwd-idle-interrupt"] == "fwd-idle-poll"


def test_every_path_is_made_with_a_guest_kind(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "workdir", lambda: str(tmp_path))
    cfg = BenchConfig(sizes=(64,))
    paths, unavailable = registry.make_paths(PATHS + COMPONENTS + IDLE, cfg)
    assert [p.name for p in paths] == PATHS + COMPONENTS + IDLE
    assert unavailable == []
    assert all(p.guest == "netns" for p in paths)
    # A guest kind no seat knows: every path says so instead of being
    # made.
    paths, unavailable = registry.make_paths(["both"], cfg, guest="xen")
    assert paths == [] and "guest kind 'xen'" in unavailable[0][2]


def test_simulated_stand_ins_from_the_profiles():
    sims = simulated_paths(COMPONENTS)
    assert sims["fwd-mmap"].capacity(64) == 1.2e6
    assert sims["ovs-system"].prerequisites() is None
    assert simulated_paths(["direct"])["direct"].prerequisites()


def test_a_new_path_is_one_registration(monkeypatch):
    monkeypatch.setattr(registry, "_PATHS", dict(registry._PATHS))
    registry.register_path(
        "newcomer", suite="paths", order=15, baseline="vswitch-only",
        description="a path added in one file",
        simulated=registry.SimProfile(2.0, {"guest": 100.0}))(
            lambda *a: None)
    assert list(registry.catalogue("paths"))[1] == "newcomer"
    with pytest.raises(ValueError, match="registered twice"):
        registry.register_path("newcomer", suite="paths", order=1,
                               baseline=None,
                               simulated=registry.SimProfile(1.0, {}),
                               description="again")(lambda *a: None)
