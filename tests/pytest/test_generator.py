"""The gfp-pktgen --serve protocol against a stand-in process, and the
direct path's reason, without a switch or a guest."""

import sys
import textwrap

import pytest

from gfp_bench import generator
from gfp_bench.seats.direct import DirectSeat

FAKE_PKTGEN = textwrap.dedent("""\
    import json, sys
    print(json.dumps({"ready": True, "max_size": 1514}), flush=True)
    for line in sys.stdin:
        w = line.split()
        if w == ["quit"]:
            break
        if w[0] != "trial" or int(w[3]) > 1514:
            print(json.dumps({"error": "bad " + line.strip()}), flush=True)
            continue
        rate, ms, size, flows = map(int, w[1:])
        sent = rate * ms // 1000 if rate else 1000
        print(json.dumps({"tx_packets": sent, "rx_ours": sent - 1,
                          "rx_missed": 1, "tx_seconds": ms / 1000,
                          "size": size, "flows": flows,
                          "latency_ns": {"cdf": [1.0, 2.0]}}), flush=True)
    """)


@pytest.fixture
def fake_gen(tmp_path):
    script = tmp_path / "fake-pktgen.py"
    script.write_text(FAKE_PKTGEN)
    gen = generator.Generator([sys.executable, str(script)],
                            str(tmp_path / "pktgen.log"))
    yield gen
    gen.close()


def test_generator_protocol(fake_gen):
    r = fake_gen.trial(10000.0, 64, 4, 0.5)
    # The frame size on the wire includes the FCS; gfp-pktgen's does not.
    assert (r["size"], r["flows"], r["tx_packets"]) == (60, 4, 5000)
    assert fake_gen.trial(None, 128, 1, 0.1)["tx_packets"] == 1000


def test_generator_error_is_raised_and_it_goes_on(fake_gen):
    with pytest.raises(RuntimeError, match="gfp-pktgen: bad trial"):
        fake_gen.trial(1000.0, 9000, 1, 0.1)
    assert fake_gen.trial(1000.0, 64, 1, 1.0)["tx_packets"] == 1000


def test_generator_that_dies_is_reported(tmp_path):
    script = tmp_path / "dead.py"
    script.write_text("import sys\nsys.stderr.write('EAL: no memory\\n')\n")
    with pytest.raises(RuntimeError, match="EAL: no memory"):
        generator.Generator([sys.executable, str(script)],
                          str(tmp_path / "dead.log"))


def test_direct_path_says_why_it_cannot_run(tmp_path):
    p = DirectSeat("direct", "d", str(tmp_path), (64,), 1)
    why = p.prerequisites()
    assert why and ("four ports" in why or "linked to which" in why)
