"""A two-node Ray cluster on this machine, for as long as stdin stays open: `python ray_two_nodes.py`.

A process of its own, because Ray reads its auth settings once, when it is first imported: the test
process imported it before setting them. Prints the head's address, then waits; EOF stops the cluster.
"""

from __future__ import annotations

import sys

from ray.cluster_utils import Cluster


def main() -> None:
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    try:
        cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        print(cluster.address, flush=True)
        sys.stdin.read()
    finally:
        cluster.shutdown()


if __name__ == "__main__":
    main()
