"""The run's guest (--guest vm|netns), its accelerator, vswitch-only's
switch, the VM seats the paths suite makes, and how a VM's counters join
the host's."""

import json

import pytest

from gfp_bench import counters, guests, registry, report
from gfp_bench.__main__ import main
from gfp_bench.config import BenchConfig
from gfp_bench.seats.vm_pair import VmSeat

KVM = (True, "/dev/kvm usable, the CPU has vmx")
NO_KVM = (False, "/dev/kvm opens, but the CPU shows no vmx/svm flag")
OVS = lambda: (True, "the openvswitch module is loaded")  # noqa: E731
NO_OVS = lambda: (False, "modprobe openvswitch fails (exit 1)")  # noqa: E731


def test_default_is_vm_where_kvm_works_netns_otherwise():
    g = guests.choose(None, kvm=KVM, ovs_kernel=NO_OVS)
    assert (g.kind, g.accel) == ("vm", "kvm")
    assert "KVM works here" in g.why
    g = guests.choose(None, kvm=NO_KVM, ovs_kernel=NO_OVS)
    assert (g.kind, g.accel, g.switch) == ("netns", None, None)
    assert "no KVM here" in g.why and "vmx/svm" in g.why
    # The components suite compares components on stand-in seats.
    g = guests.choose(None, "components", kvm=KVM)
    assert g.kind == "netns"


def test_vm_asked_for_under_tcg_says_rates_show_function():
    g = guests.choose("vm", kvm=NO_KVM, ovs_kernel=NO_OVS)
    assert (g.kind, g.accel) == ("vm", "tcg")
    assert g.why == "asked for (--guest vm)"
    d = g.to_dict()
    assert d["accel"] == "tcg" and "not comparable with KVM" in d["note"]
    assert "rates show function, not speed" in d["note"]
    line = report.guest_line(d)
    assert line.startswith("guest: vm (QEMU), accel tcg (asked for")
    assert "kernel switching: linux-bridge" in line
    # netns asked for where KVM works: no VM, no accelerator.
    g = guests.choose("netns", kvm=KVM, ovs_kernel=OVS)
    assert (g.kind, g.accel, g.switch) == ("netns", None, None)
    assert report.guest_line(g.to_dict()).startswith("guest: netns, ")


def test_bad_guest_choices_are_refused():
    with pytest.raises(ValueError, match="expected vm or netns"):
        guests.choose("xen", kvm=KVM)
    with pytest.raises(ValueError, match="components suite has no VM"):
        guests.choose("vm", "components", kvm=KVM)


def test_vswitch_only_switch_follows_the_ovs_kernel_module():
    g = guests.choose("vm", kvm=NO_KVM, ovs_kernel=OVS)
    assert g.switch == guests.SWITCH_OVS_KERNEL
    g = guests.choose("vm", kvm=NO_KVM, ovs_kernel=NO_OVS)
    assert g.switch == guests.SWITCH_BRIDGE
    assert "modprobe openvswitch fails" in g.switch_why


def test_ovs_kernel_probe(tmp_path):
    loaded = tmp_path / "openvswitch"
    loaded.mkdir()
    calls = []

    def modprobe(rc):
        return lambda: calls.append(rc) or rc

    # Loaded: modprobe not even tried.
    assert guests.ovs_kernel_datapath(str(loaded), modprobe(1)) == (
        True, "the openvswitch module is loaded")
    assert calls == []
    absent = str(tmp_path / "absent")
    assert guests.ovs_kernel_datapath(absent, modprobe(0))[0] is True
    ok, why = guests.ovs_kernel_datapath(absent, modprobe(1))
    assert not ok and "modprobe openvswitch fails (exit 1)" in why
    assert calls == [0, 1]


def test_kvm_probe(tmp_path):
    dev = tmp_path / "kvm"
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 vmx\n")
    ok, why = guests.kvm_usable(str(dev), str(cpuinfo))
    assert not ok and "does not open read-write" in why
    dev.write_text("")
    assert guests.kvm_usable(str(dev), str(cpuinfo)) == (
        True, "%s usable, the CPU has vmx" % dev)
    cpuinfo.write_text("flags\t\t: fpu sse2\n")
    ok, why = guests.kvm_usable(str(dev), str(cpuinfo))
    assert not ok and "no vmx/svm flag" in why


def test_every_path_of_the_suite_gets_a_vm(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "workdir", lambda: str(tmp_path))
    g = guests.choose("vm", kvm=NO_KVM, ovs_kernel=OVS)
    names = ["vswitch-only", "host-dpdk", "guest-dpdk", "both", "reference"]
    paths, unavailable = registry.make_paths(names, BenchConfig(sizes=(64,)),
                                             g)
    assert unavailable == []
    assert all(isinstance(p, VmSeat) and p.guest == "vm" for p in paths)
    seats = {p.name: (p.nic, p.mode, p.app, p.switch, p.accel)
             for p in paths}
    assert seats == {
        "vswitch-only": ("tap", "mmap", "gfp-fwd", "ovs-kernel", "tcg"),
        "guest-dpdk": ("tap", "dpdk", "gfp-fwd", "ovs-kernel", "tcg"),
        "host-dpdk": ("vhost", "mmap", "gfp-fwd", "ovs-dpdk", "tcg"),
        "both": ("vhost", "dpdk", "gfp-fwd", "ovs-dpdk", "tcg"),
        "reference": ("vhost", "dpdk", "testpmd", "ovs-dpdk", "tcg")}
    # Without the module: the Linux bridge.
    g = guests.choose("vm", kvm=NO_KVM, ovs_kernel=NO_OVS)
    paths, _ = registry.make_paths(["vswitch-only"],
                                   BenchConfig(sizes=(64,)), g)
    assert paths[0].switch == "linux-bridge"


def test_a_vms_counters_are_read_in_the_vm_and_merged():
    spec = counters.CounterSpec(sandbox="/run/p/sb", fwd_socket="/run/gfp/s",
                                guest_vm="/run/p/vm",
                                labels={"fwd:*": "guest", "ovs:*": "OVS"},
                                fwd_component="guest")
    # The host's gfp-ctl does not ask gfp-fwd: its socket is in the VM.
    host = spec.argv()
    assert "-s" not in host and "--no-fwd" in host
    assert spec.guest_argv() == ["-c", "-s", "/run/gfp/s", "stats", "--json",
                                 "--no-ovs"]
    assert counters.CounterSpec(fwd_socket="/x").guest_argv() is None
    host_doc = {"hops": [{"kind": "ovs-interface", "hop": "g0", "id": "g0",
                          "dropped": 3, "tx_packets": 10}],
                "fwd": {"reachable": False}}
    guest_doc = {"hops": [{"kind": "fwd-port", "hop": "0", "id": "fwd:0",
                           "dropped": 2, "rx_packets": 7}],
                 "fwd": {"reachable": True,
                         "totals": {"busy_cycles": 700, "rx_packets": 7}}}
    snap = counters.snapshot(counters.merge(host_doc, guest_doc), spec)
    assert snap["drop:OVS"] == 3 and snap["drop:guest"] == 2
    assert snap["busy:guest"] == 700 and snap["pkts:guest"] == 7


def test_cli_guest_option(tmp_path, capsys, monkeypatch):
    # --guest vm with the components suite: a usage error, nothing run.
    with pytest.raises(SystemExit) as e:
        main(["--suite", "components", "--guest", "vm",
              "--out", str(tmp_path / "x")])
    assert e.value.code == 2
    assert "components suite has no VM seats" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
    # The guest reaches the paths, and the report's header says it.
    seen = []
    monkeypatch.setattr(guests, "kvm_usable", lambda: NO_KVM)
    monkeypatch.setattr(guests, "ovs_kernel_datapath", NO_OVS)
    monkeypatch.setattr(registry, "make_paths", lambda names, config, guest: (
        seen.append(guest) or [],
        [(n, "?", "cannot be made here") for n in names]))
    out = tmp_path / "r"
    rc = main(["--guest", "vm", "--paths", "both", "--sizes", "64",
               "--out", str(out), "--no-charts"])
    assert rc == 1
    assert [(g.kind, g.accel) for g in seen] == [("vm", "tcg")]
    stdout, stderr = capsys.readouterr()
    assert stdout.startswith("guest: vm (QEMU), accel tcg (asked for "
                             "(--guest vm)); TCG (no KVM)")
    with open(out / "results.json") as f:
        doc = json.load(f)
    assert doc["guest"]["kind"] == "vm" and doc["guest"]["accel"] == "tcg"
    assert doc["guest"]["vswitch_only_switch"] == "linux-bridge"
    with open(out / "report.md") as f:
        assert "- guest: vm (QEMU), accel tcg" in f.read()
    # No --guest, no KVM: netns, as before.
    seen.clear()
    main(["--paths", "both", "--sizes", "64", "--out", str(out),
          "--no-charts"])
    assert [(g.kind, g.accel) for g in seen] == [("netns", None)]


def test_max_rate_caps_the_mrr_trial():
    from gfp_bench.paths import SimulatedPath
    from gfp_bench.trials import Runner
    path = SimulatedPath("vswitch-only", 1e6, generator_pps=8e6)
    asked = []
    trial = path.trial
    path.trial = lambda rate, *a: asked.append(rate) or trial(rate, *a)
    cfg = BenchConfig(sizes=(64,), trials=1, max_rate_pps=2000.0,
                      measure_generator=False)
    doc = Runner([path], cfg).run().to_dict()
    # The MRR trial at the cap, and no trial above it.
    assert asked[0] == 2000.0 and max(asked) == 2000.0
    assert doc["config"]["max_rate_pps"] == 2000.0
    assert "capped at 2000 frames/s" in report.table(doc)
    md = report.markdown(doc)
    assert "offered rate capped at 2000 frames/s" in md
    # The search says its rate is the cap's, not the generator's limit.
    assert "NDR: no loss at the rate cap (--max-rate)" in md
    assert "the sender is the limit" not in md
    with pytest.raises(ValueError, match="must be positive"):
        BenchConfig(max_rate_pps=0.0)


def test_simulate_probes_nothing(tmp_path, monkeypatch, capsys):
    def boom(*a, **k):
        raise AssertionError("probed under --simulate")
    monkeypatch.setattr(guests, "kvm_usable", boom)
    monkeypatch.setattr(guests, "ovs_kernel_datapath", boom)
    rc = main(["--simulate", "--guest", "vm", "--paths", "both", "--sizes",
               "64", "--trials", "1", "--out", str(tmp_path), "--no-charts"])
    assert rc == 0
    out = capsys.readouterr().out
    assert out.startswith("guest: none (simulated paths)")
    with open(tmp_path / "results.json") as f:
        assert "guest" not in json.load(f)
