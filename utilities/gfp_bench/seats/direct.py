"""The iavf/i40e seat with no vswitch: needs two DPDK-bound ports of an
SR-IOV VF or PF pair cabled (or switched) back to back, which gfp-bench
cannot find out by itself: it says why and is skipped."""

from __future__ import annotations

import glob
import os
from typing import Optional

from ..paths import Skip
from .base import RealPath

DRIVERS = ("vfio-pci", "igb_uio", "uio_pci_generic")


class DirectSeat(RealPath):

    def prerequisites(self) -> Optional[str]:
        bound = []
        for drv in DRIVERS:
            bound += [os.path.basename(d) for d in
                      glob.glob("/sys/bus/pci/drivers/%s/0000:*" % drv)]
        vfs = glob.glob("/sys/bus/pci/devices/*/physfn")
        if len(bound) < 4:
            return ("no SR-IOV VFs or spare PFs bound for DPDK here (%d "
                    "device(s) bound to %s; %d VF(s) on the host): the "
                    "direct path needs four ports in two links (generator "
                    "to guest, guest to sink), see gfp-bench(1)"
                    % (len(bound), "/".join(DRIVERS), len(vfs)))
        return ("%d DPDK-bound device(s) found (%s), but gfp-bench cannot "
                "tell which are linked to which: run the direct path by "
                "hand, see gfp-bench(1)"
                % (len(bound), ", ".join(sorted(bound)[:4])))

    def setup(self) -> None:
        raise Skip(self.prerequisites() or "not available")

    def teardown(self) -> None:
        pass

    def trial(self, rate_pps, frame_size, flows, duration_s):
        raise Skip("not available")
